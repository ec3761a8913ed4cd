#pragma once

// The differential rate of B⁺→K⁺νν̄ in the Weak Effective Theory with vector, scalar and tensor
// operators, in EOS's convention (eos/rare-b-decays/b-to-psd-nu-nu.cc; Felkl, Li, Schmidt,
// arXiv:2111.04327, eq. 8), as Belle II used it for its reinterpretation (arXiv:2507.12393).
#include "rein/core/detail/check.hpp"
#include "rein/core/dual.hpp"
#include "rein/core/error.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/detail/endpoint_quadrature.hpp"
#include "rein/physics/wet_coefficients.hpp"

#include <Eigen/Core>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::physics {

/// dΓ/dq² and dB/dq² of B⁺→K⁺νν̄ (three neutrino flavours, left-handed neutrinos) in the WET:
///
///     dΓ/dq² = 3 N √λ / (4π m_B)³ · [ λ/24 · f+² · cvl²
///                                    + q² (m_B² − m_K²)² / (8 (m_b − m_s)²) · f0² · csl²
///                                    + (2/3) q² λ / (m_B + m_K)² · fT² · ctl² ],
///     N = (4 G_F α_e / 2π)² / 2 · |V_tb V_ts*|²,   dB/dq² = dΓ/dq² · τ_B / ħ,
///
/// λ = λ(m_B², m_K², q²), 0 ≤ q² ≤ q²_max = (m_B − m_K)², form factors BSZ2015. Pointwise
/// functions throw outside the physical region; integrals treat the rate as zero there (they
/// clip the range to [0, q²_max]). Scalar may be double or rein::dual<N>: the coefficients and
/// form-factor parameters carry derivatives, the kinematics stays double.
class b_to_k_nunu_rate {
 public:
  /// @param constants the physical inputs (EOS defaults, Belle II's fixed m_b, m_s)
  /// @param form_factor_constants the masses of the BSZ2015 parametrisation
  /// @throws rein::invalid_argument if an input is not finite, a mass or lifetime is not
  ///         positive, m_K ≥ m_B, m_s ≥ m_b, or the endpoint lies beyond the form factors' pole
  explicit b_to_k_nunu_rate(const b_to_k_nunu_constants& constants = {},
                            const bsz2015_constants& form_factor_constants = {})
      : m_constants(constants), m_form_factor_constants(form_factor_constants), m_expansion(form_factor_constants) {
    const auto& c = constants;
    check_positive(c.fermi_constant, "constants.fermi_constant");
    check_positive(c.alpha_e, "constants.alpha_e");
    check_positive(c.hbar, "constants.hbar");
    check_positive(c.b_lifetime, "constants.b_lifetime");
    check_positive(c.b_mass, "constants.b_mass");
    check_positive(c.k_mass, "constants.k_mass");
    check_positive(c.v_tb, "constants.v_tb");
    check_positive(c.v_ts, "constants.v_ts");
    check_positive(c.b_quark_mass, "constants.b_quark_mass");
    check_positive(c.s_quark_mass, "constants.s_quark_mass");
    const auto& f = form_factor_constants;
    check_positive(f.b_mass, "form_factor_constants.b_mass");
    check_positive(f.k_mass, "form_factor_constants.k_mass");
    check_positive(f.pole_mass_plus, "form_factor_constants.pole_mass_plus");
    check_positive(f.pole_mass_zero, "form_factor_constants.pole_mass_zero");
    if (!(c.k_mass < c.b_mass))
      throw invalid_argument(prefix("b_to_k_nunu_rate") + "constants.k_mass = " + rein::detail::format_value(c.k_mass) +
                             " must be below constants.b_mass = " + rein::detail::format_value(c.b_mass));
    if (!(c.s_quark_mass < c.b_quark_mass))
      throw invalid_argument(prefix("b_to_k_nunu_rate") + "constants.s_quark_mass = " +
                             rein::detail::format_value(c.s_quark_mass) + " must be below constants.b_quark_mass = " +
                             rein::detail::format_value(c.b_quark_mass));
    m_q2_max = (c.b_mass - c.k_mass) * (c.b_mass - c.k_mass);
    const double limit = std::fmin(std::fmin(f.pole_mass_plus * f.pole_mass_plus, f.pole_mass_zero * f.pole_mass_zero),
                                   (f.b_mass + f.k_mass) * (f.b_mass + f.k_mass));
    if (!(m_q2_max < limit))
      throw invalid_argument(prefix("b_to_k_nunu_rate") + "the endpoint (m_B - m_K)^2 = " +
                             rein::detail::format_value(m_q2_max) +
                             " GeV^2 must lie below the nearest form-factor singularity at " +
                             rein::detail::format_value(limit) + " GeV^2");
    m_t_plus = (c.b_mass + c.k_mass) * (c.b_mass + c.k_mass);
    const double pi = 3.14159265358979323846;
    const double g = 4.0 * c.fermi_constant * c.alpha_e / (2.0 * pi);
    const double ckm = c.v_tb * c.v_ts;
    const double four_pi_mb = 4.0 * pi * c.b_mass;
    m_width_norm = 3.0 * (g * g / 2.0 * ckm * ckm) / (four_pi_mb * four_pi_mb * four_pi_mb);
    m_lifetime_over_hbar = c.b_lifetime / c.hbar;
    const double mb2 = c.b_mass * c.b_mass, mk2 = c.k_mass * c.k_mass;
    const double dm = c.b_quark_mass - c.s_quark_mass;
    m_scalar_factor = (mb2 - mk2) * (mb2 - mk2) / (8.0 * dm * dm);
    m_tensor_factor = 2.0 / 3.0 / m_t_plus;
  }

  /// The inputs this rate was built with.
  [[nodiscard]] const b_to_k_nunu_constants& constants() const { return m_constants; }
  /// The BSZ2015 masses this rate was built with.
  [[nodiscard]] const bsz2015_constants& form_factor_constants() const { return m_form_factor_constants; }
  /// The kinematic endpoint q²_max = (m_B − m_K)² [GeV²] (22.902570 with the defaults).
  [[nodiscard]] double q2_max() const { return m_q2_max; }

  /// dΓ/dq² [GeV⁻¹] at one q².
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @param c the Wilson-coefficient combinations cvl, csl, ctl
  /// @param alpha the 8 BSZ2015 parameters
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  /// @throws rein::invalid_argument if a coefficient or parameter is not finite
  template <class Scalar>
  [[nodiscard]] Scalar differential_decay_width(double q2, const wet_coefficients<Scalar>& c,
                                                const bsz2015_parameters<Scalar>& alpha) const {
    check_point(q2, c, alpha, "differential_decay_width");
    return width_unchecked(q2, c, alpha);
  }

  /// dB/dq² [GeV⁻²] at one q²: dΓ/dq² · τ_B/ħ.
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @param c the Wilson-coefficient combinations cvl, csl, ctl
  /// @param alpha the 8 BSZ2015 parameters
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  /// @throws rein::invalid_argument if a coefficient or parameter is not finite
  template <class Scalar>
  [[nodiscard]] Scalar differential_branching_fraction(double q2, const wet_coefficients<Scalar>& c,
                                                       const bsz2015_parameters<Scalar>& alpha) const {
    check_point(q2, c, alpha, "differential_branching_fraction");
    return m_lifetime_over_hbar * width_unchecked(q2, c, alpha);
  }

  /// dB/dq² [GeV⁻²] at θ = (cvl, csl, ctl, α_0..α_7), the order of b_to_k_nunu_parameter_names()
  /// (the layout of gradients and of the reweighting callables; no copies of dual numbers).
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @param theta the 11 parameters
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  /// @throws rein::invalid_argument if a parameter is not finite
  template <class Scalar>
  [[nodiscard]] Scalar differential_branching_fraction(double q2,
                                                       const std::array<Scalar, b_to_k_nunu_parameter_count>& theta) const {
    check_q2(q2, "differential_branching_fraction");
    for (std::size_t i = 0; i < theta.size(); ++i)
      if (!std::isfinite(value_of(theta[i])))
        throw invalid_argument(prefix("differential_branching_fraction") + "theta[" + std::to_string(i) + "] (" +
                               b_to_k_nunu_parameter_names()[i] + ") = " + rein::detail::format_value(value_of(theta[i])) +
                               ", must be finite");
    return m_lifetime_over_hbar * width_theta_unchecked(q2, theta);
  }

  /// dB/dq² at q² as a quadratic form in the form-factor parameters (see b_to_k_nunu_kernel):
  /// kernel(q2).contract(c, alpha) == differential_branching_fraction(q2, c, alpha).
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  [[nodiscard]] b_to_k_nunu_kernel kernel(double q2) const {
    check_q2(q2, "kernel");
    return kernel_unchecked(q2);
  }

  /// The kernel integrated over [q2_min, q2_max] ∩ [0, q²_max] (zero outside phase space).
  /// Accuracy: relative error below 1e-14 (q² = e − t² substitution, 30-point Gauss–Legendre
  /// on pieces of t ≤ 0.5 GeV; see docs/physics.md).
  /// @param q2_min lower limit [GeV²]
  /// @param q2_max upper limit [GeV²], q2_min ≤ q2_max
  /// @throws rein::invalid_argument if a limit is not finite or q2_min > q2_max
  [[nodiscard]] b_to_k_nunu_kernel integrated_kernel(double q2_min, double q2_max) const {
    check_range(q2_min, q2_max, "integrated_kernel");
    const double lo = std::fmax(q2_min, 0.0), hi = std::fmin(q2_max, m_q2_max);
    return detail::integrate_below_endpoint([this](double q2) { return kernel_unchecked(q2); }, lo, hi, m_q2_max);
  }

  /// ∫ dB/dq² dq² over [q2_min, q2_max] (clipped to phase space): a partial branching fraction.
  /// @param q2_min lower limit [GeV²]
  /// @param q2_max upper limit [GeV²], q2_min ≤ q2_max
  /// @param c the Wilson-coefficient combinations
  /// @param alpha the 8 BSZ2015 parameters
  /// @throws rein::invalid_argument if a limit, coefficient or parameter is not finite, or q2_min > q2_max
  template <class Scalar>
  [[nodiscard]] Scalar branching_fraction(double q2_min, double q2_max, const wet_coefficients<Scalar>& c,
                                          const bsz2015_parameters<Scalar>& alpha) const {
    check_parameters(c, alpha, "branching_fraction");
    return integrated_kernel(q2_min, q2_max).contract(c, alpha);
  }

  /// The total branching fraction over the full phase space [0, q²_max].
  template <class Scalar>
  [[nodiscard]] Scalar branching_fraction(const wet_coefficients<Scalar>& c, const bsz2015_parameters<Scalar>& alpha) const {
    return branching_fraction(0.0, m_q2_max, c, alpha);
  }

  /// ∫ dB/dq² over each bin [edges[j], edges[j+1]] (clipped to phase space).
  /// @param edges bin edges [GeV²], at least 2, finite, strictly increasing
  /// @throws rein::invalid_argument for bad edges or non-finite coefficients or parameters
  template <class Scalar>
  [[nodiscard]] std::vector<Scalar> binned_branching_fractions(const std::vector<double>& edges,
                                                               const wet_coefficients<Scalar>& c,
                                                               const bsz2015_parameters<Scalar>& alpha) const {
    check_parameters(c, alpha, "binned_branching_fractions");
    check_edges(edges, "binned_branching_fractions");
    std::vector<Scalar> result;
    result.reserve(edges.size() - 1);
    for (std::size_t j = 0; j + 1 < edges.size(); ++j)
      result.push_back(integrated_kernel(edges[j], edges[j + 1]).contract(c, alpha));
    return result;
  }

  /// b_V, b_S, b_T over [q2_min, q2_max] (clipped): B = b_V cvl² + b_S csl² + b_T ctl².
  /// @param alpha the 8 BSZ2015 parameters
  /// @throws rein::invalid_argument if a limit or parameter is not finite, or q2_min > q2_max
  [[nodiscard]] b_to_k_nunu_coefficients integrated_coefficients(double q2_min, double q2_max,
                                                                 const bsz2015_parameters<double>& alpha) const {
    check_parameters(wet_coefficients<double>{}, alpha, "integrated_coefficients");
    return integrated_kernel(q2_min, q2_max).coefficients(alpha);
  }

  /// b_V, b_S, b_T over the full phase space [0, q²_max].
  [[nodiscard]] b_to_k_nunu_coefficients integrated_coefficients(const bsz2015_parameters<double>& alpha) const {
    return integrated_coefficients(0.0, m_q2_max, alpha);
  }

  /// The standard deviation of dB/dq² at q² from a covariance of the 8 form-factor parameters
  /// (linear propagation with the exact gradient).
  /// @param q2 momentum transfer squared [GeV²], 0 ≤ q2 ≤ q2_max()
  /// @param c the Wilson-coefficient combinations
  /// @param alpha the 8 BSZ2015 parameters (the expansion point)
  /// @param covariance 8×8 covariance of the parameters
  /// @throws rein::invalid_argument if covariance is not a finite symmetric 8×8 matrix with a
  ///         non-negative diagonal, or a coefficient or parameter is not finite
  /// @throws rein::domain_error if q2 is NaN or outside [0, q2_max()]
  [[nodiscard]] double differential_branching_fraction_uncertainty(
      double q2, const wet_coefficients<double>& c, const bsz2015_parameters<double>& alpha,
      const Eigen::Ref<const Eigen::MatrixXd>& covariance) const {
    physics::detail::check_bsz2015_covariance(covariance, "b_to_k_nunu_rate::differential_branching_fraction_uncertainty");
    check_point(q2, c, alpha, "differential_branching_fraction_uncertainty");
    std::array<double, b_to_k_nunu_parameter_count> theta{c.cvl, c.csl, c.ctl};
    for (std::size_t i = 0; i < 8; ++i) theta[3 + i] = alpha[i];
    std::array<double, b_to_k_nunu_parameter_count> gradient{};
    (void)kernel_unchecked(q2).contract_with_gradient(theta, gradient);
    const Eigen::Map<const Eigen::Matrix<double, 8, 1>> g(gradient.data() + 3);
    return std::sqrt(g.dot(covariance * g));
  }

 private:
  static std::string prefix(const char* function) { return std::string("rein::physics::b_to_k_nunu_rate::") + function + ": "; }

  static void check_positive(double value, const char* name) {
    if (!(std::isfinite(value) && value > 0.0))
      throw invalid_argument(prefix("b_to_k_nunu_rate") + name + " = " + rein::detail::format_value(value) +
                             ", must be positive and finite");
  }

  void check_q2(double q2, const char* function) const {
    if (!(q2 >= 0.0 && q2 <= m_q2_max))
      throw domain_error(prefix(function) + "q2 = " + rein::detail::format_value(q2) +
                         " GeV^2 is outside the physical region [0, (m_B - m_K)^2 = " +
                         rein::detail::format_value(m_q2_max) + "] GeV^2");
  }

  static void check_range(double q2_min, double q2_max, const char* function) {
    if (!std::isfinite(q2_min))
      throw invalid_argument(prefix(function) + "q2_min = " + rein::detail::format_value(q2_min) + ", must be finite");
    if (!std::isfinite(q2_max))
      throw invalid_argument(prefix(function) + "q2_max = " + rein::detail::format_value(q2_max) + ", must be finite");
    if (!(q2_min <= q2_max))
      throw invalid_argument(prefix(function) + "q2_min = " + rein::detail::format_value(q2_min) +
                             " must not exceed q2_max = " + rein::detail::format_value(q2_max));
  }

  static void check_edges(const std::vector<double>& edges, const char* function) {
    if (edges.size() < 2)
      throw invalid_argument(prefix(function) + "edges has " + std::to_string(edges.size()) +
                             " entries, needs at least 2");
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (!std::isfinite(edges[i]))
        throw invalid_argument(prefix(function) + "edges[" + std::to_string(i) + "] = " +
                               rein::detail::format_value(edges[i]) + ", must be finite");
      if (i > 0 && !(edges[i] > edges[i - 1]))
        throw invalid_argument(prefix(function) + "edges[" + std::to_string(i) + "] = " +
                               rein::detail::format_value(edges[i]) + " must be greater than edges[" +
                               std::to_string(i - 1) + "] = " + rein::detail::format_value(edges[i - 1]) +
                               " (edges must increase strictly)");
    }
  }

  template <class Scalar>
  static void check_parameters(const wet_coefficients<Scalar>& c, const bsz2015_parameters<Scalar>& alpha,
                               const char* function) {
    const double values[3] = {value_of(c.cvl), value_of(c.csl), value_of(c.ctl)};
    const char* names[3] = {"cvl", "csl", "ctl"};
    for (std::size_t i = 0; i < 3; ++i)
      if (!std::isfinite(values[i]))
        throw invalid_argument(prefix(function) + "coefficients." + names[i] + " = " +
                               rein::detail::format_value(values[i]) + ", must be finite");
    for (std::size_t i = 0; i < alpha.size(); ++i)
      if (!std::isfinite(value_of(alpha[i])))
        throw invalid_argument(prefix(function) + "alpha[" + std::to_string(i) + "] = " +
                               rein::detail::format_value(value_of(alpha[i])) + ", must be finite");
  }

  template <class Scalar>
  void check_point(double q2, const wet_coefficients<Scalar>& c, const bsz2015_parameters<Scalar>& alpha,
                   const char* function) const {
    check_q2(q2, function);
    check_parameters(c, alpha, function);
  }

  /// λ(m_B², m_K², q²) = (t₊ − q²)(t₋ − q²), clamped at 0 against rounding at the endpoint.
  [[nodiscard]] double kallen(double q2) const { return std::fmax(0.0, (m_t_plus - q2) * (m_q2_max - q2)); }

  template <class Scalar>
  [[nodiscard]] Scalar width_unchecked(double q2, const wet_coefficients<Scalar>& c,
                                       const bsz2015_parameters<Scalar>& alpha) const {
    const double lambda = kallen(q2);
    const auto f = bsz2015_b_to_k(m_expansion.at(q2), alpha);
    const Scalar vector = (lambda / 24.0) * (f.f_plus * f.f_plus) * (c.cvl * c.cvl);
    const Scalar scalar = (q2 * m_scalar_factor) * (f.f_zero * f.f_zero) * (c.csl * c.csl);
    const Scalar tensor = (m_tensor_factor * q2 * lambda) * (f.f_tensor * f.f_tensor) * (c.ctl * c.ctl);
    return (m_width_norm * std::sqrt(lambda)) * (vector + scalar + tensor);
  }

  /// dΓ/dq² for dual numbers by hand-written derivatives: the closed-form gradient with respect
  /// to the 11 local inputs (cvl, csl, ctl, α_0..α_7), then the chain rule through each input's
  /// derivative array (11 multiply-adds of N-vectors instead of ~30 dual operations).
  template <std::size_t N>
  [[nodiscard]] dual<N> width_from_inputs(double q2, const std::array<const dual<N>*, b_to_k_nunu_parameter_count>& in) const {
    const double lambda = kallen(q2);
    const auto e = m_expansion.at(q2);
    const double dz = e.dz, dz2 = dz * dz;
    const double cv = in[0]->value, cs = in[1]->value, ct = in[2]->value;
    const double a0 = in[3]->value, a1 = in[4]->value, a2 = in[5]->value, a3 = in[6]->value;
    const double a4 = in[7]->value, a5 = in[8]->value, a6 = in[9]->value, a7 = in[10]->value;
    const double f_plus = e.pole_plus * (a0 + dz * a1 + dz2 * a2);
    const double f_zero = e.pole_zero * (a0 + dz * a3 + dz2 * a4);
    const double f_tensor = e.pole_plus * (a5 + dz * a6 + dz2 * a7);
    const double norm = m_width_norm * std::sqrt(lambda);
    const double w_v = norm * (lambda / 24.0), w_s = norm * (q2 * m_scalar_factor);
    const double w_t = norm * (m_tensor_factor * q2 * lambda);
    // width = w_V cvl² f+² + w_S csl² f0² + w_T ctl² fT²; g_X = ∂width/∂f_X.
    const double g_v = 2.0 * w_v * cv * cv * f_plus;
    const double g_s = 2.0 * w_s * cs * cs * f_zero;
    const double g_t = 2.0 * w_t * ct * ct * f_tensor;
    const double local[b_to_k_nunu_parameter_count] = {2.0 * w_v * cv * f_plus * f_plus,
                                                       2.0 * w_s * cs * f_zero * f_zero,
                                                       2.0 * w_t * ct * f_tensor * f_tensor,
                                                       g_v * e.pole_plus + g_s * e.pole_zero,
                                                       g_v * e.pole_plus * dz,
                                                       g_v * e.pole_plus * dz2,
                                                       g_s * e.pole_zero * dz,
                                                       g_s * e.pole_zero * dz2,
                                                       g_t * e.pole_plus,
                                                       g_t * e.pole_plus * dz,
                                                       g_t * e.pole_plus * dz2};
    dual<N> result(w_v * cv * cv * f_plus * f_plus + w_s * cs * cs * f_zero * f_zero +
                   w_t * ct * ct * f_tensor * f_tensor);
    for (std::size_t k = 0; k < b_to_k_nunu_parameter_count; ++k) {
      const double g = local[k];
      const auto& d = in[k]->derivatives;
      for (std::size_t i = 0; i < N; ++i) result.derivatives[i] += g * d[i];
    }
    return result;
  }

  template <std::size_t N>
  [[nodiscard]] dual<N> width_unchecked(double q2, const wet_coefficients<dual<N>>& c,
                                        const bsz2015_parameters<dual<N>>& alpha) const {
    return width_from_inputs<N>(q2, {&c.cvl, &c.csl, &c.ctl, &alpha[0], &alpha[1], &alpha[2], &alpha[3], &alpha[4],
                                     &alpha[5], &alpha[6], &alpha[7]});
  }

  template <class Scalar>
  [[nodiscard]] Scalar width_theta_unchecked(double q2, const std::array<Scalar, b_to_k_nunu_parameter_count>& t) const {
    bsz2015_parameters<Scalar> alpha;
    for (std::size_t i = 0; i < alpha.size(); ++i) alpha[i] = t[3 + i];
    return width_unchecked(q2, wet_coefficients<Scalar>{t[0], t[1], t[2]}, alpha);
  }

  template <std::size_t N>
  [[nodiscard]] dual<N> width_theta_unchecked(double q2, const std::array<dual<N>, b_to_k_nunu_parameter_count>& t) const {
    return width_from_inputs<N>(q2, {&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9], &t[10]});
  }

  [[nodiscard]] b_to_k_nunu_kernel kernel_unchecked(double q2) const {
    const double lambda = kallen(q2);
    const double norm = m_lifetime_over_hbar * m_width_norm * std::sqrt(lambda);
    return b_to_k_nunu_kernel::at(m_expansion.at(q2),
                                  norm * lambda / 24.0, norm * q2 * m_scalar_factor,
                                  norm * m_tensor_factor * q2 * lambda);
  }

  b_to_k_nunu_constants m_constants;
  bsz2015_constants m_form_factor_constants;
  physics::detail::bsz2015_expansion_table m_expansion;
  double m_q2_max = 0.0;
  double m_t_plus = 0.0;
  double m_width_norm = 0.0;
  double m_lifetime_over_hbar = 0.0;
  double m_scalar_factor = 0.0;
  double m_tensor_factor = 0.0;
};

}  // namespace rein::physics
