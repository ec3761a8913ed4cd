#pragma once

// Posterior summaries: mean, sd, type-7 quantiles, the marginal mode of a reflected Gaussian KDE,
// highest-density intervals (one-sided when the density peaks at a bound) and credible upper limits.
#include "rein/bayes/detail/numbers.hpp"
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace rein::bayes {

/// A credible interval [lower, upper] holding `prob` of the posterior.
struct credible_interval {
  double prob = 0;
  double lower = 0, upper = 0;
  /// How the interval was built: "hdi" (the shortest interval of the draws), "lower_bound"
  /// ([bound, q_prob], the density peaks at the lower bound) or "upper_bound" ([q_{1−prob}, bound]).
  std::string kind = "hdi";
};

/// A Gaussian kernel density estimate's mode.
struct kde_mode_result {
  double mode = 0;
  double bandwidth = 0;  ///< Silverman's h (0 when every draw is equal)
};

namespace detail {

inline void check_prob(double p, const char* function, const char* name) {
  if (!(p > 0 && p < 1))
    throw invalid_argument(std::string("rein::bayes::") + function + ": " + name + " = " +
                           rein::detail::format_value(p) + ", must be in (0, 1)");
}

inline std::vector<double> checked_sorted(const std::vector<double>& draws, const char* function,
                                          std::size_t min_size = 1) {
  rein::detail::check(draws.size() >= min_size, std::string("rein::bayes::") + function + ": draws has " +
                                                    std::to_string(draws.size()) + " values, must have at least " +
                                                    std::to_string(min_size));
  for (std::size_t i = 0; i < draws.size(); ++i)
    if (!std::isfinite(draws[i]))
      throw invalid_argument(std::string("rein::bayes::") + function + ": draws[" + std::to_string(i) +
                             "] = " + rein::detail::format_value(draws[i]) + ", must be finite");
  std::vector<double> sorted = draws;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

inline void check_bounds(double lower, double upper, const char* function) {
  if (!(lower < upper) || lower == detail::infinity || upper == -detail::infinity)
    throw invalid_argument(std::string("rein::bayes::") + function + ": lower = " + rein::detail::format_value(lower) +
                           " and upper = " + rein::detail::format_value(upper) +
                           ", must satisfy lower < upper (±inf allowed, no NaN)");
}

inline double silverman_sorted(const std::vector<double>& sorted) {
  const auto n = static_cast<double>(sorted.size());
  if (sorted.size() < 2) return 0.0;
  double mean = 0;
  for (double v : sorted) mean += v;
  mean /= n;
  double ss = 0;
  for (double v : sorted) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1));
  const double iqr = quantile_sorted(sorted, 0.75) - quantile_sorted(sorted, 0.25);
  double spread = std::min(sd, iqr / 1.34);
  if (!(spread > 0)) spread = sd;
  return 0.9 * spread * std::pow(n, -0.2);
}

inline kde_mode_result kde_mode_sorted(const std::vector<double>& sorted, double lower, double upper,
                                       std::size_t grid_size) {
  kde_mode_result r;
  r.bandwidth = silverman_sorted(sorted);
  const double h = r.bandwidth;
  if (!(h > 0)) {
    r.mode = sorted.front();
    return r;
  }
  const double lo = std::max(lower, sorted.front() - 3 * h);
  const double hi = std::min(upper, sorted.back() + 3 * h);
  const std::size_t g = grid_size;
  const double delta = (hi - lo) / static_cast<double>(g - 1);
  std::vector<double> weight(g, 0.0), density(g, 0.0);
  for (double v : sorted) {  // linear binning
    const double position = (v - lo) / delta;
    auto k = static_cast<std::size_t>(std::floor(position));
    if (k >= g - 1) k = g - 2;
    const double f = std::min(1.0, std::max(0.0, position - static_cast<double>(k)));
    weight[k] += 1 - f;
    weight[k + 1] += f;
  }
  const auto window = static_cast<long>(std::ceil(6 * h / delta));
  const auto kernel = [h](double d) { return std::exp(-0.5 * (d / h) * (d / h)); };
  const bool reflect_lower = std::isfinite(lower), reflect_upper = std::isfinite(upper);
  for (std::size_t k = 0; k < g; ++k) {
    const double x = lo + delta * static_cast<double>(k);
    const long first = std::max(0L, static_cast<long>(k) - window);
    const long last = std::min(static_cast<long>(g) - 1, static_cast<long>(k) + window);
    double sum = 0;
    for (long j = first; j <= last; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      if (weight[uj] == 0) continue;
      const double xj = lo + delta * static_cast<double>(j);
      sum += weight[uj] * kernel(x - xj);
    }
    if (reflect_lower)
      for (std::size_t j = 0; j < g; ++j) {
        const double xj = lo + delta * static_cast<double>(j);
        const double d = x + xj - 2 * lower;  // distance to the mirror image 2a − x_j
        if (d > 6 * h) break;
        sum += weight[j] * kernel(d);
      }
    if (reflect_upper)
      for (std::size_t j = g; j-- > 0;) {
        const double xj = lo + delta * static_cast<double>(j);
        const double d = 2 * upper - xj - x;  // distance to the mirror image 2b − x_j
        if (d > 6 * h) break;
        sum += weight[j] * kernel(d);
      }
    density[k] = sum;
  }
  const auto best = static_cast<std::size_t>(std::max_element(density.begin(), density.end()) - density.begin());
  double mode = lo + delta * static_cast<double>(best);
  if (best > 0 && best + 1 < g) {  // parabola through the three grid points about the maximum
    const double a = density[best - 1], b = density[best], c = density[best + 1];
    const double denominator = a - 2 * b + c;
    if (denominator < 0) mode += 0.5 * delta * (a - c) / denominator;
  }
  r.mode = std::min(upper, std::max(lower, mode));
  return r;
}

inline credible_interval shortest_sorted(const std::vector<double>& sorted, double p) {
  const std::size_t n = sorted.size();
  const auto inc = static_cast<std::size_t>(std::floor(p * static_cast<double>(n)));
  credible_interval r;
  r.prob = p;
  std::size_t best = 0;
  double width = detail::infinity;
  for (std::size_t i = 0; i + inc < n; ++i)
    if (sorted[i + inc] - sorted[i] < width) {
      width = sorted[i + inc] - sorted[i];
      best = i;
    }
  r.lower = sorted[best];
  r.upper = sorted[std::min(best + inc, n - 1)];
  return r;
}

inline credible_interval hdi_sorted(const std::vector<double>& sorted, double p, double lower, double upper,
                                    const kde_mode_result& m) {
  const double to_lower = m.mode - lower, to_upper = upper - m.mode;
  const bool at_lower = std::isfinite(lower) && to_lower <= m.bandwidth;
  const bool at_upper = std::isfinite(upper) && to_upper <= m.bandwidth;
  credible_interval r;
  r.prob = p;
  if (at_lower && (!at_upper || to_lower <= to_upper)) {
    r.kind = "lower_bound";
    r.lower = lower;
    r.upper = quantile_sorted(sorted, p);
  } else if (at_upper) {
    r.kind = "upper_bound";
    r.lower = quantile_sorted(sorted, 1 - p);
    r.upper = upper;
  } else {
    r = shortest_sorted(sorted, p);
  }
  return r;
}

}  // namespace detail

/// The type-7 quantile (R's default, numpy's "linear"): h = (N − 1)p, linear interpolation
/// between the order statistics x_(⌊h⌋) and x_(⌊h⌋+1) (0-based).
/// @throws rein::invalid_argument for no draws, a non-finite draw, or p ∉ [0, 1]
[[nodiscard]] inline double quantile(const std::vector<double>& draws, double p) {
  if (!(p >= 0 && p <= 1))
    throw invalid_argument("rein::bayes::quantile: p = " + rein::detail::format_value(p) + ", must be in [0, 1]");
  return detail::quantile_sorted(detail::checked_sorted(draws, "quantile"), p);
}

/// Silverman's rule-of-thumb bandwidth (Silverman 1986, eq. 3.31): h = 0.9·min(s, IQR/1.34)·N^−1/5,
/// s the sample standard deviation (N − 1), IQR from type-7 quartiles; s alone when IQR = 0.
/// @throws rein::invalid_argument for fewer than 2 draws or a non-finite draw
[[nodiscard]] inline double silverman_bandwidth(const std::vector<double>& draws) {
  return detail::silverman_sorted(detail::checked_sorted(draws, "silverman_bandwidth", 2));
}

/// The mode of a Gaussian kernel density estimate with Silverman's bandwidth h, reflected at each
/// finite bound (f̂(x) = Σᵢ [φ_h(x − xᵢ) + φ_h(x − (2a − xᵢ)) + φ_h(x − (2b − xᵢ))]/N on [a, b], so
/// no mass leaks past a bound and a density that peaks at a bound keeps its peak there). The
/// draws are linearly binned onto `grid` points spanning [max(a, min − 3h), min(b, max + 3h)],
/// the estimate is evaluated on the grid (kernel cut at 6h), and the maximum is refined by a
/// parabola through the three grid points around it.
/// @throws rein::invalid_argument for fewer than 2 draws, a non-finite draw, invalid bounds, a
///         draw outside them, or grid < 3
[[nodiscard]] inline kde_mode_result kde_mode(const std::vector<double>& draws,
                                              double lower = -std::numeric_limits<double>::infinity(),
                                              double upper = std::numeric_limits<double>::infinity(),
                                              std::size_t grid = 1024) {
  const auto sorted = detail::checked_sorted(draws, "kde_mode", 2);
  detail::check_bounds(lower, upper, "kde_mode");
  rein::detail::check(grid >= 3, "rein::bayes::kde_mode: grid = " + std::to_string(grid) + ", must be at least 3");
  if (sorted.front() < lower || sorted.back() > upper)
    throw invalid_argument("rein::bayes::kde_mode: draws span [" + rein::detail::format_value(sorted.front()) + ", " +
                           rein::detail::format_value(sorted.back()) + "], outside the bounds [" +
                           rein::detail::format_value(lower) + ", " + rein::detail::format_value(upper) + "]");
  return detail::kde_mode_sorted(sorted, lower, upper, grid);
}

/// The shortest interval [x_(i), x_(i+k)] of the sorted draws, k = ⌊p·N⌋ (ArviZ's `hdi` for one
/// mode); `kind` is "hdi".
/// @throws rein::invalid_argument for no draws, a non-finite draw, or p ∉ (0, 1)
[[nodiscard]] inline credible_interval shortest_interval(const std::vector<double>& draws, double p) {
  detail::check_prob(p, "shortest_interval", "p");
  return detail::shortest_sorted(detail::checked_sorted(draws, "shortest_interval"), p);
}

/// The highest-density interval at probability p with rein's rule for bounds: when the lower bound
/// a is finite and the reflected-KDE mode lies within one bandwidth of it (mode − a ≤ h), the
/// density peaks at the bound and the interval is one-sided, [a, q_p] ("lower_bound"); likewise
/// [q_{1−p}, b] ("upper_bound") when b − mode ≤ h (the nearer bound wins if both hold); otherwise
/// the shortest interval of the draws ("hdi"). q is the type-7 quantile.
/// @throws rein::invalid_argument as kde_mode, or p ∉ (0, 1)
[[nodiscard]] inline credible_interval hdi(const std::vector<double>& draws, double p,
                                           double lower = -std::numeric_limits<double>::infinity(),
                                           double upper = std::numeric_limits<double>::infinity()) {
  detail::check_prob(p, "hdi", "p");
  const kde_mode_result m = kde_mode(draws, lower, upper);
  return detail::hdi_sorted(detail::checked_sorted(draws, "hdi", 2), p, lower, upper, m);
}

/// The credible upper limit at probability p: the type-7 p-quantile of the draws.
/// @throws rein::invalid_argument for no draws, a non-finite draw, or p ∉ (0, 1)
[[nodiscard]] inline double upper_limit(const std::vector<double>& draws, double p) {
  detail::check_prob(p, "upper_limit", "p");
  return detail::quantile_sorted(detail::checked_sorted(draws, "upper_limit"), p);
}

/// What summarize computes.
struct summary_options {
  std::vector<double> quantiles = {0.025, 0.05, 0.16, 0.5, 0.84, 0.95, 0.975};  ///< in [0, 1]
  std::vector<double> hdi_probs = {0.68, 0.95};          ///< in (0, 1)
  std::vector<double> upper_limit_probs = {0.90, 0.95};  ///< in (0, 1)
  std::size_t kde_grid = 1024;                           ///< grid points of the mode's KDE, ≥ 3
};

/// The summary of one parameter (all chains pooled).
struct parameter_summary {
  std::string name;
  double mean = 0, sd = 0;          ///< sd with N − 1
  double mcse_mean = 0;             ///< sd/√ess_mean (NaN with fewer than 4 draws per chain)
  std::vector<double> quantiles;    ///< at summary_options::quantiles
  double mode = 0;                  ///< of the reflected Gaussian KDE (see kde_mode)
  double bandwidth = 0;             ///< its Silverman bandwidth
  std::vector<credible_interval> hdi;    ///< at summary_options::hdi_probs (see hdi)
  std::vector<double> upper_limits;      ///< at summary_options::upper_limit_probs
};

/// Summaries of every parameter, with the probabilities they were computed at.
struct posterior_summary {
  std::vector<double> quantile_probs, hdi_probs, upper_limit_probs;
  std::vector<parameter_summary> parameters;
  std::size_t n_draws = 0;  ///< pooled draws per parameter
};

/// Summaries of every parameter of `draws` (chains pooled), using the bounds stored with them.
/// @throws rein::invalid_argument for no draws, a non-finite draw (naming the parameter),
///         probabilities outside their ranges, or kde_grid < 3
[[nodiscard]] inline posterior_summary summarize(const posterior_draws& draws, const summary_options& options = {}) {
  const char* function = "summarize";
  rein::detail::check(draws.n_chains() > 0 && draws.n_draws() >= 2,
                      "rein::bayes::summarize: the draws hold " + std::to_string(draws.n_chains()) + " chains of " +
                          std::to_string(draws.n_draws()) + " draws, need at least 1 chain of 2 draws");
  for (double p : options.quantiles)
    if (!(p >= 0 && p <= 1))
      throw invalid_argument("rein::bayes::summarize: options.quantiles holds " + rein::detail::format_value(p) +
                             ", must be in [0, 1]");
  for (double p : options.hdi_probs) detail::check_prob(p, function, "options.hdi_probs entry");
  for (double p : options.upper_limit_probs) detail::check_prob(p, function, "options.upper_limit_probs entry");
  rein::detail::check(options.kde_grid >= 3, "rein::bayes::summarize: options.kde_grid = " +
                                                 std::to_string(options.kde_grid) + ", must be at least 3");
  posterior_summary s;
  s.quantile_probs = options.quantiles;
  s.hdi_probs = options.hdi_probs;
  s.upper_limit_probs = options.upper_limit_probs;
  s.n_draws = draws.n_chains() * draws.n_draws();
  for (std::size_t i = 0; i < draws.n_parameters(); ++i) {
    const Eigen::MatrixXd x = draws.parameter(i);
    if (!x.allFinite())
      throw invalid_argument("rein::bayes::summarize: parameter '" + draws.names[i] + "' has a non-finite draw");
    std::vector<double> sorted(x.data(), x.data() + x.size());
    std::sort(sorted.begin(), sorted.end());
    parameter_summary p;
    p.name = draws.names[i];
    const auto n = static_cast<double>(sorted.size());
    p.mean = x.mean();
    p.sd = std::sqrt((x.array() - p.mean).square().sum() / (n - 1));
    p.mcse_mean = draws.n_draws() >= 4 ? mcse_mean(x) : detail::nan;
    for (double q : options.quantiles) p.quantiles.push_back(detail::quantile_sorted(sorted, q));
    const double lower = i < static_cast<std::size_t>(draws.lower.size()) ? draws.lower[static_cast<Eigen::Index>(i)]
                                                                         : -detail::infinity;
    const double upper = i < static_cast<std::size_t>(draws.upper.size()) ? draws.upper[static_cast<Eigen::Index>(i)]
                                                                         : detail::infinity;
    const kde_mode_result m = detail::kde_mode_sorted(sorted, lower, upper, options.kde_grid);
    p.mode = m.mode;
    p.bandwidth = m.bandwidth;
    for (double q : options.hdi_probs) p.hdi.push_back(detail::hdi_sorted(sorted, q, lower, upper, m));
    for (double q : options.upper_limit_probs) p.upper_limits.push_back(detail::quantile_sorted(sorted, q));
    s.parameters.push_back(std::move(p));
  }
  return s;
}

}  // namespace rein::bayes
