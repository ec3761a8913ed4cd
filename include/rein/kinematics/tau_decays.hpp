#pragma once

// Unpolarised τ decays: τ → πν, ρν (two-body, isotropic) and τ → ℓνν̄ (V−A or pure phase space).
#include "rein/config.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/detail/check.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/core/random.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::kinematics {

/// The τ decay modes the generator provides.
enum class tau_decay_mode {
  pi_nu,     ///< τ → π ν_τ
  rho_nu,    ///< τ → ρ ν_τ (ρ at a fixed mass)
  electron,  ///< τ → e ν̄_e ν_τ
  muon,      ///< τ → μ ν̄_μ ν_τ
};

/// Matrix element of the leptonic modes.
enum class leptonic_matrix_element {
  v_minus_a,    ///< |M|² ∝ (p_τ·p_ν̄ℓ)(p_ℓ·p_ντ): the Michel spectrum, ⟨E_ℓ⟩ = 0.7·m_τ/2 for m_ℓ = 0
  phase_space,  ///< |M|² = 1: ⟨E_ℓ⟩ = (2/3)·m_τ/2 for m_ℓ = 0
};

/// Products of one τ decay, in the frame of the τ four-vector that was decayed.
struct tau_decay_products {
  four_vector visible;    ///< π, ρ or the charged lepton
  four_vector nu_tau;     ///< ν_τ (ν̄_τ for τ+)
  four_vector nu_lepton;  ///< ν̄_ℓ (ν_ℓ for τ+) in leptonic modes; the zero vector otherwise
  generation_status status = generation_status::ok;  ///< of the leptonic accept–reject
  std::size_t trials = 1;  ///< phase-space points drawn (1 for two-body modes)
};

/// Decays τ leptons (either charge, unpolarised): two-body modes are isotropic in the τ rest
/// frame; leptonic modes use GENBOD for (ℓ, ν̄ℓ, ντ) and accept–reject on the matrix element with
/// the exact bound |M|² ≤ (m_τ² − m_ℓ²)²/16 (the maximum of u(m_τ² − m_ℓ² − 2u)/2 over
/// u = p_τ·p_ν̄ℓ), so unweighting is unbiased.
class tau_decayer {
 public:
  /// A decayer for `mode` with the masses of `masses` (m_τ, m_π±, m_ρ±, m_e, m_μ).
  /// @throws rein::domain_error if the daughters are heavier than the τ
  explicit tau_decayer(tau_decay_mode mode, const particle_masses& masses = pdg_2024,
                       leptonic_matrix_element me = leptonic_matrix_element::v_minus_a)
      : tau_decayer(mode, masses.tau, visible_mass_of(mode, masses), me) {}

  /// A two-body decay τ → h ν with an arbitrary hadron mass (e.g. a ρ mass drawn from
  /// breit_wigner), reported as mode rho_nu.
  /// @throws rein::invalid_argument for non-finite or non-positive masses
  /// @throws rein::domain_error if m_hadron ≥ m_tau
  [[nodiscard]] static tau_decayer two_body(double m_tau, double m_hadron) {
    return tau_decayer(tau_decay_mode::rho_nu, m_tau, m_hadron, leptonic_matrix_element::v_minus_a);
  }
  /// A leptonic decay τ → ℓ ν̄ ν with an arbitrary lepton mass (0 allowed), reported as mode muon.
  /// @throws rein::invalid_argument for non-finite or negative masses
  /// @throws rein::domain_error if m_lepton ≥ m_tau
  [[nodiscard]] static tau_decayer leptonic(double m_tau, double m_lepton, leptonic_matrix_element me) {
    return tau_decayer(tau_decay_mode::muon, m_tau, m_lepton, me);
  }

  [[nodiscard]] tau_decay_mode mode() const noexcept { return m_mode; }
  [[nodiscard]] bool is_leptonic() const noexcept {
    return m_mode == tau_decay_mode::electron || m_mode == tau_decay_mode::muon;
  }
  [[nodiscard]] double tau_mass() const noexcept { return m_space.parent_mass(); }
  [[nodiscard]] double visible_mass() const noexcept { return m_space.daughter_masses()[0]; }

  /// Decays a τ with four-momentum `tau` (any frame; its mass must be tau_mass() within 1e-9).
  /// Draws: the GENBOD uniforms, then (leptonic modes) one accept–reject uniform per trial.
  /// @throws rein::invalid_argument if tau is not finite or has the wrong mass
  template <class Rng>
  [[nodiscard]] tau_decay_products decay(Rng& rng, const four_vector& tau) const {
    tau_decay_products products;
    std::array<four_vector, 3> d;
    if (!is_leptonic()) {
      (void)m_space.generate(rng, d.data());
      m_space.boost_from_rest_frame(tau, d.data());
      products.visible = d[0];
      products.nu_tau = d[1];
      return products;
    }
    // daughters (ℓ, ν̄ℓ, ντ) in the τ rest frame, where p_τ·p_ν̄ℓ = m_τ E_ν̄ℓ
    const double m_tau = m_space.parent_mass();
    const bool v_minus_a = m_me == leptonic_matrix_element::v_minus_a;
    std::size_t trials = 0;
    double max_ratio = 0.0;
    for (;;) {
      ++trials;
      const double w = m_space.generate(rng, d.data());
      const double ratio = v_minus_a ? w * (m_tau * d[1].e() * dot(d[0], d[2])) / m_me_max : w;
      if (ratio > max_ratio) max_ratio = ratio;
      if (uniform01(rng) < ratio) break;
    }
    m_space.boost_from_rest_frame(tau, d.data());
    products.visible = d[0];
    products.nu_lepton = d[1];
    products.nu_tau = d[2];
    products.status = max_ratio > 1.0 ? generation_status::max_weight_exceeded : generation_status::ok;
    products.trials = trials;
    return products;
  }

 private:
  tau_decayer(tau_decay_mode mode, double m_tau, double m_visible, leptonic_matrix_element me)
      : m_mode(mode),
        m_me(me),
        m_space(m_tau, is_leptonic_mode(mode) ? std::vector<double>{m_visible, 0.0, 0.0}
                                              : std::vector<double>{m_visible, 0.0}) {
    const double a = m_tau * m_tau - m_visible * m_visible;
    m_me_max = a * a / 16.0;
  }

  static bool is_leptonic_mode(tau_decay_mode mode) noexcept {
    return mode == tau_decay_mode::electron || mode == tau_decay_mode::muon;
  }

  static double visible_mass_of(tau_decay_mode mode, const particle_masses& masses) noexcept {
    switch (mode) {
      case tau_decay_mode::pi_nu:
        return masses.pi_plus;
      case tau_decay_mode::rho_nu:
        return masses.rho_plus;
      case tau_decay_mode::electron:
        return masses.e;
      case tau_decay_mode::muon:
        return masses.mu;
    }
    return masses.pi_plus;
  }

  tau_decay_mode m_mode;
  leptonic_matrix_element m_me;
  phase_space m_space;
  double m_me_max = 1.0;
};

}  // namespace rein::kinematics
