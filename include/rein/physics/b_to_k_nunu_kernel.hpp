#pragma once

// dB/dq²(B→Kνν̄) as a quadratic form in the form-factor parameters, weighted by |C|²: integrate
// the kernel over a bin once, then every (cvl, csl, ctl, FF) point costs three 3×3 contractions,
// with exact derivatives.
#include "rein/core/dual.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/wet_coefficients.hpp"

#include <array>
#include <cstddef>

namespace rein::physics {

/// The three integrated coefficients of B = b_V cvl² + b_S csl² + b_T ctl² (no interference).
struct b_to_k_nunu_coefficients {
  /// Branching fraction per unit cvl² (vector operators).
  double b_v = 0.0;
  /// Branching fraction per unit csl² (scalar operators).
  double b_s = 0.0;
  /// Branching fraction per unit ctl² (tensor operator).
  double b_t = 0.0;
};

/// dB/dq² at one q² (or its integral over a q² range) as a quadratic form:
///     dB/dq² = cvl² α_Vᵀ K_V α_V + csl² α_Sᵀ K_S α_S + ctl² α_Tᵀ K_T α_T,
/// with α_V = (α^{f+}_0, α^{f+}_1, α^{f+}_2), α_S = (α^{f+}_0, α^{f0}_1, α^{f0}_2),
/// α_T = (α^{fT}_0, α^{fT}_1, α^{fT}_2). Each symmetric K_X is stored as its upper triangle
/// (00, 01, 02, 11, 12, 22). Kernels add and scale like numbers, so any quadrature rule that
/// integrates a double-valued rate integrates a kernel too (e.g. rein::reweight::bin_quadrature).
struct b_to_k_nunu_kernel {
  /// K_V: GeV⁻² at one q² (a density in q²), dimensionless once integrated over a range.
  std::array<double, 6> vector{};
  /// K_S.
  std::array<double, 6> scalar{};
  /// K_T.
  std::array<double, 6> tensor{};

  b_to_k_nunu_kernel& operator+=(const b_to_k_nunu_kernel& b) {
    for (std::size_t i = 0; i < 6; ++i) {
      vector[i] += b.vector[i];
      scalar[i] += b.scalar[i];
      tensor[i] += b.tensor[i];
    }
    return *this;
  }
  b_to_k_nunu_kernel& operator*=(double s) {
    for (std::size_t i = 0; i < 6; ++i) {
      vector[i] *= s;
      scalar[i] *= s;
      tensor[i] *= s;
    }
    return *this;
  }
  friend b_to_k_nunu_kernel operator+(b_to_k_nunu_kernel a, const b_to_k_nunu_kernel& b) { return a += b; }
  friend b_to_k_nunu_kernel operator*(double s, b_to_k_nunu_kernel a) { return a *= s; }
  friend b_to_k_nunu_kernel operator*(b_to_k_nunu_kernel a, double s) { return a *= s; }

  /// The rate (or its integral): Σ_X |C_X|² α_Xᵀ K_X α_X; exact derivatives with dual scalars.
  /// @param c the Wilson-coefficient combinations
  /// @param alpha the 8 BSZ2015 parameters
  template <class Scalar>
  Scalar contract(const wet_coefficients<Scalar>& c, const bsz2015_parameters<Scalar>& alpha) const {
    const Scalar v = quadratic_form(vector, alpha[0], alpha[1], alpha[2]);
    const Scalar s = quadratic_form(scalar, alpha[0], alpha[3], alpha[4]);
    const Scalar t = quadratic_form(tensor, alpha[5], alpha[6], alpha[7]);
    return c.cvl * c.cvl * v + c.csl * c.csl * s + c.ctl * c.ctl * t;
  }

  /// b_V, b_S, b_T: the contraction split by operator, for given form-factor parameters.
  b_to_k_nunu_coefficients coefficients(const bsz2015_parameters<double>& alpha) const {
    return {quadratic_form(vector, alpha[0], alpha[1], alpha[2]), quadratic_form(scalar, alpha[0], alpha[3], alpha[4]),
            quadratic_form(tensor, alpha[5], alpha[6], alpha[7])};
  }

  /// The contraction and its exact gradient with respect to θ = (cvl, csl, ctl, α_0..α_7),
  /// written out by hand (cheaper than dual numbers: ∂/∂α_X = 2|C_X|² K_X α_X, ∂/∂C_X = 2 C_X α_XᵀK_Xα_X).
  /// @param theta the 11 parameters in the order of b_to_k_nunu_parameter_names()
  /// @param gradient receives the 11 partial derivatives
  /// @return the contraction
  double contract_with_gradient(const std::array<double, b_to_k_nunu_parameter_count>& theta,
                                std::array<double, b_to_k_nunu_parameter_count>& gradient) const {
    const double cv = theta[0], cs = theta[1], ct = theta[2];
    const double* a = theta.data() + 3;
    double yv[3], ys[3], yt[3];
    multiply(vector, a[0], a[1], a[2], yv);
    multiply(scalar, a[0], a[3], a[4], ys);
    multiply(tensor, a[5], a[6], a[7], yt);
    const double qv = a[0] * yv[0] + a[1] * yv[1] + a[2] * yv[2];
    const double qs = a[0] * ys[0] + a[3] * ys[1] + a[4] * ys[2];
    const double qt = a[5] * yt[0] + a[6] * yt[1] + a[7] * yt[2];
    const double cv2 = cv * cv, cs2 = cs * cs, ct2 = ct * ct;
    gradient[0] = 2.0 * cv * qv;
    gradient[1] = 2.0 * cs * qs;
    gradient[2] = 2.0 * ct * qt;
    gradient[3] = 2.0 * (cv2 * yv[0] + cs2 * ys[0]);  // α^{f+}_0 enters f+ and f0
    gradient[4] = 2.0 * cv2 * yv[1];
    gradient[5] = 2.0 * cv2 * yv[2];
    gradient[6] = 2.0 * cs2 * ys[1];
    gradient[7] = 2.0 * cs2 * ys[2];
    gradient[8] = 2.0 * ct2 * yt[0];
    gradient[9] = 2.0 * ct2 * yt[1];
    gradient[10] = 2.0 * ct2 * yt[2];
    return cv2 * qv + cs2 * qs + ct2 * qt;
  }

  /// The kernel at one point: w·e eᵀ for each operator, e = pole·(1, dz, dz²).
  /// @param e the BSZ2015 expansion at q²
  /// @param w_v, w_s, w_t the kinematic weights of the three operators (dB/dq² per |C|² f²)
  static b_to_k_nunu_kernel at(const bsz2015_expansion& e, double w_v, double w_s, double w_t) {
    b_to_k_nunu_kernel k;
    const double dz = e.dz, dz2 = dz * dz;
    const double basis[6] = {1.0, dz, dz2, dz2, dz2 * dz, dz2 * dz2};  // 1·1, 1·dz, 1·dz², dz·dz, dz·dz², dz²·dz²
    const double pp = e.pole_plus * e.pole_plus, p0 = e.pole_zero * e.pole_zero;
    for (std::size_t i = 0; i < 6; ++i) {
      k.vector[i] = w_v * pp * basis[i];
      k.scalar[i] = w_s * p0 * basis[i];
      k.tensor[i] = w_t * pp * basis[i];
    }
    return k;
  }

 private:
  template <class Scalar>
  static Scalar quadratic_form(const std::array<double, 6>& k, const Scalar& a0, const Scalar& a1, const Scalar& a2) {
    const Scalar y0 = k[0] * a0 + k[1] * a1 + k[2] * a2;
    const Scalar y1 = k[1] * a0 + k[3] * a1 + k[4] * a2;
    const Scalar y2 = k[2] * a0 + k[4] * a1 + k[5] * a2;
    return a0 * y0 + a1 * y1 + a2 * y2;
  }
  static void multiply(const std::array<double, 6>& k, double a0, double a1, double a2, double* y) {
    y[0] = k[0] * a0 + k[1] * a1 + k[2] * a2;
    y[1] = k[1] * a0 + k[3] * a1 + k[4] * a2;
    y[2] = k[2] * a0 + k[4] * a1 + k[5] * a2;
  }
};

}  // namespace rein::physics
