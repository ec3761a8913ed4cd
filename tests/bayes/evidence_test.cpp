#include "rein/bayes/evidence.hpp"
#include "rein/bayes/nuts.hpp"
#include "support/close.hpp"

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

namespace evidence_test {

namespace {

// Exact, independent draws from a known density packed as one chain, with the target's log_prob.
rein::bayes::posterior_draws exact_draws(const rein::bayes::target& t, const std::vector<Eigen::VectorXd>& x) {
  rein::bayes::posterior_draws d;
  d.names.assign(t.size(), "x");
  d.lower = t.lower, d.upper = t.upper;
  Eigen::MatrixXd chain(static_cast<Eigen::Index>(x.size()), static_cast<Eigen::Index>(t.size()));
  Eigen::VectorXd lp(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    chain.row(static_cast<Eigen::Index>(i)) = x[i].transpose();
    lp[static_cast<Eigen::Index>(i)] = t.log_prob(x[i], nullptr);
  }
  d.chains = {chain};
  d.log_prob = {lp};
  return d;
}

const double pi = 3.14159265358979323846;

// |estimate − exact| within 4 reported standard errors, and the error itself small
void check_evidence(const rein::bayes::evidence_result& r, double exact, double max_error) {
  INFO("log_z " << r.log_z << " ± " << r.log_z_error << " exact " << exact);
  CHECK(r.converged);
  CHECK(r.log_z_error < max_error);
  CHECK(std::abs(r.log_z - exact) <= 4 * r.log_z_error);
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("bridge sampling: a correlated 3-D Gaussian, ln Z = c + (d/2) ln 2π − ½ ln det A") {
    Eigen::Matrix3d a;
    a << 2.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 0.5;
    const Eigen::Vector3d m(1.0, -2.0, 0.5);
    const double c = 1.7;
    const auto t = rein::bayes::make_target(
        [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
          const Eigen::VectorXd d = x - m;
          if (g) *g = -(a * d);
          return c - 0.5 * d.dot(a * d);
        },
        3);
    const double exact = c + 1.5 * std::log(2 * pi) - 0.5 * std::log(a.determinant());
    // exact draws: x = m + L z with L Lᵀ = A⁻¹
    const Eigen::Matrix3d l = a.inverse().llt().matrixL();
    std::mt19937_64 rng(5);
    std::vector<Eigen::VectorXd> x(4000);
    for (auto& v : x) {
      Eigen::Vector3d z;
      for (int k = 0; k < 3; ++k) z[k] = rein::standard_normal(rng);
      v = m + l * z;
    }
    check_evidence(rein::bayes::bridge_sampling_evidence(t, exact_draws(t, x)), exact, 0.02);

    // and from NUTS draws of the same target (4 chains, autocorrelated draws)
    rein::bayes::nuts_options options;
    options.chains = 4, options.warmup = 500, options.draws = 1000, options.seed = 3, options.threads = 2;
    const auto draws = rein::bayes::sample_nuts(t, m, options);
    check_evidence(rein::bayes::bridge_sampling_evidence(t, draws, {0, 7, 2}), exact, 0.03);
  }

  TEST_CASE("bridge sampling on bounded parameters: a Poisson count with a conjugate Gamma prior, and a Beta kernel") {
    // n ~ Pois(λ), λ ~ Gamma(α, β): Z = Γ(n + α)/(Γ(α) n!) · β^α/(1 + β)^(n + α) (negative binomial);
    // the posterior is Gamma(n + α, 1 + β), drawn exactly with std::gamma_distribution
    const double n = 7, alpha = 2.5, beta = 0.8;
    const auto gamma_target = rein::bayes::make_target(
        [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
          const double lambda = x[0];
          if (g) (*g)[0] = (n + alpha - 1) / lambda - (1 + beta);
          return n * std::log(lambda) - lambda - std::lgamma(n + 1) + alpha * std::log(beta) - std::lgamma(alpha) +
                 (alpha - 1) * std::log(lambda) - beta * lambda;
        },
        Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(1, std::numeric_limits<double>::infinity()));
    const double exact = std::lgamma(n + alpha) - std::lgamma(alpha) - std::lgamma(n + 1) + alpha * std::log(beta) -
                         (n + alpha) * std::log(1 + beta);
    std::mt19937_64 rng(9);
    std::gamma_distribution<double> posterior(n + alpha, 1.0 / (1 + beta));
    std::vector<Eigen::VectorXd> x(4000, Eigen::VectorXd::Zero(1));
    for (auto& v : x) v[0] = posterior(rng);
    check_evidence(rein::bayes::bridge_sampling_evidence(gamma_target, exact_draws(gamma_target, x)), exact, 0.02);

    // x(1 − x)² on [0, 1]: Z = B(2, 3) = 1/12; draws Beta(2, 3) = G₂/(G₂ + G₃)
    const auto beta_target = rein::bayes::make_target(
        [](const Eigen::VectorXd& v, Eigen::VectorXd* g) {
          if (g) (*g)[0] = 1 / v[0] - 2 / (1 - v[0]);
          return std::log(v[0]) + 2 * std::log(1 - v[0]);
        },
        Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1));
    std::gamma_distribution<double> g2(2.0), g3(3.0);
    for (auto& v : x) {
      const double p = g2(rng), q = g3(rng);
      v[0] = p / (p + q);
    }
    check_evidence(rein::bayes::bridge_sampling_evidence(beta_target, exact_draws(beta_target, x)), std::log(1.0 / 12), 0.02);
  }

  TEST_CASE("bridge sampling: bad input") {
    const auto t = rein::bayes::make_target([](const Eigen::VectorXd& x, Eigen::VectorXd*) { return -0.5 * x.squaredNorm(); }, 2);
    std::vector<Eigen::VectorXd> few(6, Eigen::VectorXd::Zero(2));
    CHECK_THROWS_WITH_AS((void)rein::bayes::bridge_sampling_evidence(t, exact_draws(t, few)),
                         doctest::Contains("need at least 8 draws per chain, found 6"), rein::invalid_argument);
    std::vector<Eigen::VectorXd> same(20, Eigen::VectorXd::Zero(2));
    CHECK_THROWS_WITH_AS((void)rein::bayes::bridge_sampling_evidence(t, exact_draws(t, same)),
                         doctest::Contains("covariance is singular"), rein::invalid_argument);
  }
}
}  // namespace evidence_test
