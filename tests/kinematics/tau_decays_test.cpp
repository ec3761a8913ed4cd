#include "rein/kinematics/tau_decays.hpp"

#include "rein/core/histogram.hpp"
#include "rein/kinematics/masses.hpp"

#include "support/close.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace tau_decays_test {

namespace {
using namespace rein::kinematics;
using rein::uniform01;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const auto& pdg = pdg_2024;
const four_vector tau_at_rest(0, 0, 0, pdg.tau);

// Mean and its standard error (sample standard deviation / √N).
struct mean_result {
  double mean;
  double standard_error;
};
mean_result mean_of(const std::vector<double>& x) {
  double s = 0, s2 = 0;
  for (double v : x) s += v;
  const double n = static_cast<double>(x.size()), m = s / n;
  for (double v : x) s2 += (v - m) * (v - m);
  return {m, std::sqrt(s2 / (n - 1) / n)};
}
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("tau_decays: two-body modes have the closed-form rest-frame energy") {
    // E_h = (m_τ² + m_h²)/(2 m_τ), E_ν = (m_τ² − m_h²)/(2 m_τ) for a massless ν: closed form.
    std::mt19937_64 rng(1);
    for (const auto mode : {tau_decay_mode::pi_nu, tau_decay_mode::rho_nu}) {
      const tau_decayer decayer(mode);
      const double mh = mode == tau_decay_mode::pi_nu ? pdg.pi_plus : pdg.rho_plus;
      CHECK(decayer.visible_mass() == mh);
      CHECK_FALSE(decayer.is_leptonic());
      double sum_cos = 0.0;
      const int n = 20000;
      for (int i = 0; i < n; ++i) {
        const auto d = decayer.decay(rng, tau_at_rest);
        REIN_CHECK_REL(d.visible.e(), (pdg.tau * pdg.tau + mh * mh) / (2 * pdg.tau), 1e-15);
        REIN_CHECK_REL(d.nu_tau.e(), (pdg.tau * pdg.tau - mh * mh) / (2 * pdg.tau), 1e-15);
        CHECK(d.nu_lepton == four_vector());
        CHECK(d.trials == 1);
        sum_cos += d.visible.cos_theta();
      }
      // isotropy: ⟨cos θ⟩ = 0 with standard error 1/√(3n); 4 standard errors
      REIN_CHECK_ABS(sum_cos / n, 0.0, 4.0 / std::sqrt(3.0 * n));
    }
  }

  TEST_CASE("tau_decays: products of a moving tau conserve momentum and keep their masses") {
    // Identity; rounding of boosts of O(3 GeV) vectors is ~1e-15 (acceptance 1e-12).
    std::mt19937_64 rng(2);
    const tau_decayer pi(tau_decay_mode::pi_nu), mu(tau_decay_mode::muon), e(tau_decay_mode::electron);
    for (int n = 0; n < 2000; ++n) {
      const four_vector tau = four_vector::from_mass({uniform01(rng), 2 * uniform01(rng) - 1, 3 * uniform01(rng)}, pdg.tau);
      const auto a = pi.decay(rng, tau);
      const auto sa = a.visible + a.nu_tau;
      for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(sa[i], tau[i], 1e-12);
      REIN_CHECK_ABS(a.visible.mass2(), pdg.pi_plus * pdg.pi_plus, 1e-12);
      for (const auto* decayer : {&mu, &e}) {
        const auto b = decayer->decay(rng, tau);
        CHECK(b.status == generation_status::ok);
        const auto sb = b.visible + b.nu_tau + b.nu_lepton;
        for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(sb[i], tau[i], 1e-12);
        REIN_CHECK_ABS(b.visible.mass2(), decayer->visible_mass() * decayer->visible_mass(), 1e-12);
        REIN_CHECK_ABS(b.nu_tau.mass2(), 0.0, 1e-12);
      }
    }
  }

  TEST_CASE("tau_decays: the V-A lepton energy has the Michel mean and spectrum") {
    // Reference: kinematics.md "Phase space": for massless leptons ⟨E_ℓ⟩ = 0.7·m_τ/2 with the V−A
    // weight (Michel spectrum dN/dx = 2x²(3 − 2x), x = 2E/m_τ, CDF 2x³ − x⁴), and (2/3)·m_τ/2
    // for pure phase space. 200 000 decays at a fixed seed; means within 4 standard errors,
    // spectrum χ² (25 bins, 24 dof) p > 1e-3 (the same threshold reasoning as the q² test).
    std::mt19937_64 rng(20240607);
    const int n = 200000;
    const auto va = tau_decayer::leptonic(pdg.tau, 0.0, leptonic_matrix_element::v_minus_a);
    const auto ps = tau_decayer::leptonic(pdg.tau, 0.0, leptonic_matrix_element::phase_space);
    std::vector<double> e_va(n), e_ps(n);
    rein::histogram h(rein::binning(rein::make_uniform_axis(25, 0.0, 1.0, "x", rein::upper_edge::included)),
                      rein::flow_policy::error);
    for (int i = 0; i < n; ++i) {
      const auto d = va.decay(rng, tau_at_rest);
      REQUIRE(d.status == generation_status::ok);
      e_va[static_cast<std::size_t>(i)] = d.visible.e();
      h.fill(2.0 * d.visible.e() / pdg.tau);
      e_ps[static_cast<std::size_t>(i)] = ps.decay(rng, tau_at_rest).visible.e();
    }
    const auto m_va = mean_of(e_va), m_ps = mean_of(e_ps);
    REIN_CHECK_ABS(m_va.mean, 0.7 * pdg.tau / 2, 4 * m_va.standard_error);
    REIN_CHECK_ABS(m_ps.mean, 2.0 / 3.0 * pdg.tau / 2, 4 * m_ps.standard_error);
    // the two hypotheses are far apart compared with the errors (the test can tell them apart)
    CHECK(std::abs(m_va.mean - 2.0 / 3.0 * pdg.tau / 2) > 20 * m_va.standard_error);

    const auto cdf = [](double x) { return 2 * x * x * x - x * x * x * x; };
    const auto& edges = h.bins().axis(0).edges();
    double chi2 = 0.0;
    for (std::size_t i = 0; i < 25; ++i) {
      const double expected = n * (cdf(edges[i + 1]) - cdf(edges[i]));
      chi2 += (h.values()[i] - expected) * (h.values()[i] - expected) / expected;
    }
    INFO("chi2 = " << chi2 << " for 24 dof");
    CHECK(boost::math::gamma_q(12.0, chi2 / 2) > 1e-3);
  }

  TEST_CASE("tau_decays: massive leptons stay within their kinematic energy range") {
    // E_ℓ ∈ [m_ℓ, (m_τ² + m_ℓ²)/(2 m_τ)] in the τ rest frame (closed form; rounding 1e-15).
    std::mt19937_64 rng(4);
    const tau_decayer mu(tau_decay_mode::muon);
    const double e_max = (pdg.tau * pdg.tau + pdg.mu * pdg.mu) / (2 * pdg.tau);
    for (int i = 0; i < 20000; ++i) {
      const auto d = mu.decay(rng, tau_at_rest);
      CHECK(d.visible.e() >= pdg.mu - 1e-15);
      CHECK(d.visible.e() <= e_max + 1e-15);
      CHECK(d.trials >= 1);
    }
  }

  TEST_CASE("tau_decays: bad input is rejected with context") {
    std::mt19937_64 rng(5);
    const tau_decayer pi(tau_decay_mode::pi_nu);
    CHECK_THROWS_WITH_AS((void)pi.decay(rng, four_vector(0, 0, qnan, 2.0)),
                         doctest::Contains("rein::kinematics::phase_space::boost_from_rest_frame: parent.pz = nan"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)pi.decay(rng, four_vector(0, 0, 0, 1.5)),
                         doctest::Contains("rein::kinematics::phase_space::boost_from_rest_frame: parent has mass 1.5 and E = "
                                           "1.5, must have E > 0 and mass 1.7769299999999999 (the generator's "
                                           "parent_mass) within 1e-9"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tau_decayer::two_body(pdg.tau, 2.0),
                         doctest::Contains("rein::kinematics::phase_space: parent_mass = 1.7769299999999999 is not above the "
                                           "sum of the daughter masses 2, the decay is kinematically forbidden"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)tau_decayer::leptonic(pdg.tau, -0.1, leptonic_matrix_element::v_minus_a),
                         doctest::Contains("daughter_masses[0] = -0.10000000000000001, must be finite and non-negative"),
                         rein::invalid_argument);
  }
}
}  // namespace tau_decays_test
