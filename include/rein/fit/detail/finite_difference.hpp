#pragma once

#include "rein/fit/detail/evaluator.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace rein::fit::detail {

/// √ε for double: the relative step of a forward difference.
inline constexpr double forward_relative_step = 1.4901161193847656e-08;
/// ∛ε for double: the relative step of a central (or second-order one-sided) difference.
inline constexpr double central_relative_step = 6.0554544523933395e-06;

/// How a Hessian column is differenced.
enum class difference_kind { forward, central };

/// Base step for parameter value `value`: `relative · max(|value|, 1)`.
inline double base_step(double value, double relative) { return relative * std::max(std::abs(value), 1.0); }

/// One column ∂g/∂x_j of the Hessian at `x` from differences of the analytic gradient.
///
/// Central: (g(x + h e_j) − g(x − h e_j)) / 2h when both points are inside [lower_j, upper_j];
/// otherwise the second-order one-sided (−3 g(x) + 4 g(x + s) − g(x + 2s)) / 2s towards the side with
/// more room (|s| = h, or half the room when that is less). Forward: (g(x + s) − g(x)) / s with s
/// pointing inside the bounds. Steps are rounded so that x_j + s is exact. A side whose gradient is not
/// finite is abandoned for the other side.
/// @param x the point; component j is changed and restored. @param g0 ∇f(x).
/// @return false (and a NaN column) when no variant gave finite gradients.
inline bool hessian_column(evaluator& eval, Eigen::VectorXd& x, const Eigen::VectorXd& g0, double lower,
                           double upper, Eigen::Index j, double h, difference_kind kind, Eigen::VectorXd& column) {
  const double xj = x[j];
  const double room_up = upper - xj, room_down = xj - lower;
  Eigen::VectorXd g1, g2;
  double value = 0;
  const auto at = [&](double v, Eigen::VectorXd& g) {
    x[j] = v;
    const bool ok = eval(x, value, g);
    x[j] = xj;
    return ok;
  };
  if (kind == difference_kind::central && room_up >= h && room_down >= h) {
    const double hp = (xj + h) - xj, hm = xj - (xj - h);
    if (at(xj + hp, g1) && at(xj - hm, g2)) {
      column = (g1 - g2) / (hp + hm);
      return true;
    }
  }
  const int first = room_up >= room_down ? 1 : -1;
  for (const int side : {first, -first}) {
    const double room = side > 0 ? room_up : room_down;
    if (!(room > 0)) continue;
    if (kind == difference_kind::forward) {
      const double s = side * std::min(h, room);
      const double step = (xj + s) - xj;
      if (step != 0 && at(xj + step, g1)) {
        column = (g1 - g0) / step;
        return true;
      }
    } else {
      const double s = side * std::min(h, room / 2);
      const double step = (xj + s) - xj;
      const double far = std::clamp(xj + 2 * step, lower, upper);
      if (step != 0 && at(xj + step, g1) && at(far, g2)) {
        column = (-3 * g0 + 4 * g1 - g2) / (2 * step);
        return true;
      }
    }
  }
  column.setConstant(x.size(), std::numeric_limits<double>::quiet_NaN());
  return false;
}

/// Hessian of f at `x` over the parameters `index` (a k × k matrix in that order), symmetrised.
///
/// The step of parameter j is h_j = r · max(|x_j|, 1) with r = √ε (forward) or ∛ε (central). With
/// central differences and `refine`, a parameter whose scale is small — |x_j| < 1 and curvature
/// scale σ_j = 1/√H_jj below 0.01 · max(|x_j|, 1) — is differenced again with h_j = r · max(|x_j|, σ_j).
/// Entries that could not be computed are NaN.
/// @param g0 ∇f(x) (needed by one-sided differences).
inline Eigen::MatrixXd hessian_on(evaluator& eval, Eigen::VectorXd x, const Eigen::VectorXd& g0,
                                  const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                                  const std::vector<Eigen::Index>& index, difference_kind kind, bool refine) {
  const auto k = static_cast<Eigen::Index>(index.size());
  const double relative = kind == difference_kind::forward ? forward_relative_step : central_relative_step;
  Eigen::MatrixXd h(k, k);
  Eigen::VectorXd column;
  for (Eigen::Index a = 0; a < k; ++a) {
    const Eigen::Index j = index[static_cast<std::size_t>(a)];
    const double step = base_step(x[j], relative);
    hessian_column(eval, x, g0, lower[j], upper[j], j, step, kind, column);
    if (refine && kind == difference_kind::central) {
      const double hjj = column[j];
      if (std::isfinite(hjj) && hjj > 0) {
        const double scale = std::max(std::abs(x[j]), 1 / std::sqrt(hjj));
        if (scale < 0.01 * std::max(std::abs(x[j]), 1.0))
          hessian_column(eval, x, g0, lower[j], upper[j], j, relative * scale, kind, column);
      }
    }
    for (Eigen::Index b = 0; b < k; ++b) h(b, a) = column[index[static_cast<std::size_t>(b)]];
  }
  const Eigen::MatrixXd symmetric = 0.5 * (h + h.transpose());
  return symmetric;
}

}  // namespace rein::fit::detail
