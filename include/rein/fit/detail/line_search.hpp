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

namespace line_search_phases {

/// The bracket of the strong-Wolfe search: `lo` is the best point with sufficient decrease so far
/// (α = 0: the start), `hi` the other end; f_hi = ∞ marks a non-finite end.
struct wolfe_bracket {
  double a_lo = 0, f_lo = 0, d_lo = 0;
  search_point lo;
  double a_hi = 0, f_hi = std::numeric_limits<double>::infinity(), d_hi = 0;
  bool found = false;  ///< a strong-Wolfe point lies between a_lo and a_hi
};

/// What every phase of one line search shares: the objective, the path, φ(0) = f0, φ'(0), the
/// evaluation budget and the last trial point.
class search_state {
 public:
  search_state(evaluator& eval, const projected_path& path, const std::vector<Eigen::Index>& free, const Eigen::VectorXd& d,
         double f0, const Eigen::VectorXd& g0, const line_search_settings& settings)
      : m_eval(eval), m_path(path), m_free(free), m_d(d), m_settings(settings), m_f0(f0), m_dphi0(slope(g0)),
        m_noise(1e-12 * (1 + std::abs(f0))) {}

  /// φ'(α) = g·d on the free parameters.
  [[nodiscard]] double slope(const Eigen::VectorXd& g) const {
    double s = 0;
    for (Eigen::Index a = 0; a < m_d.size(); ++a) s += g[m_free[static_cast<std::size_t>(a)]] * m_d[a];
    return s;
  }

  /// failed after some finite value, non_finite when every trial was non-finite.
  [[nodiscard]] line_search_outcome fail() const {
    return m_any_finite ? line_search_outcome::failed : line_search_outcome::non_finite;
  }

  /// Phase 1: x(α) past the first breakpoint, kept when it decreases f enough for its actual
  /// displacement and the projection parked no parameter on a bound it would leave again.
  bool projected_step(double alpha, const Eigen::VectorXd& x, const Eigen::VectorXd& g0, search_point& out) {
    if (!evaluate(alpha)) return false;
    double predicted = 0;
    bool consistent = true;  // every parameter the projection stopped on a bound is pushed outwards there
    for (std::size_t a = 0; a < m_free.size(); ++a) {
      const Eigen::Index j = m_free[a];
      predicted += g0[j] * (m_trial.x[j] - x[j]);
      if (m_path.clipped(static_cast<Eigen::Index>(a), alpha))
        consistent = consistent && (m_d[static_cast<Eigen::Index>(a)] < 0 ? m_trial.gradient[j] >= 0 : m_trial.gradient[j] <= 0);
    }
    if (consistent && predicted < 0 && m_trial.value <= m_f0 + m_settings.c1 * predicted) {
      out = std::move(m_trial);
      return true;
    }
    return false;
  }

  /// Phase 2: steps growing ×4 from α up to alpha_max until one is a strong-Wolfe point (true,
  /// in `out`), still falls at alpha_max (true: stop on the bound), or brackets one (in `b`).
  bool grow(double alpha, double alpha_max, wolfe_bracket& b, search_point& out) {
    b.f_lo = m_f0, b.d_lo = m_dphi0;
    bool first = true;
    while (m_used < m_settings.max_evaluations) {
      if (!evaluate(alpha)) {
        b.a_hi = alpha, b.f_hi = std::numeric_limits<double>::infinity(), b.d_hi = 0;
        b.found = true;
        return false;
      }
      const double dphi = slope(m_trial.gradient);
      if (m_trial.value > m_f0 + m_settings.c1 * alpha * m_dphi0 || (!first && m_trial.value >= b.f_lo)) {
        if (approximately_wolfe(m_trial.value, dphi)) return accept(out);
        b.a_hi = alpha, b.f_hi = m_trial.value, b.d_hi = dphi;
        b.found = true;
        return false;
      }
      if (std::abs(dphi) <= -m_settings.c2 * m_dphi0) return accept(out);
      if (dphi >= 0) {
        b.a_hi = b.a_lo, b.f_hi = b.f_lo, b.d_hi = b.d_lo;
        b.a_lo = alpha, b.f_lo = m_trial.value, b.d_lo = dphi;
        b.lo = std::move(m_trial);
        b.found = true;
        return false;
      }
      if (alpha >= alpha_max) return accept(out);  // still falling at the first breakpoint: stop on the bound
      b.a_lo = alpha, b.f_lo = m_trial.value, b.d_lo = dphi;
      b.lo = std::move(m_trial);
      first = false;
      alpha = std::min(alpha_max, 4 * alpha);
    }
    return false;
  }

  /// Phase 3: shrinks the bracket by safeguarded cubic interpolation until a strong-Wolfe point
  /// (true, in `out`), the budget runs out or the bracket is below rounding.
  bool zoom(wolfe_bracket& b, search_point& out) {
    while (b.found && m_used < m_settings.max_evaluations) {
      const double left = std::min(b.a_lo, b.a_hi), right = std::max(b.a_lo, b.a_hi), width = right - left;
      if (!(width > 1e-15 * right)) break;
      const double next = std::clamp(cubic_step(b), left + 0.1 * width, right - 0.1 * width);
      if (!evaluate(next)) {
        b.a_hi = next, b.f_hi = std::numeric_limits<double>::infinity(), b.d_hi = 0;
        continue;
      }
      const double dphi = slope(m_trial.gradient);
      if (m_trial.value > m_f0 + m_settings.c1 * next * m_dphi0 || m_trial.value >= b.f_lo) {
        if (approximately_wolfe(m_trial.value, dphi)) return accept(out);
        b.a_hi = next, b.f_hi = m_trial.value, b.d_hi = dphi;
      } else {
        if (std::abs(dphi) <= -m_settings.c2 * m_dphi0) return accept(out);
        if (dphi * (b.a_hi - b.a_lo) >= 0) b.a_hi = b.a_lo, b.f_hi = b.f_lo, b.d_hi = b.d_lo;
        b.a_lo = next, b.f_lo = m_trial.value, b.d_lo = dphi;
        b.lo = std::move(m_trial);
      }
    }
    return false;
  }

 private:
  /// x(α) and f, ∇f there into the trial point; false when f is not finite.
  bool evaluate(double alpha) {
    m_path.point(alpha, m_trial.x);
    ++m_used;
    const bool ok = m_eval(m_trial.x, m_trial.value, m_trial.gradient);
    m_any_finite = m_any_finite || ok;
    return ok;
  }

  /// Hager & Zhang's approximate Wolfe conditions, for points that miss Armijo only by rounding.
  [[nodiscard]] bool approximately_wolfe(double value, double dphi) const {
    return value <= m_f0 + m_noise && m_settings.c2 * m_dphi0 <= dphi && dphi <= -0.8 * m_dphi0;
  }

  /// The trial point is the result.
  bool accept(search_point& out) {
    out = std::move(m_trial);
    return true;
  }

  /// The minimiser of the cubic through both ends of the bracket; the midpoint when an end is not
  /// finite or the cubic has no real minimiser.
  static double cubic_step(const wolfe_bracket& b) {
    double next = 0.5 * (b.a_lo + b.a_hi);
    if (std::isfinite(b.f_hi)) {
      const double d1 = b.d_lo + b.d_hi - 3 * (b.f_lo - b.f_hi) / (b.a_lo - b.a_hi);
      const double disc = d1 * d1 - b.d_lo * b.d_hi;
      if (disc >= 0) {
        const double d2 = std::copysign(std::sqrt(disc), b.a_hi - b.a_lo);
        const double cubic = b.a_hi - (b.a_hi - b.a_lo) * (b.d_hi + d2 - d1) / (b.d_hi - b.d_lo + 2 * d2);
        if (std::isfinite(cubic)) next = cubic;
      }
    }
    return next;
  }

  evaluator& m_eval;
  const projected_path& m_path;
  const std::vector<Eigen::Index>& m_free;
  const Eigen::VectorXd& m_d;
  const line_search_settings& m_settings;
  double m_f0;
  double m_dphi0;
  double m_noise;
  int m_used = 0;
  bool m_any_finite = false;
  search_point m_trial;
};

}  // namespace line_search_phases

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
  line_search_phases::search_state search(eval, path, free, d, f0, g0, settings);
  const double alpha_max = path.alpha_max();
  double alpha = alpha_init;
  if (alpha_max < alpha) {
    if (search.projected_step(alpha, x, g0, out)) return line_search_outcome::accepted;
    alpha = alpha_max;
  }
  if (!(alpha > 0)) return search.fail();
  line_search_phases::wolfe_bracket bracket;
  if (search.grow(alpha, alpha_max, bracket, out) || search.zoom(bracket, out)) return line_search_outcome::accepted;
  if (bracket.a_lo > 0) {  // the budget ran out: the best point with sufficient decrease
    out = std::move(bracket.lo);
    return line_search_outcome::accepted;
  }
  return search.fail();
}

}  // namespace rein::fit::detail
