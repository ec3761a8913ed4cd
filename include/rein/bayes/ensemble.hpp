#pragma once

// The affine-invariant ensemble sampler of Goodman & Weare (2010) with the stretch move, in emcee's
// conventions (Foreman-Mackey et al. 2013): for targets without gradients.
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

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rein::bayes {

/// Settings of sample_ensemble.
struct ensemble_options {
  std::size_t ensembles = 1;   ///< independent ensembles (run in parallel), ≥ 1
  std::size_t walkers = 0;     ///< walkers per ensemble, ≥ 2·dimension (0: 4·dimension)
  std::size_t warmup = 1000;   ///< steps per walker discarded (burn-in; nothing is adapted)
  std::size_t draws = 1000;    ///< kept steps per walker, ≥ 1
  std::size_t thin = 1;        ///< keep every thin-th step after warm-up
  double a = 2.0;              ///< stretch scale: z ~ g(z) ∝ 1/√z on [1/a, a]
  std::uint64_t seed = 0;      ///< ensemble e uses std::mt19937_64(task_seed(seed, 2, e))
  unsigned threads = 0;        ///< worker threads over ensembles (0: hardware concurrency)
  /// Walker starts: y₀ + init_radius·U(−1, 1) per component around y₀ = T⁻¹(init) on the
  /// unconstrained space, redrawn until the density is finite. Must be > 0.
  double init_radius = 1.0;
  diagnostics_options diagnostics;
};

/// What sample_ensemble returns. `chains` holds one matrix per walker: walker w of ensemble e is
/// chain e·walkers + w. Walkers of one ensemble are not independent chains: R̂ and ESS from
/// `diagnostics` treat them as if they were; emcee's integrated autocorrelation time (also in
/// `diagnostics`, ACF averaged over the walkers) is the measure made for ensembles.
struct [[nodiscard]] ensemble_result : posterior_draws {
  sample_status status = sample_status::ok;
  std::size_t walkers = 0;                 ///< per ensemble
  Eigen::VectorXd acceptance_fraction;     ///< per walker (chain index), after warm-up
  std::vector<std::size_t> n_non_finite;   ///< per ensemble: NaN/+∞ log densities met
  std::vector<std::size_t> n_evaluations;  ///< per ensemble
  diagnostics_report diagnostics;
  double seconds = 0;
};

namespace detail {

/// One ensemble: emcee 3's RedBlueMove with randomize_split: each step shuffles the walkers into
/// two halves S₀, S₁ (inds = [0, 1, 0, 1, …] shuffled by Fisher–Yates); for S₀ then S₁ every
/// walker k draws z = ((a − 1)u + 1)²/a and a partner c uniformly from the other half, proposes
/// y' = c + z(y_k − c), and accepts with probability min(1, z^{n−1} p(y')/p(y_k)).
inline void run_ensemble(const target& t, const unconstrained_transform& transform, const ensemble_options& options,
                         std::size_t walkers, const Eigen::VectorXd& y0, std::uint64_t seed,
                         std::vector<Eigen::MatrixXd>& chains, std::vector<Eigen::VectorXd>& log_prob,
                         Eigen::VectorXd& acceptance, std::size_t& n_non_finite, std::size_t& n_evaluations) {
  std::mt19937_64 rng(seed);
  unconstrained_density density(t, transform);
  const auto n = static_cast<Eigen::Index>(t.size());
  const auto w = static_cast<Eigen::Index>(walkers);
  Eigen::MatrixXd y(n, w);
  Eigen::VectorXd lp(w), lp_x(w);
  for (Eigen::Index k = 0; k < w; ++k) {
    y.col(k) = jittered_start(density, y0, options.init_radius, rng, false);
    lp[k] = density(y.col(k), nullptr);
    lp_x[k] = density.log_prob_x;
  }
  for (Eigen::Index k = 0; k < w; ++k) {
    chains[static_cast<std::size_t>(k)].resize(static_cast<Eigen::Index>(options.draws), n);
    log_prob[static_cast<std::size_t>(k)].resize(static_cast<Eigen::Index>(options.draws));
  }
  acceptance = Eigen::VectorXd::Zero(w);
  std::vector<int> half(walkers);
  std::vector<Eigen::Index> first, second;
  Eigen::VectorXd proposal(n), x(n);
  const double a = options.a;
  const double dim_minus_one = static_cast<double>(n) - 1.0;
  const std::size_t steps = options.warmup + options.draws * options.thin;
  for (std::size_t step = 0; step < steps; ++step) {
    const bool sampling = step >= options.warmup;
    for (std::size_t k = 0; k < walkers; ++k) half[k] = static_cast<int>(k % 2);
    for (std::size_t k = walkers - 1; k > 0; --k) std::swap(half[k], half[uniform_index(rng, k + 1)]);
    for (int split = 0; split < 2; ++split) {
      first.clear();
      second.clear();
      for (std::size_t k = 0; k < walkers; ++k) (half[k] == split ? first : second).push_back(static_cast<Eigen::Index>(k));
      std::vector<double> z(first.size());
      std::vector<std::size_t> partner(first.size());
      for (auto& v : z) {
        const double u = (a - 1.0) * uniform01(rng) + 1.0;
        v = u * u / a;
      }
      for (auto& j : partner) j = uniform_index(rng, second.size());
      for (std::size_t i = 0; i < first.size(); ++i) {
        const Eigen::Index k = first[i];
        const auto c = y.col(second[partner[i]]);
        proposal = c + z[i] * (y.col(k) - c);
        const double lp_new = density(proposal, nullptr);
        const double log_ratio = dim_minus_one * std::log(z[i]) + lp_new - lp[k];
        if (std::log(uniform_open01(rng)) < log_ratio) {
          y.col(k) = proposal;
          lp[k] = lp_new;
          lp_x[k] = density.log_prob_x;
          if (sampling) acceptance[k] += 1;
        }
      }
    }
    if (sampling && (step - options.warmup + 1) % options.thin == 0) {
      const auto row = static_cast<Eigen::Index>((step - options.warmup) / options.thin);
      for (Eigen::Index k = 0; k < w; ++k) {
        transform.to_constrained(y.col(k), x);
        chains[static_cast<std::size_t>(k)].row(row) = x.transpose();
        log_prob[static_cast<std::size_t>(k)][row] = lp_x[k];
      }
    }
  }
  acceptance /= static_cast<double>(options.draws * options.thin);
  n_non_finite = density.non_finite;
  n_evaluations = density.evaluations;
}

}  // namespace detail

/// Draws from `t` with the affine-invariant ensemble sampler (stretch move, emcee 3 conventions,
/// see detail::run_ensemble) on y = T⁻¹(x) with the log Jacobian added; no gradient is asked for.
/// Ensemble e runs on its own std::mt19937_64 seeded with task_seed(seed, 2, e): results are
/// identical for any thread count.
/// @param t the target (its log density is called with gradient = nullptr)
/// @param init the centre of the walkers' start points (constrained), strictly inside the bounds
/// @param options see ensemble_options
/// @return the draws (one chain per walker), acceptance fractions, diagnostics; `status` is
///         non_finite when the density returned NaN/+∞ somewhere (such proposals were rejected)
/// @throws rein::invalid_argument for an invalid target, options.ensembles = 0, draws = 0, thin = 0,
///         walkers < 2·dimension, a ≤ 1, init_radius ≤ 0, init of the wrong size or outside the
///         bounds, or a non-finite log density at init
[[nodiscard]] inline ensemble_result sample_ensemble(const target& t, const Eigen::VectorXd& init,
                                                     const ensemble_options& options = {}) {
  const std::string function = "rein::bayes::sample_ensemble";
  check_target(t, function);
  detail::check_counts(options.ensembles, options.draws, options.thin, function, "ensembles");
  const std::size_t walkers = options.walkers == 0 ? 4 * t.size() : options.walkers;
  if (walkers < 2 * t.size())
    throw invalid_argument(function + ": options.walkers = " + std::to_string(walkers) +
                           ", must be at least 2 * dimension = " + std::to_string(2 * t.size()) + " (emcee's rule)");
  detail::check_option(options.a > 1 && std::isfinite(options.a), options.a, function, "a", "finite and > 1");
  detail::check_option(options.init_radius > 0 && std::isfinite(options.init_radius), options.init_radius, function,
                       "init_radius", "finite and > 0 (the walkers must start apart)");
  const auto start = std::chrono::steady_clock::now();
  const unconstrained_transform transform(t.lower, t.upper);
  const Eigen::VectorXd y0 = detail::check_start(t, transform, init, false, function);

  ensemble_result r;
  r.walkers = walkers;
  const std::size_t total = options.ensembles * walkers;
  detail::prepare_draws(r, t, total);
  r.n_non_finite.resize(options.ensembles);
  r.n_evaluations.resize(options.ensembles);
  std::vector<Eigen::VectorXd> acceptance(options.ensembles);
  std::vector<std::vector<Eigen::MatrixXd>> chains(options.ensembles, std::vector<Eigen::MatrixXd>(walkers));
  std::vector<std::vector<Eigen::VectorXd>> log_prob(options.ensembles, std::vector<Eigen::VectorXd>(walkers));
  parallel_for(options.ensembles, options.threads, [&](std::size_t e) {
    detail::run_ensemble(t, transform, options, walkers, y0, detail::chain_seed(options.seed, 2, e), chains[e],
                         log_prob[e], acceptance[e], r.n_non_finite[e], r.n_evaluations[e]);
  });
  r.acceptance_fraction.resize(static_cast<Eigen::Index>(total));
  for (std::size_t e = 0; e < options.ensembles; ++e)
    for (std::size_t k = 0; k < walkers; ++k) {
      r.chains[e * walkers + k] = std::move(chains[e][k]);
      r.log_prob[e * walkers + k] = std::move(log_prob[e][k]);
      r.acceptance_fraction[static_cast<Eigen::Index>(e * walkers + k)] = acceptance[e][static_cast<Eigen::Index>(k)];
    }
  std::size_t non_finite = 0;
  for (std::size_t v : r.n_non_finite) non_finite += v;
  if (non_finite > 0) r.status = sample_status::non_finite;
  r.diagnostics = diagnose(r, options.diagnostics);
  if (non_finite > 0)
    r.diagnostics.warnings.push_back(std::to_string(non_finite) +
                                     " evaluations returned NaN/+inf (treated as zero density)");
  r.seconds = detail::seconds_since(start);
  return r;
}

}  // namespace rein::bayes
