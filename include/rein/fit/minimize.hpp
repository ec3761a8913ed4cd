#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/detail/bounded_quasi_newton.hpp"
#include "rein/fit/detail/check_box.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/minimize_options.hpp"
#include "rein/fit/objective.hpp"

#include <Eigen/Core>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace rein::fit {

/// Minimises f over the box lower ≤ x ≤ upper, holding the parameters with `fixed[i] == true` at x0[i].
///
/// Projected quasi-Newton with an active set (dense BFGS inverse-Hessian on the parameters not held
/// on a bound, strong-Wolfe line search on the projected path), started from a finite-difference
/// Hessian and finished by a Newton check with a finite-difference Hessian of the analytic gradient
/// (see docs/fit.md). It stops with `fit_status::ok` when the scaled projected gradient is below
/// `options.gradient_tolerance` and the estimated distance to the minimum g_Wᵀ H_WW⁻¹ g_W / 2 over the
/// free, non-held parameters W is below `options.edm_tolerance`, both verified with the Newton check.
/// A free parameter whose optimum is on a bound ends exactly on it. Fixed parameters need not lie inside
/// their bounds (the bounds do not apply to them); a parameter with lower == upper is held there.
///
/// Numerical failures are reported in `minimize_result::status`, not thrown: a non-finite value or
/// gradient at x0 gives `non_finite` with x = x0; non-finite values during the search shorten the step.
///
/// @param f the objective (value and analytic gradient).
/// @param x0 start point; free parameters must lie inside their bounds.
/// @param lower, upper bounds (±∞ allowed; NaN not); lower[i] ≤ upper[i].
/// @param fixed parameters held at x0[i].
/// @param options tolerances and limits.
/// @return the lowest point found, its value and gradient, the status and counters.
/// @throws invalid_argument if f is empty, sizes differ, a bound is NaN, lower[i] > upper[i], x0[i] is not
///         finite, a free x0[i] lies outside its bounds, an option is out of range (or start_hessian has
///         the wrong shape), or f returns a gradient of the wrong size.
[[nodiscard]] inline minimize_result minimize(const objective& f, Eigen::VectorXd x0, const Eigen::VectorXd& lower,
                                              const Eigen::VectorXd& upper, const std::vector<bool>& fixed,
                                              const minimize_options& options = {}) {
  constexpr const char* function = "rein::fit::minimize";
  if (!f) throw invalid_argument(std::string(function) + ": the objective f is empty; need a callable");
  detail::check_box(function, "x0", x0, lower, upper, fixed);
  detail::check_options(function, options, x0.size());
  detail::bounded_quasi_newton solver(f, std::move(x0), lower, upper, fixed, options);
  return solver.run();
}

}  // namespace rein::fit
