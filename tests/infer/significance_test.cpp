#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/significance.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace significance_test {

namespace {

using rein::likelihood::modifier_type;

struct counting_channel {
  std::string name;
  double s, b, n;  // signal s·μ_name (normfactor μ_name ∈ [0, 10]), background b known exactly, n observed
};

// Independent one-bin channels, each with its own signal strength; the POI is the first one's.
rein::likelihood::model channels(const std::vector<counting_channel>& list, const std::string& fixed = "") {
  rein::likelihood::workspace ws;
  rein::likelihood::measurement m{"m", "mu_" + list.front().name, {}};
  for (const auto& c : list) {
    rein::likelihood::channel channel{c.name, {}};
    channel.samples.push_back({"signal", {c.s}, {{"mu_" + c.name, modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    channel.samples.push_back({"background", {c.b}, {}});
    ws.channels.push_back(channel);
    ws.observations.push_back({c.name, {c.n}});
  }
  if (!fixed.empty()) {
    rein::likelihood::parameter_config config{fixed, {}, {}, {}, {}, {}, {}};
    config.fixed = true;
    m.parameters.push_back(config);
  }
  ws.measurements.push_back(m);
  return rein::likelihood::make_model(ws);
}

// q of one channel tested at μ0 when its μ̂ = (n − b)/s is inside the bounds: 2[ν0 − n − n ln(ν0/n)].
double q_channel(const counting_channel& c, double mu0) {
  const double nu = c.s * mu0 + c.b;
  return 2 * (nu - c.n - c.n * std::log(nu / c.n));
}

const double pi = 3.14159265358979323846;

// Tolerances. Null fits here have no free parameter (exact to rounding); the free fit stops at
// edm ≤ 1e-10 per the minimiser's defaults, so q is low by at most ~2·edm: q to 1e-9 absolute.
// The χ² conversions are then checked on the library's own q, to rounding.
constexpr double q_atol = 1e-9;

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("likelihood_ratio_test: two independent channels, q = q_A + q_B and p = exp(-q/2)") {
    const counting_channel a{"A", 10, 20, 35}, b{"B", 5, 10, 18};  // μ̂ = 1.5 and 1.6
    const auto m = channels({a, b});
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.0}, {"mu_B", 0.0}});
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.dof == 2);
    const double q = q_channel(a, 0) + q_channel(b, 0);  // ≈ 14.33
    REIN_CHECK_ABS(r.q, q, q_atol);
    REIN_CHECK_REL(r.z_sqrt_q, std::sqrt(r.q), 1e-15);
    // χ²₂ survival is exp(−q/2) exactly; Boost's incomplete gamma to a few ulp
    REIN_CHECK_REL(r.p_chi2, std::exp(-r.q / 2), 1e-13);
    // against the closed form: dp/p = dq/2 ≤ 5e-10
    REIN_CHECK_REL(r.p_chi2, std::exp(-q / 2), 1e-9);
    // z = Φ⁻¹(1 − p), checked through std::erfc (independent of the erfc_inv the library uses):
    // Φ(−z) = p to a few ulp of z times |d ln p/dz| ≈ z ≈ 3
    REIN_CHECK_REL(0.5 * std::erfc(r.z_chi2 / std::sqrt(2.0)), r.p_chi2, 1e-12);
    CHECK(r.z_chi2 < r.z_sqrt_q);  // two parameters' worth of freedom costs significance
    // both fits are returned: free at μ̂ = (n − b)/s (within √(2·edm)·σ ≈ 1e-5·0.6), null at the null
    const auto& layout = m.parameters();
    REIN_CHECK_ABS(r.free.values[static_cast<Eigen::Index>(layout.index("mu_A"))], 1.5, 1e-5);
    REIN_CHECK_ABS(r.free.values[static_cast<Eigen::Index>(layout.index("mu_B"))], 1.6, 1e-5);
    CHECK(r.null.values[static_cast<Eigen::Index>(layout.index("mu_A"))] == 0.0);
    CHECK(r.null.values[static_cast<Eigen::Index>(layout.index("mu_B"))] == 0.0);
  }

  TEST_CASE("likelihood_ratio_test: three parameters held away from 0, and a single one") {
    const counting_channel a{"A", 10, 20, 35}, b{"B", 5, 10, 18}, c{"C", 4, 6, 9};  // μ̂ = 1.5, 1.6, 0.75
    const auto m = channels({a, b, c});
    {
      const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.5}, {"mu_B", 0.0}, {"mu_C", 0.25}});
      CHECK(r.dof == 3);
      REIN_CHECK_ABS(r.q, q_channel(a, 0.5) + q_channel(b, 0) + q_channel(c, 0.25), q_atol);
      // χ²₃ survival: erfc(√(q/2)) + √(2q/π) e^(−q/2) (Q(3/2, q/2) by one recurrence step)
      REIN_CHECK_REL(r.p_chi2, std::erfc(std::sqrt(r.q / 2)) + std::sqrt(2 * r.q / pi) * std::exp(-r.q / 2), 1e-13);
      REIN_CHECK_REL(0.5 * std::erfc(r.z_chi2 / std::sqrt(2.0)), r.p_chi2, 1e-12);
    }
    {
      // one parameter: √q is the one-sided significance, the χ²₁ p-value erfc(√(q/2)) = 2Φ(−√q) is
      // two-sided, so Φ(−z_chi2) = 2Φ(−z_sqrt_q)
      const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_B", 0.0}});
      CHECK(r.dof == 1);
      REIN_CHECK_ABS(r.q, q_channel(b, 0), q_atol);
      REIN_CHECK_REL(r.p_chi2, std::erfc(std::sqrt(r.q / 2)), 1e-13);
      REIN_CHECK_REL(0.5 * std::erfc(r.z_chi2 / std::sqrt(2.0)), std::erfc(r.z_sqrt_q / std::sqrt(2.0)), 1e-12);
    }
  }

  TEST_CASE("likelihood_ratio_test: no excess gives z = 0 in both conventions") {
    // A: n = 21 over b = 20, q_A ≈ 0.049; B: n = 8 < b = 10, μ̂_B = 0 on its bound, q_B = 0.
    // p = exp(−q/2) ≈ 0.976 > 1/2: Φ⁻¹(1 − p) ≈ −2.0, which z_chi2 clips to 0 as √q is ≥ 0 (and as
    // it is at q = 0, p = 1).
    const counting_channel a{"A", 10, 20, 21}, b{"B", 5, 10, 8};
    const auto m = channels({a, b});
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.0}, {"mu_B", 0.0}});
    REIN_CHECK_ABS(r.q, q_channel(a, 0), q_atol);
    REIN_CHECK_REL(r.p_chi2, std::exp(-r.q / 2), 1e-13);
    CHECK(r.z_chi2 == 0.0);
    // both channels at a deficit: the free fit ends on the null, q = 0 up to the free fit's 2·edm
    const auto deficit = channels({{"A", 10, 20, 15}, {"B", 5, 10, 8}});
    const auto d = rein::infer::likelihood_ratio_test(deficit, deficit.observed(), {{"mu_A", 0.0}, {"mu_B", 0.0}});
    REIN_CHECK_ABS(d.q, 0.0, q_atol);
    CHECK(d.z_chi2 == 0.0);
  }

  TEST_CASE("likelihood_ratio_test: bad input") {
    using rein::invalid_argument;
    const auto m = channels({{"A", 10, 20, 35}, {"B", 5, 10, 18}});
    const auto& data = m.observed();
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {}),
                         "rein::infer::likelihood_ratio_test: the null hypothesis fixes no parameter", invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {{"mu_A", 0.0}, {"nope", 0.0}}),
                         "rein::infer::likelihood_ratio_test: null[1] names 'nope', not a parameter of the model",
                         invalid_argument);
    // counted twice, dof would be 2 for one constraint
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {{"mu_A", 0.0}, {"mu_A", 0.5}}),
                         "rein::infer::likelihood_ratio_test: null[1] names 'mu_A', as null[0] does", invalid_argument);
    rein::fit::fit_options held;
    held.fixed = {{"mu_B", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {{"mu_B", 0.0}}, held),
                         doctest::Contains("null[0] names 'mu_B', which is fixed already"), invalid_argument);
    const auto fixed = channels({{"A", 10, 20, 35}, {"B", 5, 10, 18}}, "mu_B");
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(fixed, fixed.observed(), {{"mu_A", 0.0}, {"mu_B", 0.0}}),
                         doctest::Contains("null[1] names 'mu_B', which is fixed already"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {{"mu_A", -1.0}}),
                         "rein::fit::fit: fixed value mu_A = -1 lies outside its bounds [0, 10]", invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::likelihood_ratio_test(m, data, {{"mu_A", std::nan("")}}),
                         doctest::Contains("fixed value mu_A = nan lies outside"), invalid_argument);
  }

  TEST_CASE("likelihood_ratio_test: chi-bar-squared for signal strengths tested on their bound") {
    // independent channels: the estimators are uncorrelated, w = (1/4, 1/2, 1/4) (Chernoff), and
    // p = 1/4 P(χ²₂ ≥ q) + 1/2 P(χ²₁ ≥ q) = e^{−q/2}/4 + erfc(√(q/2))/2
    const counting_channel a{"A", 10, 20, 35}, b{"B", 5, 10, 18};
    const auto m = channels({a, b});
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.0}, {"mu_B", 0.0}});
    CHECK(r.on_bound == std::vector<std::string>{"mu_A", "mu_B"});
    CHECK(r.squared.empty());
    CHECK(r.unidentified.empty());
    CHECK(r.chibar2_note.empty());
    REQUIRE(r.chibar2_weights.size() == 3);
    // the Fisher information comes from finite differences of linear yields: exact to ~1e-10
    REIN_CHECK_ABS(r.chibar2_weights[0], 0.25, 1e-9);
    REIN_CHECK_ABS(r.chibar2_weights[1], 0.5, 1e-9);
    REIN_CHECK_ABS(r.chibar2_weights[2], 0.25, 1e-9);
    REIN_CHECK_REL(r.p_chibar2, std::exp(-r.q / 2) / 4 + std::erfc(std::sqrt(r.q / 2)) / 2, 1e-8);
    CHECK(r.p_chibar2 < r.p_chi2);  // the bound halves the tails
    REIN_CHECK_REL(0.5 * std::erfc(r.z_chibar2 / std::sqrt(2.0)), r.p_chibar2, 1e-12);
    // one tested parameter away from its bound counts as a regular χ² degree of freedom
    const auto mixed = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.5}, {"mu_B", 0.0}});
    CHECK(mixed.on_bound == std::vector<std::string>{"mu_B"});
    REIN_CHECK_REL(mixed.p_chibar2, 0.5 * std::erfc(std::sqrt(mixed.q / 2)) + 0.5 * std::exp(-mixed.q / 2), 1e-8);
  }

  TEST_CASE("likelihood_ratio_test: chi-bar-squared weights from correlated estimators, against the 2x2 Fisher information") {
    // two channels, each with two signals of strengths μ_X, μ_Y ∈ [0, 10] on a known background:
    // ν_c = a_cX μ_X + a_cY μ_Y + b_c. At the null ν_c = b_c, I = Σ_c g_c g_cᵀ / b_c with
    // g_c = (a_cX, a_cY); V = I⁻¹ and ρ = V_XY/√(V_XX V_YY); w_0 = acos(ρ)/2π (Kudo 1963)
    const double a[2][2] = {{8, 3}, {2, 6}}, bkg[2] = {20, 15}, n[2] = {33, 27};
    rein::likelihood::workspace ws;
    for (int c = 0; c < 2; ++c) {
      const std::string name = c == 0 ? "one" : "two";
      rein::likelihood::channel channel{name, {}};
      channel.samples.push_back({"x", {a[c][0]}, {{"mu_X", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
      channel.samples.push_back({"y", {a[c][1]}, {{"mu_Y", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
      channel.samples.push_back({"background", {bkg[c]}, {}});
      ws.channels.push_back(channel);
      ws.observations.push_back({name, {n[c]}});
    }
    ws.measurements.push_back({"m", "mu_X", {}});
    const auto m = rein::likelihood::make_model(ws);
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_X", 0.0}, {"mu_Y", 0.0}});
    Eigen::Matrix2d fisher = Eigen::Matrix2d::Zero();
    for (int c = 0; c < 2; ++c) {
      const Eigen::Vector2d g(a[c][0], a[c][1]);
      fisher += g * g.transpose() / bkg[c];
    }
    const Eigen::Matrix2d v = fisher.inverse();
    const double rho = v(0, 1) / std::sqrt(v(0, 0) * v(1, 1));  // ≈ −0.55
    REQUIRE(r.chibar2_weights.size() == 3);
    REIN_CHECK_ABS(r.chibar2_weights[0], std::acos(rho) / (2 * pi), 1e-9);
    REIN_CHECK_ABS(r.chibar2_weights[1], 0.5, 1e-9);
    REIN_CHECK_ABS(r.chibar2_weights[2], 0.5 - std::acos(rho) / (2 * pi), 1e-9);
  }

  TEST_CASE("likelihood_ratio_test: a parameter that only acts with the signal is unidentified under the null") {
    // ν = s·μ·k + b with k ∈ [0.5, 2]: at μ = 0, k changes nothing (the look-elsewhere situation of
    // a resonance's mass at zero rate): no asymptotic calibration, a note says to use toys
    rein::likelihood::workspace ws;
    rein::likelihood::channel channel{"A", {}};
    channel.samples.push_back({"signal", {10}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}},
                                                {"k", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    channel.samples.push_back({"background", {20}, {}});
    ws.channels.push_back(channel);
    ws.observations.push_back({"A", {35}});
    rein::likelihood::parameter_config k{"k", {}, {}, {}, {}, {}, {}};
    k.bounds = std::vector<std::pair<double, double>>{{0.5, 2.0}};
    ws.measurements.push_back({"m", "mu", {k}});
    const auto m = rein::likelihood::make_model(ws);
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu", 0.0}});
    CHECK(r.unidentified == std::vector<std::string>{"k"});
    CHECK(r.chibar2_weights.empty());
    CHECK(std::isnan(r.p_chibar2));
    CHECK(r.chibar2_note.find("use toys") != std::string::npos);
  }

  TEST_CASE("likelihood_ratio_test: toys at the null give the Poisson tail of the count") {
    // one channel, μ ∈ [0, 10] tested at 0, b = 20 known, n = 30: q rises with n above b, so
    // P(q ≥ q_obs | μ = 0) = P(N ≥ 30 | 20) = 0.018569... (Poisson tail, summed here in long double)
    const counting_channel a{"A", 10, 20, 30};
    const auto m = channels({a});
    const auto r = rein::infer::likelihood_ratio_test(m, m.observed(), {{"mu_A", 0.0}});
    const auto toys = rein::infer::likelihood_ratio_toy_calibration(m, r, {{"mu_A", 0.0}}, {}, 4000, 11, 2);
    long double term = std::exp(-20.0L), below = 0;
    for (int k = 0; k < 30; ++k) below += term, term *= 20.0L / (k + 1);
    const double tail = static_cast<double>(1.0L - below);
    CHECK(toys.n == 4000);
    CHECK(toys.failed == 0);
    // binomial σ = √(p(1 − p)/n) ≈ 2.1e-3: 5σ
    REIN_CHECK_ABS(toys.p, tail, 5 * std::sqrt(tail * (1 - tail) / 4000));
    // the same toys at any thread count
    const auto again = rein::infer::likelihood_ratio_toy_calibration(m, r, {{"mu_A", 0.0}}, {}, 4000, 11, 1);
    CHECK(again.exceeding == toys.exceeding);
  }
}
}  // namespace significance_test
