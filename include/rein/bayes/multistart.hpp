#pragma once

// Sampling a multimodal posterior (a resonance's mass: the likelihood in m_x has separated peaks)
// by NUTS chains started in each mode, and the modes' weights from their evidences.
//
// NUTS does not cross the valleys between well-separated modes, so chains started in different
// modes never mix and their pooled R̂ says so. Instead of hiding that, each start's chains sample
// their own mode (its basin of attraction), starts whose chains agree (R̂ ≤ same_mode_rhat on
// every parameter) are merged into one mode, each mode's mass Z_k = ∫_basin p̃ is estimated by
// bridge sampling (bayes/evidence.hpp) from that mode's draws, and the posterior is the mixture
//
//     p(x) = Σ_k w_k p_k(x),   w_k = Z_k / Σ_j Z_j,
//
// with Var w_k = Σ_j [w_k(δ_kj − w_j)]² σ_j² from the standard errors σ_j of ln Z_j. Valid when
// the modes are separated (each mode's normal proposal puts negligible mass on the others; then
// Z_k is the basin's mass) — exactly when the chains cannot mix — and when every mode was started
// (a multi-start fit finds them). R̂ and ESS are reported per mode, where they are meaningful.
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/evidence.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/target.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/random.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace rein::bayes {

/// Settings of sample_multistart.
struct multistart_options {
  nuts_options nuts;           ///< per start: nuts.chains chains from that start (seed: task_seed(nuts.seed, 2, start))
  evidence_options evidence;   ///< for each mode's ln Z
  double same_mode_rhat = 1.05;  ///< starts whose pooled chains have R̂ ≤ this on every parameter sampled one mode
};

/// One mode: the starts that found it, their draws, diagnostics within it, its mass and weight.
struct multistart_mode {
  std::vector<std::size_t> starts;  ///< indices into the starts
  posterior_draws draws;            ///< the chains of those starts
  diagnostics_report diagnostics;   ///< R̂, ESS within the mode
  evidence_result evidence;         ///< ln Z_k: the mode's mass
  double weight = std::numeric_limits<double>::quiet_NaN();        ///< w_k = Z_k / Σ Z
  double weight_error = std::numeric_limits<double>::quiet_NaN();  ///< its standard error
};

/// What sample_multistart returns.
struct multistart_result {
  std::vector<multistart_mode> modes;
  /// The mixture as one chain for summaries (means, HDIs): from mode k, round(w_k · N) of its draws
  /// (evenly spaced through its pooled chains), N the total draws. Not for diagnostics: see modes.
  posterior_draws combined;
  double log_z = std::numeric_limits<double>::quiet_NaN();  ///< ln Σ_k Z_k
  /// its standard error, (Σ_k w_k² σ_k²)^½ from the modes' ln Z errors σ_k (independent runs)
  double log_z_error = std::numeric_limits<double>::quiet_NaN();
  sample_status status = sample_status::ok;                  ///< the worst run's status
  std::vector<std::string> warnings;                         ///< per mode, prefixed "mode k: "
  std::size_t divergent = 0;             ///< divergent transitions after warm-up, over every run
  std::size_t gradient_evaluations = 0;  ///< over every run, warm-up included
  double seconds = 0;                    ///< the runs' sampling time (not the evidences')
};

namespace detail {

// max over parameters of R̂ of the chains of two runs taken together
inline double pooled_rhat(const posterior_draws& a, const posterior_draws& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.n_parameters(); ++i) {
    const Eigen::MatrixXd x = a.parameter(i), y = b.parameter(i);
    const Eigen::Index n = std::min(x.rows(), y.rows());
    Eigen::MatrixXd both(n, x.cols() + y.cols());
    both << x.topRows(n), y.topRows(n);
    worst = std::max(worst, rhat(both));
  }
  return worst;
}

inline void append_chains(posterior_draws& to, const posterior_draws& from) {
  if (to.names.empty()) {
    to.names = from.names;
    to.lower = from.lower;
    to.upper = from.upper;
  }
  to.chains.insert(to.chains.end(), from.chains.begin(), from.chains.end());
  to.log_prob.insert(to.log_prob.end(), from.log_prob.begin(), from.log_prob.end());
}

}  // namespace detail

/// NUTS from each of `starts` (e.g. the modes of a multi-start fit), the runs grouped into modes,
/// each mode weighted by its bridge-sampling evidence.
/// @throws invalid_argument when starts is empty, and as sample_nuts and bridge_sampling_evidence
///         (e.g. fewer than 8 draws per chain)
[[nodiscard]] inline multistart_result sample_multistart(const target& t, const std::vector<Eigen::VectorXd>& starts,
                                                         const multistart_options& options = {}) {
  if (starts.empty()) throw invalid_argument("rein::bayes::sample_multistart: no start points");
  std::vector<nuts_result> runs;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    nuts_options nuts = options.nuts;
    nuts.seed = task_seed(options.nuts.seed, 2, k);
    runs.push_back(sample_nuts(t, starts[k], nuts));
  }
  multistart_result r;
  for (const auto& run : runs) {
    r.divergent += run.n_divergent();
    for (const auto& s : run.stats) r.gradient_evaluations += s.n_evaluations;
    r.seconds += run.seconds;
  }
  for (const auto& run : runs)
    if (run.status != sample_status::ok && (r.status == sample_status::ok || run.status == sample_status::non_finite))
      r.status = run.status;

  // group the starts: union of pairs whose chains agree
  std::vector<std::size_t> group(starts.size());
  std::iota(group.begin(), group.end(), std::size_t{0});
  const auto root = [&](std::size_t k) {
    while (group[k] != k) k = group[k];
    return k;
  };
  for (std::size_t a = 0; a < runs.size(); ++a)
    for (std::size_t b = a + 1; b < runs.size(); ++b)
      if (root(a) != root(b) && detail::pooled_rhat(runs[a], runs[b]) <= options.same_mode_rhat) group[root(b)] = root(a);
  std::vector<std::size_t> roots;
  for (std::size_t k = 0; k < runs.size(); ++k)
    if (root(k) == k) roots.push_back(k);
  for (const std::size_t g : roots) {
    multistart_mode mode;
    for (std::size_t k = 0; k < runs.size(); ++k)
      if (root(k) == g) {
        mode.starts.push_back(k);
        detail::append_chains(mode.draws, runs[k]);
      }
    mode.diagnostics = diagnose(mode.draws, options.nuts.diagnostics);
    mode.evidence = bridge_sampling_evidence(t, mode.draws, options.evidence);
    for (const auto& w : mode.diagnostics.warnings)
      r.warnings.push_back("mode " + std::to_string(r.modes.size()) + ": " + w);
    r.modes.push_back(std::move(mode));
  }

  // weights w_k = Z_k / Σ Z in log space, and their errors
  double largest = -std::numeric_limits<double>::infinity();
  for (const auto& m : r.modes) largest = std::max(largest, m.evidence.log_z);
  double sum = 0;
  for (const auto& m : r.modes) sum += std::exp(m.evidence.log_z - largest);
  r.log_z = largest + std::log(sum);
  double log_z_variance = 0;
  for (auto& m : r.modes) {
    m.weight = std::exp(m.evidence.log_z - r.log_z);
    log_z_variance += m.weight * m.weight * m.evidence.log_z_error * m.evidence.log_z_error;
  }
  r.log_z_error = std::sqrt(log_z_variance);
  for (std::size_t k = 0; k < r.modes.size(); ++k) {
    double variance = 0;
    for (std::size_t j = 0; j < r.modes.size(); ++j) {
      const double d = r.modes[k].weight * ((k == j ? 1.0 : 0.0) - r.modes[j].weight);
      variance += d * d * r.modes[j].evidence.log_z_error * r.modes[j].evidence.log_z_error;
    }
    r.modes[k].weight_error = std::sqrt(variance);
  }
  // an evidence that is not a number leaves every weight unknown: say so, never mix blindly
  for (std::size_t k = 0; k < r.modes.size(); ++k)
    if (!std::isfinite(r.modes[k].weight)) {
      r.warnings.push_back("mode " + std::to_string(k) + ": ln Z is " + rein::detail::format_value(r.modes[k].evidence.log_z) +
                           ", so its weight is unknown; the combined draws leave it out");
      r.status = sample_status::non_finite;
    }

  // the mixture as one chain: round(w_k N) draws of mode k, evenly spaced through its pooled draws
  std::size_t total = 0;
  for (const auto& run : runs) total += run.n_chains() * run.n_draws();
  r.combined.names = t.names.empty() ? runs.front().names : t.names;
  r.combined.lower = t.lower;
  r.combined.upper = t.upper;
  std::vector<Eigen::VectorXd> rows;
  std::vector<double> log_probs;
  for (const auto& m : r.modes) {
    const Eigen::MatrixXd pooled = m.draws.pooled();
    Eigen::VectorXd lp(pooled.rows());
    Eigen::Index at = 0;
    for (const auto& chain_lp : m.draws.log_prob) lp.segment(at, chain_lp.size()) = chain_lp, at += chain_lp.size();
    // a mode whose evidence came out NaN or infinite has no usable weight (flagged above)
    const auto n = std::isfinite(m.weight) ? static_cast<std::size_t>(std::llround(m.weight * static_cast<double>(total))) : std::size_t{0};
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = static_cast<Eigen::Index>((i * static_cast<std::size_t>(pooled.rows())) / n);
      rows.push_back(pooled.row(row).transpose());
      log_probs.push_back(lp[row]);
    }
  }
  Eigen::MatrixXd chain(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(t.size()));
  Eigen::VectorXd chain_lp(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    chain.row(static_cast<Eigen::Index>(i)) = rows[i].transpose();
    chain_lp[static_cast<Eigen::Index>(i)] = log_probs[i];
  }
  r.combined.chains = {chain};
  r.combined.log_prob = {chain_lp};
  return r;
}

}  // namespace rein::bayes
