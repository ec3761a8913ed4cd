#pragma once

#include "rein/config.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace rein::fit::detail {

/// A positive-definite stand-in B̃ for a symmetric matrix B that may be indefinite or partly unknown.
///
/// B is first scaled to S = D^{-1/2} B D^{-1/2} with D = |diag B| (a fallback curvature where the
/// diagonal is zero or not finite; that row and column are then dropped), so S has diagonal ±1 and the
/// tests below do not depend on the parameters' units. Then S = Pᵀ L Δ Lᵀ P (LDLᵀ with symmetric
/// diagonal pivoting, L unit lower triangular).
/// - If every pivot δ_j > 1e-13 (S positive definite, condition below ~1e13): B̃ = B,
///   `modified() == false`.
/// - Otherwise B̃ = D^{1/2} Pᵀ L |Δ|₊ Lᵀ P D^{1/2}, where |Δ|₊ replaces each pivot by max(|δ_j|, 1e-3):
///   directions of negative curvature get positive curvature of the same size and the rest of B is
///   kept (a cheap stand-in for the eigenvalue-modified matrix, which costs ~20× more).
/// - If the factorisation is unusable (non-finite pivots, multipliers above 1e8), B̃ = D.
class regularized_cholesky {
 public:
  /// @param b symmetric matrix (non-finite entries are treated as unknown: zero off the diagonal);
  /// @param fallback positive curvature for diagonal entries that are zero or not finite.
  regularized_cholesky(const Eigen::MatrixXd& b, const Eigen::VectorXd& fallback) {
    const Eigen::Index k = b.rows();
    m_scale.resize(k);
    Eigen::MatrixXd s = b;
    Eigen::VectorXd diagonal(k);
    for (Eigen::Index a = 0; a < k; ++a) {
      const double d = b(a, a);
      if (std::isfinite(d) && d != 0) {
        m_scale[a] = 1 / std::sqrt(std::abs(d));
        diagonal[a] = d > 0 ? 1.0 : -1.0;
      } else {
        m_scale[a] = 1 / std::sqrt(fallback[a]);
        diagonal[a] = 1.0;
        s.row(a).setZero();
        s.col(a).setZero();
      }
    }
    for (Eigen::Index c = 0; c < k; ++c)
      for (Eigen::Index r = 0; r < k; ++r) {
        const double v = s(r, c);
        s(r, c) = std::isfinite(v) ? v * m_scale[r] * m_scale[c] : 0.0;
      }
    s.diagonal() = diagonal;
    if (k == 0) {  // nothing free: B̃⁻¹ is the empty map (an uninitialised LDLT must not be used)
      m_kind = kind::diagonal;
      return;
    }
    m_ldlt.compute(s);
    if (m_ldlt.info() == Eigen::Success) {
      const Eigen::MatrixXd& l = m_ldlt.matrixLDLT();
      const Eigen::VectorXd pivots = m_ldlt.vectorD();
      bool sane = pivots.allFinite();
      for (Eigen::Index c = 0; c < k && sane; ++c)
        for (Eigen::Index r = c + 1; r < k; ++r)
          if (!(std::abs(l(r, c)) <= 1e8)) {
            sane = false;
            break;
          }
      if (sane) {
        m_modified = !(pivots.minCoeff() > 1e-13);
        m_pivots = m_modified ? Eigen::VectorXd(pivots.cwiseAbs().cwiseMax(pivot_floor)) : pivots;
        m_kind = kind::ldlt;
        return;
      }
    }
    m_kind = kind::diagonal;
    m_modified = true;
  }

  /// B̃⁻¹ v.
  [[nodiscard]] Eigen::VectorXd solve(const Eigen::VectorXd& v) const {
    Eigen::VectorXd w = m_scale.cwiseProduct(v);
    if (m_kind == kind::ldlt) {
      w = m_ldlt.transpositionsP() * w;
      m_ldlt.matrixL().solveInPlace(w);
      w = w.cwiseQuotient(m_pivots);
      m_ldlt.matrixU().solveInPlace(w);
      w = m_ldlt.transpositionsP().transpose() * w;
    }
    return m_scale.cwiseProduct(w);
  }

  /// True when B itself was not positive definite (B̃ differs from B).
  [[nodiscard]] bool modified() const { return m_modified; }

  /// Floor of the pivots |δ_j| of the scaled modified LDLᵀ factorisation.
  static constexpr double pivot_floor = 1e-3;

 private:
  enum class kind { ldlt, diagonal };
  Eigen::VectorXd m_scale;
  Eigen::LDLT<Eigen::MatrixXd> m_ldlt;
  Eigen::VectorXd m_pivots;
  kind m_kind = kind::ldlt;
  bool m_modified = false;
};

}  // namespace rein::fit::detail
