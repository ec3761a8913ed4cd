// Summaries of exact draws (not of a sampler): quantiles, KDE modes, HDIs and credible limits
// against the closed forms of the distributions the draws come from.
#include "support/close.hpp"

#include <rein/bayes/summary.hpp>
#include <rein/core/error.hpp>
#include <rein/core/random.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

namespace summary_test {

namespace {

std::vector<double> normal_draws(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> x(n);
  for (auto& v : x) v = rein::standard_normal(rng);
  return x;
}

// Exponential(1) by inversion.
std::vector<double> exponential_draws(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> x(n);
  for (auto& v : x) v = -std::log(rein::uniform_open01(rng));
  return x;
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("summary: type-7 quantiles of a fixed sample equal the hand computation") {
    const std::vector<double> x = {4, 1, 3, 2, 5};
    // type 7: h = (n − 1)p; p = 0.3 → h = 1.2 → 2 + 0.2·(3 − 2)
    REIN_CHECK_ABS(rein::bayes::quantile(x, 0.3), 2.2, 1e-15);
    REIN_CHECK_ABS(rein::bayes::quantile(x, 0.5), 3.0, 0.0);
    REIN_CHECK_ABS(rein::bayes::upper_limit(x, 0.9), 4.6, 1e-15);
  }

  TEST_CASE("summary: 95% HDI of standard normal draws is +-1.95996") {
    const auto x = normal_draws(200000, 5);
    const auto interval = rein::bayes::hdi(x, 0.95);
    CHECK(interval.kind == "hdi");
    // The width of the shortest 95% interval is sharp: 2Φ⁻¹(0.975) = 3.919927970, each end
    // scattering by √(p(1−p)/N)/φ(1.96) ≈ 0.008, so 0.03 is three standard errors of the width.
    REIN_CHECK_ABS(interval.upper - interval.lower, 3.919927970, 0.03);
    // Its position is not: the width is flat to second order in a shift δ (W ≈ W₀ + 1.96 δ²), so
    // width noise of ~0.001 moves the ends by ~0.02. 0.07 is three times that.
    REIN_CHECK_ABS(interval.lower, -1.959963985, 0.07);
    REIN_CHECK_ABS(interval.upper, 1.959963985, 0.07);
    // The KDE mode at Silverman's h ≈ 0.078 scatters by √(f(0) R(K′)/(N h³))/|f″(0)| ≈ 0.06;
    // 0.25 is four standard errors.
    REIN_CHECK_ABS(rein::bayes::kde_mode(x).mode, 0.0, 0.25);
  }

  TEST_CASE("summary: a density peaking at its lower bound gets a one-sided interval [0, q95]") {
    const auto x = exponential_draws(200000, 9);
    const auto interval = rein::bayes::hdi(x, 0.95, 0.0);
    CHECK(interval.kind == "lower_bound");
    REIN_CHECK_ABS(interval.lower, 0.0, 0.0);
    // Exp(1): q95 = −ln 0.05 = 2.995732274; standard error √(0.05·0.95/N)/0.05 ≈ 0.01
    REIN_CHECK_ABS(interval.upper, 2.995732274, 0.03);
    // the reflected KDE puts the mode at the bound (within one bandwidth of it)
    const auto mode = rein::bayes::kde_mode(x, 0.0);
    CHECK(mode.mode <= mode.bandwidth);
  }

  TEST_CASE("summary: an interior peak next to a bound still gets the shortest interval") {
    // N(3, 1) truncated to [0, ∞) by rejection: the mode is ~40 bandwidths from the bound
    std::vector<double> x;
    for (const double v : normal_draws(100000, 21))
      if (v + 3 >= 0) x.push_back(v + 3);
    const auto interval = rein::bayes::hdi(x, 0.68, 0.0);
    CHECK(interval.kind == "hdi");
    // the truncation removes 0.135% of the mass: half-width Φ⁻¹(0.5 + 0.34·0.99865) = 0.99262;
    // width noise ≈ √2·√(0.68·0.32/N)/φ(0.99) ≈ 0.009, 0.03 is three standard errors
    REIN_CHECK_ABS(interval.upper - interval.lower, 2 * 0.99262, 0.03);
    CHECK(interval.lower < 3);
    CHECK(interval.upper > 3);
  }

  TEST_CASE("summary: bad input") {
    const std::vector<double> x = {1, 2, 3};
    CHECK_THROWS_AS((void)rein::bayes::hdi(x, 1.5), rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::bayes::hdi(x, 0.5, 2.0, 1.0), rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::bayes::quantile({}, 0.5), rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::bayes::upper_limit({1.0, NAN}, 0.5), rein::invalid_argument);
  }
}
}  // namespace summary_test
