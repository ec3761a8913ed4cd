#pragma once

// BSZ2015 z-expansion form factors f+, f0, fT for B→K, as EOS implements them, templated on the
// scalar so that derivatives with respect to the 8 parameters come out exactly (rein::dual<N>).
#include "rein/core/detail/check.hpp"
#include "rein/core/dual.hpp"
#include "rein/core/error.hpp"
#include "rein/physics/constants.hpp"

#include <Eigen/Core>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>

namespace rein::physics {

/// The 8 BSZ2015 parameters of B→K, in Belle II's (and EOS's) order:
/// α^{f+}_0, α^{f+}_1, α^{f+}_2, α^{f0}_1, α^{f0}_2, α^{fT}_0, α^{fT}_1, α^{fT}_2.
/// α^{f0}_0 is not a parameter: α^{f0}_0 ≡ α^{f+}_0, so that f0(0) = f+(0).
template <class Scalar>
using bsz2015_parameters = std::array<Scalar, 8>;

/// Number of BSZ2015 parameters of B→K.
inline constexpr std::size_t bsz2015_parameter_count = 8;

/// The parameter values of the reference table in b_to_k_nunu.md ("Belle II FF central values
/// of utils"); with these the CLI `rein rate b_to_k_nunu` reproduces that table.
inline constexpr bsz2015_parameters<double> bsz2015_reference_central = {
    0.33772497529184886, -0.87793473613271,   -0.07935870922121949, 0.3719622997220613,
    0.07388594710238389, 0.327935912834808,   -0.9490004115927961,  -0.23146429907794228};

/// Mean of Belle II's FFK parameter (EOS fit to FLAG 2021 + HPQCD 2022), the `inits` of `FFK` in
/// data/belle2-knunu/reinterpretation_likelihood_wet.json (`new_pars`).
inline constexpr bsz2015_parameters<double> bsz2015_belle2_mean = {
    0.33797388603090495, -0.8845431373743229,  -0.1108693958590039, 0.37419909929952944,
    0.07873725752378524, 0.32688752467141596,  -0.9624819908742035, -0.2780351339346012};

/// Covariance of Belle II's FFK parameter (`cov` of `FFK` in the same file), row-major.
inline constexpr std::array<std::array<double, 8>, 8> bsz2015_belle2_covariance = {{
    {0.00010919141871989608, 0.0006960488224730459, 0.000978936225378235, 0.0007753231425965784,
     0.0013031574390005738, 8.756191487450131e-05, 0.0005654305612955719, 0.0007602972281800582},
    {0.0006960488224730459, 0.009307147404723048, 0.02160942800404693, 0.005688064273017213,
     0.010246973595763563, 0.0003918897881899954, 0.006201697576792566, 0.014709872717401097},
    {0.000978936225378235, 0.02160942800404693, 0.06718472547293623, 0.00852568504858337,
     0.01705841230510755, 9.670852155881733e-05, 0.011228900773033158, 0.04254418735493734},
    {0.0007753231425965784, 0.005688064273017213, 0.00852568504858337, 0.0062325305648084466,
     0.01128770057334359, 0.0006115824658044679, 0.004714017864822226, 0.00658796479812096},
    {0.0013031574390005738, 0.010246973595763563, 0.01705841230510755, 0.01128770057334359,
     0.022037376230653546, 0.0009781813486900701, 0.008112193568214436, 0.012781685276250713},
    {8.756191487450131e-05, 0.0003918897881899954, 9.670852155881733e-05, 0.0006115824658044679,
     0.0009781813486900701, 0.0004729957558702734, 0.0034457585961292386, 0.00582954073735013},
    {0.0005654305612955719, 0.006201697576792566, 0.011228900773033158, 0.004714017864822226,
     0.008112193568214436, 0.0034457585961292386, 0.031871178978126254, 0.06191793303926216},
    {0.0007602972281800582, 0.014709872717401097, 0.04254418735493734, 0.00658796479812096,
     0.012781685276250713, 0.00582954073735013, 0.06191793303926216, 0.14412769301540757},
}};

/// Belle II's FFK covariance as an Eigen matrix.
inline Eigen::MatrixXd bsz2015_belle2_covariance_matrix() {
  Eigen::MatrixXd m(8, 8);
  for (Eigen::Index i = 0; i < 8; ++i)
    for (Eigen::Index j = 0; j < 8; ++j)
      m(i, j) = bsz2015_belle2_covariance[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  return m;
}

/// f+, f0 and fT at one q².
template <class Scalar>
struct bsz2015_form_factors {
  Scalar f_plus{};
  Scalar f_zero{};
  Scalar f_tensor{};
};

/// The parameter-independent pieces of the expansion at one q²: the pole factors and z − z(0).
/// f+ = pole_plus·Σ_k α^{f+}_k dz^k, f0 = pole_zero·Σ_k α^{f0}_k dz^k, fT = pole_plus·Σ_k α^{fT}_k dz^k.
struct bsz2015_expansion {
  /// 1/(1 − q²/m_R,+²), shared by f+ and fT.
  double pole_plus = 1.0;
  /// 1/(1 − q²/m_R,0²).
  double pole_zero = 1.0;
  /// z(q²) − z(0).
  double dz = 0.0;
};

namespace detail {

/// Throws domain_error unless q² is finite and below the nearest pole m_R,+² (and hence t+).
inline void check_bsz2015_q2(double q2, const bsz2015_constants& c, const char* function) {
  const double pole2 = std::fmin(c.pole_mass_plus * c.pole_mass_plus, c.pole_mass_zero * c.pole_mass_zero);
  const double t_plus = (c.b_mass + c.k_mass) * (c.b_mass + c.k_mass);
  const double limit = std::fmin(pole2, t_plus);
  if (!(std::isfinite(q2) && q2 < limit))
    throw domain_error(std::string("rein::physics::") + function + ": q2 = " + rein::detail::format_value(q2) +
                       " GeV^2, must be finite and below " + rein::detail::format_value(limit) +
                       " GeV^2 (the nearest pole m_R^2 of the BSZ2015 parametrisation)");
}

/// z(s) = (√(t+ − s) − √(t+ − t0)) / (√(t+ − s) + √(t+ − t0)), t0 = t+(1 − √(1 − t−/t+)).
inline double bsz2015_z_unchecked(double q2, const bsz2015_constants& c) {
  const double t_plus = (c.b_mass + c.k_mass) * (c.b_mass + c.k_mass);
  const double t_minus = (c.b_mass - c.k_mass) * (c.b_mass - c.k_mass);
  const double t_zero = t_plus * (1.0 - std::sqrt(1.0 - t_minus / t_plus));
  const double a = std::sqrt(t_plus - q2);
  const double b = std::sqrt(t_plus - t_zero);
  return (a - b) / (a + b);
}

/// The expansion pieces at q² without checking q².
inline bsz2015_expansion bsz2015_expansion_unchecked(double q2, const bsz2015_constants& c) {
  bsz2015_expansion e;
  e.pole_plus = 1.0 / (1.0 - q2 / (c.pole_mass_plus * c.pole_mass_plus));
  e.pole_zero = 1.0 / (1.0 - q2 / (c.pole_mass_zero * c.pole_mass_zero));
  e.dz = bsz2015_z_unchecked(q2, c) - bsz2015_z_unchecked(0.0, c);
  return e;
}

/// The q²-independent pieces of the expansion, computed once (t₊, √(t₊ − t₀), z(0), 1/m_R²),
/// so that each q² costs one square root and three divisions. Used by the rates' hot paths.
class bsz2015_expansion_table {
 public:
  explicit bsz2015_expansion_table(const bsz2015_constants& c = {})
      : m_t_plus((c.b_mass + c.k_mass) * (c.b_mass + c.k_mass)),
        m_inverse_pole_plus2(1.0 / (c.pole_mass_plus * c.pole_mass_plus)),
        m_inverse_pole_zero2(1.0 / (c.pole_mass_zero * c.pole_mass_zero)) {
    const double t_minus = (c.b_mass - c.k_mass) * (c.b_mass - c.k_mass);
    const double t_zero = m_t_plus * (1.0 - std::sqrt(1.0 - t_minus / m_t_plus));
    m_root_t_plus_minus_t_zero = std::sqrt(m_t_plus - t_zero);
    m_z_zero = bsz2015_z_unchecked(0.0, c);
  }
  /// The expansion at q² (unchecked: q² below the poles).
  [[nodiscard]] bsz2015_expansion at(double q2) const {
    const double a = std::sqrt(m_t_plus - q2);
    bsz2015_expansion e;
    e.pole_plus = 1.0 / (1.0 - q2 * m_inverse_pole_plus2);
    e.pole_zero = 1.0 / (1.0 - q2 * m_inverse_pole_zero2);
    e.dz = (a - m_root_t_plus_minus_t_zero) / (a + m_root_t_plus_minus_t_zero) - m_z_zero;
    return e;
  }

 private:
  double m_t_plus;
  double m_inverse_pole_plus2;
  double m_inverse_pole_zero2;
  double m_root_t_plus_minus_t_zero = 0.0;
  double m_z_zero = 0.0;
};

}  // namespace detail

/// The conformal variable z(q²) of BSZ2015 (t0 = t+(1 − √(1 − t−/t+)), t± = (m_B ± m_K)²).
/// @param q2 momentum transfer squared [GeV²]
/// @param c the masses of the parametrisation
/// @return z(q²), dimensionless
/// @throws rein::domain_error if q2 is not finite or not below the nearest pole m_R²
inline double bsz2015_z(double q2, const bsz2015_constants& c = {}) {
  detail::check_bsz2015_q2(q2, c, "bsz2015_z");
  return detail::bsz2015_z_unchecked(q2, c);
}

/// The parameter-independent pieces (pole factors, z − z(0)) of the expansion at q².
/// @param q2 momentum transfer squared [GeV²]
/// @param c the masses of the parametrisation
/// @throws rein::domain_error if q2 is not finite or not below the nearest pole m_R²
inline bsz2015_expansion bsz2015_expansion_at(double q2, const bsz2015_constants& c = {}) {
  detail::check_bsz2015_q2(q2, c, "bsz2015_expansion_at");
  return detail::bsz2015_expansion_unchecked(q2, c);
}

/// The B→K form factors from a precomputed expansion (no checks: the hot path of the rate).
template <class Scalar>
bsz2015_form_factors<Scalar> bsz2015_b_to_k(const bsz2015_expansion& e, const bsz2015_parameters<Scalar>& alpha) {
  const double dz = e.dz;
  const double dz2 = dz * dz;
  bsz2015_form_factors<Scalar> f;
  f.f_plus = e.pole_plus * (alpha[0] + dz * alpha[1] + dz2 * alpha[2]);
  f.f_zero = e.pole_zero * (alpha[0] + dz * alpha[3] + dz2 * alpha[4]);
  f.f_tensor = e.pole_plus * (alpha[5] + dz * alpha[6] + dz2 * alpha[7]);
  return f;
}

/// The B→K form factors of BSZ2015 (arXiv:1503.05534) as EOS implements them:
///     f_i(q²) = 1/(1 − q²/m_R,i²) · Σ_{k=0..2} α^i_k (z(q²) − z(0))^k,   α^{f0}_0 ≡ α^{f+}_0.
/// Templated on the scalar: with rein::dual<N> parameters the derivatives are exact.
/// @param q2 momentum transfer squared [GeV²]
/// @param alpha the 8 parameters (order: see bsz2015_parameters)
/// @param c the masses of the parametrisation
/// @return f+, f0, fT (dimensionless)
/// @throws rein::domain_error if q2 is not finite or not below the nearest pole m_R²
/// @throws rein::invalid_argument if a parameter is not finite
template <class Scalar>
bsz2015_form_factors<Scalar> bsz2015_b_to_k(double q2, const bsz2015_parameters<Scalar>& alpha,
                                            const bsz2015_constants& c = {}) {
  for (std::size_t i = 0; i < alpha.size(); ++i)
    if (!std::isfinite(value_of(alpha[i])))
      throw invalid_argument("rein::physics::bsz2015_b_to_k: alpha[" + std::to_string(i) +
                             "] = " + rein::detail::format_value(value_of(alpha[i])) + ", must be finite");
  detail::check_bsz2015_q2(q2, c, "bsz2015_b_to_k");
  return bsz2015_b_to_k(detail::bsz2015_expansion_unchecked(q2, c), alpha);
}

namespace detail {

/// Throws invalid_argument unless `covariance` is a finite symmetric 8×8 matrix with a
/// non-negative diagonal; `function` names the caller in the message.
inline void check_bsz2015_covariance(const Eigen::Ref<const Eigen::MatrixXd>& covariance, const char* function) {
  const std::string where = std::string("rein::physics::") + function + ": covariance";
  if (covariance.rows() != 8 || covariance.cols() != 8)
    throw invalid_argument(where + " is " + std::to_string(covariance.rows()) + "x" +
                           std::to_string(covariance.cols()) +
                           ", must be 8x8 (the BSZ2015 parameters of B->K)");
  double scale = 0.0;
  for (Eigen::Index i = 0; i < 8; ++i)
    for (Eigen::Index j = 0; j < 8; ++j) {
      if (!std::isfinite(covariance(i, j)))
        throw invalid_argument(where + "(" + std::to_string(i) + ", " + std::to_string(j) +
                               ") = " + rein::detail::format_value(covariance(i, j)) + ", must be finite");
      scale = std::fmax(scale, std::abs(covariance(i, j)));
    }
  for (Eigen::Index i = 0; i < 8; ++i) {
    if (!(covariance(i, i) >= 0.0))
      throw invalid_argument(where + "(" + std::to_string(i) + ", " + std::to_string(i) +
                             ") = " + rein::detail::format_value(covariance(i, i)) + ", must be >= 0");
    for (Eigen::Index j = i + 1; j < 8; ++j)
      if (std::abs(covariance(i, j) - covariance(j, i)) > 1e-12 * scale)
        throw invalid_argument(where + " is not symmetric: (" + std::to_string(i) + ", " +
                               std::to_string(j) + ") = " + rein::detail::format_value(covariance(i, j)) +
                               " but (" + std::to_string(j) + ", " + std::to_string(i) +
                               ") = " + rein::detail::format_value(covariance(j, i)));
  }
}

}  // namespace detail

/// Standard deviations of f+, f0, fT at q² for a covariance of the 8 parameters (linear
/// propagation, exact because the form factors are linear in the parameters).
/// @param q2 momentum transfer squared [GeV²]
/// @param covariance 8×8 covariance of the parameters (order: see bsz2015_parameters)
/// @param c the masses of the parametrisation
/// @return σ(f+), σ(f0), σ(fT)
/// @throws rein::invalid_argument if covariance is not a finite symmetric 8×8 matrix with a
///         non-negative diagonal
/// @throws rein::domain_error if q2 is not finite or not below the nearest pole m_R²
inline bsz2015_form_factors<double> bsz2015_uncertainty(double q2, const Eigen::Ref<const Eigen::MatrixXd>& covariance,
                                                        const bsz2015_constants& c = {}) {
  detail::check_bsz2015_covariance(covariance, "bsz2015_uncertainty");
  const bsz2015_expansion e = bsz2015_expansion_at(q2, c);
  const double powers[3] = {1.0, e.dz, e.dz * e.dz};
  // Gradients of f+, f0, fT with respect to the 8 parameters.
  Eigen::Matrix<double, 8, 3> g = Eigen::Matrix<double, 8, 3>::Zero();
  for (int k = 0; k < 3; ++k) {
    g(k, 0) = e.pole_plus * powers[k];
    g(5 + k, 2) = e.pole_plus * powers[k];
  }
  g(0, 1) = e.pole_zero;
  g(3, 1) = e.pole_zero * powers[1];
  g(4, 1) = e.pole_zero * powers[2];
  const Eigen::Matrix3d v = g.transpose() * covariance * g;
  return {std::sqrt(v(0, 0)), std::sqrt(v(1, 1)), std::sqrt(v(2, 2))};
}

}  // namespace rein::physics
