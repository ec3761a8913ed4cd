#pragma once

// The q² spectrum of B⁺→K⁺χχ̄, χ an invisible Dirac fermion of mass m, through one b→s current:
// scalar (s̄b)(χ̄χ), vector (s̄γ^μ b)(χ̄γ_μ χ) or tensor (s̄σ^{μν}b)(χ̄σ_{μν}χ).
//
// Source: the B→Kℓℓ rate with a massive lepton ℓ → χ of Bobeth, Hiller, Piranishvili, JHEP 0712
// (2007) 040, arXiv:0709.4174: dΓ/dq² = 2(a_ℓ + c_ℓ/3) (eq. 4.8) with a_ℓ, c_ℓ of eqs. 4.2, 4.4,
// the overall factor Γ₀√λ β (eq. 4.5) and F_S, F_V, F_T of eq. 3.2 with one coefficient on at a
// time (C_S, C_9 or C_T; with C_T alone F_V keeps its 8m/(m_B + m_K)·f_T/f₊·C_T term):
//
//     scalar:  dΓ/dq² ∝ √λ β · q² β² f₀²           (a_ℓ's q²β²|F_S|²)
//     vector:  dΓ/dq² ∝ √λ β · λ (1 − β²/3) f₊²    (a_ℓ's λ|F_V|²/4 with c_ℓ's −λβ²|F_V|²/4)
//     tensor:  dΓ/dq² ∝ √λ β · λ q² (3 − 2β²) fT²  (c_ℓ's q²β²|F_T|², the F_V² terms of a_ℓ and
//                                                   c_ℓ, and c_ℓ's 2m√λβ F_T F_V together)
//
// β = √(1 − 4m²/q²), λ = λ(m_B², m_K², q²). Each shape is written as the WET rate's pure piece
// (physics/b_to_k_nunu.hpp with that coefficient 1 and the others 0) times a threshold factor
// g(β) with g(1) = 1:
//
//     g_S = β³,   g_V = β(3 − β²)/2 = β(1 + 2m²/q²),   g_T = β(3 − 2β²) = β(1 + 8m²/q²),
//
// so that at m = 0 the shapes are the WET's pieces exactly, and near threshold they vanish as
// β³ (scalar) and 3β/2, 3β (vector, tensor). The vector and tensor factors were also rederived
// from the traces Σ|ū γ^z v|² = 8E²(1 − β²cos²θ), Σ|ū σ^{0z} v|² = 8E²(1 − β²sin²θ) in the
// χχ̄ rest frame (only the components along the K direction survive), averaged over θ.
// Only the shape matters to the models (models/dark_pair.hpp normalise it to a branching fraction).
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/detail/endpoint_quadrature.hpp"

#include <boost/math/quadrature/gauss.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

namespace rein::physics {

/// The b→s current that produces the χχ̄ pair.
enum class dark_pair_current { scalar, vector, tensor };

/// "scalar", "vector" or "tensor".
inline const char* to_string(dark_pair_current current) {
  switch (current) {
    case dark_pair_current::scalar: return "scalar";
    case dark_pair_current::vector: return "vector";
    case dark_pair_current::tensor: return "tensor";
  }
  return "?";
}

/// A value and its derivative in the χ mass: a spectrum or its integral.
struct dark_pair_value {
  double value = 0;   ///< the spectrum [GeV⁻²] or its integral
  double d_mass = 0;  ///< ∂/∂m_χ (the value's unit per GeV)

  dark_pair_value& operator+=(const dark_pair_value& other) {
    value += other.value;
    d_mass += other.d_mass;
    return *this;
  }
  friend dark_pair_value operator*(double w, const dark_pair_value& x) { return {w * x.value, w * x.d_mass}; }
};

/// The threshold factor g(β) of a current and its derivative g'(β), from x = 4m²/q² = 1 − β²
/// (both given: each keeps its digits where the other loses them).
inline dark_pair_value dark_pair_threshold_factor(dark_pair_current current, double beta, double x) {
  switch (current) {
    case dark_pair_current::scalar: return {beta * beta * beta, 3.0 * beta * beta};
    case dark_pair_current::vector: return {beta * (1.0 + 0.5 * x), 1.5 * x};
    case dark_pair_current::tensor: return {beta * (1.0 + 2.0 * x), 6.0 * x - 3.0};
  }
  return {};
}

namespace detail {

/// ∫ of an integrand over t ∈ [t_lo, t_hi] by Boost.Math's 30-point Gauss–Legendre rule on pieces
/// graded towards t = 0: each piece at most max(t, scale) and 0.5 wide, so a singularity at
/// distance `scale` from t = 0 off the real axis (β's branch point q² = 0 lies at t = ±i·2m when
/// q² = 4m² + t²) stays at least one piece-width away from every piece (Bernstein ellipse ρ ≥ 4.6).
template <class F>
dark_pair_value integrate_graded(const F& f, double t_lo, double t_hi, double scale) {
  dark_pair_value sum;
  using rule = boost::math::quadrature::gauss<double, 30>;
  const auto& x = rule::abscissa();
  const auto& w = rule::weights();
  double a = t_lo;
  while (a < t_hi) {
    // m = 0: no branch point to resolve; 1e-6 GeV bounds the number of pieces for a tiny m
    const double width = scale > 0 ? std::min(0.5, std::max({a, scale, 1e-6})) : 0.5;
    const double b = std::min(t_hi, a + width);
    const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
    for (std::size_t i = 0; i < x.size(); ++i)
      for (const double sign : {-1.0, 1.0}) sum += (half * w[i]) * f(mid + sign * half * x[i]);
    a = b;
  }
  return sum;
}

}  // namespace detail

/// The spectrum of B⁺→K⁺χχ̄ through one current, as the WET rate's pure piece (dB/dq² with
/// that Wilson coefficient 1, form factors BSZ2015 at fixed parameters) times g(β), with its
/// exact bin integrals and their derivatives in m_χ.
class b_to_k_dark_pair_spectrum {
 public:
  /// @param current the b→s current
  /// @param alpha the 8 BSZ2015 parameters (default: Belle II's mean)
  /// @param constants, form_factor_constants as for b_to_k_nunu_rate
  /// @throws rein::invalid_argument as b_to_k_nunu_rate, or for a non-finite parameter
  explicit b_to_k_dark_pair_spectrum(dark_pair_current current,
                                     const bsz2015_parameters<double>& alpha = bsz2015_belle2_mean,
                                     const b_to_k_nunu_constants& constants = {},
                                     const bsz2015_constants& form_factor_constants = {})
      : m_current(current), m_alpha(alpha), m_rate(constants, form_factor_constants) {
    for (std::size_t i = 0; i < alpha.size(); ++i)
      if (!std::isfinite(alpha[i]))
        throw invalid_argument(prefix("b_to_k_dark_pair_spectrum") + "alpha[" + std::to_string(i) +
                               "] = " + rein::detail::format_value(alpha[i]) + ", must be finite");
  }

  /// The current.
  [[nodiscard]] dark_pair_current current() const { return m_current; }
  /// The kinematic endpoint (m_B − m_K)² [GeV²] (the WET rate's).
  [[nodiscard]] double q2_max() const { return m_rate.q2_max(); }
  /// The largest χ mass with phase space: (m_B − m_K)/2 [GeV].
  [[nodiscard]] double mass_limit() const { return 0.5 * std::sqrt(q2_max()); }

  /// The WET rate's pure piece of this current at q² (dB/dq² with the coefficient 1) [GeV⁻²].
  /// @throws rein::domain_error if q2 is outside [0, q2_max()]
  [[nodiscard]] double massless(double q2) const {
    const auto c = m_rate.kernel(q2).coefficients(m_alpha);
    switch (m_current) {
      case dark_pair_current::scalar: return c.b_s;
      case dark_pair_current::vector: return c.b_v;
      case dark_pair_current::tensor: return c.b_t;
    }
    return 0;
  }

  /// The spectrum at q² for χ mass m: massless(q²)·g(β), zero below 4m², and its ∂/∂m
  /// (−massless·g'(β)·4m/(q²β), infinite at threshold for the vector and tensor currents).
  /// @throws rein::invalid_argument unless 0 ≤ m < mass_limit()
  /// @throws rein::domain_error if q2 is outside [0, q2_max()]
  [[nodiscard]] dark_pair_value at(double q2, double mass) const {
    check_mass(mass, "at");
    const double threshold = 4.0 * mass * mass;
    const double base = massless(q2);
    if (!(q2 > threshold)) return {};
    const double beta = std::sqrt((q2 - threshold) / q2), x = threshold / q2;
    const auto g = dark_pair_threshold_factor(m_current, beta, x);
    return {base * g.value, -base * g.d_mass * 4.0 * mass / (q2 * beta)};
  }

  /// ∫ over [lo, hi] ∩ [4m², q²_max] of the spectrum, with its exact ∂/∂m (the integrand vanishes
  /// at threshold, so ∂/∂m passes under the integral; its 1/β singularity is integrable).
  /// Both sqrt edges are mapped away: q² = 4m² + t² on the half of the range next to the
  /// threshold (pieces graded towards t = 0 on the scale 2m), q² = q²_max − u² on the half next to
  /// the endpoint; 30-point Gauss–Legendre on each piece, relative error ~1e-14.
  /// @throws rein::invalid_argument unless 0 ≤ m < mass_limit(), and lo ≤ hi finite
  [[nodiscard]] dark_pair_value integral(double lo, double hi, double mass) const {
    check_mass(mass, "integral");
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo <= hi))
      throw invalid_argument(prefix("integral") + "the range [" + rein::detail::format_value(lo) + ", " +
                             rein::detail::format_value(hi) + "] must be finite with lo <= hi");
    const double e = q2_max(), threshold = 4.0 * mass * mass;
    lo = std::max(lo, threshold);
    hi = std::min(hi, e);
    dark_pair_value sum;
    if (!(lo < hi)) return sum;
    const double split = std::clamp(0.5 * (threshold + e), lo, hi);
    if (lo < split) {
      // q² = 4m² + t²: dq² = 2t dt and β = t/√q², so 2t·g'(β)/β = 2√q²·g'(β): no singularity left
      const auto lower = [&](double t) -> dark_pair_value {
        const double q2 = threshold + t * t, root = std::sqrt(q2);
        const double base = massless(std::min(q2, e));
        const auto g = dark_pair_threshold_factor(m_current, t / root, threshold / q2);
        return {2.0 * t * base * g.value, -2.0 * root * base * g.d_mass * 4.0 * mass / q2};
      };
      sum += detail::integrate_graded(lower, std::sqrt(lo - threshold), std::sqrt(split - threshold), 2.0 * mass);
    }
    if (split < hi) {
      const auto upper = [&](double q2) -> dark_pair_value {
        const double base = massless(q2);
        const double beta = std::sqrt((q2 - threshold) / q2), x = threshold / q2;
        const auto g = dark_pair_threshold_factor(m_current, beta, x);
        return {base * g.value, -base * g.d_mass * 4.0 * mass / (q2 * beta)};
      };
      sum += detail::integrate_below_endpoint(upper, split, hi, e);
    }
    return sum;
  }

  /// ∫ of the spectrum over the whole phase space [4m², q²_max], with ∂/∂m.
  [[nodiscard]] dark_pair_value total(double mass) const { return integral(0.0, q2_max(), mass); }

 private:
  static std::string prefix(const char* function) {
    return std::string("rein::physics::b_to_k_dark_pair_spectrum::") + function + ": ";
  }

  void check_mass(double mass, const char* function) const {
    if (!(std::isfinite(mass) && mass >= 0.0 && mass < mass_limit()))
      throw invalid_argument(prefix(function) + "m_chi = " + rein::detail::format_value(mass) +
                             " GeV, must be >= 0 and below (m_B - m_K)/2 = " + rein::detail::format_value(mass_limit()) +
                             " GeV (a pair needs phase space)");
  }

  dark_pair_current m_current;
  bsz2015_parameters<double> m_alpha;
  b_to_k_nunu_rate m_rate;
};

}  // namespace rein::physics
