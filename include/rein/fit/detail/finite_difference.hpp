#pragma once

#include "rein/fit/detail/evaluator.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
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

/// The columns of one parameter j: h_j as in hessian_on, then (central, `refine`) again with
/// h_j = r · max(|x_j|, σ_j) when its curvature scale σ_j = 1/√H_jj is below 0.01 · max(|x_j|, 1).
inline void refined_hessian_column(evaluator& eval, Eigen::VectorXd& x, const Eigen::VectorXd& g0, double lower,
                                   double upper, Eigen::Index j, difference_kind kind, bool refine,
                                   Eigen::VectorXd& column) {
  const double relative = kind == difference_kind::forward ? forward_relative_step : central_relative_step;
  hessian_column(eval, x, g0, lower, upper, j, base_step(x[j], relative), kind, column);
  if (refine && kind == difference_kind::central) {
    const double hjj = column[j];
    if (std::isfinite(hjj) && hjj > 0) {
      const double scale = std::max(std::abs(x[j]), 1 / std::sqrt(hjj));
      if (scale < 0.01 * std::max(std::abs(x[j]), 1.0))
        hessian_column(eval, x, g0, lower, upper, j, relative * scale, kind, column);
    }
  }
}

/// Marks a parameter that may couple to every other in `hessian_on`'s `blocks`.
inline constexpr std::ptrdiff_t dense_block = -1;

/// Hessian of f at `x` over the parameters `index` (a k × k matrix in that order), symmetrised.
///
/// The step of parameter j is h_j = r · max(|x_j|, 1) with r = √ε (forward) or ∛ε (central). With
/// central differences and `refine`, a parameter whose scale is small — |x_j| < 1 and curvature
/// scale σ_j = 1/√H_jj below 0.01 · max(|x_j|, 1) — is differenced again with h_j = r · max(|x_j|, σ_j).
/// Entries that could not be computed are NaN.
///
/// `blocks` (empty, or one entry per parameter of x) gives the Hessian's structure: a parameter in
/// block b ≥ 0 couples only to `dense_block` parameters and to those of block b (a per-bin γ of a
/// binned likelihood, block = its bin). Dense parameters are differenced one by one; the others in
/// groups, the q-th free parameter of every block together (Curtis, Powell & Reid 1974): a group's
/// gradient difference holds, in the rows of each member's block, that member's column alone. The
/// rows of dense parameters are taken from their own columns (H is symmetric). A k-parameter model
/// with d dense parameters and at most c per block then costs d + c gradient calls instead of k.
/// A group that leaves the bounds or whose gradient is not finite is differenced one by one.
/// @param g0 ∇f(x) (needed by one-sided differences).
inline Eigen::MatrixXd hessian_on(evaluator& eval, Eigen::VectorXd x, const Eigen::VectorXd& g0,
                                  const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                                  const std::vector<Eigen::Index>& index, difference_kind kind, bool refine,
                                  const std::vector<std::ptrdiff_t>& blocks = {}) {
  const auto k = static_cast<Eigen::Index>(index.size());
  const auto block = [&](Eigen::Index a) {
    return blocks.empty() ? dense_block : blocks[static_cast<std::size_t>(index[static_cast<std::size_t>(a)])];
  };
  // the sparse positions sorted by block: each block's rows are one run, its q-th member has colour q
  std::vector<std::pair<std::ptrdiff_t, Eigen::Index>> sparse;
  for (Eigen::Index a = 0; a < k; ++a)
    if (block(a) != dense_block) sparse.emplace_back(block(a), a);
  std::sort(sparse.begin(), sparse.end());
  std::vector<std::vector<std::size_t>> groups;  // per colour: the members' entries in `sparse`
  for (std::size_t r = 0, run = 0; r < sparse.size(); ++r) {
    if (r > 0 && sparse[r].first != sparse[r - 1].first) run = r;
    const std::size_t colour = r - run;
    if (colour == groups.size()) groups.emplace_back();
    groups[colour].push_back(r);
  }
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd column;
  const auto individually = [&](Eigen::Index a) {
    const Eigen::Index j = index[static_cast<std::size_t>(a)];
    refined_hessian_column(eval, x, g0, lower[j], upper[j], j, kind, refine, column);
    for (Eigen::Index b = 0; b < k; ++b) h(b, a) = column[index[static_cast<std::size_t>(b)]];
  };
  const bool grouped = groups.size() < sparse.size();  // grouping saves gradient calls
  for (Eigen::Index a = 0; a < k; ++a)
    if (!grouped || block(a) == dense_block) individually(a);
  if (!grouped) return 0.5 * (h + h.transpose());

  const double relative = kind == difference_kind::forward ? forward_relative_step : central_relative_step;
  double value = 0;
  Eigen::VectorXd g1, g2, y;
  std::vector<Eigen::Index> together;  // the group's members with room for their steps
  std::vector<double> step_up, step_down;
  for (const auto& group : groups) {
    // steps of every member: forward inside the bounds, central only with room on both sides; the
    // others are differenced alone (one-sided)
    together.clear();
    step_up.clear();
    step_down.clear();
    for (const std::size_t member : group) {
      const Eigen::Index a = sparse[member].second, j = index[static_cast<std::size_t>(a)];
      const double xj = x[j], hj = base_step(xj, relative), room_up = upper[j] - xj, room_down = xj - lower[j];
      double up = 0, down = 0;
      if (kind == difference_kind::central) {
        if (room_up >= hj && room_down >= hj) up = (xj + hj) - xj, down = xj - (xj - hj);
      } else {
        const double side = room_up >= room_down ? 1.0 : -1.0;
        up = (xj + side * std::min(hj, side > 0 ? room_up : room_down)) - xj;
      }
      if (up == 0) {
        individually(a);
        continue;
      }
      together.push_back(a);
      step_up.push_back(up);
      step_down.push_back(down);
    }
    if (together.empty()) continue;
    const auto shifted = [&](double sign, const std::vector<double>& steps, Eigen::VectorXd& g) {
      y = x;
      for (std::size_t m = 0; m < together.size(); ++m) y[index[static_cast<std::size_t>(together[m])]] += sign * steps[m];
      return eval(y, value, g) && g.allFinite();
    };
    const bool differenced = shifted(1, step_up, g1) && (kind == difference_kind::forward || shifted(-1, step_down, g2));
    for (std::size_t m = 0; m < together.size(); ++m) {
      const Eigen::Index a = together[m], j = index[static_cast<std::size_t>(a)];
      if (!differenced) {
        individually(a);
        continue;
      }
      // the rows of a's block: its run in `sparse`
      const auto first = std::lower_bound(sparse.begin(), sparse.end(), std::make_pair(block(a), Eigen::Index{0}));
      for (auto r = first; r != sparse.end() && r->first == block(a); ++r) {
        const Eigen::Index row = index[static_cast<std::size_t>(r->second)];
        h(r->second, a) = kind == difference_kind::forward ? (g1[row] - g0[row]) / step_up[m]
                                                           : (g1[row] - g2[row]) / (step_up[m] + step_down[m]);
      }
      const double hjj = h(a, a);
      if (refine && kind == difference_kind::central && std::isfinite(hjj) && hjj > 0 &&
          std::max(std::abs(x[j]), 1 / std::sqrt(hjj)) < 0.01 * std::max(std::abs(x[j]), 1.0))
        individually(a);
    }
  }
  // dense rows of sparse columns from the dense columns; other blocks stay 0
  for (Eigen::Index a = 0; a < k; ++a)
    if (block(a) != dense_block)
      for (Eigen::Index b = 0; b < k; ++b)
        if (block(b) == dense_block) h(b, a) = h(a, b);
  return 0.5 * (h + h.transpose());
}

}  // namespace rein::fit::detail
