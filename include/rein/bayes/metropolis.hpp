#pragma once

// Adaptive random-walk Metropolis: Haario, Saksman & Tamminen (2001) covariance adaptation with the
// 2.38²/d scaling, plus a global scale adapted towards 23.4% acceptance (Andrieu & Thoms 2008,
// Algorithm 4), during warm-up only.
#include "rein/bayes/detail/sampler_support.hpp"
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/target.hpp"
#include "rein/bayes/transform.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rein::bayes {

/// Settings of sample_metropolis.
struct metropolis_options {
  std::size_t chains = 4;       ///< independent chains, ≥ 1
  std::size_t warmup = 2000;    ///< adaptation iterations per chain (discarded)
  std::size_t draws = 5000;     ///< kept draws per chain, ≥ 1
  std::size_t thin = 1;         ///< keep every thin-th iteration after warm-up
  std::uint64_t seed = 0;       ///< chain c uses std::mt19937_64(task_seed(seed, 3, c))
  unsigned threads = 0;         ///< worker threads (0: hardware concurrency); results do not depend on it
  double init_radius = 1.0;     ///< as nuts_options::init_radius
  double target_accept = 0.234; ///< the global scale λ is adapted towards this acceptance rate
  bool adapt_scale = true;      ///< adapt λ (false: λ = 1, pure Haario)
  std::size_t adapt_interval = 50;  ///< iterations between covariance/Cholesky refreshes
  double epsilon = 1e-10;       ///< Haario's ε: Σ + εI keeps the proposal non-singular
  diagnostics_options diagnostics;
};

/// Per-chain sampler output of adaptive Metropolis.
struct metropolis_chain_stats {
  double acceptance_rate = 0;         ///< after warm-up
  double scale = 1;                   ///< the adapted λ
  Eigen::MatrixXd proposal_covariance;  ///< the frozen λ·(2.38²/d)·(Σ + εI) on the unconstrained space
  std::size_t n_non_finite = 0;
  std::size_t n_evaluations = 0;
  double warmup_seconds = 0, sampling_seconds = 0;
  sample_status status = sample_status::ok;
};

/// What sample_metropolis returns.
struct [[nodiscard]] metropolis_result : posterior_draws {
  sample_status status = sample_status::ok;
  std::vector<metropolis_chain_stats> stats;  ///< one per chain
  diagnostics_report diagnostics;
  double seconds = 0;
};

namespace detail {

/// One adaptive-Metropolis chain on the unconstrained space. Proposal y' = y + L z, z ~ N(0, I),
/// L Lᵀ = λ·s_d·(Σ + εI), s_d = 2.38²/d. Warm-up: Σ = I until enough draws exist, then the sample
/// covariance of the warm-up draws (Welford), refreshed every adapt_interval iterations; the
/// estimate restarts at half the warm-up to forget the transient; ln λ += (t + 1)^−0.6 (α_t − target)
/// each iteration. After warm-up the proposal is frozen (a plain random-walk Metropolis chain).
inline void run_metropolis(const target& t, const unconstrained_transform& transform,
                           const metropolis_options& options, const Eigen::VectorXd& y0, std::uint64_t seed,
                           Eigen::MatrixXd& draws, Eigen::VectorXd& log_prob, metropolis_chain_stats& stats) {
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  unconstrained_density density(t, transform);
  const auto n = static_cast<Eigen::Index>(t.size());
  const double s_d = 2.38 * 2.38 / static_cast<double>(n);
  Eigen::VectorXd y = jittered_start(density, y0, options.init_radius, rng, false);
  double lp = density(y, nullptr), lp_x = density.log_prob_x;

  Eigen::MatrixXd sigma = Eigen::MatrixXd::Identity(n, n);
  double log_scale = 0;
  Eigen::MatrixXd chol = std::sqrt(s_d) * Eigen::MatrixXd::Identity(n, n);
  const auto refresh = [&]() {
    Eigen::MatrixXd c = std::exp(log_scale) * s_d * sigma;
    c.diagonal().array() += std::exp(log_scale) * s_d * options.epsilon;
    Eigen::LLT<Eigen::MatrixXd> llt(c);
    if (llt.info() == Eigen::Success) chol = llt.matrixL();
  };
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(n), delta(n), z(n), proposal(n), x(n);
  Eigen::MatrixXd m2 = Eigen::MatrixXd::Zero(n, n);
  std::size_t count = 0;
  const std::size_t min_count = std::max<std::size_t>(static_cast<std::size_t>(2 * n), 20);
  const std::size_t restart_at = options.warmup / 2;

  const auto step = [&]() {
    for (Eigen::Index i = 0; i < n; ++i) z[i] = standard_normal(rng);
    proposal.noalias() = y + chol * z;
    const double lp_new = density(proposal, nullptr);
    const double log_alpha = lp_new - lp;
    const bool accept = std::log(uniform_open01(rng)) < log_alpha;
    if (accept) {
      y = proposal;
      lp = lp_new;
      lp_x = density.log_prob_x;
    }
    return std::pair<bool, double>(accept, log_alpha >= 0 ? 1.0 : std::exp(log_alpha));
  };

  for (std::size_t it = 0; it < options.warmup; ++it) {
    const auto [accepted, alpha] = step();
    (void)accepted;
    if (options.adapt_scale) log_scale += std::pow(static_cast<double>(it) + 1.0, -0.6) * (alpha - options.target_accept);
    if (it == restart_at) {
      count = 0;
      mean.setZero();
      m2.setZero();
    }
    ++count;
    delta = y - mean;
    mean += delta / static_cast<double>(count);
    m2.noalias() += (y - mean) * delta.transpose();
    if ((it + 1) % options.adapt_interval == 0) {
      if (count >= min_count) sigma = m2 / static_cast<double>(count - 1);
      refresh();
    }
  }
  if (options.warmup > 0) {
    if (count >= min_count) sigma = m2 / static_cast<double>(count - 1);
    refresh();
  }
  stats.warmup_seconds = seconds_since(start);
  const auto sampling_start = std::chrono::steady_clock::now();
  draws.resize(static_cast<Eigen::Index>(options.draws), n);
  log_prob.resize(static_cast<Eigen::Index>(options.draws));
  std::size_t accepted_total = 0;
  for (std::size_t k = 0; k < options.draws; ++k) {
    for (std::size_t s = 0; s < options.thin; ++s)
      if (step().first) ++accepted_total;
    transform.to_constrained(y, x);
    draws.row(static_cast<Eigen::Index>(k)) = x.transpose();
    log_prob[static_cast<Eigen::Index>(k)] = lp_x;
  }
  stats.sampling_seconds = seconds_since(sampling_start);
  stats.acceptance_rate = static_cast<double>(accepted_total) / static_cast<double>(options.draws * options.thin);
  stats.scale = std::exp(log_scale);
  stats.proposal_covariance = chol * chol.transpose();
  stats.n_non_finite = density.non_finite;
  stats.n_evaluations = density.evaluations;
  const bool scale_ok = std::isfinite(log_scale) && stats.scale > 1e-300;
  stats.status = density.non_finite > 0 ? sample_status::non_finite
                 : !scale_ok            ? sample_status::adaptation_failed
                                        : sample_status::ok;
}

}  // namespace detail

/// Draws from `t` with adaptive random-walk Metropolis (see detail::run_metropolis) on
/// y = T⁻¹(x) with the log Jacobian added; no gradient is asked for. Chain c runs on its own
/// std::mt19937_64 seeded with task_seed(seed, 3, c): results are identical for any thread count.
/// @param t the target (its log density is called with gradient = nullptr)
/// @param init the start point (constrained), strictly inside the bounds
/// @param options see metropolis_options
/// @return the draws, per-chain statistics, diagnostics; `status` is non_finite when the density
///         returned NaN/+∞ somewhere (such proposals were rejected)
/// @throws rein::invalid_argument for an invalid target, options.chains = 0, draws = 0, thin = 0,
///         adapt_interval = 0, target_accept ∉ (0, 1), epsilon < 0, init of the wrong size or
///         outside the bounds, or a non-finite log density at init
[[nodiscard]] inline metropolis_result sample_metropolis(const target& t, const Eigen::VectorXd& init,
                                                         const metropolis_options& options = {}) {
  const std::string function = "rein::bayes::sample_metropolis";
  check_target(t, function);
  detail::check_counts(options.chains, options.draws, options.thin, function);
  rein::detail::check(options.adapt_interval >= 1, function + ": options.adapt_interval = 0, must be at least 1");
  detail::check_option(options.target_accept > 0 && options.target_accept < 1, options.target_accept, function,
                       "target_accept", "in (0, 1)");
  detail::check_option(options.epsilon >= 0 && std::isfinite(options.epsilon), options.epsilon, function, "epsilon",
                       "finite and >= 0");
  detail::check_option(options.init_radius >= 0 && std::isfinite(options.init_radius), options.init_radius, function,
                       "init_radius", "finite and >= 0");
  const auto start = std::chrono::steady_clock::now();
  const unconstrained_transform transform(t.lower, t.upper);
  const Eigen::VectorXd y0 = detail::check_start(t, transform, init, false, function);

  metropolis_result r;
  detail::prepare_draws(r, t, options.chains);
  r.stats.resize(options.chains);
  parallel_for(options.chains, options.threads, [&](std::size_t c) {
    detail::run_metropolis(t, transform, options, y0, detail::chain_seed(options.seed, 3, c), r.chains[c],
                           r.log_prob[c], r.stats[c]);
  });
  std::size_t non_finite = 0;
  for (const auto& s : r.stats) {
    non_finite += s.n_non_finite;
    if (s.status != sample_status::ok && (r.status == sample_status::ok || s.status == sample_status::non_finite))
      r.status = s.status;
  }
  r.diagnostics = diagnose(r, options.diagnostics);
  if (non_finite > 0)
    r.diagnostics.warnings.push_back(std::to_string(non_finite) +
                                     " evaluations returned NaN/+inf (treated as zero density)");
  r.seconds = detail::seconds_since(start);
  return r;
}

}  // namespace rein::bayes
