#pragma once

// The B→Kνν̄ null and alternative rates shaped for reweighting: null(q²) and
// alternative(q²; cvl, csl, ctl, ff[8]), each with its support [q2_min(), q2_max()].
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/hpqcd_null.hpp"
#include "rein/physics/wet_coefficients.hpp"

#include <array>
#include <cstddef>

namespace rein::physics {

/// null(q²) = dB/dq² [GeV⁻²] of the HPQCD-based SM (Belle II's null), support [0, q2_max()].
class b_to_k_nunu_null {
 public:
  /// @param constants the HPQCD inputs (defaults: b_to_k_nunu.md)
  /// @throws rein::invalid_argument for bad constants (see hpqcd_null)
  explicit b_to_k_nunu_null(const hpqcd_null_constants& constants = {}) : m_null(constants) {}

  /// dB/dq² [GeV⁻²].
  /// @throws rein::domain_error if q2 is NaN or outside [q2_min(), q2_max()]
  double operator()(double q2) const { return m_null.differential_branching_fraction(q2); }

  /// Lower end of the support: 0 (the rate is zero below; integrators should clip there).
  [[nodiscard]] double q2_min() const { return 0.0; }
  /// Kinematic endpoint (m_B − m_K)² with HPQCD's masses; the rate vanishes like λ^{3/2} there.
  [[nodiscard]] double q2_max() const { return m_null.q2_max(); }
  /// The underlying model.
  [[nodiscard]] const hpqcd_null& model() const { return m_null; }

 private:
  hpqcd_null m_null;
};

/// alternative(q²; θ) = dB/dq² [GeV⁻²] in the WET with BSZ2015 form factors, θ = (cvl, csl, ctl,
/// FFK[0..7]); support [0, q2_max()]. Templated on the scalar: with rein::dual<11> variables the
/// gradient with respect to all 11 parameters is exact.
class b_to_k_nunu_alternative {
 public:
  /// @param constants the physical inputs (EOS defaults, Belle II's fixed m_b, m_s)
  /// @param form_factor_constants the masses of the BSZ2015 parametrisation
  /// @throws rein::invalid_argument for bad constants (see b_to_k_nunu_rate)
  explicit b_to_k_nunu_alternative(const b_to_k_nunu_constants& constants = {},
                                   const bsz2015_constants& form_factor_constants = {})
      : m_rate(constants, form_factor_constants) {}

  /// dB/dq² [GeV⁻²] at (cvl, csl, ctl, ff).
  /// @throws rein::domain_error if q2 is NaN or outside [q2_min(), q2_max()]
  /// @throws rein::invalid_argument if a parameter is not finite
  template <class Scalar>
  Scalar operator()(double q2, const Scalar& cvl, const Scalar& csl, const Scalar& ctl,
                    const bsz2015_parameters<Scalar>& ff) const {
    return m_rate.differential_branching_fraction(q2, wet_coefficients<Scalar>{cvl, csl, ctl}, ff);
  }

  /// dB/dq² [GeV⁻²] at θ = (cvl, csl, ctl, FFK[0..7]) (the order of b_to_k_nunu_parameter_names()).
  /// @throws rein::domain_error if q2 is NaN or outside [q2_min(), q2_max()]
  /// @throws rein::invalid_argument if a parameter is not finite
  template <class Scalar>
  Scalar operator()(double q2, const std::array<Scalar, b_to_k_nunu_parameter_count>& theta) const {
    return m_rate.differential_branching_fraction(q2, theta);
  }

  /// The rate at q² as a quadratic form in the parameters (integrate it once per bin, then
  /// contract per parameter point; see b_to_k_nunu_kernel).
  /// @throws rein::domain_error if q2 is NaN or outside [q2_min(), q2_max()]
  [[nodiscard]] b_to_k_nunu_kernel kernel(double q2) const { return m_rate.kernel(q2); }

  /// Lower end of the support: 0.
  [[nodiscard]] double q2_min() const { return 0.0; }
  /// Kinematic endpoint (m_B⁺ − m_K⁺)² = 22.902570 GeV² with the defaults; the rate vanishes like √λ there.
  [[nodiscard]] double q2_max() const { return m_rate.q2_max(); }
  /// The underlying model.
  [[nodiscard]] const b_to_k_nunu_rate& model() const { return m_rate; }

 private:
  b_to_k_nunu_rate m_rate;
};

}  // namespace rein::physics
