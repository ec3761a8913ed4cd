#include "rein/core/random.hpp"

#include "support/close.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace random_test {

namespace {
using namespace rein;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const double pi = 3.141592653589793238462643383279502884;

// Engines that replay fixed outputs, to check the documented transforms exactly.
struct replay64 {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<std::uint64_t>::max(); }
  std::vector<std::uint64_t> values;
  std::size_t next = 0;
  result_type operator()() { return values[next++]; }
};
struct replay32 {
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xFFFFFFFFu; }
  std::vector<std::uint32_t> values;
  std::size_t next = 0;
  result_type operator()() { return values[next++]; }
};

double chi2_p(const std::vector<double>& observed, const std::vector<double>& prob, double n) {
  double chi2 = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double e = n * prob[i];
    chi2 += (observed[i] - e) * (observed[i] - e) / e;
  }
  INFO("chi2 = " << chi2);
  return boost::math::gamma_q(0.5 * static_cast<double>(observed.size() - 1), 0.5 * chi2);
}
}  // namespace

TEST_SUITE("core") {
  TEST_CASE("random: uniform01 is k 2^-53 from the top 53 bits (64-bit engines)") {
    // exact by the documented definition: powers of two, no rounding
    replay64 e{{0, ~0ull, 1ull << 11, 1ull << 63}};
    CHECK(uniform01(e) == 0.0);
    CHECK(uniform01(e) == 1.0 - 0x1.0p-53);
    CHECK(uniform01(e) == 0x1.0p-53);
    CHECK(uniform01(e) == 0.5);
    replay64 o{{0, ~0ull}};
    CHECK(uniform_open01(o) == 0x1.0p-53);
    CHECK(uniform_open01(o) == 1.0 - 0x1.0p-53);
  }

  TEST_CASE("random: uniform01 combines two draws of a 32-bit engine") {
    // (a >> 5)·2^26 + (b >> 6), scaled by 2^-53 (MT19937 genrand_res53)
    replay32 e{{0xFFFFFFFFu, 0xFFFFFFFFu, 1u << 5, 0u, 0u, 1u << 6}};
    CHECK(uniform01(e) == 1.0 - 0x1.0p-53);
    CHECK(uniform01(e) == 0x1.0p-27);
    CHECK(uniform01(e) == 0x1.0p-53);
  }

  TEST_CASE("random: mt19937_64 draws are reproducible across standard libraries") {
    // Reference: the C++ standard [rand.predef]: the 10000th output of a default-constructed
    // std::mt19937_64 is 9981545732273789042; uniform01 is its top 53 bits times 2^-53.
    std::mt19937_64 rng;
    rng.discard(9999);
    CHECK(uniform01(rng) == static_cast<double>(9981545732273789042ull >> 11) * 0x1.0p-53);
  }

  TEST_CASE("random: standard_normal is Box-Muller on (uniform_open01, uniform01)") {
    // the documented formula evaluated on the replayed uniforms: u1 = (k1 + 1/2) 2^-52 with
    // k1 = top 52 bits, u2 = k2 2^-53 with k2 = top 53 bits
    const std::uint64_t a = 0x9E3779B97F4A7C15ull, b = 0xD1B54A32D192ED03ull;
    replay64 e{{a, b}};
    const double u1 = (static_cast<double>(a >> 12) + 0.5) * 0x1.0p-52;
    const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;
    CHECK(standard_normal(e) == std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2));
  }

  TEST_CASE("random: normal deviates have the right moments and distribution") {
    // 100 000 draws at a fixed seed: mean within 4 standard errors (σ/√n), variance within 4
    // standard errors (σ²√(2/n)), and χ² against Φ (erf, Boost.Math) in 20 bins on [−4, 4]
    // plus two tails, p > 1e-3.
    std::mt19937_64 rng(12345);
    const int n = 100000;
    double s = 0, s2 = 0;
    std::vector<double> counts(22, 0.0);
    for (int i = 0; i < n; ++i) {
      const double x = normal(rng, 1.0, 2.0);
      s += x;
      s2 += x * x;
      const double z = (x - 1.0) / 2.0;
      const std::size_t bin = z < -4 ? 0 : z >= 4 ? 21 : 1 + static_cast<std::size_t>((z + 4.0) / 0.4);
      counts[std::min<std::size_t>(bin, 21)] += 1;
    }
    const double mean = s / n, var = s2 / n - mean * mean;
    REIN_CHECK_ABS(mean, 1.0, 4 * 2.0 / std::sqrt(n));
    REIN_CHECK_ABS(var, 4.0, 4 * 4.0 * std::sqrt(2.0 / n));
    const auto phi = [](double z) { return 0.5 * boost::math::erfc(-z / std::sqrt(2.0)); };
    std::vector<double> prob(22);
    prob[0] = phi(-4);
    prob[21] = 1 - phi(4);
    for (std::size_t i = 1; i <= 20; ++i) prob[i] = phi(-4 + 0.4 * static_cast<double>(i)) - phi(-4 + 0.4 * static_cast<double>(i - 1));
    CHECK(chi2_p(counts, prob, n) > 1e-3);
  }

  TEST_CASE("random: the truncated Breit-Wigner follows its closed-form CDF") {
    // CDF of the Cauchy density truncated to [lo, hi]: (atan(2(m − m0)/Γ) − a)/(b − a).
    // 50 000 draws (K*0-like line shape), 20 bins, χ² p > 1e-3.
    const double m0 = 0.89555, width = 0.0473, lo = 0.7, hi = 1.1;
    std::mt19937_64 rng(777);
    const int n = 50000;
    std::vector<double> counts(20, 0.0);
    for (int i = 0; i < n; ++i) {
      const double m = breit_wigner(rng, m0, width, lo, hi);
      REQUIRE(m >= lo);
      REQUIRE(m <= hi);
      counts[std::min<std::size_t>(19, static_cast<std::size_t>((m - lo) / 0.02))] += 1;
    }
    const double a = std::atan(2 * (lo - m0) / width), b = std::atan(2 * (hi - m0) / width);
    const auto cdf = [&](double m) { return (std::atan(2 * (m - m0) / width) - a) / (b - a); };
    std::vector<double> prob(20);
    for (std::size_t i = 0; i < 20; ++i) prob[i] = cdf(lo + 0.02 * static_cast<double>(i + 1)) - cdf(lo + 0.02 * static_cast<double>(i));
    CHECK(chi2_p(counts, prob, n) > 1e-3);
  }

  TEST_CASE("random: non-positive widths are rejected with context") {
    std::mt19937_64 rng(1);
    CHECK_THROWS_WITH_AS((void)normal(rng, 0.0, 0.0),
                         doctest::Contains("rein::normal: sigma = 0, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)normal(rng, 0.0, -1.0), doctest::Contains("normal: sigma = -1"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)normal(rng, 0.0, qnan), doctest::Contains("normal: sigma = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)normal(rng, qnan, 1.0), doctest::Contains("normal: mean = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)breit_wigner(rng, 0.775, 0.0, 0.3, 1.2),
                         doctest::Contains("rein::breit_wigner: width = 0, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)breit_wigner(rng, 0.775, -0.149, 0.3, 1.2), doctest::Contains("breit_wigner: width = -0.14899999999999999, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)breit_wigner(rng, 0.775, 0.149, 1.2, 0.3),
                         doctest::Contains("breit_wigner: lower = 1.2 is not below upper = 0.29999999999999999"),
                         rein::invalid_argument);
  }
}

TEST_SUITE("core") {
  TEST_CASE("random: poisson draws follow the Poisson law for small and large means (chi-square at fixed seed)") {
    for (double mean : {0.3, 3.0, 9.5, 10.0, 47.0, 1234.5}) {
      CAPTURE(mean);
      std::mt19937_64 rng(20261125);
      const int n = 200000;
      const boost::math::poisson_distribution<double> law(mean);
      // bins: k in [lo, hi) around the mean, tails merged so every expected count is ≥ 20
      const double lo = std::max(0.0, std::floor(mean - 5 * std::sqrt(mean))), hi = std::ceil(mean + 5 * std::sqrt(mean) + 5);
      std::vector<double> counts(static_cast<std::size_t>(hi - lo) + 2, 0.0);
      double sum = 0;
      for (int i = 0; i < n; ++i) {
        const double k = rein::poisson(rng, mean);
        REQUIRE(k == std::floor(k));
        sum += k;
        const std::size_t bin = k < lo ? 0 : (k >= hi ? counts.size() - 1 : static_cast<std::size_t>(k - lo) + 1);
        counts[bin] += 1;
      }
      double chi2 = 0, expected_low = lo > 0 ? boost::math::cdf(law, lo - 1) * n : 0.0, pending_obs = counts[0], pending_exp = expected_low;
      int dof = -1;
      for (std::size_t b = 1; b < counts.size(); ++b) {
        const double k = lo + static_cast<double>(b - 1);
        const double expected = b + 1 == counts.size() ? boost::math::cdf(boost::math::complement(law, hi - 1)) * n : boost::math::pdf(law, k) * n;
        pending_obs += counts[b];
        pending_exp += expected;
        if (pending_exp >= 20 || b + 1 == counts.size()) {
          chi2 += (pending_obs - pending_exp) * (pending_obs - pending_exp) / pending_exp;
          ++dof;
          pending_obs = pending_exp = 0;
        }
      }
      // a correct sampler fails this at a fixed seed with probability 1e-4
      const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(dof), chi2));
      INFO("chi2 = " << chi2 << " dof = " << dof);
      CHECK(p > 1e-4);
      // and its mean within 5 standard errors
      REIN_CHECK_ABS(sum / n, mean, 5 * std::sqrt(mean / n));
    }
  }

  TEST_CASE("random: task seeds differ for every (seed, stream, index) and never depend on anything else") {
    CHECK(rein::task_seed(1, 0, 0) != rein::task_seed(1, 0, 1));
    CHECK(rein::task_seed(1, 0, 0) != rein::task_seed(1, 1, 0));
    CHECK(rein::task_seed(1, 0, 0) != rein::task_seed(2, 0, 0));
    CHECK(rein::splitmix64(0) == 0xE220A8397B1DCDAFull);  // the first output of splitmix64 seeded with 0 (Vigna's reference)
  }

  TEST_CASE("random: bad input to poisson") {
    std::mt19937_64 rng(1);
    CHECK_THROWS_WITH_AS((void)rein::poisson(rng, -1.0), "rein::poisson: mean = -1, must be finite and >= 0", rein::invalid_argument);
  }
}
}  // namespace random_test
