#pragma once

#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/model/dataset.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

namespace rein::fit {

/// The fits of a multi-start search and the one kept.
struct multistart_result {
  fit_result best;                ///< the lowest `ok` fit; the lowest of all when none is ok
  std::size_t best_start = 0;     ///< its index among the starts (0: the model's inits)
  std::vector<double> twice_nll;  ///< per start, in order
  std::vector<fit_status> status; ///< per start, in order
  /// Starts that ended `ok`.
  [[nodiscard]] std::size_t ok_count() const {
    return static_cast<std::size_t>(std::count(status.begin(), status.end(), fit_status::ok));
  }
};

/// Whether fit `a` is to be kept over fit `b` of the same model and data: an `ok` fit over one that
/// is not, otherwise the lower minimum.
[[nodiscard]] inline bool better_fit(const fit_result& a, const fit_result& b) {
  if (a.ok() != b.ok()) return a.ok();
  return a.twice_nll < b.twice_nll;
}

namespace detail {

/// Coordinate `dimension` (0, 1, ...) of the `index`-th point of the Halton sequence: the radical
/// inverse of `index` in the dimension's prime base; evenly spread in [0, 1) at every length.
inline double halton(std::size_t index, std::size_t dimension) {
  static constexpr unsigned primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};
  const double base = primes[dimension % std::size(primes)];
  double result = 0, f = 1;
  for (std::size_t i = index; i > 0; i /= static_cast<std::size_t>(base)) {
    f /= base;
    result += f * static_cast<double>(i % static_cast<std::size_t>(base));
  }
  return result;
}

}  // namespace detail

/// Start points of a multi-start fit: the model's inits, then `starts − 1` points that differ from
/// them in the free unconstrained parameters (normfactors, couplings of a new-physics rate, custom
/// parameters), spread over each one's range by a Halton sequence (deterministic: the same points on
/// every run). That range is the parameter's bounds, cut to init ± 10·max(|init|, 1) where a bound
/// is infinite. Constrained nuisance parameters start at their inits: their constraint keeps them
/// near the nominal, where a fit from the inits already looks. Parameters held by `options.fixed`
/// or the model do not move. Without free unconstrained parameters there is one start.
/// @throws invalid_argument unless starts ≥ 1
[[nodiscard]] inline std::vector<Eigen::VectorXd> start_points(const likelihood::model& model, const fit_options& options,
                                                              int starts) {
  if (starts < 1)
    throw invalid_argument("rein::fit::start_points: starts = " + std::to_string(starts) + ", must be >= 1");
  const auto& layout = model.parameters();
  std::vector<std::size_t> varied;
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const auto& p = layout[i];
    const bool held = p.fixed || std::any_of(options.fixed.begin(), options.fixed.end(),
                                             [&](const auto& f) { return f.first.refers_to(layout, i); });
    if (!held && p.constraint == constraint_kind::none && p.lower < p.upper) varied.push_back(i);
  }
  const Eigen::VectorXd inits = options.start ? *options.start : layout.inits();
  std::vector<Eigen::VectorXd> points{inits};
  if (varied.empty()) return points;
  for (int s = 1; s < starts; ++s) {
    Eigen::VectorXd x = inits;
    for (std::size_t d = 0; d < varied.size(); ++d) {
      const auto& p = layout[varied[d]];
      const double init = inits[static_cast<Eigen::Index>(varied[d])];
      const double reach = 10 * std::max(std::abs(init), 1.0);
      const double lo = std::isfinite(p.lower) ? p.lower : init - reach;
      const double hi = std::isfinite(p.upper) ? p.upper : init + reach;
      x[static_cast<Eigen::Index>(varied[d])] = lo + (hi - lo) * detail::halton(static_cast<std::size_t>(s), d);
    }
    points.push_back(std::move(x));
  }
  return points;
}

/// Fits from every point of start_points(model, options, starts) and keeps the lowest `ok` minimum
/// (the lowest of all when none is ok). For likelihoods with several local minima: a fit certifies
/// the minimum its start leads to (docs/fit.md, "Non-convex likelihoods"); more starts make missing
/// the global one less likely, never impossible.
/// @throws what fit throws, and invalid_argument unless starts ≥ 1
[[nodiscard]] inline multistart_result multistart_fit(const likelihood::model& model, const likelihood::dataset& data,
                                                      const fit_options& options, int starts) {
  multistart_result result;
  bool have = false;
  const auto points = start_points(model, options, starts);
  for (std::size_t s = 0; s < points.size(); ++s) {
    fit_options from = options;
    from.start = points[s];
    auto r = fit(model, data, from);
    result.twice_nll.push_back(r.twice_nll);
    result.status.push_back(r.status);
    if (!have || better_fit(r, result.best)) {
      result.best = std::move(r);
      result.best_start = s;
      have = true;
    }
  }
  return result;
}

}  // namespace rein::fit
