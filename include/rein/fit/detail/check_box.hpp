#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace rein::fit::detail {

/// Checks the arguments shared by `minimize` and `hessian`: equal sizes, valid bounds, a finite point,
/// and free parameters inside their bounds (fixed ones may sit anywhere, bounds do not apply to them).
/// @param function the caller's qualified name; @param x_name "x0" or "x".
/// @throws invalid_argument naming the function, the argument, the index, the value and the rule.
inline void check_box(const char* function, const char* x_name, const Eigen::VectorXd& x,
                      const Eigen::VectorXd& lower, const Eigen::VectorXd& upper, const std::vector<bool>& fixed) {
  using rein::detail::format_value;
  const std::string where = std::string(function) + ": ";
  const auto size_error = [&](const char* name, Eigen::Index size) {
    return invalid_argument(where + name + " has " + std::to_string(size) + " entries, " + x_name + " has " +
                            std::to_string(x.size()) + "; they must have the same size");
  };
  if (lower.size() != x.size()) throw size_error("lower", lower.size());
  if (upper.size() != x.size()) throw size_error("upper", upper.size());
  if (static_cast<Eigen::Index>(fixed.size()) != x.size())
    throw size_error("fixed", static_cast<Eigen::Index>(fixed.size()));
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const std::string index = "[" + std::to_string(i) + "]";
    const double l = lower[i], u = upper[i], xi = x[i];
    if (std::isnan(l) || std::isnan(u))
      throw invalid_argument(where + "lower" + index + " = " + format_value(l) + ", upper" + index + " = " +
                             format_value(u) + "; bounds must not be NaN");
    if (!(l <= u))
      throw invalid_argument(where + "lower" + index + " = " + format_value(l) + " is above upper" + index +
                             " = " + format_value(u) + "; need lower <= upper");
    if (!(l < inf) || !(u > -inf))
      throw invalid_argument(where + "bounds" + index + " = [" + format_value(l) + ", " + format_value(u) +
                             "] contain no finite value; need lower < +inf and upper > -inf");
    if (!std::isfinite(xi))
      throw invalid_argument(where + x_name + index + " = " + format_value(xi) + ", must be finite");
    if (!fixed[static_cast<std::size_t>(i)] && !(l <= xi && xi <= u))
      throw invalid_argument(where + x_name + index + " = " + format_value(xi) + " lies outside [lower" + index +
                             ", upper" + index + "] = [" + format_value(l) + ", " + format_value(u) +
                             "]; a free parameter must lie inside its bounds");
  }
}

}  // namespace rein::fit::detail
