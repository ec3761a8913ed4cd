#pragma once

#include "rein/fit/detail/evaluator.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace rein::fit::detail {

/// A point of a line search: parameters, value and gradient (full length).
struct search_point {
  Eigen::VectorXd x;
  double value = 0;
  Eigen::VectorXd gradient;
};

/// The path x(α) = P[x + α d] through the box, P the projection, d given on the free parameters.
/// For α up to the first breakpoint `alpha_max()` the path is straight; a parameter whose breakpoint
/// has been reached sits exactly on its bound (no rounding leaves it a hair inside).
class projected_path {
 public:
  projected_path(const Eigen::VectorXd& x, const std::vector<Eigen::Index>& free, const Eigen::VectorXd& lower,
                 const Eigen::VectorXd& upper, const Eigen::VectorXd& direction)
      : m_x(x), m_free(free), m_lower(lower), m_upper(upper), m_d(direction), m_break(direction.size()) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    for (Eigen::Index a = 0; a < m_d.size(); ++a) {
      const Eigen::Index j = m_free[static_cast<std::size_t>(a)];
      const double d = m_d[a];
      double t = inf;
      if (d < 0 && std::isfinite(m_lower[j])) t = (m_lower[j] - m_x[j]) / d;
      if (d > 0 && std::isfinite(m_upper[j])) t = (m_upper[j] - m_x[j]) / d;
      m_break[a] = std::max(t, 0.0);
      m_alpha_max = std::min(m_alpha_max, m_break[a]);
    }
  }

  /// The first breakpoint: the largest step along the straight line that stays in the box.
  [[nodiscard]] double alpha_max() const { return m_alpha_max; }

  /// True when parameter `a` (free coordinates) sits on its bound at step α (its breakpoint reached).
  [[nodiscard]] bool clipped(Eigen::Index a, double alpha) const { return m_d[a] != 0 && alpha >= m_break[a]; }

  /// x(α) into `out`.
  void point(double alpha, Eigen::VectorXd& out) const {
    out = m_x;
    for (Eigen::Index a = 0; a < m_d.size(); ++a) {
      const Eigen::Index j = m_free[static_cast<std::size_t>(a)];
      const double d = m_d[a];
      if (d == 0) continue;
      double v = m_x[j] + alpha * d;
      if (alpha >= m_break[a]) v = d < 0 ? m_lower[j] : m_upper[j];
      out[j] = std::clamp(v, m_lower[j], m_upper[j]);
    }
  }

 private:
  const Eigen::VectorXd& m_x;
  const std::vector<Eigen::Index>& m_free;
  const Eigen::VectorXd& m_lower;
  const Eigen::VectorXd& m_upper;
  const Eigen::VectorXd& m_d;
  Eigen::VectorXd m_break;
  double m_alpha_max = std::numeric_limits<double>::infinity();
};

/// How a line search ended.
enum class line_search_outcome { accepted, failed, non_finite };

/// Line-search constants.
struct line_search_settings {
  double c1 = 1e-4;          ///< sufficient decrease (Armijo)
  double c2 = 0.9;           ///< curvature (strong Wolfe), the usual quasi-Newton value
  int max_evaluations = 30;  ///< objective calls per search
};

/// Step along `path` from x (value f0, gradient g0) with direction d on the free parameters.
///
/// 1. If the first breakpoint is below `alpha_init`, the projected point x(alpha_init) is tried first and
///    kept when it satisfies the Armijo condition with the actual displacement
///    (f ≤ f0 + c1 g0·(x(α) − x)) and every parameter the projection put on a bound is pushed outwards
///    by the gradient there: many parameters may reach their bounds in one step, but none is parked on
///    a bound it would leave again (a barrier-like term, such as −n ln θ, makes that very costly).
/// 2. Otherwise a strong-Wolfe search (Nocedal & Wright, Algorithms 3.5 and 3.6, cubic interpolation with
///    10 % safeguards) on the straight part [0, alpha_max]; reaching alpha_max with sufficient decrease
///    while f still falls ends the search there, with the blocking parameter exactly on its bound.
///    Non-finite trial values shrink the step (bisection towards the last finite point). A point that
///    fails Armijo only by rounding, f ≤ f0 + 1e-12 (1 + |f0|), is accepted when its slope satisfies the
///    approximate Wolfe conditions of Hager & Zhang (c2 φ'(0) ≤ φ'(α) ≤ −0.8 φ'(0)).
/// If the evaluation budget runs out, the best point with sufficient decrease found so far is kept.
inline line_search_outcome line_search(evaluator& eval, const projected_path& path, const Eigen::VectorXd& x,
                                       const std::vector<Eigen::Index>& free, const Eigen::VectorXd& d, double f0,
                                       const Eigen::VectorXd& g0, double alpha_init,
                                       const line_search_settings& settings, search_point& out) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const auto slope = [&](const Eigen::VectorXd& g) {
    double s = 0;
    for (Eigen::Index a = 0; a < d.size(); ++a) s += g[free[static_cast<std::size_t>(a)]] * d[a];
    return s;
  };
  const double dphi0 = slope(g0);
  const double noise = 1e-12 * (1 + std::abs(f0));
  int used = 0;
  bool any_finite = false;
  search_point trial;
  const auto evaluate = [&](double alpha) {
    path.point(alpha, trial.x);
    ++used;
    const bool ok = eval(trial.x, trial.value, trial.gradient);
    any_finite = any_finite || ok;
    return ok;
  };
  const auto approximately_wolfe = [&](double value, double dphi) {
    return value <= f0 + noise && settings.c2 * dphi0 <= dphi && dphi <= -0.8 * dphi0;
  };
  const auto fail = [&] { return any_finite ? line_search_outcome::failed : line_search_outcome::non_finite; };

  const double alpha_max = path.alpha_max();
  double alpha = alpha_init;
  if (alpha_max < alpha) {
    if (evaluate(alpha)) {
      double predicted = 0;
      bool consistent = true;  // every parameter the projection stopped on a bound is pushed outwards there
      for (std::size_t a = 0; a < free.size(); ++a) {
        const Eigen::Index j = free[a];
        predicted += g0[j] * (trial.x[j] - x[j]);
        if (path.clipped(static_cast<Eigen::Index>(a), alpha))
          consistent = consistent && (d[static_cast<Eigen::Index>(a)] < 0 ? trial.gradient[j] >= 0 : trial.gradient[j] <= 0);
      }
      if (consistent && predicted < 0 && trial.value <= f0 + settings.c1 * predicted) {
        out = std::move(trial);
        return line_search_outcome::accepted;
      }
    }
    alpha = alpha_max;
  }
  if (!(alpha > 0)) return fail();

  // Bracketing phase. `lo` is the best point with sufficient decrease (α = 0: the start).
  double a_lo = 0, f_lo = f0, d_lo = dphi0;
  search_point lo;
  double a_hi = 0, f_hi = inf, d_hi = 0;
  bool bracketed = false;
  bool first = true;
  while (used < settings.max_evaluations) {
    if (!evaluate(alpha)) {
      a_hi = alpha, f_hi = inf, d_hi = 0;
      bracketed = true;
      break;
    }
    const double dphi = slope(trial.gradient);
    if (trial.value > f0 + settings.c1 * alpha * dphi0 || (!first && trial.value >= f_lo)) {
      if (approximately_wolfe(trial.value, dphi)) {
        out = std::move(trial);
        return line_search_outcome::accepted;
      }
      a_hi = alpha, f_hi = trial.value, d_hi = dphi;
      bracketed = true;
      break;
    }
    if (std::abs(dphi) <= -settings.c2 * dphi0) {
      out = std::move(trial);
      return line_search_outcome::accepted;
    }
    if (dphi >= 0) {
      a_hi = a_lo, f_hi = f_lo, d_hi = d_lo;
      a_lo = alpha, f_lo = trial.value, d_lo = dphi;
      lo = std::move(trial);
      bracketed = true;
      break;
    }
    if (alpha >= alpha_max) {  // still falling at the first breakpoint: stop on the bound
      out = std::move(trial);
      return line_search_outcome::accepted;
    }
    a_lo = alpha, f_lo = trial.value, d_lo = dphi;
    lo = std::move(trial);
    first = false;
    alpha = std::min(alpha_max, 4 * alpha);
  }

  // Zoom phase: the interval between a_lo and a_hi holds a strong-Wolfe point.
  while (bracketed && used < settings.max_evaluations) {
    const double left = std::min(a_lo, a_hi), right = std::max(a_lo, a_hi), width = right - left;
    if (!(width > 1e-15 * right)) break;
    double next = 0.5 * (a_lo + a_hi);
    if (std::isfinite(f_hi)) {
      const double d1 = d_lo + d_hi - 3 * (f_lo - f_hi) / (a_lo - a_hi);
      const double disc = d1 * d1 - d_lo * d_hi;
      if (disc >= 0) {
        const double d2 = std::copysign(std::sqrt(disc), a_hi - a_lo);
        const double cubic = a_hi - (a_hi - a_lo) * (d_hi + d2 - d1) / (d_hi - d_lo + 2 * d2);
        if (std::isfinite(cubic)) next = cubic;
      }
    }
    next = std::clamp(next, left + 0.1 * width, right - 0.1 * width);
    if (!evaluate(next)) {
      a_hi = next, f_hi = inf, d_hi = 0;
      continue;
    }
    const double dphi = slope(trial.gradient);
    if (trial.value > f0 + settings.c1 * next * dphi0 || trial.value >= f_lo) {
      if (approximately_wolfe(trial.value, dphi)) {
        out = std::move(trial);
        return line_search_outcome::accepted;
      }
      a_hi = next, f_hi = trial.value, d_hi = dphi;
    } else {
      if (std::abs(dphi) <= -settings.c2 * dphi0) {
        out = std::move(trial);
        return line_search_outcome::accepted;
      }
      if (dphi * (a_hi - a_lo) >= 0) a_hi = a_lo, f_hi = f_lo, d_hi = d_lo;
      a_lo = next, f_lo = trial.value, d_lo = dphi;
      lo = std::move(trial);
    }
  }
  if (a_lo > 0) {
    out = std::move(lo);
    return line_search_outcome::accepted;
  }
  return fail();
}

}  // namespace rein::fit::detail
