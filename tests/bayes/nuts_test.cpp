// NUTS, the ensemble sampler and adaptive Metropolis on targets with known moments: the sample
// moments must agree within a few ESS-based standard errors, deterministically for a fixed seed.
#include "support/close.hpp"

#include <rein/bayes/ensemble.hpp>
#include <rein/bayes/metropolis.hpp>
#include <rein/bayes/nuts.hpp>
#include <rein/bayes/summary.hpp>
#include <rein/core/error.hpp>

#include <Eigen/LU>
#include <doctest/doctest.h>

#include <cmath>
#include <utility>
#include <vector>

namespace nuts_test {

namespace {

// A 10-D Gaussian with standard deviations 0.1 … 10 and correlations 0.5^|i−j|.
struct correlated_gaussian {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance, precision;

  correlated_gaussian() : mean(10), covariance(10, 10) {
    for (Eigen::Index i = 0; i < 10; ++i) {
      mean[i] = static_cast<double>(i) - 4.5;
      for (Eigen::Index j = 0; j < 10; ++j) {
        const double si = std::pow(10.0, -1 + 2 * static_cast<double>(i) / 9);
        const double sj = std::pow(10.0, -1 + 2 * static_cast<double>(j) / 9);
        covariance(i, j) = si * sj * std::pow(0.5, std::abs(static_cast<double>(i - j)));
      }
    }
    precision = covariance.inverse();
  }

  rein::bayes::target target() const {
    return rein::bayes::make_target(
        [this](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
          const Eigen::VectorXd r = x - mean;
          const Eigen::VectorXd pr = precision * r;
          if (gradient) *gradient = -pr;
          return -0.5 * r.dot(pr);
        },
        10);
  }
};

// Checks every mean and variance of `draws` against the target's, within 4 standard errors:
// σ/√ESS for a mean, and √2·σ²/√ESS for a variance (Gaussian fourth moment).
template <class Draws>
void check_moments(const Draws& draws, const correlated_gaussian& g) {
  const Eigen::MatrixXd all = draws.pooled();
  const Eigen::VectorXd mean = all.colwise().mean();
  for (Eigen::Index i = 0; i < 10; ++i) {
    CAPTURE(i);
    const auto x = draws.parameter(static_cast<std::size_t>(i));
    const double ess_mean = rein::bayes::ess_mean(x);
    const double ess_var = rein::bayes::ess_mean((x.array() - g.mean[i]).square().matrix());
    const double sigma2 = g.covariance(i, i);
    REIN_CHECK_ABS(mean[i], g.mean[i], 4 * std::sqrt(sigma2 / ess_mean));
    const double variance = (all.col(i).array() - mean[i]).square().sum() / static_cast<double>(all.rows() - 1);
    REIN_CHECK_ABS(variance, sigma2, 4 * std::sqrt(2.0) * sigma2 / std::sqrt(ess_var));
  }
  // one correlation, ρ(0, 1) = 0.5: its standard error is ≤ (1 − ρ²)/√ESS
  const double c01 = ((all.col(0).array() - mean[0]) * (all.col(1).array() - mean[1])).sum() /
                     static_cast<double>(all.rows() - 1);
  const double rho = c01 / std::sqrt(g.covariance(0, 0) * g.covariance(1, 1));
  REIN_CHECK_ABS(rho, 0.5, 4 * 0.75 / std::sqrt(rein::bayes::ess_mean(draws.parameter(0))));
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("nuts: 10-D correlated Gaussian, means and covariance within 4 ESS-based standard errors") {
    const correlated_gaussian g;
    rein::bayes::nuts_options options;
    options.seed = 42;
    options.metric = rein::bayes::metric_kind::dense;
    const auto r = rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), options);
    CHECK(r.status == rein::bayes::sample_status::ok);
    CHECK(r.diagnostics.warnings.empty());
    for (const auto& s : r.stats) CHECK(s.n_divergent == 0);
    check_moments(r, g);
  }

  TEST_CASE("nuts: identical draws for a seed whatever the thread count") {
    const correlated_gaussian g;
    rein::bayes::nuts_options options;
    options.seed = 7;
    options.warmup = 200;
    options.draws = 100;
    options.threads = 1;
    const auto one = rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), options);
    options.threads = 3;
    const auto three = rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), options);
    for (std::size_t c = 0; c < one.chains.size(); ++c) CHECK(one.chains[c] == three.chains[c]);
  }

  TEST_CASE("nuts: a progress callback sees every transition and changes no draw") {
    const correlated_gaussian g;
    rein::bayes::nuts_options options;
    options.seed = 7, options.warmup = 200, options.draws = 100, options.threads = 2;
    const auto quiet = rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), options);
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    options.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
    const auto reported = rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), options);
    for (std::size_t c = 0; c < quiet.chains.size(); ++c) CHECK(quiet.chains[c] == reported.chains[c]);
    REQUIRE_FALSE(calls.empty());
    const std::size_t total = 4 * (200 + 100);  // 4 chains × (warm-up + draws), thin = 1
    CHECK(calls.back() == std::make_pair(total, total));
    for (std::size_t k = 1; k < calls.size(); ++k) CHECK(calls[k].first >= calls[k - 1].first);
  }

  TEST_CASE("nuts: a bounded target with its mass at the bound, Exp(1) on [0, inf)") {
    const auto t = rein::bayes::make_target(
        [](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
          if (gradient) (*gradient)[0] = -1;
          return -x[0];
        },
        Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(1, INFINITY));
    rein::bayes::nuts_options options;
    options.seed = 3;
    options.draws = 4000;
    const auto r = rein::bayes::sample_nuts(t, Eigen::VectorXd::Constant(1, 1.0), options);
    CHECK(r.status == rein::bayes::sample_status::ok);
    const auto s = rein::bayes::summarize(r);
    const auto& p = s.parameters[0];
    const double ess = rein::bayes::ess_mean(r.parameter(0));
    REIN_CHECK_ABS(p.mean, 1.0, 4 / std::sqrt(ess));  // Exp(1): mean 1, sd 1
    REQUIRE(p.hdi.size() == 2);
    CHECK(p.hdi[1].kind == "lower_bound");
    // q95 = −ln 0.05; its standard error √(0.05·0.95/ESS)/0.05
    REIN_CHECK_ABS(p.hdi[1].upper, 2.995732274, 4 * std::sqrt(0.05 * 0.95 / ess) / 0.05);
  }

  TEST_CASE("nuts: Neal's funnel produces divergences, and they are reported") {
    // v ~ N(0, 3), x_k | v ~ N(0, e^{v/2}), k = 1..9: the neck defeats any single step size
    const auto t = rein::bayes::make_target(
        [](const Eigen::VectorXd& z, Eigen::VectorXd* gradient) {
          const double v = z[0];
          const double s2 = std::exp(v);
          double value = -v * v / 18 - 4.5 * v, sum2 = 0;
          for (Eigen::Index k = 1; k < 10; ++k) sum2 += z[k] * z[k];
          value -= 0.5 * sum2 / s2;
          if (gradient) {
            (*gradient)[0] = -v / 9 - 4.5 + 0.5 * sum2 / s2;
            for (Eigen::Index k = 1; k < 10; ++k) (*gradient)[k] = -z[k] / s2;
          }
          return value;
        },
        10);
    rein::bayes::nuts_options options;
    options.seed = 1;
    options.warmup = 500;
    options.draws = 500;
    const auto r = rein::bayes::sample_nuts(t, Eigen::VectorXd::Zero(10), options);
    std::size_t divergent = 0;
    for (const auto& s : r.stats) divergent += s.n_divergent;
    CHECK(divergent > 0);
    bool warned = false;
    for (const auto& w : r.diagnostics.warnings) warned = warned || w.find("divergen") != std::string::npos;
    CHECK(warned);
  }

  TEST_CASE("ensemble: 10-D correlated Gaussian, means and covariance within 4 ESS-based standard errors") {
    const correlated_gaussian g;
    rein::bayes::ensemble_options options;
    options.seed = 5;
    options.ensembles = 2;
    options.warmup = 3000;
    options.draws = 3000;
    const auto r = rein::bayes::sample_ensemble(g.target(), Eigen::VectorXd::Zero(10), options);
    CHECK(r.status == rein::bayes::sample_status::ok);
    check_moments(r, g);
  }

  TEST_CASE("metropolis: 10-D correlated Gaussian, means and covariance within 4 ESS-based standard errors") {
    const correlated_gaussian g;
    rein::bayes::metropolis_options options;
    options.seed = 9;
    // Haario adaptation restarts at half the warm-up; with scales spanning 0.1 … 10 it needs ~1e4
    // iterations to learn the covariance (at 5000, R-hat reaches 1.3 on the widest coordinates)
    options.warmup = 20000;
    options.draws = 20000;
    const auto r = rein::bayes::sample_metropolis(g.target(), Eigen::VectorXd::Zero(10), options);
    CHECK(r.status == rein::bayes::sample_status::ok);
    CHECK(r.diagnostics.warnings.empty());
    check_moments(r, g);
  }

  TEST_CASE("samplers: bad input") {
    const correlated_gaussian g;
    rein::bayes::nuts_options zero_chains;
    zero_chains.chains = 0;
    CHECK_THROWS_AS((void)rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(10), zero_chains),
                    rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::bayes::sample_nuts(g.target(), Eigen::VectorXd::Zero(3)), rein::invalid_argument);
    // inverted bounds
    CHECK_THROWS_AS((void)rein::bayes::make_target([](const Eigen::VectorXd&, Eigen::VectorXd*) { return 0.0; },
                                                   Eigen::VectorXd::Constant(1, 1.0), Eigen::VectorXd::Constant(1, 0.0)),
                    rein::invalid_argument);
    // a non-finite log density at the start point
    const auto nan_target = rein::bayes::make_target(
        [](const Eigen::VectorXd&, Eigen::VectorXd* gradient) {
          if (gradient) gradient->setZero();
          return std::nan("");
        },
        2);
    try {
      (void)rein::bayes::sample_nuts(nan_target, Eigen::VectorXd::Zero(2));
      FAIL("expected invalid_argument");
    } catch (const rein::invalid_argument& e) {
      CHECK(std::string(e.what()).find("sample_nuts") != std::string::npos);
    }
  }
}
}  // namespace nuts_test
