#pragma once

// The sampling target: a log density on the constrained parameter space with per-parameter bounds.
#include "rein/bayes/detail/numbers.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::bayes {

/// A log density (up to a constant) on the constrained parameter space.
///
/// Called as `f(x, gradient)`: returns ln p(x); when `gradient != nullptr` also writes ∂ ln p/∂x into
/// `*gradient`, which the caller has sized to `x.size()` (every component must be written). With
/// `nullptr` only the value is needed. −∞ means zero density (a rejection, not an error); NaN and +∞
/// are errors that the samplers count and report in their `status`. The samplers call it from
/// several threads at once: it must be thread-safe.
using log_density = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)>;

/// What the samplers draw from: a log density, the bounds of each parameter (±∞ allowed) and
/// optional parameter names (empty: "x[0]", "x[1]", ...).
struct target {
  rein::bayes::log_density log_prob;  ///< ln p(x) on the constrained space, see log_density
  Eigen::VectorXd lower;              ///< lower bounds, −∞ for none
  Eigen::VectorXd upper;              ///< upper bounds, +∞ for none
  std::vector<std::string> names;     ///< one per parameter, or empty

  /// The number of parameters.
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(lower.size()); }

  /// The name of parameter i: `names[i]`, or "x[i]" when no names were given.
  [[nodiscard]] std::string name(std::size_t i) const {
    return i < names.size() ? names[i] : "x[" + std::to_string(i) + "]";
  }
};

/// A target with the given log density and bounds.
/// @param log_prob ln p(x), see log_density
/// @param lower lower bounds (−∞ for none)
/// @param upper upper bounds (+∞ for none)
/// @param names parameter names (optional)
/// @throws rein::invalid_argument as check_target does
[[nodiscard]] inline target make_target(rein::bayes::log_density log_prob, Eigen::VectorXd lower, Eigen::VectorXd upper,
                                        std::vector<std::string> names = {});

/// A target with every parameter unbounded.
/// @throws rein::invalid_argument if dimension = 0 or log_prob is empty
[[nodiscard]] inline target make_target(rein::bayes::log_density log_prob, std::size_t dimension,
                                        std::vector<std::string> names = {});

/// Checks a target: a callable, at least one parameter, lower and upper of the same size, names
/// empty or one per parameter, and for every parameter lower < upper with neither NaN (infinite
/// bounds are allowed: −∞ below, +∞ above).
/// @param t the target
/// @param function the caller's name for the messages, e.g. "rein::bayes::sample_nuts"
/// @throws rein::invalid_argument naming the parameter, its index and the offending values
inline void check_target(const target& t, const std::string& function) {
  rein::detail::check(static_cast<bool>(t.log_prob), function + ": target.log_prob is empty, must be a callable");
  rein::detail::check(t.lower.size() == t.upper.size(),
                function + ": target.lower has " + std::to_string(t.lower.size()) + " entries, target.upper has " +
                    std::to_string(t.upper.size()) + ", must be equal");
  rein::detail::check(t.lower.size() > 0, function + ": the target has 0 parameters, must have at least 1");
  rein::detail::check(t.names.empty() || t.names.size() == t.size(),
                function + ": target.names has " + std::to_string(t.names.size()) + " entries, must be 0 or " +
                    std::to_string(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    const double a = t.lower[k], b = t.upper[k];
    if (!(a < b) || a == detail::infinity || b == -detail::infinity)
      throw invalid_argument(function + ": parameter '" + t.name(i) + "' (index " + std::to_string(i) +
                             ") has lower = " + rein::detail::format_value(a) + " and upper = " + rein::detail::format_value(b) +
                             ", must satisfy lower < upper (±inf allowed, no NaN)");
  }
}

inline target make_target(rein::bayes::log_density log_prob, Eigen::VectorXd lower, Eigen::VectorXd upper,
                          std::vector<std::string> names) {
  target t{std::move(log_prob), std::move(lower), std::move(upper), std::move(names)};
  check_target(t, "rein::bayes::make_target");
  return t;
}

inline target make_target(rein::bayes::log_density log_prob, std::size_t dimension, std::vector<std::string> names) {
  const auto n = static_cast<Eigen::Index>(dimension);
  return make_target(std::move(log_prob), Eigen::VectorXd::Constant(n, -detail::infinity), Eigen::VectorXd::Constant(n, detail::infinity),
                     std::move(names));
}

}  // namespace rein::bayes
