#pragma once

// The reference toy event of docs/kinematics.md: Υ(4S) → B0 B0bar with
// B_sig → K*0(→ K+ π−) τ+ μ− and B_tag → D− π+ (D− → K+ π− π−), generated in the CM frame with
// GENBOD, τ decayed in the mode of the caller's choice. Pure phase space everywhere: a matrix
// element enters as an event weight or by accept–reject on the returned four-vectors.
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/kinematics/tau_decays.hpp"

#include <vector>

namespace rein::kinematics {

/// One generated event, CM-frame four-vectors.
struct k_star_tau_mu_event {
  four_vector b_sig, b_tag;
  four_vector k_star, tau, mu;      ///< signal B daughters
  four_vector k_sig, pi_sig;        ///< K*0 daughters
  four_vector tau_visible, tau_nu;  ///< τ → visible + ν_τ (π, ρ or ℓ; the ν̄ℓ of leptonic modes below)
  four_vector tau_nu_lepton;        ///< ν of the leptonic τ modes; zero otherwise
  four_vector d, pi_tag;            ///< tag B daughters
  four_vector d_k, d_pi1, d_pi2;    ///< D− daughters
  double weight = 1.0;              ///< product of the GENBOD weights (1 for unweighted events)

  /// The reconstructed tag: the sum of its final-state particles.
  [[nodiscard]] four_vector tag() const { return d_k + d_pi1 + d_pi2 + pi_tag; }
  /// The visible signal side without the τ daughters, K+ π− μ−: the X of the τ recoil mass.
  [[nodiscard]] four_vector k_pi_mu() const { return k_sig + pi_sig + mu; }
};

/// Generates k_star_tau_mu_event at a CM energy √s (the Υ(4S) mass by default, or per event to
/// model the beam-energy spread). Random draws per event, in order: Υ(4S) → B B, B_sig, K*0, τ,
/// B_tag, D (each decay's draws as phase_space documents).
class k_star_tau_mu_generator {
 public:
  /// @param sqrt_s      CM energy of the e+e− collision, GeV
  /// @param unweighted  accept–reject every decay on its GENBOD weight (then weight = 1)
  /// @param tau_mode    the τ decay
  /// @param m           the masses
  /// @throws rein::domain_error if √s is below the B0 B0bar threshold, as phase_space
  explicit k_star_tau_mu_generator(double sqrt_s, bool unweighted = false,
                                   tau_decay_mode tau_mode = tau_decay_mode::pi_nu, const particle_masses& m = pdg_2024)
      : m_unweighted(unweighted),
        m_masses(m),
        m_upsilon(sqrt_s, {m.b0, m.b0}),
        m_b_sig(m.b0, {m.k_star0, m.tau, m.mu}),
        m_k_star(m.k_star0, {m.k_plus, m.pi_plus}),
        m_b_tag(m.b0, {m.d_plus, m.pi_plus}),
        m_d(m.d_plus, {m.k_plus, m.pi_plus, m.pi_plus}),
        m_tau(tau_mode, m) {}

  /// An event at the constructor's √s.
  template <class Rng>
  k_star_tau_mu_event operator()(Rng& rng) {
    k_star_tau_mu_event ev;
    ev.weight = decay(m_upsilon, rng, nullptr);
    return rest_of_chain(rng, ev);
  }

  /// An event at another √s (e.g. drawn from the beam-energy spread).
  /// @throws rein::domain_error if √s is below the B0 B0bar threshold
  template <class Rng>
  k_star_tau_mu_event operator()(Rng& rng, double sqrt_s) {
    k_star_tau_mu_event ev;
    ev.weight = decay(phase_space(sqrt_s, {m_masses.b0, m_masses.b0}), rng, nullptr);
    return rest_of_chain(rng, ev);
  }

 private:
  template <class Rng>
  k_star_tau_mu_event& rest_of_chain(Rng& rng, k_star_tau_mu_event& ev) {
    ev.b_sig = m_out[0];
    ev.b_tag = m_out[1];
    ev.weight *= decay(m_b_sig, rng, &ev.b_sig);
    ev.k_star = m_out[0];
    ev.tau = m_out[1];
    ev.mu = m_out[2];
    ev.weight *= decay(m_k_star, rng, &ev.k_star);
    ev.k_sig = m_out[0];
    ev.pi_sig = m_out[1];
    const auto tau_products = m_tau.decay(rng, ev.tau);
    ev.tau_visible = tau_products.visible;
    ev.tau_nu = tau_products.nu_tau;
    ev.tau_nu_lepton = tau_products.nu_lepton;
    ev.weight *= decay(m_b_tag, rng, &ev.b_tag);
    ev.d = m_out[0];
    ev.pi_tag = m_out[1];
    ev.weight *= decay(m_d, rng, &ev.d);
    ev.d_k = m_out[0];
    ev.d_pi1 = m_out[1];
    ev.d_pi2 = m_out[2];
    return ev;
  }

  // Pure phase space has |M|² = 1, so unweighting cannot exceed its bound: the status is ok, or
  // max_trials_reached after 10^8 rejections, which would need an acceptance below 1e-7.
  template <class Rng>
  double decay(const phase_space& ps, Rng& rng, const four_vector* parent) {
    if (m_unweighted) {
      (void)(parent ? ps.generate_unweighted(rng, *parent, m_out) : ps.generate_unweighted(rng, m_out));
      return 1.0;
    }
    return parent ? ps.generate(rng, *parent, m_out) : ps.generate(rng, m_out);
  }

  bool m_unweighted;
  particle_masses m_masses;
  phase_space m_upsilon, m_b_sig, m_k_star, m_b_tag, m_d;
  tau_decayer m_tau;
  std::vector<four_vector> m_out;
};

}  // namespace rein::kinematics
