#include "rein/infer/global_significance.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <boost/math/distributions/poisson.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace global_significance_test {

namespace {

using rein::likelihood::modifier_type;

constexpr double background = 3.0;

// A bump hunt whose scan points are independent: one channel of G bins with a background of 3
// events each, known exactly, and G signal templates, template k all in bin k (10 events × μ_k,
// μ_k ∈ [0, 10]). Point k frees μ_k and holds the others at 0; the null holds every μ at 0. Then
// q_k depends on bin k's count alone — q(n) = 2[n ln(n/b) − (n − b)] for n > b, else 0 — and the
// q_k are independent under the null: the global p-value is 1 − (1 − p₁)^G exactly, p₁ = P(q ≥ q_obs)
// a Poisson tail.
rein::likelihood::model bump_hunt(const std::vector<double>& observed) {
  const std::size_t bins = observed.size();
  rein::likelihood::workspace ws;
  rein::likelihood::channel channel{"scan", {}};
  for (std::size_t k = 0; k < bins; ++k) {
    std::vector<double> yields(bins, 0.0);
    yields[k] = 10.0;
    channel.samples.push_back(
        {"signal_" + std::to_string(k), yields, {{"mu_" + std::to_string(k), modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  }
  channel.samples.push_back({"background", std::vector<double>(bins, background), {}});
  ws.channels.push_back(channel);
  ws.observations.push_back({"scan", observed});
  ws.measurements.push_back({"m", "mu_0", {}});
  return rein::likelihood::make_model(ws);
}

rein::infer::held_parameters null_of(std::size_t bins) {
  rein::infer::held_parameters null;
  for (std::size_t k = 0; k < bins; ++k) null.push_back({"mu_" + std::to_string(k), 0.0});
  return null;
}

std::vector<rein::infer::held_parameters> points_of(std::size_t bins) {
  std::vector<rein::infer::held_parameters> points;
  for (std::size_t k = 0; k < bins; ++k) {
    rein::infer::held_parameters point;
    for (std::size_t j = 0; j < bins; ++j)
      if (j != k) point.push_back({"mu_" + std::to_string(j), 0.0});
    points.push_back(point);
  }
  return points;
}

// P(n ≥ k) for n ~ Poisson(b)
double tail(double k) { return k <= 0 ? 1.0 : boost::math::cdf(boost::math::complement(boost::math::poisson(background), k - 1)); }

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("global significance of a bump hunt with independent points: q, local and global toy p-values, upcrossings") {
    const std::vector<double> observed = {3, 7, 2, 4};
    const auto model = bump_hunt(observed);
    rein::infer::global_significance_options options;
    options.toys = 2000;
    options.seed = 17;
    options.threads = 2;
    const auto r = rein::infer::global_significance(model, model.observed(), null_of(4), points_of(4), options);
    REQUIRE(r.q.size() == 4);
    CHECK(r.best == 1);
    // q(n) closed form (the Poisson likelihood ratio with μ̂ = (n − b)/10 inside its bounds)
    const auto q_of = [](double n) { return n > background ? 2 * (n * std::log(n / background) - (n - background)) : 0.0; };
    for (std::size_t k = 0; k < 4; ++k) REIN_CHECK_ABS(r.q[k], q_of(observed[k]), 1e-6);
    REIN_CHECK_ABS(r.q_max, q_of(7), 1e-6);
    REIN_CHECK_ABS(r.local.q, q_of(7), 1e-6);
    CHECK(r.failed == 0);

    // exact references: q ≥ q(7) ⇔ n ≥ 7, so p_local = P(n ≥ 7) and p_global = 1 − (1 − p_local)^4;
    // the toy estimates are binomial: 4 standard deviations
    const double p1 = tail(7), p_global = 1 - std::pow(1 - p1, 4), n = 2000;
    REIN_CHECK_ABS(r.p_local, p1, 4 * std::sqrt(p1 * (1 - p1) / n));
    REIN_CHECK_ABS(r.p_global, p_global, 4 * std::sqrt(p_global * (1 - p_global) / n));
    REIN_CHECK_REL(r.trials_factor, r.p_global / r.p_local, 1e-15);
    CHECK(r.z_global < r.z_local);

    // upcrossings of u = 1 along k = 0..3: q ≥ 1 ⇔ n ≥ 5 (q(4) = 0.30, q(5) = 1.11), independent
    // points: ⟨N⟩ = 3 P(n ≥ 5)(1 − P(n ≥ 5)); N ≤ 2, so Var N ≤ 2⟨N⟩: 4 standard deviations
    REQUIRE(q_of(4) < 1.0);
    REQUIRE(q_of(5) >= 1.0);
    const double pu = tail(5), crossings = 3 * pu * (1 - pu);
    REIN_CHECK_ABS(r.mean_upcrossings, crossings, 4 * std::sqrt(2 * crossings / n));
    // Gross–Vitells: the local asymptotic p-value plus ⟨N⟩e^{−(q − u)/2}
    const double p_local_asymptotic = std::isnan(r.local.p_chibar2) ? r.local.p_chi2 : r.local.p_chibar2;
    REIN_CHECK_REL(r.p_global_asymptotic, p_local_asymptotic + r.mean_upcrossings * std::exp(-(r.q_max - 1.0) / 2), 1e-14);
    REIN_CHECK_REL(r.trials_factor_asymptotic, r.p_global_asymptotic / p_local_asymptotic, 1e-15);
  }

  TEST_CASE("global significance: one point has no look-elsewhere effect; bad scans are named") {
    const auto model = bump_hunt({3, 7});
    rein::infer::global_significance_options options;
    options.toys = 200;
    const std::vector<rein::infer::held_parameters> one = {points_of(2)[1]};
    const auto r = rein::infer::global_significance(model, model.observed(), null_of(2), one, options);
    // the global statistic is the local one: identical toy counts, trials factor exactly 1
    CHECK(r.global_exceeding == r.local_exceeding);
    CHECK(r.trials_factor == 1.0);
    CHECK(r.mean_upcrossings == 0.0);

    CHECK_THROWS_WITH_AS((void)rein::infer::global_significance(model, model.observed(), null_of(2), {}),
                         doctest::Contains("the scan has no points"), rein::invalid_argument);
    const std::vector<rein::infer::held_parameters> conflicting = {{{"mu_0", 1.0}}};
    CHECK_THROWS_WITH_AS((void)rein::infer::global_significance(model, model.observed(), null_of(2), conflicting),
                         doctest::Contains("points[0] holds 'mu_0' = 1, the null holds it at 0"), rein::invalid_argument);
  }
}
}  // namespace global_significance_test
