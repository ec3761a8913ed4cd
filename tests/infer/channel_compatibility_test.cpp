#include "rein/infer/channel_compatibility.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace channel_compatibility_test {

namespace {

using rein::likelihood::modifier_type;

// One bin per channel, signal s_c scaled by μ, background b_c (no nuisance parameters), plus an
// optional control region without signal.
rein::likelihood::model counting(const std::vector<double>& s, const std::vector<double>& b, const std::vector<double>& n,
                                 bool control_region = false) {
  rein::likelihood::workspace ws;
  for (std::size_t c = 0; c < s.size(); ++c) {
    const std::string name = "SR" + std::to_string(c + 1);
    rein::likelihood::channel channel{name, {}};
    channel.samples.push_back({"signal", {s[c]}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    if (b[c] > 0) channel.samples.push_back({"background", {b[c]}, {}});
    ws.channels.push_back(channel);
    ws.observations.push_back({name, {n[c]}});
  }
  if (control_region) {
    rein::likelihood::channel cr{"CR", {}};
    cr.samples.push_back({"background", {100.0}, {{"k", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels.push_back(cr);
    ws.observations.push_back({"CR", {110.0}});
  }
  rein::likelihood::parameter_config mu{"mu", {}, {}, {}, {}, {}, {}};
  mu.bounds = std::vector<std::pair<double, double>>{{0.0, 20.0}};
  ws.measurements.push_back({"m", "mu", {mu}});
  return rein::likelihood::make_model(ws);
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("channel_compatibility: background-free counting channels against closed forms") {
    // n_c ~ Pois(μ s_c): μ̂_c = n_c/s_c ± √n_c/s_c, common μ̂ = Σn/Σs, and since Σ(n_c − μ̂ s_c) = 0,
    // 2Δnll = 2 Σ n_c ln(n_c/(μ̂ s_c)), χ²₂ survival e^{−q/2}
    const std::vector<double> s = {10, 20, 40}, n = {15, 45, 70};
    const auto m = counting(s, {0, 0, 0}, n, true);
    const auto r = rein::infer::channel_compatibility(m);
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.poi == "mu");
    REQUIRE(r.channels.size() == 3);  // the control region has no signal: no POI of its own
    CHECK(r.channels[0].channel == "SR1");
    CHECK(r.channels[2].channel == "SR3");
    CHECK(r.ndf == 2);
    const double mu = 130.0 / 70;
    double q = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      // fits stationary to edm ≲ 1e-10: values to 1e-5 of their errors; Hessian errors to 1e-4 relative
      REIN_CHECK_ABS(r.channels[c].value, n[c] / s[c], 1e-5 * std::sqrt(n[c]) / s[c]);
      REIN_CHECK_REL(r.channels[c].error, std::sqrt(n[c]) / s[c], 1e-4);
      q += 2 * n[c] * std::log(n[c] / (mu * s[c]));
    }
    REIN_CHECK_ABS(r.mu_common, mu, 1e-5 * std::sqrt(130.0) / 70);
    REIN_CHECK_REL(r.mu_common_error, std::sqrt(130.0) / 70, 1e-4);
    // q from two minima, each within ~1e-10 of its nll: 1e-8 absolute
    REIN_CHECK_ABS(r.twice_delta_nll, q, 1e-8);
    REIN_CHECK_REL(r.p_value, std::exp(-r.twice_delta_nll / 2), 1e-12);
    MESSAGE("channel compatibility: 2dnll = " << r.twice_delta_nll << " (closed form " << q << "), p = " << r.p_value);
  }

  TEST_CASE("channel_compatibility: with backgrounds, 2dnll equals the channels' separate fits") {
    // the split model is the channels fitted each on its own: nll_split = Σ_c min nll_c, each a
    // one-bin Poisson with μ̂_c = (n_c − b_c)/s_c saturating it; nll_common from the common fit
    const std::vector<double> s = {12, 30}, b = {50, 80}, n = {70, 95};
    const auto m = counting(s, b, n);
    const auto r = rein::infer::channel_compatibility(m);
    REQUIRE(r.channels.size() == 2);
    // each channel alone, saturated: nll_c = n − n ln n + lnΓ(n + 1)
    double nll_split = 0;
    for (double count : n) nll_split += count - count * std::log(count) + std::lgamma(count + 1);
    REIN_CHECK_ABS(r.split.nll, nll_split, 1e-9);
    // the common fit by hand: Σ s_c (n_c/(μ s_c + b_c) − 1) = 0, solved by bisection to 1e-15
    double lo = 0, hi = 10;
    for (int i = 0; i < 200; ++i) {
      const double mid = (lo + hi) / 2;
      double g = 0;
      for (std::size_t c = 0; c < 2; ++c) g += s[c] * (n[c] / (mid * s[c] + b[c]) - 1);
      (g > 0 ? lo : hi) = mid;
    }
    double q = 0;
    for (std::size_t c = 0; c < 2; ++c) {
      const double nu = lo * s[c] + b[c];
      q += 2 * (nu - n[c] + n[c] * std::log(n[c] / nu));
    }
    REIN_CHECK_ABS(r.twice_delta_nll, q, 1e-8);
    REIN_CHECK_ABS(r.channels[1].value, (n[1] - b[1]) / s[1], 1e-5);
    // χ²₁ survival = erfc(√(q/2))
    REIN_CHECK_REL(r.p_value, std::erfc(std::sqrt(r.twice_delta_nll / 2)), 1e-12);
  }

  TEST_CASE("channel_compatibility: toy p-value against the chi2 one at large counts, whatever the thread count") {
    // counts ~1e3: 2Δnll ~ χ²₁ to O(1/n)
    const auto m = counting({500, 800}, {1000, 1500}, {1560, 2250});
    rein::infer::channel_compatibility_options options;
    options.n_toys = 1500;
    options.seed = 3;
    options.threads = 2;
    const auto r = rein::infer::channel_compatibility(m, options);
    CHECK(r.failed_fits == 0);
    // 4 binomial standard errors + 0.01 for O(1/n) effects
    REIN_CHECK_ABS(r.p_value_toys, r.p_value, 4 * r.p_value_toys_error + 0.01);
    double mean = 0;
    for (double t : r.toy_twice_delta_nll) mean += t / 1500;
    REIN_CHECK_ABS(mean, 1.0, 4 * std::sqrt(2.0 / 1500));  // E χ²₁ = 1, standard error √(2/N)
    MESSAGE("compatibility toys: p = " << r.p_value_toys << " +- " << r.p_value_toys_error << ", chi2 p = " << r.p_value);
    options.n_toys = 30;
    options.threads = 1;
    const auto one = rein::infer::channel_compatibility(m, options);
    options.threads = 3;
    const auto three = rein::infer::channel_compatibility(m, options);
    for (std::size_t i = 0; i < 30; ++i) {
      CHECK(one.toy_twice_delta_nll[i] == three.toy_twice_delta_nll[i]);
      CHECK(one.toy_twice_delta_nll[i] == r.toy_twice_delta_nll[i]);
    }
  }

  TEST_CASE("channel_compatibility: split_poi_by_channel and bad input") {
    const auto m = counting({10, 20}, {5, 5}, {12, 30}, true);
    const auto split = rein::infer::split_poi_by_channel(m);
    CHECK(split.model.parameters().size() == m.parameters().size() + 1);
    CHECK(split.model.parameters()[split.pois[0]].name == "mu_SR1");
    CHECK(split.model.parameters()[split.pois[1]].name == "mu_SR2");
    CHECK(split.model.parameters().poi_index() == split.pois[0]);
    // same expected counts when every copy has the common value
    Eigen::VectorXd theta = split.model.parameters().inits();
    theta[static_cast<Eigen::Index>(split.pois[0])] = theta[static_cast<Eigen::Index>(split.pois[1])] = 1.7;
    Eigen::VectorXd common = m.parameters().inits();
    common[static_cast<Eigen::Index>(m.parameters().poi_index())] = 1.7;
    CHECK((split.model.expected_main(theta) - m.expected_main(common)).cwiseAbs().maxCoeff() == 0.0);
    rein::infer::channel_compatibility_options options;
    options.fit.fixed = {{"mu", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::channel_compatibility(m, options),
                         "rein::infer::channel_compatibility: options.fit.fixed holds the parameter of interest 'mu'; "
                         "the test compares its fitted values",
                         rein::invalid_argument);
    options.fit.fixed.clear();
    options.threads = 0;
    CHECK_THROWS_WITH_AS((void)rein::infer::channel_compatibility(m, options),
                         "rein::infer::channel_compatibility: options.threads = 0, must be >= 1", rein::invalid_argument);
    // one channel with the POI: 2Δnll = 0, no p-value, a warning
    const auto single = rein::infer::channel_compatibility(counting({10}, {5}, {12}));
    CHECK(single.ndf == 0);
    CHECK(std::isnan(single.p_value));
    REQUIRE(!single.warnings.empty());
    CHECK(single.warnings[0] == "only channel 'SR1' uses the parameter of interest: nothing to compare");
  }
}

}  // namespace channel_compatibility_test
