#pragma once

// The e+e− centre-of-mass (Υ(4S)) frame: √s and the boost β⃗, with the basf2 beam presets.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/detail/check.hpp"
#include "rein/kinematics/detail/math.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/three_vector.hpp"

#include <cmath>
#include <string>

namespace rein::kinematics {

/// Beam energies, directions and energy spreads, in basf2's `BeamParameters` convention
/// (generators/scripts/beamparameters.py): each beam is (0, 0, p, E) rotated about the y axis by
/// its angle, and a negative angle θ means π + θ (so the LER, at −41.5 mrad, runs along −z with a
/// positive x component, like the HER at +41.5 mrad: an 83 mrad crossing in the xz plane).
struct beam_parameters {
  double energy_her;        ///< HER (e−) energy, GeV
  double energy_ler;        ///< LER (e+) energy, GeV
  double angle_her;         ///< HER angle to +z, rad
  double angle_ler;         ///< LER angle, rad (negative: π + angle)
  double sigma_energy_her;  ///< HER energy spread, GeV
  double sigma_energy_ler;  ///< LER energy spread, GeV

  /// basf2 preset "SuperKEKB": 7.0 / 4.0 GeV, ±41.5 mrad, spreads 5.13 / 2.375 MeV.
  [[nodiscard]] static constexpr beam_parameters superkekb() noexcept {
    return {7.0, 4.0, 0.0415, -0.0415, 0.00513, 0.002375};
  }
  /// basf2 preset "Y4S": 7.004 / 4.002 GeV, otherwise as SuperKEKB.
  [[nodiscard]] static constexpr beam_parameters y4s() noexcept {
    return {7.004, 4.002, 0.0415, -0.0415, 0.00513, 0.002375};
  }

  /// The HER electron four-momentum in the lab.
  /// @param electron_mass  GeV (PDG 2024 by default)
  /// @throws rein::invalid_argument for a non-finite angle or an energy not above the mass
  [[nodiscard]] four_vector her(double electron_mass = pdg_2024.e) const {
    return beam(energy_her, angle_her, electron_mass, "energy_her");
  }
  /// The LER positron four-momentum in the lab.
  /// @throws rein::invalid_argument for a non-finite angle or an energy not above the mass
  [[nodiscard]] four_vector ler(double electron_mass = pdg_2024.e) const {
    return beam(energy_ler, angle_ler, electron_mass, "energy_ler");
  }

 private:
  static four_vector beam(double energy, double angle, double mass, const char* name) {
    const char* function = "rein::kinematics::beam_parameters";
    detail::check_non_negative(mass, function, "electron_mass");
    if (!(energy > mass) || !std::isfinite(energy))
      throw invalid_argument(std::string(function) + ": " + name + " = " + rein::detail::format_value(energy) +
                             ", must be finite and above the electron mass " + rein::detail::format_value(mass));
    rein::detail::check_finite(angle, std::string(function) + ": beam angle");
    const double theta = angle < 0.0 ? detail::pi + angle : angle;
    const double p = std::sqrt((energy - mass) * (energy + mass));
    return {p * std::sin(theta), 0.0, p * std::cos(theta), energy};
  }
};

/// The centre-of-mass frame of the colliding beams: √s and the velocity β⃗ of the CM in the lab.
///
/// Lab → CM is the pure boost by −β⃗ (current basf2, no rotation); CM → lab is the boost by +β⃗.
/// √s and β⃗ are per-run inputs; the presets are computed from the basf2 beam parameters.
class cm_frame {
 public:
  /// @param sqrt_s  centre-of-mass energy, GeV (finite, > 0)
  /// @param beta    velocity of the CM frame in the lab (finite, |β⃗| < 1)
  /// @throws rein::invalid_argument for a non-positive or non-finite √s, or an invalid β⃗
  cm_frame(double sqrt_s, const three_vector& beta) : m_sqrt_s(sqrt_s), m_beta(beta) {
    detail::check_positive(sqrt_s, "rein::kinematics::cm_frame", "sqrt_s");
    const double b2 = beta.norm2();
    if (!beta.is_finite() || !(b2 < 1.0))
      throw invalid_argument("rein::kinematics::cm_frame: beta = (" + rein::detail::format_value(beta.x()) + ", " +
                             rein::detail::format_value(beta.y()) + ", " + rein::detail::format_value(beta.z()) +
                             "), must be finite with |beta| < 1");
    m_gamma = 1.0 / std::sqrt(1.0 - b2);
  }

  /// The frame of the summed beam four-momenta P = p_HER + p_LER: √s = m(P), β⃗ = P⃗/E_P.
  /// @throws rein::invalid_argument for invalid beam parameters
  [[nodiscard]] static cm_frame from_beams(const beam_parameters& beams, double electron_mass = pdg_2024.e) {
    const four_vector total = beams.her(electron_mass) + beams.ler(electron_mass);
    return {std::sqrt(total.mass2()), total.beta()};
  }
  /// basf2 "Y4S" preset: √s = 10.579558 GeV, β⃗ = (0.041488089, 0, 0.272525467).
  [[nodiscard]] static cm_frame y4s() { return from_beams(beam_parameters::y4s()); }
  /// basf2 "SuperKEKB" preset: √s = 10.573893 GeV, β⃗ = (0.041488, 0, 0.272492).
  [[nodiscard]] static cm_frame superkekb() { return from_beams(beam_parameters::superkekb()); }

  /// √s, GeV.
  [[nodiscard]] double sqrt_s() const noexcept { return m_sqrt_s; }
  /// s, GeV².
  [[nodiscard]] double s() const noexcept { return m_sqrt_s * m_sqrt_s; }
  /// E*_beam = √s/2, GeV.
  [[nodiscard]] double beam_energy() const noexcept { return 0.5 * m_sqrt_s; }
  /// β⃗ of the CM in the lab.
  [[nodiscard]] const three_vector& beta() const noexcept { return m_beta; }
  /// γ = 1/√(1 − β²).
  [[nodiscard]] double gamma() const noexcept { return m_gamma; }

  /// A lab four-vector in the CM frame (boost by −β⃗).
  /// @throws rein::invalid_argument if p is not finite
  [[nodiscard]] four_vector to_cm(const four_vector& lab) const {
    detail::check_four_vector(lab, "rein::kinematics::cm_frame::to_cm", "lab");
    return boost(lab, -1.0);
  }
  /// A CM four-vector in the lab frame (boost by +β⃗).
  /// @throws rein::invalid_argument if p is not finite
  [[nodiscard]] four_vector to_lab(const four_vector& cm) const {
    detail::check_four_vector(cm, "rein::kinematics::cm_frame::to_lab", "cm");
    return boost(cm, 1.0);
  }

 private:
  four_vector boost(const four_vector& p, double sign) const noexcept {
    const three_vector b = m_beta * sign;
    const double bp = dot(b, p.p3());
    const double k = m_gamma * m_gamma / (m_gamma + 1.0) * bp + m_gamma * p.e();
    return {p.px() + k * b.x(), p.py() + k * b.y(), p.pz() + k * b.z(), m_gamma * (p.e() + bp)};
  }

  double m_sqrt_s;
  three_vector m_beta;
  double m_gamma = 1.0;
};

/// Spread σ(√s) from the beam-energy spreads by linear propagation:
/// σ²(√s) = Σ_i (∂s/∂E_i)² σ_i² / (4s), ∂s/∂E_i = 2E − 2 P⃗·n̂_i E_i/p_i. For the presets ≈ 4.99 MeV.
/// @throws rein::invalid_argument for invalid beam parameters or negative spreads
[[nodiscard]] inline double sqrt_s_spread(const beam_parameters& beams, double electron_mass = pdg_2024.e) {
  const char* function = "rein::kinematics::sqrt_s_spread";
  detail::check_non_negative(beams.sigma_energy_her, function, "sigma_energy_her");
  detail::check_non_negative(beams.sigma_energy_ler, function, "sigma_energy_ler");
  const four_vector her = beams.her(electron_mass), ler = beams.ler(electron_mass);
  const four_vector total = her + ler;
  const auto derivative = [&total](const four_vector& beam) {
    return 2.0 * total.e() - 2.0 * dot(total.p3(), beam.p3()) * beam.e() / beam.p2();
  };
  const double d_her = derivative(her) * beams.sigma_energy_her;
  const double d_ler = derivative(ler) * beams.sigma_energy_ler;
  return std::sqrt(d_her * d_her + d_ler * d_ler) / (2.0 * std::sqrt(total.mass2()));
}

}  // namespace rein::kinematics
