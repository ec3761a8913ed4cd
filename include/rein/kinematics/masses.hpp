#pragma once

// Particle masses tagged with the PDG edition they come from.
#include "rein/config.hpp"

#include <string_view>

namespace rein::kinematics {

/// Masses (GeV) of the particles the B → K(*)ττ/τℓ/νν̄ analyses need, with the edition tag.
///
/// Charge-conjugate states share a mass; K0 is used for K_S. Pass a different instance to use
/// another edition: every function that needs a mass takes it as an argument or a
/// `particle_masses` (defaulting to pdg_2024).
struct particle_masses {
  std::string_view edition;  ///< e.g. "PDG 2024"
  double b0;                 ///< B0
  double b_plus;             ///< B+
  double k_plus;             ///< K+
  double k0;                 ///< K0 (and K_S)
  double k_star0;            ///< K*(892)0
  double k_star_plus;        ///< K*(892)+
  double tau;                ///< τ
  double mu;                 ///< μ
  double e;                  ///< e
  double pi_plus;            ///< π+
  double pi0;                ///< π0
  double rho_plus;           ///< ρ(770)+
  double rho0;               ///< ρ(770)0
  double jpsi;               ///< J/ψ(1S)
  double psi2s;              ///< ψ(2S)
  double d0;                 ///< D0
  double d_plus;             ///< D+
  double d_star_plus;        ///< D*(2010)+
  double upsilon_4s;         ///< Υ(4S)
};

/// Review of Particle Physics 2024 (S. Navas et al., Phys. Rev. D 110 (2024) 030001), GeV;
/// the same numbers as the table in docs/kinematics.md.
inline constexpr particle_masses pdg_2024{
    "PDG 2024",
    5.27972,        // B0
    5.27941,        // B+
    0.493677,       // K+
    0.497611,       // K0
    0.89555,        // K*0
    0.89167,        // K*+
    1.77693,        // tau
    0.1056583755,   // mu
    0.00051099895,  // e
    0.13957039,     // pi+
    0.1349768,      // pi0
    0.77511,        // rho+
    0.77526,        // rho0
    3.096900,       // J/psi
    3.686097,       // psi(2S)
    1.86484,        // D0
    1.86966,        // D+
    2.01026,        // D*+
    10.5794,        // Upsilon(4S)
};

}  // namespace rein::kinematics
