// R̂, ESS and the integrated autocorrelation time against values worked out by hand on fixed
// chains, and against the closed-form autocorrelation time of an AR(1) process.
#include "support/close.hpp"

#include <rein/bayes/diagnostics.hpp>
#include <rein/core/error.hpp>
#include <rein/core/random.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <random>

namespace diagnostics_test {

namespace {

// x_t = ρ x_{t−1} + √(1 − ρ²) ε_t: unit variance, autocorrelation ρ^k, τ = (1 + ρ)/(1 − ρ).
Eigen::MatrixXd ar1_chains(double rho, Eigen::Index draws, Eigen::Index chains, std::uint64_t seed) {
  Eigen::MatrixXd x(draws, chains);
  for (Eigen::Index c = 0; c < chains; ++c) {
    std::mt19937_64 rng(rein::task_seed(seed, 0, static_cast<std::uint64_t>(c)));
    double value = rein::standard_normal(rng);
    for (Eigen::Index t = 0; t < draws; ++t) {
      value = rho * value + std::sqrt(1 - rho * rho) * rein::standard_normal(rng);
      x(t, c) = value;
    }
  }
  return x;
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("diagnostics: split R-hat of two fixed chains equals the hand computation") {
    // chains (1, 2, 3, 4) and (3, 4, 5, 6) split into (1,2), (3,4), (3,4), (5,6): n = 2, m = 4.
    // means 1.5, 3.5, 3.5, 5.5 (grand 3.5); W = mean of variances = 0.5;
    // B = n · var(means) = 2 · (4 + 0 + 0 + 4)/3 = 16/3; R̂ = √(((n−1)/n · W + B/n)/W) = √(0.5 + 16/3)
    Eigen::MatrixXd x(4, 2);
    x << 1, 3, 2, 4, 3, 5, 4, 6;
    const double expected = std::sqrt((0.5 * 0.5 + (16.0 / 3) / 2) / 0.5);
    REIN_CHECK_REL(rein::bayes::split_rhat(x), expected, 1e-14);  // exact arithmetic, rounding only
  }

  TEST_CASE("diagnostics: well-mixed independent chains have R-hat near 1 and ESS near the draw count") {
    const auto x = ar1_chains(0.0, 4000, 4, 11);
    const double rhat = rein::bayes::rhat(x);
    CHECK(rhat < 1.005);  // 4 × 4000 iid draws: R̂ − 1 is O(1/√N) ~ 1e-3
    const double ess = rein::bayes::ess_bulk(x);
    // iid: ESS = 16000 up to Geyer-truncation noise of a few per cent
    REIN_CHECK_REL(ess, 16000.0, 0.08);
  }

  TEST_CASE("diagnostics: ESS and integrated time of AR(1) chains match tau = (1 + rho)/(1 - rho)") {
    for (const double rho : {0.5, 0.9}) {
      CAPTURE(rho);
      const auto x = ar1_chains(rho, 20000, 4, 7);
      const double tau = (1 + rho) / (1 - rho);
      // the estimators of τ have a relative standard error of about √(2·(2M+1)/N) with the
      // window M ≈ 5τ: ≤ 4% here; 12% is three standard errors.
      REIN_CHECK_REL(rein::bayes::ess_bulk(x), 80000 / tau, 0.12);
      REIN_CHECK_REL(rein::bayes::ess_mean(x), 80000 / tau, 0.12);
      const auto t = rein::bayes::integrated_time(x);
      REIN_CHECK_REL(t.tau, tau, 0.12);
      CHECK(t.reliable);
    }
  }

  TEST_CASE("diagnostics: chains stuck in different places give a large R-hat and a warning") {
    Eigen::MatrixXd x = ar1_chains(0.0, 1000, 4, 3);
    x.col(3).array() += 5.0;  // one chain five standard deviations away
    CHECK(rein::bayes::rhat(x) > 1.5);
    rein::bayes::posterior_draws draws;
    draws.names = {"theta"};
    draws.lower = Eigen::VectorXd::Constant(1, -INFINITY);
    draws.upper = Eigen::VectorXd::Constant(1, INFINITY);
    for (Eigen::Index c = 0; c < 4; ++c) draws.chains.push_back(x.col(c));
    const auto report = rein::bayes::diagnose(draws);
    REQUIRE(report.warnings.size() >= 1);
    CHECK(report.warnings[0].find("theta") != std::string::npos);
  }

  TEST_CASE("diagnostics: bad input") {
    CHECK_THROWS_AS((void)rein::bayes::split_rhat(Eigen::MatrixXd(0, 0)), rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::bayes::ess_bulk(Eigen::MatrixXd::Zero(2, 3)), rein::invalid_argument);
  }
}
}  // namespace diagnostics_test
