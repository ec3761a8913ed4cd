#pragma once

// Test support: the perfect-resolution toy event of tests/data/physics/kinematics.md,
// Υ(4S) → B0 B0bar with B_sig → K*0(→ K+ π−) τ+(→ π+ ν̄) μ− and B_tag → D− π+ (D− → K+ π− π−),
// generated in the CM frame with GENBOD (weighted; the weights are returned but identities hold
// event by event).
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/kinematics/tau_decays.hpp"

#include <vector>

namespace rein::test {

struct toy_event {
  kinematics::four_vector b_sig, b_tag;
  kinematics::four_vector k_star, tau, mu;  // signal B daughters
  kinematics::four_vector k_sig, pi_sig;    // K*0 daughters
  kinematics::four_vector tau_pi, tau_nu;   // τ+ → π+ ν̄
  kinematics::four_vector d, pi_tag;        // tag B daughters
  kinematics::four_vector d_k, d_pi1, d_pi2;  // D− daughters
  double weight = 1.0;                        // product of the GENBOD weights

  /// Reconstructed tag four-momentum (sum of its final-state particles).
  [[nodiscard]] kinematics::four_vector tag() const { return d_k + d_pi1 + d_pi2 + pi_tag; }
  /// The visible signal side without the τ daughters: K+ π− μ−.
  [[nodiscard]] kinematics::four_vector k_pi_mu() const { return k_sig + pi_sig + mu; }
};

class toy_generator {
 public:
  /// @param sqrt_s     CM energy at which the Υ(4S) → B B pair is produced
  /// @param unweighted accept–reject every decay on its GENBOD weight
  explicit toy_generator(double sqrt_s, bool unweighted = false,
                         const kinematics::particle_masses& m = kinematics::pdg_2024)
      : m_unweighted(unweighted),
        m_masses(m),
        m_upsilon(sqrt_s, {m.b0, m.b0}),
        m_b_sig(m.b0, {m.k_star0, m.tau, m.mu}),
        m_k_star(m.k_star0, {m.k_plus, m.pi_plus}),
        m_b_tag(m.b0, {m.d_plus, m.pi_plus}),
        m_d(m.d_plus, {m.k_plus, m.pi_plus, m.pi_plus}),
        m_tau(kinematics::tau_decay_mode::pi_nu, m) {}

  template <class Rng>
  toy_event operator()(Rng& rng) {
    toy_event ev;
    ev.weight = decay(m_upsilon, rng, nullptr);
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
    ev.tau_pi = tau_products.visible;
    ev.tau_nu = tau_products.nu_tau;
    ev.weight *= decay(m_b_tag, rng, &ev.b_tag);
    ev.d = m_out[0];
    ev.pi_tag = m_out[1];
    ev.weight *= decay(m_d, rng, &ev.d);
    ev.d_k = m_out[0];
    ev.d_pi1 = m_out[1];
    ev.d_pi2 = m_out[2];
    return ev;
  }

 private:
  template <class Rng>
  double decay(const kinematics::phase_space& ps, Rng& rng, const kinematics::four_vector* parent) {
    if (m_unweighted) {
      const auto r = parent ? ps.generate_unweighted(rng, *parent, m_out) : ps.generate_unweighted(rng, m_out);
      (void)r;
      return 1.0;
    }
    return parent ? ps.generate(rng, *parent, m_out) : ps.generate(rng, m_out);
  }

  bool m_unweighted;
  kinematics::particle_masses m_masses;
  kinematics::phase_space m_upsilon, m_b_sig, m_k_star, m_b_tag, m_d;
  kinematics::tau_decayer m_tau;
  std::vector<kinematics::four_vector> m_out;
};

}  // namespace rein::test
