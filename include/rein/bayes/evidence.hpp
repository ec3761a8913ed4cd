#pragma once

// The evidence Z = ∫ p(x) dx of an unnormalised posterior from its draws, by bridge sampling
// (Meng & Wong 1996, eq. 4.1, the optimal bridge; as Gronau et al. 2017 implement it): on the
// unconstrained scale y = T⁻¹(x) (bayes/transform.hpp), with a normal proposal g fitted to the first
// half of every chain and the second halves as posterior draws, iterate
//
//     r ← [ (1/N2) Σ_j ℓ(ỹ_j) / (s1 ℓ(ỹ_j) + s2 r) ] / [ (1/N1) Σ_i 1 / (s1 ℓ(y_i) + s2 r) ],
//     ℓ = p̃/g, ỹ_j ~ g, s1 = N1/(N1 + N2), s2 = N2/(N1 + N2),
//
// to its fixed point r = Z. The error is Frühwirth-Schnatter's (2004) estimate of the relative
// mean-square error, with the posterior term inflated by the autocorrelation of the chains
// (N1/ESS); it is the standard error of ln Z. Bayes factors are differences of ln Z between models
// (docs/models.md): the priors must be proper, since Z scales with their normalisation.
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/target.hpp"
#include "rein/bayes/transform.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace rein::bayes {

/// Settings of bridge_sampling_evidence.
struct evidence_options {
  std::size_t proposal_draws = 0;  ///< draws from the proposal; 0: as many as the posterior draws used
  std::uint64_t seed = 0;          ///< of the proposal draws
  unsigned threads = 1;            ///< for the target's evaluations at the proposal draws
  int max_iterations = 1000;
  double tolerance = 1e-10;        ///< on |Δ ln r| between iterations
};

/// ln Z with its standard error.
struct evidence_result {
  double log_z = std::numeric_limits<double>::quiet_NaN();
  double log_z_error = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;
  bool converged = false;            ///< the iteration reached its tolerance
  std::size_t posterior_draws = 0;   ///< N1: the second halves of the chains
  std::size_t proposal_draws = 0;    ///< N2
};

/// ln ∫ p(x) dx for the target `t` (whose log_prob is the unnormalised ln p on the constrained
/// space) from `draws` of it (their log_prob must be t's).
/// @throws invalid_argument when the draws do not match the target (parameter count), when a chain
///         has fewer than 8 draws, or when the first halves are too few to fit a normal proposal
///         (at least dimension + 2 draws) or their covariance is singular
[[nodiscard]] inline evidence_result bridge_sampling_evidence(const target& t, const posterior_draws& draws,
                                                              const evidence_options& options = {}) {
  const std::string where = "rein::bayes::bridge_sampling_evidence: ";
  const auto d = static_cast<Eigen::Index>(t.size());
  if (draws.n_parameters() != t.size())
    throw invalid_argument(where + "the draws have " + std::to_string(draws.n_parameters()) + " parameters, the target " +
                           std::to_string(t.size()));
  if (draws.n_chains() == 0 || draws.n_draws() < 8)
    throw invalid_argument(where + "need at least 8 draws per chain, found " + std::to_string(draws.n_draws()));
  const unconstrained_transform transform(t.lower, t.upper);
  const std::size_t half = draws.n_draws() / 2, chains = draws.n_chains(), kept = draws.n_draws() - half;

  // the proposal: a normal fitted to the first halves on the unconstrained scale
  Eigen::MatrixXd fit_set(static_cast<Eigen::Index>(half * chains), d);
  for (std::size_t c = 0; c < chains; ++c)
    for (std::size_t i = 0; i < half; ++i)
      fit_set.row(static_cast<Eigen::Index>(c * half + i)) =
          transform.to_unconstrained(draws.chains[c].row(static_cast<Eigen::Index>(i)).transpose()).transpose();
  if (fit_set.rows() < d + 2 || !fit_set.allFinite())
    throw invalid_argument(where + "the first halves of the chains give " + std::to_string(fit_set.rows()) +
                           " finite draws for a proposal in " + std::to_string(d) + " dimensions (need dimension + 2, "
                           "strictly inside the bounds)");
  const Eigen::VectorXd mean = fit_set.colwise().mean().transpose();
  const Eigen::MatrixXd centred = fit_set.rowwise() - mean.transpose();
  const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(fit_set.rows() - 1);
  const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
  if (llt.info() != Eigen::Success) throw invalid_argument(where + "the draws' covariance is singular: no normal proposal");
  const Eigen::MatrixXd lower = llt.matrixL();
  const double log_norm = -0.5 * static_cast<double>(d) * std::log(2 * 3.14159265358979323846) -
                          lower.diagonal().array().log().sum();
  const auto log_proposal = [&](const Eigen::VectorXd& y) {
    return log_norm - 0.5 * llt.matrixL().solve(y - mean).squaredNorm();
  };

  // ln ℓ = ln p̃(T(y)) + ln|J(y)| − ln g(y) at the posterior draws (their log_prob) and the proposal's
  const std::size_t n1 = kept * chains, n2 = options.proposal_draws ? options.proposal_draws : n1;
  std::vector<double> l1(n1), l2(n2);
  for (std::size_t c = 0; c < chains; ++c)
    for (std::size_t i = 0; i < kept; ++i) {
      const auto row = static_cast<Eigen::Index>(half + i);
      const Eigen::VectorXd y = transform.to_unconstrained(draws.chains[c].row(row).transpose());
      l1[c * kept + i] = draws.log_prob[c][row] + transform.log_abs_det_jacobian(y) - log_proposal(y);
    }
  std::vector<Eigen::VectorXd> proposals(n2, Eigen::VectorXd::Zero(d));
  std::mt19937_64 rng(options.seed);
  for (auto& y : proposals) {
    Eigen::VectorXd z(d);
    for (Eigen::Index k = 0; k < d; ++k) z[k] = standard_normal(rng);
    y = mean + lower * z;
  }
  parallel_for(n2, std::max(1u, options.threads), [&](std::size_t j) {
    const double lp = t.log_prob(transform.to_constrained(proposals[j]), nullptr);
    l2[j] = (std::isnan(lp) ? -std::numeric_limits<double>::infinity() : lp) +
            transform.log_abs_det_jacobian(proposals[j]) - log_proposal(proposals[j]);
  });

  // shift by the median of ln ℓ at the posterior draws so that the sums stay in range
  std::vector<double> sorted = l1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n1 / 2), sorted.end());
  const double shift = sorted[n1 / 2];
  const double s1 = static_cast<double>(n1) / static_cast<double>(n1 + n2), s2 = 1 - s1;
  evidence_result r;
  r.posterior_draws = n1, r.proposal_draws = n2;
  double log_r = 0;
  for (r.iterations = 1; r.iterations <= options.max_iterations; ++r.iterations) {
    const double ratio = std::exp(log_r);
    long double numerator = 0, denominator = 0;
    for (const double l : l2) {
      const double e = std::exp(l - shift);
      numerator += e / (s1 * e + s2 * ratio);
    }
    for (const double l : l1) denominator += 1.0 / (s1 * std::exp(l - shift) + s2 * ratio);
    const double next = std::log(static_cast<double>(numerator / static_cast<long double>(n2))) -
                        std::log(static_cast<double>(denominator / static_cast<long double>(n1)));
    const bool done = std::abs(next - log_r) < options.tolerance;
    log_r = next;
    if (done) {
      r.converged = std::isfinite(log_r);
      break;
    }
  }
  r.iterations = std::min(r.iterations, options.max_iterations);
  r.log_z = log_r + shift;

  // relative mean-square error (Frühwirth-Schnatter 2004, eq. 15) with f1 = ℓ/(s1 ℓ + s2 r) under
  // g and f2 = 1/(s1 ℓ + s2 r) under the posterior, the latter's variance inflated by N1/ESS
  const double ratio = std::exp(log_r);
  Eigen::VectorXd f1(static_cast<Eigen::Index>(n2));
  Eigen::MatrixXd f2(static_cast<Eigen::Index>(kept), static_cast<Eigen::Index>(chains));
  for (std::size_t j = 0; j < n2; ++j) {
    const double e = std::exp(l2[j] - shift);
    f1[static_cast<Eigen::Index>(j)] = e / (s1 * e + s2 * ratio);
  }
  for (std::size_t c = 0; c < chains; ++c)
    for (std::size_t i = 0; i < kept; ++i)
      f2(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = 1.0 / (s1 * std::exp(l1[c * kept + i] - shift) + s2 * ratio);
  const auto relative_variance = [](const Eigen::ArrayXd& x) {
    const double m = x.mean();
    return (x - m).square().sum() / static_cast<double>(x.size() - 1) / (m * m);
  };
  const double ess = kept >= 4 ? ess_mean(f2) : static_cast<double>(n1);
  const double inflation = std::isfinite(ess) && ess > 0 ? std::max(1.0, static_cast<double>(n1) / ess) : 1.0;
  const Eigen::ArrayXd f2_all = Eigen::Map<const Eigen::ArrayXd>(f2.data(), f2.size());
  const double re2 = relative_variance(f1.array()) / static_cast<double>(n2) +
                     inflation * relative_variance(f2_all) / static_cast<double>(n1);
  r.log_z_error = std::sqrt(re2);
  return r;
}

}  // namespace rein::bayes
