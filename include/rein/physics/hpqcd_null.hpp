#pragma once

// The SM prediction of B⁺→K⁺νν̄ that Belle II normalised its signal template to: HPQCD's f+
// (arXiv:2207.12468) in the rate of arXiv:2207.13371, eq. 16.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/detail/endpoint_quadrature.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::physics {

/// The HPQCD-based SM dB/dq² of B⁺→K⁺νν̄ (Belle II's "null"):
///
///     dB/dq² = G_F² α² X_t² / (32 π⁵ s_W⁴) · τ_B/ħ · |V_tb V_ts*|² · λ^{3/2} / (2 m_B)³ · f+(q²)²,
///     f+(q²) = L / (1 − q²/M²) · Σ_{n=0}^{2} a_n (zⁿ − (n/3)(−1)^{n−3} z³),
///     z = (√(t₊ − q²) − √t₊) / (√(t₊ − q²) + √t₊),  t₊ = (m_B + m_K)²  (t₀ = 0),
///
/// for 0 ≤ q² ≤ q²_max = (m_B − m_K)² with HPQCD's masses (q²_max = 22.885230 GeV², 2.3e-4 GeV²
/// above the end of Belle II's q² binning). Pointwise functions throw outside the physical region;
/// integrals clip their range to it.
class hpqcd_null {
 public:
  /// @param constants HPQCD's and Belle II's inputs (defaults: b_to_k_nunu.md)
  /// @throws rein::invalid_argument if an input is not finite, a mass, lifetime or coupling is
  ///         not positive, or m_K ≥ m_B
  explicit hpqcd_null(const hpqcd_null_constants& constants = {}) : m_constants(constants) {
    const auto& c = constants;
    const double coefficients[3] = {c.a0, c.a1, c.a2};
    const char* names[3] = {"constants.a0", "constants.a1", "constants.a2"};
    for (std::size_t i = 0; i < 3; ++i)
      if (!std::isfinite(coefficients[i]))
        throw invalid_argument(prefix("hpqcd_null") + names[i] + " = " + rein::detail::format_value(coefficients[i]) +
                               ", must be finite");
    check_positive(c.l_factor, "constants.l_factor");
    check_positive(c.pole_mass, "constants.pole_mass");
    check_positive(c.b_mass, "constants.b_mass");
    check_positive(c.k_mass, "constants.k_mass");
    check_positive(c.fermi_constant, "constants.fermi_constant");
    check_positive(c.inverse_alpha, "constants.inverse_alpha");
    check_positive(c.x_t, "constants.x_t");
    check_positive(c.sin2_theta_w, "constants.sin2_theta_w");
    check_positive(c.v_tb_v_ts, "constants.v_tb_v_ts");
    check_positive(c.b_lifetime, "constants.b_lifetime");
    check_positive(c.hbar, "constants.hbar");
    if (!(c.k_mass < c.b_mass))
      throw invalid_argument(prefix("hpqcd_null") + "constants.k_mass = " + rein::detail::format_value(c.k_mass) +
                             " must be below constants.b_mass = " + rein::detail::format_value(c.b_mass));
    m_q2_max = (c.b_mass - c.k_mass) * (c.b_mass - c.k_mass);
    if (!(m_q2_max < c.pole_mass * c.pole_mass))
      throw invalid_argument(prefix("hpqcd_null") + "the endpoint (m_B - m_K)^2 = " + rein::detail::format_value(m_q2_max) +
                             " GeV^2 must lie below the pole M^2 = " + rein::detail::format_value(c.pole_mass * c.pole_mass));
    m_t_plus = (c.b_mass + c.k_mass) * (c.b_mass + c.k_mass);
    const double pi = 3.14159265358979323846;
    const double alpha = 1.0 / c.inverse_alpha;
    const double two_mb = 2.0 * c.b_mass;
    m_norm = c.fermi_constant * c.fermi_constant * alpha * alpha * c.x_t * c.x_t /
             (32.0 * std::pow(pi, 5) * c.sin2_theta_w * c.sin2_theta_w) * (c.b_lifetime / c.hbar) * c.v_tb_v_ts *
             c.v_tb_v_ts / (two_mb * two_mb * two_mb);
  }

  /// The inputs this null was built with.
  [[nodiscard]] const hpqcd_null_constants& constants() const { return m_constants; }
  /// The kinematic endpoint q²_max = (m_B − m_K)² [GeV²] with HPQCD's masses.
  [[nodiscard]] double q2_max() const { return m_q2_max; }

  /// HPQCD's f+(q²) (BCL form, three terms).
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  [[nodiscard]] double f_plus(double q2) const {
    check_q2(q2, "f_plus");
    return f_plus_unchecked(q2);
  }

  /// dB/dq² [GeV⁻²] at one q².
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  [[nodiscard]] double differential_branching_fraction(double q2) const {
    check_q2(q2, "differential_branching_fraction");
    return rate_unchecked(q2);
  }

  /// dB/dq² [GeV⁻²]: the callable form, null(q²), for reweighting.
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  double operator()(double q2) const { return differential_branching_fraction(q2); }

  /// ∫ dB/dq² over [q2_min, q2_max] ∩ [0, q²_max] (zero outside phase space); relative error
  /// below 1e-14 (see docs/physics.md).
  /// @throws rein::invalid_argument if a limit is not finite or q2_min > q2_max
  [[nodiscard]] double branching_fraction(double q2_min, double q2_max) const {
    if (!std::isfinite(q2_min))
      throw invalid_argument(prefix("branching_fraction") + "q2_min = " + rein::detail::format_value(q2_min) +
                             ", must be finite");
    if (!std::isfinite(q2_max))
      throw invalid_argument(prefix("branching_fraction") + "q2_max = " + rein::detail::format_value(q2_max) +
                             ", must be finite");
    if (!(q2_min <= q2_max))
      throw invalid_argument(prefix("branching_fraction") + "q2_min = " + rein::detail::format_value(q2_min) +
                             " must not exceed q2_max = " + rein::detail::format_value(q2_max));
    const double lo = std::fmax(q2_min, 0.0), hi = std::fmin(q2_max, m_q2_max);
    return detail::integrate_below_endpoint([this](double q2) { return rate_unchecked(q2); }, lo, hi, m_q2_max);
  }

  /// The total branching fraction over [0, q²_max].
  [[nodiscard]] double branching_fraction() const { return branching_fraction(0.0, m_q2_max); }

 private:
  static std::string prefix(const char* function) { return std::string("rein::physics::hpqcd_null::") + function + ": "; }

  static void check_positive(double value, const char* name) {
    if (!(std::isfinite(value) && value > 0.0))
      throw invalid_argument(prefix("hpqcd_null") + name + " = " + rein::detail::format_value(value) +
                             ", must be positive and finite");
  }

  void check_q2(double q2, const char* function) const {
    if (!(q2 >= 0.0 && q2 <= m_q2_max))
      throw domain_error(prefix(function) + "q2 = " + rein::detail::format_value(q2) +
                         " GeV^2 is outside the physical region [0, (m_B - m_K)^2 = " +
                         rein::detail::format_value(m_q2_max) + "] GeV^2");
  }

  [[nodiscard]] double f_plus_unchecked(double q2) const {
    const auto& c = m_constants;
    const double a = std::sqrt(m_t_plus - q2), b = std::sqrt(m_t_plus);
    const double z = (a - b) / (a + b);
    const double z3 = z * z * z;
    // zⁿ − (n/3)(−1)^{n−3} z³ for n = 0, 1, 2: 1, z − z³/3, z² + (2/3) z³.
    const double series = c.a0 + c.a1 * (z - z3 / 3.0) + c.a2 * (z * z + 2.0 * z3 / 3.0);
    return c.l_factor / (1.0 - q2 / (c.pole_mass * c.pole_mass)) * series;
  }

  [[nodiscard]] double rate_unchecked(double q2) const {
    const double lambda = std::fmax(0.0, (m_t_plus - q2) * (m_q2_max - q2));
    const double f = f_plus_unchecked(q2);
    return m_norm * lambda * std::sqrt(lambda) * f * f;
  }

  hpqcd_null_constants m_constants;
  double m_q2_max = 0.0;
  double m_t_plus = 0.0;
  double m_norm = 0.0;
};

}  // namespace rein::physics
