#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parse_number.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/multistart.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/likelihood/model/model.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

struct scan_point {
  double value = 0;
  double twice_nll = 0;
  double delta_twice_nll = 0;  ///< twice_nll − the free fit's twice_nll
  fit::fit_status status = fit::fit_status::ok;
};

/// An interval where Δ(2 nll) ≤ level; an end that the scan range does not close stays empty.
struct scan_interval {
  double level = 1;
  std::optional<double> lower;
  std::optional<double> upper;
};

struct scan_result {
  std::string parameter;
  double best = 0;            ///< the free fit's value of the parameter
  double twice_nll_min = 0;   ///< the free fit's twice_nll
  std::vector<scan_point> points;
  std::vector<scan_interval> intervals;  ///< at Δ(2 nll) = 1 (68.3%) and 3.84 (95%)
  fit::fit_status status = fit::fit_status::ok;
  /// Grid points whose conditional fit lay below the first free fit (then redone from there, so
  /// `best` and `twice_nll_min` are the lower minimum); empty when the free fit was the minimum.
  std::vector<double> below_minimum;
};

/// The most points linear_grid makes: far more than a scan fits (one fit each) in a day, so a
/// larger N is a typo, refused before allocating it.
inline constexpr long max_linear_grid_points = 10'000'000;

/// Evenly spaced grid lo, …, hi with n points; the end points are exactly lo and hi.
/// @throws invalid_argument unless n ≥ 2, lo < hi, both finite and n ≤ max_linear_grid_points.
inline std::vector<double> linear_grid(double lo, double hi, long n) {
  const auto range = [&] { return rein::detail::format_value(lo) + ":" + rein::detail::format_value(hi) + ":" + std::to_string(n); };
  if (n < 2 || !(lo < hi)) throw invalid_argument("rein::infer::linear_grid: need lo < hi and n >= 2, got " + range());
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw invalid_argument("rein::infer::linear_grid: lo and hi must be finite, got " + range());
  if (n > max_linear_grid_points)
    throw invalid_argument("rein::infer::linear_grid: n = " + std::to_string(n) + " points, at most " +
                           std::to_string(max_linear_grid_points) + ", got " + range());
  std::vector<double> grid(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) grid[static_cast<std::size_t>(i)] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
  // lo + (hi − lo) can round one ulp above hi (0:0.9:14 ends at 0.9000000000000001), which would put
  // a scan up to a parameter's bound outside it
  grid.back() = hi;
  return grid;
}

/// The grid of LO:HI:N (linear_grid(LO, HI, N)), as a command line writes it; `what` names the text.
/// @throws invalid_argument naming `what` unless LO and HI are numbers and N an integer; what
///         linear_grid throws
inline std::vector<double> linear_grid_of(const std::string& text, const std::string& what) {
  const auto first = text.find(':'), second = text.rfind(':');
  if (text.empty() || first == second) throw invalid_argument(what + " '" + text + "' must be LO:HI:N, e.g. 0:10:21");
  return linear_grid(parse_number(text.substr(0, first), what + " LO"), parse_number(text.substr(first + 1, second - first - 1), what + " HI"),
                     parse_integer(text.substr(second + 1), what + " N"));
}

namespace detail {

/// The scanned parameter's index, checked: known, free (in the model and in `options`), every grid
/// point inside its bounds, the grid strictly increasing.
inline std::size_t scanned_parameter(const likelihood::model& model, const std::string& parameter,
                                     const std::vector<double>& grid, const fit::fit_options& options) {
  using rein::detail::format_value;
  const std::string function = "rein::infer::profile_scan: ";
  if (!model.parameters().contains(parameter)) throw invalid_argument(function + "no parameter named '" + parameter + "'");
  const std::size_t index = model.parameters().index(parameter);
  const auto& p = model.parameters()[index];
  if (p.fixed) throw invalid_argument(function + "parameter '" + parameter + "' is fixed");
  // held in the free fit too, the "minimum" would be a conditional fit and Δ(2 nll) meaningless
  for (const auto& held : options.fixed)
    if (held.first.refers_to(model.parameters(), index))
      throw invalid_argument(function + "parameter '" + parameter + "' is among options.fixed; a scan needs it free");
  for (double x : grid)
    if (!(p.lower <= x && x <= p.upper))
      throw invalid_argument(function + "scan point " + parameter + " = " + format_value(x) + " lies outside its bounds [" +
                             format_value(p.lower) + ", " + format_value(p.upper) + "]");
  // intervals are read off adjacent points: a grid out of order would lose their ends silently
  for (std::size_t i = 1; i < grid.size(); ++i)
    if (!(grid[i] > grid[i - 1]))
      throw invalid_argument(function + "grid[" + std::to_string(i) + "] = " + format_value(grid[i]) + " is not above grid[" +
                             std::to_string(i - 1) + "] = " + format_value(grid[i - 1]) + "; the grid must increase");
  return index;
}

/// The fit with `held` = {(parameter, value), ...} added to options.fixed, from the model's inits and,
/// when `best` is given, also from best's point (the held values written in); the better of the two
/// (fit::better_fit). Two starts because a profile of a non-convex likelihood (a coupling entering
/// the rate squared) has points whose fit from the inits stops in a local minimum that the one from
/// the global best fit avoids, and vice versa; both starts are fixed points, so every slice of a grid
/// (--shard) gives the points the whole grid gives.
inline fit::fit_result conditional_fit(const likelihood::model& model, const likelihood::dataset& data,
                                       const std::vector<std::pair<parameter_key, double>>& held,
                                       const fit::fit_options& options, const fit::fit_result* best) {
  fit::fit_options conditional = options;
  conditional.fixed.insert(conditional.fixed.end(), held.begin(), held.end());
  conditional.errors = false;
  auto from_inits = fit::fit(model, data, conditional);
  if (best == nullptr || !best->ok()) return from_inits;
  conditional.start = best->values;
  auto from_best = fit::fit(model, data, conditional);
  return fit::better_fit(from_best, from_inits) ? from_best : from_inits;
}

inline fit::fit_result conditional_fit(const likelihood::model& model, const likelihood::dataset& data,
                                       std::size_t parameter, double x, const fit::fit_options& options,
                                       const fit::fit_result* best = nullptr) {
  return conditional_fit(model, data, {{parameter, x}}, options, best);
}

/// Whether a conditional fit's 2 nll lies below the free fit's beyond rounding: then the free fit
/// stopped in a local minimum.
inline bool below_minimum(double twice_nll, double free_twice_nll) {
  return twice_nll < free_twice_nll - 1e-9 * (1 + std::abs(free_twice_nll));
}

}  // namespace detail

/// The conditional fits of a scan at `grid` (each from the model's initial values and from the free
/// fit, the better kept: detail::conditional_fit; any slice of a grid gives the points the whole grid
/// gives): value and twice_nll; delta_twice_nll is left 0 for complete_scan to fill.
/// @throws invalid_argument for an unknown parameter, one the model fixes or `options.fixed` holds,
///         grid points outside its bounds, or a grid that does not increase strictly.
[[nodiscard]] inline std::vector<scan_point> profile_scan_points(const likelihood::model& model,
                                                                 const likelihood::dataset& data,
                                                                 const std::string& parameter,
                                                                 const std::vector<double>& grid,
                                                                 const fit::fit_options& options = {}) {
  const std::size_t index = detail::scanned_parameter(model, parameter, grid, options);
  fit::fit_options free_options = options;
  free_options.errors = false;
  const auto free = fit::fit(model, data, free_options);
  std::vector<scan_point> points;
  for (double x : grid) {
    const auto r = detail::conditional_fit(model, data, index, x, options, &free);
    points.push_back({x, r.twice_nll, 0.0, r.status});
  }
  return points;
}

/// A scan from its points (from profile_scan_points, in grid order, maybe merged from slices):
/// the free fit, Δ(2 nll) of every point, and the intervals where it rises by 1 and 3.84 above
/// the minimum, each end refined by TOMS 748 on conditional fits to 1e-6 absolute.
/// @throws invalid_argument as profile_scan_points, and when there is no point.
[[nodiscard]] inline scan_result complete_scan(const likelihood::model& model, const likelihood::dataset& data,
                                               const std::string& parameter, std::vector<scan_point> points,
                                               const fit::fit_options& options = {}) {
  std::vector<double> grid;
  for (const auto& point : points) grid.push_back(point.value);
  if (points.empty()) throw invalid_argument("rein::infer::profile_scan: the grid is empty");
  const std::size_t index = detail::scanned_parameter(model, parameter, grid, options);
  scan_result result;
  result.parameter = parameter;
  auto free = fit::fit(model, data, options);
  // A point below the free fit shows that fit stopped in a local minimum: the free fit is redone
  // from that point's solution, and the point is listed.
  for (const auto& point : points) {
    if (!detail::below_minimum(point.twice_nll, free.twice_nll)) continue;
    result.below_minimum.push_back(point.value);
    fit::fit_options from = options;
    from.start = detail::conditional_fit(model, data, index, point.value, options, &free).values;
    auto refit = fit::fit(model, data, from);
    if (fit::better_fit(refit, free)) free = std::move(refit);
  }
  result.best = free.values[static_cast<Eigen::Index>(index)];
  result.twice_nll_min = free.twice_nll;
  result.status = free.status;
  for (auto& point : points) {
    point.delta_twice_nll = point.twice_nll - free.twice_nll;
    if (point.status != fit::fit_status::ok) result.status = point.status;
  }
  result.points = std::move(points);
  for (double level : {1.0, 3.84145882069412447}) {  // χ²₁ quantiles at 68.27% and 95%
    scan_interval interval{level, {}, {}};
    const auto f = [&](double x) {
      return detail::conditional_fit(model, data, index, x, options, &free).twice_nll - free.twice_nll - level;
    };
    const auto tolerance = [](double a, double b) { return std::abs(b - a) <= 1e-6; };
    for (std::size_t i = 0; i + 1 < result.points.size(); ++i) {
      const auto& a = result.points[i];
      const auto& b = result.points[i + 1];
      const double fa = a.delta_twice_nll - level, fb = b.delta_twice_nll - level;
      if ((fa > 0) == (fb > 0)) continue;
      std::uintmax_t iterations = 60;
      const auto root = boost::math::tools::toms748_solve(f, a.value, b.value, fa, fb, tolerance, iterations);
      const double x = 0.5 * (root.first + root.second);
      if (fa > 0 && x <= result.best) interval.lower = x;
      if (fb > 0 && x >= result.best) interval.upper = x;
    }
    result.intervals.push_back(interval);
  }
  return result;
}

/// The profile of 2 nll in one parameter over `grid`: profile_scan_points + complete_scan.
/// @throws invalid_argument for an unknown parameter, one the model fixes or `options.fixed` holds,
///         an empty grid, a grid that does not increase strictly, or grid points outside its bounds.
[[nodiscard]] inline scan_result profile_scan(const likelihood::model& model, const likelihood::dataset& data,
                                              const std::string& parameter, const std::vector<double>& grid,
                                              const fit::fit_options& options = {}) {
  return complete_scan(model, data, parameter, profile_scan_points(model, data, parameter, grid, options), options);
}

/// The expected curve of a profile scan: the same scan on the Asimov data of the fit that holds
/// the scanned parameter at `asimov_value` (what `rein scan --expected MU` draws under the observed).
struct expected_scan_result {
  scan_result scan;                                     ///< the profile on the Asimov data
  double asimov_value = 0;                              ///< where the parameter was held to make them
  fit::fit_status asimov_fit_status = fit::fit_status::ok;  ///< the status of that fit
};

/// The profile of 2 nll in `parameter` over `grid` on the Asimov data of the fit to `data` with
/// `parameter` held at `at` (other parameters profiled; no errors computed).
/// @throws invalid_argument as profile_scan, and (from fit) for `at` outside the parameter's bounds
[[nodiscard]] inline expected_scan_result expected_profile_scan(const likelihood::model& model, const likelihood::dataset& data,
                                                                const std::string& parameter, const std::vector<double>& grid,
                                                                double at, const fit::fit_options& options = {}) {
  fit::fit_options held = options;
  held.fixed.emplace_back(parameter, at);
  held.errors = false;
  const auto generator = fit::fit(model, data, held);
  return {profile_scan(model, asimov_data(model, generator.values), parameter, grid, options), at, generator.status};
}

/// One point of a two-parameter scan.
struct scan_point_2d {
  double x = 0, y = 0;
  double twice_nll = 0;
  double delta_twice_nll = 0;  ///< twice_nll − the free fit's twice_nll
  fit::fit_status status = fit::fit_status::ok;
};

/// The profile of 2 nll in two parameters on a grid; the 68.27 % and 95 % regions are where
/// Δ(2 nll) ≤ 2.2958 and 5.9915 (χ²₂ quantiles), for contours drawn from the points.
struct scan_2d_result {
  std::string x_parameter, y_parameter;
  double best_x = 0, best_y = 0;  ///< the free fit's values
  double twice_nll_min = 0;
  std::vector<scan_point_2d> points;  ///< x slowest: points[i·ny + j] = (x_grid[i], y_grid[j])
  std::size_t nx = 0, ny = 0;
  fit::fit_status status = fit::fit_status::ok;
  /// Points (x, y) whose conditional fit lay below the first free fit (then redone from there).
  std::vector<std::pair<double, double>> below_minimum;
};

/// The profile of 2 nll in parameters `x` and `y` over the product of their grids, every other
/// free parameter profiled; each point the better of conditional fits from the model's initial
/// values and from the free fit (detail::conditional_fit). A point below the free fit has the free
/// fit redone from its solution, and Δ(2 nll) is taken from the lower minimum.
/// @throws invalid_argument for an unknown or fixed parameter (or one held in options.fixed), the
///         same parameter twice, grid points outside the bounds, or a grid that does not increase
[[nodiscard]] inline scan_2d_result profile_scan_2d(const likelihood::model& model, const likelihood::dataset& data,
                                                    const std::string& x, const std::vector<double>& x_grid,
                                                    const std::string& y, const std::vector<double>& y_grid,
                                                    const fit::fit_options& options = {}) {
  if (x == y) throw invalid_argument("rein::infer::profile_scan_2d: both parameters are '" + x + "'; scan two different ones");
  if (x_grid.empty() || y_grid.empty()) throw invalid_argument("rein::infer::profile_scan_2d: a grid is empty");
  const std::size_t ix = detail::scanned_parameter(model, x, x_grid, options);
  const std::size_t iy = detail::scanned_parameter(model, y, y_grid, options);
  scan_2d_result r;
  r.x_parameter = x, r.y_parameter = y;
  r.nx = x_grid.size(), r.ny = y_grid.size();
  auto free = fit::fit(model, data, options);
  const auto first = free;
  for (double a : x_grid)
    for (double b : y_grid) {
      const auto f = detail::conditional_fit(model, data, {{ix, a}, {iy, b}}, options, &first);
      r.points.push_back({a, b, f.twice_nll, 0.0, f.status});
      if (!detail::below_minimum(f.twice_nll, free.twice_nll)) continue;
      r.below_minimum.emplace_back(a, b);
      fit::fit_options from = options;
      from.start = f.values;
      auto refit = fit::fit(model, data, from);
      if (fit::better_fit(refit, free)) free = std::move(refit);
    }
  r.best_x = free.values[static_cast<Eigen::Index>(ix)];
  r.best_y = free.values[static_cast<Eigen::Index>(iy)];
  r.twice_nll_min = free.twice_nll;
  r.status = free.status;
  for (auto& point : r.points) {
    point.delta_twice_nll = point.twice_nll - free.twice_nll;
    if (point.status != fit::fit_status::ok) r.status = point.status;
  }
  return r;
}

}  // namespace rein::infer
