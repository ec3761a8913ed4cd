#pragma once

#include "rein/core/error.hpp"
#include "rein/fit/detail/check_box.hpp"
#include "rein/fit/detail/evaluator.hpp"
#include "rein/fit/detail/finite_difference.hpp"
#include "rein/fit/objective.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::fit {

/// Hessian of f at x from central differences of the analytic gradient, symmetrised, (H + Hᵀ)/2.
///
/// Parameter j is stepped by h_j = ∛ε · max(|x_j|, 1) (∛ε ≈ 6.06e-6); a parameter with a small scale
/// (|x_j| < 1 and curvature scale 1/√H_jj below 0.01 · max(|x_j|, 1)) is differenced again with
/// h_j = ∛ε · max(|x_j|, 1/√H_jj). Steps stay inside the bounds: where x_j ± h_j would leave them, the
/// second-order one-sided difference (−3 g(x) + 4 g(x + s) − g(x + 2s)) / 2s towards the interior is
/// used (|s| = h_j, or half the room to the far bound if that is less). Both have truncation errors of
/// order h², about 1e-10 relative for smooth functions. Rows and columns of fixed parameters, and of
/// parameters with lower == upper, are zero. Costs two gradient calls per free parameter (three when
/// one-sided, plus two for each re-differenced parameter). Entries whose gradients were not finite on
/// either side are NaN.
/// @param f the objective; @param x the point (free parameters inside their bounds);
/// @param lower, upper bounds; @param fixed parameters left out.
/// @param blocks optional structure of the Hessian (minimize_options::hessian_blocks): block
///        parameters are differenced in groups.
/// @throws invalid_argument if f is empty, sizes differ, `blocks` is neither empty nor of x's size, a bound is NaN, lower[i] > upper[i], x[i] is not
///         finite, a free x[i] lies outside its bounds, or f returns a gradient of the wrong size.
[[nodiscard]] inline Eigen::MatrixXd hessian(const objective& f, const Eigen::VectorXd& x, const Eigen::VectorXd& lower,
                                             const Eigen::VectorXd& upper, const std::vector<bool>& fixed,
                                             const std::vector<std::ptrdiff_t>& blocks = {}) {
  constexpr const char* function = "rein::fit::hessian";
  if (!f) throw invalid_argument(std::string(function) + ": the objective f is empty; need a callable");
  detail::check_box(function, "x", x, lower, upper, fixed);
  if (!blocks.empty() && static_cast<Eigen::Index>(blocks.size()) != x.size())
    throw invalid_argument(std::string(function) + ": blocks has " + std::to_string(blocks.size()) +
                           " entries, must be empty or " + std::to_string(x.size()) + " (the number of parameters)");
  const Eigen::Index n = x.size();
  std::vector<Eigen::Index> free;
  for (Eigen::Index i = 0; i < n; ++i)
    if (!fixed[static_cast<std::size_t>(i)] && lower[i] < upper[i]) free.push_back(i);
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(n, n);
  if (free.empty()) return h;
  detail::evaluator eval(f, n, function);
  double value = 0;
  Eigen::VectorXd g0;
  eval(x, value, g0);  // one-sided differences need g(x); a non-finite g(x) only spoils those
  const Eigen::MatrixXd reduced =
      detail::hessian_on(eval, x, g0, lower, upper, free, detail::difference_kind::central, true, blocks);
  for (std::size_t a = 0; a < free.size(); ++a)
    for (std::size_t b = 0; b < free.size(); ++b)
      h(free[a], free[b]) = reduced(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
  return h;
}

}  // namespace rein::fit
