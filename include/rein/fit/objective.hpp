#pragma once

#include "rein/config.hpp"

#include <Eigen/Core>

#include <functional>

namespace rein::fit {

/// A function to minimise, with its analytic gradient.
///
/// Called as `f(x, gradient)`: returns f(x), and when `gradient != nullptr` also writes ∇f(x) into
/// `*gradient`, which the caller has already sized to `x.size()`; every component must be written.
/// A point outside the function's domain may return a non-finite value (NaN or ±∞): the minimiser
/// treats it as "too far" and shortens the step. rein's minimiser and Hessian always ask for the
/// gradient.
using objective = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)>;

}  // namespace rein::fit
