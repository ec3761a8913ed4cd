#pragma once

#include "rein/fit/detail/evaluator.hpp"
#include "rein/fit/detail/finite_difference.hpp"
#include "rein/fit/detail/line_search.hpp"
#include "rein/fit/detail/regularized_cholesky.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/minimize_options.hpp"
#include "rein/fit/objective.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace rein::fit::detail {

/// The state and steps of `minimize` (see docs/fit.md for the algorithm).
///
/// Coordinates: `m_free` lists the parameters that move (not fixed, lower < upper); vectors and
/// matrices of length m = |m_free| ("free coordinates") are indexed by position in that list.
/// The quasi-Newton matrix H approximates the inverse Hessian over all free coordinates in product
/// form: H0 = B0⁻¹ from a factorised (and, if needed, modified) Hessian estimate B0, followed by every
/// BFGS pair (s_i, y_i) since B0, applied by the two-loop recursion. With all pairs kept this is exactly
/// dense BFGS, without forming or updating an m × m inverse: a step costs two triangular solves and
/// 4·k·m flops for k pairs, and k ≤ max(m, 20) because H0 is rebuilt that often. Parameters held on a
/// bound are removed for each direction by a Schur complement, so releasing them again costs nothing
/// and their cross-curvature is kept.
class bounded_quasi_newton {
 public:
  bounded_quasi_newton(const objective& f, Eigen::VectorXd x0, const Eigen::VectorXd& lower,
                       const Eigen::VectorXd& upper, const std::vector<bool>& fixed, const minimize_options& options)
      : m_eval(f, x0.size(), "rein::fit::minimize"), m_x(std::move(x0)), m_lower(lower), m_upper(upper),
        m_options(options) {
    for (Eigen::Index i = 0; i < m_x.size(); ++i)
      if (!fixed[static_cast<std::size_t>(i)] && lower[i] < upper[i]) m_free.push_back(i);
    m_m = static_cast<Eigen::Index>(m_free.size());
    m_settings.max_evaluations = options.max_line_search_evaluations;
  }

  minimize_result run() {
    if (!m_eval(m_x, m_f, m_g)) return finish(fit_status::non_finite);
    if (m_m == 0) {
      m_edm = 0;
      return finish(fit_status::ok);
    }
    bool fresh = false;  // H0 comes from a finite-difference Hessian at the current point, no pairs yet
    if (m_options.start_hessian.size() != 0) {
      Eigen::MatrixXd b(m_m, m_m);
      for (Eigen::Index c = 0; c < m_m; ++c)
        for (Eigen::Index r = 0; r < m_m; ++r) b(r, c) = m_options.start_hessian(index(r), index(c));
      reset_from(0.5 * (b + b.transpose()));
    } else if (m_options.start == initial_hessian::finite_differences) {
      reset_from_finite_differences();
      fresh = true;
    } else {
      const double norm = gather(m_g).norm();
      m_h0_scale = 1 / (norm > 0 ? norm : 1.0);
      m_hg = apply(gather(m_g));
      m_identity_pending = true;
    }
    // Newton checks that neither confirmed nor moved (at most polish_rounds); a check that moves is
    // progress like a step, bounded by max_iterations
    int stuck_checks = 0;
    bool polished_here = false;  // a Newton check ran at the current point and did not move
    const auto may_check = [&] { return m_options.polish_rounds > 0 && !polished_here && stuck_checks < m_options.polish_rounds; };
    const auto check = [&] {
      const auto verdict = polish();
      polished_here = verdict == polish_verdict::stuck;
      if (polished_here) ++stuck_checks;
      return verdict;
    };
    for (;;) {
      if (!direction()) {
        if (fresh) return finish(fit_status::line_search_failed);
        reset_from_finite_differences();
        fresh = true;
        continue;
      }
      // edm within tolerance with a gradient above it: the quasi-Newton matrix misjudges a stiff
      // direction, or the gradient is at its rounding floor (a Poisson constraint with τ ≈ 1e11
      // rounds τ − n/γ at ~1e-5); a Newton check tells which (gradient_resolved) instead of steps
      // too small to change f until max_iterations. Without a check left, steps go on.
      const bool gradient_ok = gradient_within_tolerance();
      if (m_edm <= m_options.edm_tolerance && (gradient_ok || may_check())) {
        if (m_options.polish_rounds == 0) return finish(fit_status::ok);
        if (!may_check()) return finish(fit_status::not_converged);
        if (check() == polish_verdict::converged) return finish(fit_status::ok);
        fresh = true;
        continue;
      }
      if (m_iterations >= m_options.max_iterations) return finish(fit_status::max_iterations);
#ifdef REIN_FIT_TRACE
      const double f_before = m_f, predicted = m_edm;
#endif
      const line_search_outcome outcome = step();
#ifdef REIN_FIT_TRACE
      REIN_FIT_TRACE(m_iterations, m_f, m_edm, projected_gradient_norm(), m_eval.count(), static_cast<int>(outcome), (f_before - m_f) / predicted);
#endif
      if (outcome == line_search_outcome::accepted) {
        fresh = false;
        polished_here = false;
        // Refresh: BFGS learns one direction of curvature change per step; when the curvature keeps
        // changing across many parameters at once (e.g. several -n ln(theta) terms far from their
        // minima), a new finite-difference Hessian (m gradient calls) is cheaper than m more steps.
        if (m_iterations - m_last_reset >= refresh_interval()) {
          reset_from_finite_differences();
          fresh = true;
        }
        continue;
      }
      if (!fresh) {
        reset_from_finite_differences();
        fresh = true;
        continue;
      }
      if (may_check()) {
        const auto verdict = check();
        if (verdict == polish_verdict::converged) return finish(fit_status::ok);
        if (verdict == polish_verdict::moved) continue;
        // At the noise floor of f a stiff parameter (a shapesys γ with a small relative error) can keep
        // a gradient above gradient_tolerance while the exact, positive-definite Newton model puts the
        // minimum within edm_tolerance: that is the minimum to the precision f can be computed.
        if (m_newton_edm_ok) {
          m_precision_limited = !gradient_within_tolerance();
          return finish(fit_status::ok);
        }
      }
      return finish(outcome == line_search_outcome::non_finite ? fit_status::non_finite
                                                                : fit_status::line_search_failed);
    }
  }

 private:
  enum class polish_verdict { converged, moved, stuck };
  /// Newton steps one Newton check may take with its Hessian.
  static constexpr int max_chord_steps = 8;
  /// Steps after which H0 is rebuilt from finite differences (and the pairs dropped): max(m, 20).
  [[nodiscard]] int refresh_interval() const { return std::max(static_cast<int>(m_m), 20); }

  [[nodiscard]] Eigen::VectorXd gather(const Eigen::VectorXd& full) const {
    Eigen::VectorXd v(m_m);
    for (Eigen::Index a = 0; a < m_m; ++a) v[a] = full[m_free[static_cast<std::size_t>(a)]];
    return v;
  }
  [[nodiscard]] Eigen::Index index(Eigen::Index a) const { return m_free[static_cast<std::size_t>(a)]; }
  [[nodiscard]] bool at_lower(Eigen::Index a) const { return m_x[index(a)] <= m_lower[index(a)]; }
  [[nodiscard]] bool at_upper(Eigen::Index a) const { return m_x[index(a)] >= m_upper[index(a)]; }
  /// On a bound with the gradient pushing outwards: held this iteration.
  [[nodiscard]] bool pushed_out(Eigen::Index a) const {
    const double g = m_g[index(a)];
    return (at_lower(a) && g > 0) || (at_upper(a) && g < 0);
  }

  /// H v by the two-loop recursion (Nocedal & Wright, Algorithm 7.4) over all stored pairs, with
  /// H0 = B0⁻¹ (factorised) or m_h0_scale·I.
  [[nodiscard]] Eigen::VectorXd apply(const Eigen::VectorXd& v) const {
    const std::size_t k = m_s.size();
    Eigen::VectorXd q = v;
    std::vector<double> alpha(k);
    for (std::size_t i = k; i-- > 0;) {
      alpha[i] = m_rho[i] * m_s[i].dot(q);
      q.noalias() -= alpha[i] * m_y[i];
    }
    Eigen::VectorXd r = m_h0 ? m_h0->solve(q) : Eigen::VectorXd(m_h0_scale * q);
    for (std::size_t i = 0; i < k; ++i) {
      const double beta = m_rho[i] * m_y[i].dot(r);
      r.noalias() += (alpha[i] - beta) * m_s[i];
    }
    return r;
  }

  /// max_a |pg_a| · max(|x_a|, 1).
  [[nodiscard]] double projected_gradient_norm() const {
    double norm = 0;
    for (Eigen::Index a = 0; a < m_m; ++a)
      if (!pushed_out(a)) norm = std::max(norm, std::abs(m_g[index(a)]) * std::max(std::abs(m_x[index(a)]), 1.0));
    return norm;
  }

  /// max_a |pg_a| · max(|x_a|, 1) ≤ gradient_tolerance.
  [[nodiscard]] bool gradient_within_tolerance() const {
    return projected_gradient_norm() <= m_options.gradient_tolerance;
  }

  /// The gradient test of a Newton check with Hessian b: every component of the projected gradient
  /// is below tolerance, or is zero to the precision x can be represented in: b_aa > 0 and the
  /// one-parameter Newton step |g_a| / b_aa is at most 16 ulp of max(|x_a|, 1). A stiff parameter
  /// (a Poisson constraint with τ ≈ 1e11 rounds its gradient τ − n/γ at ~1e-5) can keep
  /// |g_a| above gradient_tolerance where no representable x_a is closer to the minimum.
  [[nodiscard]] bool gradient_resolved(const Eigen::MatrixXd& b) const {
    constexpr double resolution = 16 * std::numeric_limits<double>::epsilon();
    for (Eigen::Index a = 0; a < m_m; ++a) {
      if (pushed_out(a)) continue;
      const double scale = std::max(std::abs(m_x[index(a)]), 1.0);
      const double g = std::abs(m_g[index(a)]);
      if (g * scale <= m_options.gradient_tolerance) continue;
      if (!(b(a, a) > 0 && g <= resolution * scale * b(a, a))) return false;
    }
    return true;
  }

  /// Curvature for parameters whose finite-difference curvature is not positive: such that a Newton
  /// step moves by about max(|x|, 1) (|g| / max(|x|, 1)), or 1 when the gradient vanishes.
  [[nodiscard]] Eigen::VectorXd fallback_curvature() const {
    Eigen::VectorXd c(m_m);
    for (Eigen::Index a = 0; a < m_m; ++a) {
      const double v = std::abs(m_g[index(a)]) / std::max(std::abs(m_x[index(a)]), 1.0);
      c[a] = std::isfinite(v) && v > 0 ? v : 1.0;
    }
    return c;
  }

  void reset_from(const Eigen::MatrixXd& b) {
    regularized_cholesky factor(b, fallback_curvature());
    m_h0 = std::make_unique<regularized_cholesky>(std::move(factor));
    m_s.clear();
    m_y.clear();
    m_rho.clear();
    m_hg = apply(gather(m_g));
    m_identity_pending = false;
    m_last_reset = m_iterations;
  }

  void reset_from_finite_differences() {
    reset_from(hessian_on(m_eval, m_x, m_g, m_lower, m_upper, m_free, difference_kind::forward, false,
                          m_options.hessian_blocks));
  }

  /// Direction d = −H_red g on the free parameters not held (held ones: d = 0), the held set and the
  /// quasi-Newton edm. Parameters on a bound towards which d points are held as well (then d is
  /// recomputed). Returns false when the matrix is unusable (not positive definite on the held set).
  bool direction() {
    m_held.assign(static_cast<std::size_t>(m_m), 0);
    for (Eigen::Index a = 0; a < m_m; ++a) m_held[static_cast<std::size_t>(a)] = pushed_out(a) ? 1 : 0;
    Eigen::VectorXd gh(m_m), t(m_m), w;
    std::vector<Eigen::Index> held;
    for (Eigen::Index pass = 0; pass <= m_m; ++pass) {
      held.clear();
      for (Eigen::Index a = 0; a < m_m; ++a) {
        const bool h = m_held[static_cast<std::size_t>(a)] != 0;
        gh[a] = h ? 0.0 : m_g[index(a)];
        if (h) held.push_back(a);
      }
      t = m_hg;  // H g; the held components of g are removed below
      const auto k = static_cast<Eigen::Index>(held.size());
      if (k > 0) {
        Eigen::MatrixXd hk(k, k), c(m_m, k);  // H_AA and the columns H e_a, a held
        for (Eigen::Index q = 0; q < k; ++q) {
          const Eigen::Index aq = held[static_cast<std::size_t>(q)];
          c.col(q) = apply(Eigen::VectorXd::Unit(m_m, aq));
        }
        for (Eigen::Index q = 0; q < k; ++q)
          for (Eigen::Index p = 0; p < k; ++p) hk(p, q) = c(held[static_cast<std::size_t>(p)], q);
        hk = 0.5 * (hk + hk.transpose()).eval();
        Eigen::VectorXd gk(k);
        for (Eigen::Index p = 0; p < k; ++p) gk[p] = m_g[index(held[static_cast<std::size_t>(p)])];
        t.noalias() -= c * gk;  // H ĝ, ĝ = g with held components 0
        Eigen::VectorXd th(k);
        for (Eigen::Index p = 0; p < k; ++p) th[p] = t[held[static_cast<std::size_t>(p)]];
        const Eigen::LLT<Eigen::MatrixXd> llt(hk);
        if (llt.info() != Eigen::Success) return false;
        w = llt.solve(th);
        t.noalias() -= c * w;
      }
      m_d = -t;
      for (const Eigen::Index a : held) m_d[a] = 0;
      bool added = false;
      for (Eigen::Index a = 0; a < m_m; ++a) {
        if (m_held[static_cast<std::size_t>(a)] != 0) continue;
        if ((at_lower(a) && m_d[a] < 0) || (at_upper(a) && m_d[a] > 0)) {
          m_held[static_cast<std::size_t>(a)] = 1;
          added = true;
        }
      }
      if (!added) break;
    }
    const double edm = -0.5 * gh.dot(m_d);
    if (!std::isfinite(edm) || edm < 0 || !m_d.allFinite()) return false;
    if (edm == 0 && gh.cwiseAbs().maxCoeff() > 0) return false;
    m_edm = edm;
    return true;
  }

  /// Line search along m_d and BFGS update of H.
  line_search_outcome step() {
    const projected_path path(m_x, m_free, m_lower, m_upper, m_d);
    search_point next;
    const line_search_outcome outcome =
        line_search(m_eval, path, m_x, m_free, m_d, m_f, m_g, 1.0, m_settings, next);
    if (outcome != line_search_outcome::accepted) return outcome;
    const Eigen::VectorXd s = gather(next.x) - gather(m_x);
    const Eigen::VectorXd g_new = gather(next.gradient);
    const Eigen::VectorXd y = g_new - gather(m_g);
    m_x = std::move(next.x);
    m_f = next.value;
    m_g = std::move(next.gradient);
    ++m_iterations;
    update(s, y, g_new);
    return outcome;
  }

  /// BFGS update: stores the pair (s, y) unless yᵀs > 1e-12 |y| |s| fails (skipped, H unchanged),
  /// then m_hg = H g⁺. y includes the held components: the secant equation then also carries the
  /// cross-curvature between held and moving parameters. With the scaled-identity start the first kept
  /// pair sets H0 = (yᵀs / yᵀy) I (Nocedal & Wright eq. 6.20).
  void update(const Eigen::VectorXd& s, const Eigen::VectorXd& y, const Eigen::VectorXd& g_new) {
    const double ys = y.dot(s);
    if (ys > 1e-12 * y.norm() * s.norm() && std::isfinite(ys)) {
      if (m_identity_pending) {
        m_h0_scale = ys / y.squaredNorm();
        m_identity_pending = false;
      }
      m_s.push_back(s);
      m_y.push_back(y);
      m_rho.push_back(1 / ys);
    }
    m_hg = apply(g_new);
  }

  /// Newton check: finite-difference Hessian B at x (forward differences by default), Newton step on the free,
  /// non-held parameters, taken when it lowers f (or keeps f within rounding and lowers the Newton
  /// decrement). Converged when B is positive definite on
  /// those parameters and the Newton edm (after the step, if taken and no parameter was clipped; before
  /// it otherwise) and the projected gradient are below tolerance. Otherwise H0 becomes B (made
  /// positive definite) and the quasi-Newton iteration goes on.
  polish_verdict polish() {
    const bool central = m_options.polish_differences == hessian_differences::central;
    m_last_hessian = hessian_on(m_eval, m_x, m_g, m_lower, m_upper, m_free,
                                central ? difference_kind::central : difference_kind::forward, central,
                                m_options.hessian_blocks);
    const Eigen::MatrixXd& b = m_last_hessian;
    const Eigen::VectorXd fallback = fallback_curvature();
    m_held.assign(static_cast<std::size_t>(m_m), 0);
    for (Eigen::Index a = 0; a < m_m; ++a) m_held[static_cast<std::size_t>(a)] = pushed_out(a) ? 1 : 0;
    std::vector<Eigen::Index> moving;
    Eigen::VectorXd gw, dw;
    std::unique_ptr<regularized_cholesky> factor;
    for (Eigen::Index pass = 0; pass <= m_m; ++pass) {
      moving.clear();
      for (Eigen::Index a = 0; a < m_m; ++a)
        if (m_held[static_cast<std::size_t>(a)] == 0) moving.push_back(a);
      const auto k = static_cast<Eigen::Index>(moving.size());
      Eigen::MatrixXd bw(k, k);
      Eigen::VectorXd fw(k);
      gw.resize(k);
      for (Eigen::Index q = 0; q < k; ++q) {
        const Eigen::Index aq = moving[static_cast<std::size_t>(q)];
        for (Eigen::Index p = 0; p < k; ++p) bw(p, q) = b(moving[static_cast<std::size_t>(p)], aq);
        gw[q] = m_g[index(aq)];
        fw[q] = fallback[aq];
      }
      factor = std::make_unique<regularized_cholesky>(bw, fw);
      dw = -factor->solve(gw);
      bool added = false;
      for (Eigen::Index q = 0; q < k; ++q) {
        const Eigen::Index aq = moving[static_cast<std::size_t>(q)];
        if ((at_lower(aq) && dw[q] < 0) || (at_upper(aq) && dw[q] > 0)) {
          m_held[static_cast<std::size_t>(aq)] = 1;
          added = true;
        }
      }
      if (!added) break;
    }
    const double edm_before = -0.5 * gw.dot(dw);
    const bool gradient_ok = gradient_resolved(b);
    bool moved = false, converged = false;
    // Newton steps with this B (chord steps after the first) while each one lowers the decrement
    // at least fourfold: where f's rounding hides decreases from the line search (a constraint term
    // of size 1e12 rounds at ~1e-4), the gradient still tells where the minimum is.
    double edm_current = edm_before;
    for (int chord = 0; chord < max_chord_steps && m_iterations < m_options.max_iterations && dw.allFinite(); ++chord) {
      Eigen::VectorXd d = Eigen::VectorXd::Zero(m_m);
      for (std::size_t q = 0; q < moving.size(); ++q) d[moving[q]] = dw[static_cast<Eigen::Index>(q)];
      const projected_path path(m_x, m_free, m_lower, m_upper, d);
      const bool clipped = path.alpha_max() < 1;
      search_point next;
      path.point(1.0, next.x);
      if (!m_eval(next.x, next.value, next.gradient)) break;
      // Newton decrement at the new point with the same Hessian and parameter set (meaningful when
      // no parameter was clipped onto a bound by the step).
      Eigen::VectorXd g_new(static_cast<Eigen::Index>(moving.size()));
      for (std::size_t q = 0; q < moving.size(); ++q) g_new[static_cast<Eigen::Index>(q)] = next.gradient[index(moving[q])];
      const Eigen::VectorXd dw_new = -factor->solve(g_new);
      const double edm_after = clipped ? std::numeric_limits<double>::infinity() : -0.5 * g_new.dot(dw_new);
      // Take the step if it lowers f, or if it leaves f within rounding and lowers the decrement:
      // near the minimum f differences drown in rounding, gradients do not. Rounding is
      // 1e-12·(1 + |f|), or with an unmodified B up to the decrease the quadratic model itself
      // predicts (edm): an exact model would lower f by that much, so a larger rise is no rounding.
      const double rounding = std::max(1e-12 * (1 + std::abs(m_f)), factor->modified() ? 0.0 : edm_current);
      const bool lower = next.value < m_f;
      const bool level = next.value <= m_f + rounding && edm_after < edm_current;
      if (!lower && !level) break;
      m_x = std::move(next.x);
      m_f = next.value;
      m_g = std::move(next.gradient);
      ++m_iterations;
      moved = true;
      if (clipped) break;
      m_edm = edm_after;
      converged = !factor->modified() && edm_after <= m_options.edm_tolerance && gradient_resolved(b);
      if (converged || factor->modified() || !(edm_after <= 0.25 * edm_current)) break;
      edm_current = edm_after;
      gw = g_new;
      dw = dw_new;
    }
    if (!moved && factor->modified()) moved = escape_saddle(b);
    if (!moved) {
      m_edm = edm_before;
      converged = !factor->modified() && edm_before <= m_options.edm_tolerance && gradient_ok;
    }
    // A zero projected gradient is not enough on a bound: a parameter there whose gradient is zero
    // (to tolerance, either sign) and whose curvature is negative lowers f when it moves inwards.
    // The Newton steps above hold it (their direction points outwards), and B on the others is
    // positive definite.
    if (converged && flat_bound_curving_inwards(b) && escape_saddle(b)) {
      converged = false;
      moved = true;
    }
    m_newton_edm_ok = !moved && !factor->modified() && edm_before <= m_options.edm_tolerance;
    if (converged) m_precision_limited = !gradient_within_tolerance();
    if (converged) return polish_verdict::converged;
    reset_from(b);
    return moved ? polish_verdict::moved : polish_verdict::stuck;
  }

  /// On a bound with a gradient the convergence test calls zero (of either sign: a parameter that
  /// enters f squared sits at 0 with a gradient that is zero up to rounding) and negative curvature.
  [[nodiscard]] bool flat_on_bound(Eigen::Index a, const Eigen::MatrixXd& b) const {
    const double scale = std::max(std::abs(m_x[index(a)]), 1.0);
    return (at_lower(a) || at_upper(a)) && std::abs(m_g[index(a)]) * scale <= m_options.gradient_tolerance && b(a, a) < 0;
  }
  [[nodiscard]] bool flat_bound_curving_inwards(const Eigen::MatrixXd& b) const {
    for (Eigen::Index a = 0; a < m_m; ++a)
      if (flat_on_bound(a, b)) return true;
    return false;
  }

  /// Where the gradient vanishes along a direction of negative curvature, neither quasi-Newton nor
  /// Newton steps move: a saddle, typically a parameter at 0 on which f depends quadratically (a
  /// Wilson coefficient whose rate goes like its square). Step along the eigenvector of B with the
  /// most negative eigenvalue λ, on the parameters not pushed against a bound (or flat on one), first as far as the
  /// quadratic model predicts a decrease of 1 (α = √(2/|λ|)), halving until f decreases; both
  /// signs are tried and the lower point kept. Finite-difference noise can make a flat direction
  /// look negative: only a decrease of f beyond rounding (1e-11 relative) counts.
  bool escape_saddle(const Eigen::MatrixXd& b) {
    std::vector<Eigen::Index> open;
    for (Eigen::Index a = 0; a < m_m; ++a)
      if (!pushed_out(a) || flat_on_bound(a, b)) open.push_back(a);
    const auto k = static_cast<Eigen::Index>(open.size());
    if (k == 0) return false;
    Eigen::MatrixXd bo(k, k);
    for (Eigen::Index q = 0; q < k; ++q)
      for (Eigen::Index p = 0; p < k; ++p) bo(p, q) = b(open[static_cast<std::size_t>(p)], open[static_cast<std::size_t>(q)]);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(0.5 * (bo + bo.transpose()));
    if (eigen.info() != Eigen::Success) return false;
    const double lambda = eigen.eigenvalues()[0];
    if (!(lambda < 0)) return false;
    Eigen::VectorXd v = Eigen::VectorXd::Zero(m_m);
    for (Eigen::Index q = 0; q < k; ++q) v[open[static_cast<std::size_t>(q)]] = eigen.eigenvectors()(q, 0);
    const Eigen::VectorXd minus_v = -v;  // projected_path keeps a reference to its direction
    const projected_path up(m_x, m_free, m_lower, m_upper, v), down(m_x, m_free, m_lower, m_upper, minus_v);
    search_point trial, best;
    const double enough = m_f - 1e-11 * (1 + std::abs(m_f));
    best.value = enough;
    for (double alpha = std::sqrt(2 / -lambda); alpha > 1e-12 * (1 + m_x.norm()); alpha *= 0.5) {
      for (const projected_path* path : {&up, &down}) {
        path->point(alpha, trial.x);
        if (m_eval(trial.x, trial.value, trial.gradient) && trial.value < best.value) best = trial;
      }
      if (best.value < enough) break;
    }
    if (!(best.value < enough)) return false;
    m_x = std::move(best.x);
    m_f = best.value;
    m_g = std::move(best.gradient);
    ++m_iterations;
    return true;
  }

  minimize_result finish(fit_status status) {
    minimize_result r;
    r.x = std::move(m_x);
    r.value = m_f;
    r.gradient = std::move(m_g);
    r.status = status;
    r.iterations = m_iterations;
    r.evaluations = m_eval.count();
    r.at_bound.assign(static_cast<std::size_t>(r.x.size()), false);
    for (const Eigen::Index j : m_free)
      r.at_bound[static_cast<std::size_t>(j)] = r.x[j] <= m_lower[j] || r.x[j] >= m_upper[j];
    r.edm = m_edm;
    r.precision_limited = status == fit_status::ok && m_precision_limited;
    if (m_last_hessian.size() != 0) {
      r.hessian = Eigen::MatrixXd::Zero(r.x.size(), r.x.size());
      for (Eigen::Index c = 0; c < m_m; ++c)
        for (Eigen::Index q = 0; q < m_m; ++q) r.hessian(index(q), index(c)) = m_last_hessian(q, c);
    }
    return r;
  }

  evaluator m_eval;
  Eigen::VectorXd m_x;
  double m_f = 0;
  Eigen::VectorXd m_g;
  const Eigen::VectorXd& m_lower;
  const Eigen::VectorXd& m_upper;
  const minimize_options& m_options;
  line_search_settings m_settings;
  std::vector<Eigen::Index> m_free;
  Eigen::Index m_m = 0;
  std::unique_ptr<regularized_cholesky> m_h0;  // factorised B0; null: H0 = m_h0_scale · I
  double m_h0_scale = 1;
  std::vector<Eigen::VectorXd> m_s, m_y;  // BFGS pairs since H0 (free coordinates)
  std::vector<double> m_rho;             // 1 / yᵀs
  Eigen::VectorXd m_hg;                  // H g (free coordinates)
  bool m_identity_pending = false;
  std::vector<char> m_held;
  Eigen::VectorXd m_d;
  double m_edm = std::numeric_limits<double>::quiet_NaN();  // NaN until a direction was computed
  bool m_precision_limited = false;  // the confirming check accepted a gradient at x's resolution
  bool m_newton_edm_ok = false;  // the last Newton check stayed put with a PD Hessian and edm ≤ tolerance
  Eigen::MatrixXd m_last_hessian;                            // B of the last Newton check
  int m_iterations = 0;
  int m_last_reset = 0;  // iteration of the last rebuild of H0
};

}  // namespace rein::fit::detail
