#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/model.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
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
};

/// Evenly spaced grid lo, …, hi with n points.
/// @throws invalid_argument unless n ≥ 2 and lo < hi.
inline std::vector<double> linear_grid(double lo, double hi, int n) {
  if (n < 2 || !(lo < hi))
    throw invalid_argument("rein::infer::linear_grid: need lo < hi and n >= 2, got " + rein::detail::format_value(lo) +
                           ":" + rein::detail::format_value(hi) + ":" + std::to_string(n));
  std::vector<double> grid(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) grid[static_cast<std::size_t>(i)] = lo + (hi - lo) * i / (n - 1);
  return grid;
}

/// The profile of 2 nll in one parameter over `grid`, and the intervals where it rises by 1 and
/// 3.84 above the minimum, each end refined by TOMS 748 on conditional fits to 1e-6 absolute.
/// @throws invalid_argument for an unknown or fixed parameter, or grid points outside its bounds.
[[nodiscard]] inline scan_result profile_scan(const likelihood::model& model, const likelihood::dataset& data,
                                              const std::string& parameter, const std::vector<double>& grid,
                                              const fit::fit_options& options = {}) {
  const std::size_t index = model.parameters().index(parameter);
  const auto& p = model.parameters()[index];
  if (p.fixed) throw invalid_argument("rein::infer::profile_scan: parameter '" + parameter + "' is fixed");
  for (double x : grid)
    if (!(p.lower <= x && x <= p.upper))
      throw invalid_argument("rein::infer::profile_scan: scan point " + parameter + " = " + rein::detail::format_value(x) +
                             " lies outside its bounds [" + rein::detail::format_value(p.lower) + ", " +
                             rein::detail::format_value(p.upper) + "]");
  scan_result result;
  result.parameter = parameter;
  const auto free = fit::fit(model, data, options);
  result.best = free.values[static_cast<Eigen::Index>(index)];
  result.twice_nll_min = free.twice_nll;
  result.status = free.status;
  const auto profile = [&](double x) {
    fit::fit_options conditional = options;
    conditional.fixed.emplace_back(parameter, x);
    conditional.errors = false;
    return fit::fit(model, data, conditional);
  };
  for (double x : grid) {
    const auto r = profile(x);
    result.points.push_back({x, r.twice_nll, r.twice_nll - free.twice_nll, r.status});
    if (r.status != fit::fit_status::ok) result.status = r.status;
  }
  for (double level : {1.0, 3.84145882069412447}) {  // χ²₁ quantiles at 68.27% and 95%
    scan_interval interval{level, {}, {}};
    const auto f = [&](double x) { return profile(x).twice_nll - free.twice_nll - level; };
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

}  // namespace rein::infer
