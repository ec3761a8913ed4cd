#pragma once

// Local and global significance of a signal whose shape depends on a parameter that exists only
// under the alternative (a resonance's mass m_x when br_x = 0): the look-elsewhere effect.
//
// The alternative is scanned over a list of points (each a set of parameter values, e.g. m_x on a
// grid); q(s) = 2[nll(null) − nll(free | point s)] at each point, and
//  - local: the point ŝ of the largest q, tested alone — likelihood_ratio_test with the point's
//    values held (Wilks, Chernoff's χ̄²) and toys;
//  - global: the statistic max_s q(s), calibrated by the same toys (generated at the null fit,
//    every point fitted on every toy): the only valid calibration when a parameter exists only
//    under the alternative (Davies 1987);
//  - the trials factor p_global / p_local, and Gross & Vitells' (2010, arXiv:1005.1891, eq. 4)
//    asymptotic bound p_global ≤ p_local + ⟨N(u)⟩ e^{−(q − u)/2}, ⟨N(u)⟩ the toys' mean number of
//    upcrossings of the level u by q(s) along the scan, which extrapolates beyond the toys' reach
//    (for a one-parameter χ² or ½χ²₀ + ½χ²₁ statistic).
// Convention: one-sided Z = Φ⁻¹(1 − p) (infer/likelihood_ratio.hpp's one_sided_z).
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/toys.hpp"
#include "rein/likelihood/model/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// Parameter values held at one point of a scan, by name.
using held_parameters = std::vector<std::pair<std::string, double>>;

/// What global_significance needs besides the model and the data.
struct global_significance_options {
  fit::fit_options fit;         ///< held parameters and minimiser settings for every fit
  std::size_t toys = 0;         ///< toys for the local and global p-values (0: asymptotic local only)
  std::uint64_t seed = 1;       ///< toy i is seeded by task_seed(seed, 0, i)
  unsigned threads = 1;         ///< toys in parallel (the numbers do not depend on it)
  double upcrossing_level = 1;  ///< u of Gross & Vitells' bound, low enough that most toys cross it
  progress_callback progress;   ///< called as toys complete
};

/// The local and global significance of the best point of a scan.
struct global_significance_result {
  std::vector<double> q;  ///< q(s) on the data at every scan point (NaN where the fit failed)
  std::size_t best = 0;   ///< ŝ: the point of the largest q
  double q_max = 0;       ///< q(ŝ)
  likelihood_ratio_result local;  ///< the test at ŝ alone (its p_chi2, p_chibar2: the asymptotic local p-values)
  std::size_t toys = 0;           ///< toys asked for
  std::size_t failed = 0;         ///< toys on which the null fit or a point's fit did not converge (dropped)
  std::size_t local_exceeding = 0;   ///< converged toys with q_toy(ŝ) ≥ q(ŝ) (within 1e-6·max(1, q(ŝ)))
  std::size_t global_exceeding = 0;  ///< converged toys with max_s q_toy(s) ≥ q(ŝ) (same tolerance)
  double p_local = std::numeric_limits<double>::quiet_NaN();   ///< local_exceeding / converged toys
  double z_local = std::numeric_limits<double>::quiet_NaN();   ///< one_sided_z(p_local)
  double p_global = std::numeric_limits<double>::quiet_NaN();  ///< global_exceeding / converged toys
  double z_global = std::numeric_limits<double>::quiet_NaN();  ///< one_sided_z(p_global)
  /// p_global / p_local from the toys (NaN when no toy exceeds locally)
  double trials_factor = std::numeric_limits<double>::quiet_NaN();
  double mean_upcrossings = std::numeric_limits<double>::quiet_NaN();  ///< ⟨N(u)⟩ over the converged toys
  /// Gross–Vitells: local.p_chibar2 (else local.p_chi2) + ⟨N(u)⟩ e^{−(q(ŝ) − u)/2}, capped at 1
  double p_global_asymptotic = std::numeric_limits<double>::quiet_NaN();
  double z_global_asymptotic = std::numeric_limits<double>::quiet_NaN();  ///< one_sided_z(p_global_asymptotic)
  /// p_global_asymptotic over the asymptotic local p-value: the trials factor where toys cannot reach
  double trials_factor_asymptotic = std::numeric_limits<double>::quiet_NaN();
  fit::fit_status status = fit::fit_status::ok;  ///< the worst status of the fits on the data
};

namespace detail {

// q at every point for `data`: one null fit, one fit per point; NaN where a fit failed. Returns
// false when the null fit failed.
inline bool scan_statistic(const likelihood::model& model, const likelihood::dataset& data, const held_parameters& null_held,
                           const std::vector<held_parameters>& points, const fit::fit_options& base, std::vector<double>& q,
                           fit::fit_status* worst = nullptr) {
  fit::fit_options options = base;
  options.errors = false;
  fit::fit_options null_options = options;
  null_options.fixed.insert(null_options.fixed.end(), null_held.begin(), null_held.end());
  const auto null_fit = fit::fit(model, data, null_options);
  if (worst && null_fit.status != fit::fit_status::ok) *worst = null_fit.status;
  q.assign(points.size(), std::numeric_limits<double>::quiet_NaN());
  if (!null_fit.ok()) return false;
  for (std::size_t s = 0; s < points.size(); ++s) {
    fit::fit_options point_options = options;
    point_options.fixed.insert(point_options.fixed.end(), points[s].begin(), points[s].end());
    const auto free = fit::fit(model, data, point_options);
    if (worst && free.status != fit::fit_status::ok) *worst = free.status;
    if (free.ok()) q[s] = std::max(0.0, null_fit.twice_nll - free.twice_nll);
  }
  return true;
}

// The number of upcrossings of `level` by q along the scan: points s with q(s−1) < level ≤ q(s).
inline std::size_t upcrossings(const std::vector<double>& q, double level) {
  std::size_t n = 0;
  for (std::size_t s = 1; s < q.size(); ++s) n += (q[s - 1] < level && q[s] >= level) ? 1 : 0;
  return n;
}

}  // namespace detail

/// The local and global significance of a signal scanned over `points` against `null`.
///
/// `null` holds the signal off (e.g. {br_x, 0}); each point holds the parameters that exist only
/// under the alternative (e.g. {m_x, 1.5}) and may repeat null's names (then with null's values:
/// a point of a multi-signal model that switches the other signals off). Under the null, the
/// parameters that only the points hold are held at points[0]'s values: they must have no effect
/// there. The toys are generated at the null fit of the data; each toy costs 1 + points.size()
/// fits. q(s) is clipped at 0; toys with a failed fit are dropped and counted.
/// @throws invalid_argument when points is empty, a point holds a parameter of `null` at another
///         value, or (from likelihood_ratio_test) null names an unknown or already held parameter
[[nodiscard]] inline global_significance_result global_significance(const likelihood::model& model,
                                                                    const likelihood::dataset& data, const held_parameters& null,
                                                                    const std::vector<held_parameters>& points,
                                                                    const global_significance_options& options = {}) {
  const std::string function = "rein::infer::global_significance: ";
  if (points.empty()) throw invalid_argument(function + "the scan has no points");
  for (std::size_t s = 0; s < points.size(); ++s)
    for (const auto& [name, value] : points[s])
      for (const auto& [null_name, null_value] : null)
        if (name == null_name && value != null_value)
          throw invalid_argument(function + "points[" + std::to_string(s) + "] holds '" + name + "' = " +
                                 rein::detail::format_value(value) + ", the null holds it at " +
                                 rein::detail::format_value(null_value) + ": a point may only repeat the null's values");
  const auto named_in = [](const held_parameters& list, const std::string& name) {
    return std::any_of(list.begin(), list.end(), [&](const auto& item) { return item.first == name; });
  };
  held_parameters null_held = null;
  for (const auto& item : points.front())
    if (!named_in(null, item.first)) null_held.push_back(item);

  global_significance_result r;
  r.toys = options.toys;
  (void)detail::scan_statistic(model, data, null_held, points, options.fit, r.q, &r.status);
  for (std::size_t s = 0; s < r.q.size(); ++s)
    if (!std::isnan(r.q[s]) && (std::isnan(r.q[r.best]) || r.q[s] > r.q[r.best])) r.best = s;
  r.q_max = std::isnan(r.q[r.best]) ? 0.0 : r.q[r.best];

  // the local test: the best point held, the null's remaining parameters tested
  fit::fit_options local_options = options.fit;
  held_parameters tested;
  for (const auto& item : points[r.best]) local_options.fixed.push_back(item);
  for (const auto& item : null)
    if (!named_in(points[r.best], item.first)) tested.push_back(item);
  r.local = likelihood_ratio_test(model, data, tested, local_options);
  if (r.local.status != fit::fit_status::ok) r.status = r.local.status;

  const double p_local_asymptotic = std::isnan(r.local.p_chibar2) ? r.local.p_chi2 : r.local.p_chibar2;
  if (options.toys == 0) return r;
  std::vector<double> local_q(options.toys, std::numeric_limits<double>::quiet_NaN()), global_q = local_q;
  std::vector<std::size_t> crossings(options.toys, 0);
  parallel_for(options.toys, std::max(1u, options.threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, r.local.null.values, task_seed(options.seed, 0, i));
    std::vector<double> q;
    if (!detail::scan_statistic(model, toy, null_held, points, options.fit, q)) return;
    if (std::any_of(q.begin(), q.end(), [](double x) { return std::isnan(x); })) return;
    local_q[i] = q[r.best];
    global_q[i] = *std::max_element(q.begin(), q.end());
    crossings[i] = detail::upcrossings(q, options.upcrossing_level);
  }, options.progress);
  // a toy's q equal to q(ŝ) within the fits' precision counts as exceeding (ties are common with
  // discrete data: the same count in two equivalent bins gives the same q up to rounding)
  const double threshold = r.q_max - 1e-6 * std::max(1.0, r.q_max);
  double crossing_sum = 0;
  for (std::size_t i = 0; i < options.toys; ++i) {
    if (std::isnan(local_q[i])) {
      ++r.failed;
      continue;
    }
    r.local_exceeding += local_q[i] >= threshold ? 1 : 0;
    r.global_exceeding += global_q[i] >= threshold ? 1 : 0;
    crossing_sum += static_cast<double>(crossings[i]);
  }
  const std::size_t converged = options.toys - r.failed;
  if (converged == 0) return r;
  const auto n = static_cast<double>(converged);
  r.p_local = static_cast<double>(r.local_exceeding) / n;
  r.z_local = one_sided_z(r.p_local);
  r.p_global = static_cast<double>(r.global_exceeding) / n;
  r.z_global = one_sided_z(r.p_global);
  if (r.local_exceeding > 0) r.trials_factor = r.p_global / r.p_local;
  r.mean_upcrossings = crossing_sum / n;
  r.p_global_asymptotic =
      std::min(1.0, p_local_asymptotic + r.mean_upcrossings * std::exp(-(r.q_max - options.upcrossing_level) / 2));
  r.z_global_asymptotic = one_sided_z(r.p_global_asymptotic);
  if (p_local_asymptotic > 0) r.trials_factor_asymptotic = r.p_global_asymptotic / p_local_asymptotic;
  return r;
}

}  // namespace rein::infer
