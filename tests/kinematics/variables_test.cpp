#include "rein/kinematics/variables.hpp"

#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/kinematics/reference_events.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace variables_test {

namespace {
using namespace rein::kinematics;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const auto& pdg = pdg_2024;

// The test vector of tests/data/physics/kinematics.md (CM frame, GeV, √s = 10.5794).
const four_vector tag_cm(-0.234654940068, -0.152446944305, 0.164862973023, 5.2897);
const four_vector k_cm(0.346455427111, -0.264789374444, -0.660023148053, 0.932465716307);
const four_vector pi_cm(0.107607543555, -0.425522677401, -0.015692684297, 0.460841715253);
const four_vector mu_cm(-1.281586473827, 0.962240274591, -0.362252440223, 1.646438811101);
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("variables: the reference test vector") {
    // Reference: kinematics.md "Test vector", printed to 12 decimals from an independent numpy
    // implementation. Acceptance tolerance 1e-10 GeV (GeV² for q²): the inputs themselves are
    // rounded to 1e-12, which moves the outputs by a few 1e-12.
    const double e_beam = 10.5794 / 2;
    CHECK(nominal_beam_energy() == 10.5794 / 2);
    REIN_CHECK_ABS(invariant_mass({k_cm, pi_cm, mu_cm}), 2.721018004038, 1e-10);
    REIN_CHECK_ABS(tau_recoil_mass(tag_cm, k_cm + pi_cm + mu_cm, e_beam, pdg.b0), 1.776930000000, 1e-10);
    REIN_CHECK_ABS(tau_recoil_mass_mbc(tag_cm, k_cm + pi_cm + mu_cm, e_beam), 1.776930000000, 1e-10);
    REIN_CHECK_ABS(q2_k_tau_ell(tag_cm, k_cm + pi_cm, e_beam), 14.162521794026, 1e-10);
    REIN_CHECK_ABS(beam_constrained_mass(tag_cm, e_beam), 5.279720000000, 1e-10);
    REIN_CHECK_ABS(delta_e(tag_cm, e_beam), 0.0, 1e-12);  // E_tag is printed as exactly 5.2897
    // the K*0 daughters reproduce m_K*0 (same provenance)
    REIN_CHECK_ABS(invariant_mass({k_cm, pi_cm}), pdg.k_star0, 1e-10);
  }

  TEST_CASE("variables: nominal beam energy and B momentum") {
    // Reference: kinematics.md "Frame": E*_beam = 5.28970, p*_B = 0.324781 (B0), 0.329782 (B+),
    // printed to 1e-6 → tolerance 5e-7. p*_B from a generated Υ(4S) → B B̄ event at the nominal √s.
    CHECK(nominal_beam_energy() == 5.2897);
    std::mt19937_64 rng(1);
    std::vector<four_vector> out;
    (void)phase_space(pdg.upsilon_4s, {pdg.b0, pdg.b0}).generate(rng, out);
    REIN_CHECK_ABS(out[0].p(), 0.324781, 5e-7);
    (void)phase_space(pdg.upsilon_4s, {pdg.b_plus, pdg.b_plus}).generate(rng, out);
    REIN_CHECK_ABS(out[0].p(), 0.329782, 5e-7);
  }

  TEST_CASE("variables: q2 limits of the seed channels") {
    // Reference: kinematics.md "q² limits (PDG 2024)", printed to 1e-5 GeV² → tolerance 5e-6.
    const auto kstar_tau_mu = q2_limits(pdg.b0, pdg.k_star0, pdg.tau, pdg.mu);
    REIN_CHECK_ABS(kstar_tau_mu.min, 3.54414, 5e-6);
    REIN_CHECK_ABS(kstar_tau_mu.max, 19.22095, 5e-6);
    const auto kstar_tau_e = q2_limits(pdg.b0, pdg.k_star0, pdg.tau, pdg.e);
    REIN_CHECK_ABS(kstar_tau_e.min, 3.15930, 5e-6);
    REIN_CHECK_ABS(kstar_tau_e.max, 19.22095, 5e-6);
    const auto ks_tau_mu = q2_limits(pdg.b0, pdg.k0, pdg.tau, pdg.mu);
    REIN_CHECK_ABS(ks_tau_mu.min, 3.54414, 5e-6);
    REIN_CHECK_ABS(ks_tau_mu.max, 22.86857, 5e-6);
    const auto kstar_tau_tau = q2_limits(pdg.b0, pdg.k_star0, pdg.tau, pdg.tau);
    REIN_CHECK_ABS(kstar_tau_tau.min, 12.62992, 5e-6);
    REIN_CHECK_ABS(kstar_tau_tau.max, 19.22095, 5e-6);
    const auto k_nunu = q2_limits(pdg.b_plus, pdg.k_plus, 0.0, 0.0);
    CHECK(k_nunu.min == 0.0);
    REIN_CHECK_ABS(k_nunu.max, 22.90324, 5e-6);
  }

  TEST_CASE("variables: perfect-resolution identities for B0 -> K*0 tau mu with a hadronic tag") {
    // Reference: kinematics.md "Perfect resolution": |M_τ − m_τ| < 1e-13 GeV, Mbc(tag) = m_B0,
    // ΔE = 0, q² = (p_τ + p_μ)². Acceptance tolerance for the identities: 1e-12. The events are
    // built from chains of four boosts of O(5 GeV) vectors, i.e. ~1e-15 relative rounding.
    const double e_beam = nominal_beam_energy();
    k_star_tau_mu_generator generate(pdg.upsilon_4s);
    std::mt19937_64 rng(7);
    double worst_mtau = 0.0;
    for (int n = 0; n < 2000; ++n) {
      const auto ev = generate(rng);
      const auto tag = ev.tag();
      REIN_CHECK_ABS(beam_constrained_mass(tag, e_beam), pdg.b0, 1e-12);
      REIN_CHECK_ABS(delta_e(tag, e_beam), 0.0, 1e-12);
      const double mtau = tau_recoil_mass(tag, ev.k_pi_mu(), e_beam, pdg.b0);
      worst_mtau = std::max(worst_mtau, std::abs(mtau - pdg.tau));
      REIN_CHECK_ABS(tau_recoil_mass_mbc(tag, ev.k_pi_mu(), e_beam), pdg.tau, 1e-12);
      REIN_CHECK_ABS(q2_k_tau_ell(tag, ev.k_sig + ev.pi_sig, e_beam), (ev.tau + ev.mu).mass2(), 1e-12);
      REIN_CHECK_ABS(invariant_mass({ev.k_sig, ev.pi_sig}), pdg.k_star0, 1e-12);
      // everything visible except the neutrino: the missing four-momentum is the neutrino's
      const std::vector<four_vector> visible{ev.d_k, ev.d_pi1, ev.d_pi2, ev.pi_tag, ev.k_sig, ev.pi_sig, ev.mu, ev.tau_visible};
      const auto miss = missing_momentum(visible, pdg.upsilon_4s);
      for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(miss[i], ev.tau_nu[i], 1e-12);
      REIN_CHECK_ABS(missing_energy(visible, pdg.upsilon_4s), ev.tau_nu.e(), 1e-12);
      REIN_CHECK_ABS(missing_momentum_magnitude(visible, pdg.upsilon_4s), ev.tau_nu.p(), 1e-12);
    }
    INFO("largest |M_tau - m_tau| = " << worst_mtau);
    CHECK(worst_mtau < 1e-13);  // the document's own bound
  }

  TEST_CASE("variables: q2 identities of K*tautau and K+nunu with hadronic and inclusive tags") {
    // Closed-form identities at perfect resolution (kinematics.md "q²"), tolerance 1e-12 as above.
    std::mt19937_64 rng(11);
    std::vector<four_vector> bb, sig, tag;
    const double e_beam = nominal_beam_energy();
    // B0 → K*0 τ+ τ−, tag B0 → D− π+: recoil against tag + K*
    const phase_space ups0(pdg.upsilon_4s, {pdg.b0, pdg.b0});
    const phase_space kstar_tau_tau(pdg.b0, {pdg.k_star0, pdg.tau, pdg.tau});
    const phase_space tag0(pdg.b0, {pdg.d_plus, pdg.pi_plus});
    // B+ → K+ ν ν̄, tag B− → D0 π−
    const phase_space ups_plus(pdg.upsilon_4s, {pdg.b_plus, pdg.b_plus});
    const phase_space k_nunu(pdg.b_plus, {pdg.k_plus, 0.0, 0.0});
    const phase_space tag_plus(pdg.b_plus, {pdg.d0, pdg.pi_plus});
    for (int n = 0; n < 1000; ++n) {
      (void)ups0.generate(rng, bb);
      (void)kstar_tau_tau.generate(rng, bb[0], sig);
      (void)tag0.generate(rng, bb[1], tag);
      const double q2_true = (sig[1] + sig[2]).mass2();
      REIN_CHECK_ABS(q2_k_star_tau_tau(tag[0] + tag[1], sig[0], pdg.upsilon_4s), q2_true, 1e-12);
      REIN_CHECK_ABS(q2_recoil(tag[0] + tag[1], sig[0], e_beam), q2_true, 1e-12);

      (void)ups_plus.generate(rng, bb);
      (void)k_nunu.generate(rng, bb[0], sig);
      (void)tag_plus.generate(rng, bb[1], tag);
      REIN_CHECK_ABS(q2_k_nunu_hadronic(tag[0] + tag[1], sig[0], e_beam), (sig[1] + sig[2]).mass2(), 1e-12);
    }
    // inclusive tag: exact when the B is at rest in the CM, i.e. √s = 2 m_B+
    const double sqrt_s = 2.0 * pdg.b_plus;
    for (int n = 0; n < 1000; ++n) {
      (void)k_nunu.generate(rng, sig);  // B+ at rest
      REIN_CHECK_ABS(q2_k_nunu_inclusive(sig[0], sqrt_s), (sig[1] + sig[2]).mass2(), 1e-12);
    }
  }

  TEST_CASE("variables: conventions for unphysical values") {
    // Mbc is NaN when |p*| exceeds the beam energy (kinematics.md); recoil masses are signed
    CHECK(std::isnan(beam_constrained_mass(four_vector(0, 0, 6.0, 6.1), 5.2897)));
    // M² = m_B² + 0 − 2 E_b E_X with a massless X of energy 3 along the tag: m_B² − 2·5·3 − 2·(1·3)
    const four_vector tag(0, 0, 1.0, 5.0), x(0, 0, 3.0, 3.0);
    const double m2 = 25.0 - 2.0 * (5.0 * 3.0 + 3.0);  // = −11 with m_B = 5, exact in binary
    CHECK(tau_recoil_mass2(tag, x, 5.0, 5.0) == m2);
    CHECK(tau_recoil_mass(tag, x, 5.0, 5.0) == -std::sqrt(11.0));
    // basf2 form: Mbc_tag² = 25 − 1 = 24 in place of m_B²
    CHECK(tau_recoil_mass2_mbc(tag, x, 5.0) == 24.0 - 2.0 * (15.0 + 3.0));
    // inclusive q² can be negative: s/4 + m_K² − √s E_K with a hard kaon
    CHECK(q2_k_nunu_inclusive(four_vector::from_mass({0, 0, 2.7}, pdg.k_plus), 10.58) < 0.0);
  }

  TEST_CASE("variables: ECL regions and the extra calorimeter energy") {
    // region boundaries of basf2 ECLCluster::getDetectorRegion (rad)
    CHECK(ecl_region_of(0.2) == ecl_region::outside);
    CHECK(ecl_region_of(0.2164208) == ecl_region::forward);
    CHECK(ecl_region_of(0.55) == ecl_region::forward_gap);
    CHECK(ecl_region_of(1.5) == ecl_region::barrel);
    CHECK(ecl_region_of(2.25) == ecl_region::backward_gap);
    CHECK(ecl_region_of(2.5) == ecl_region::backward);
    CHECK(ecl_region_of(2.8) == ecl_region::outside);
    const extra_energy_thresholds thr{0.100, 0.090, 0.050, 0.090, 0.150};
    const std::vector<calorimeter_cluster> clusters{
        {0.125, 0.4},   // forward, above 0.100: counts
        {0.0625, 0.4},  // forward, below: no
        {0.0625, 1.5},  // barrel, above 0.050: counts
        {0.125, 2.5},   // backward, below 0.150: no
        {0.25, 2.5},    // backward, above: counts
        {0.5, 0.1},     // outside the acceptance: never
        {0.050, 1.5},   // exactly at the barrel threshold: strictly above is required
    };
    CHECK(extra_energy(clusters, thr) == 0.125 + 0.0625 + 0.25);  // exact binary fractions
    CHECK(extra_energy({}, thr) == 0.0);
  }

  TEST_CASE("variables: bad input names the function, argument, component and requirement") {
    const double e_beam = nominal_beam_energy();
    const four_vector bad(0.1, 0.2, qnan, 1.0);
    CHECK_THROWS_WITH_AS((void)beam_constrained_mass(bad, e_beam),
                         doctest::Contains("rein::kinematics::beam_constrained_mass: p.pz = nan, four-vector components must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)delta_e(tag_cm, -5.0),
                         doctest::Contains("rein::kinematics::delta_e: beam_energy = -5, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tau_recoil_mass(tag_cm, bad, e_beam, pdg.b0),
                         doctest::Contains("rein::kinematics::tau_recoil_mass2: visible.pz = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tau_recoil_mass(tag_cm, k_cm, e_beam, 0.0),
                         doctest::Contains("tau_recoil_mass2: m_b = 0, must be finite and positive"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tau_recoil_mass_mbc(bad, k_cm, e_beam),
                         doctest::Contains("rein::kinematics::tau_recoil_mass2_mbc: tag.pz = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)q2_k_tau_ell(tag_cm, bad, e_beam),
                         doctest::Contains("rein::kinematics::q2_recoil: hadron.pz = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)q2_k_star_tau_tau(tag_cm, k_cm, qnan),
                         doctest::Contains("rein::kinematics::q2_k_star_tau_tau: sqrt_s = nan, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)q2_k_nunu_inclusive(k_cm, 10.58, -0.4),
                         doctest::Contains("q2_k_nunu_inclusive: m_k = -0.40000000000000002, must be finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)invariant_mass({k_cm, pi_cm, four_vector(qnan, 0, 0, 1)}),
                         doctest::Contains("rein::kinematics::invariant_mass: particles[2].px = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)missing_momentum({k_cm, bad}, 10.58),
                         doctest::Contains("rein::kinematics::missing_momentum: visible[1].pz = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)total_momentum({four_vector(0, 0, 0, std::numeric_limits<double>::infinity())}),
                         doctest::Contains("rein::kinematics::total_momentum: particles[0].e = inf"), rein::invalid_argument);
    // unphysical masses: the parent lighter than its daughters
    CHECK_THROWS_WITH_AS((void)q2_limits(pdg.tau, pdg.k_star0, pdg.tau, pdg.mu),
                         doctest::Contains("rein::kinematics::q2_limits: m_parent = 1.7769299999999999 is not above "
                                           "m_hadron + m_1 + m_2 = 2.7781383754999998, the decay is kinematically "
                                           "forbidden"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)q2_limits(pdg.b0, -0.1, pdg.tau, pdg.mu),
                         doctest::Contains("q2_limits: m_hadron = -0.10000000000000001, must be finite and non-negative"),
                         rein::invalid_argument);
    const extra_energy_thresholds thr{0.1, 0.1, 0.05, 0.1, 0.15};
    CHECK_THROWS_WITH_AS((void)extra_energy({{0.1, 1.0}, {qnan, 1.0}}, thr),
                         doctest::Contains("rein::kinematics::extra_energy: clusters[1].energy = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)extra_energy({{0.1, 4.0}}, thr),
                         doctest::Contains("extra_energy: clusters[0].theta = 4, must be in [0, pi]"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)extra_energy({}, {0.1, 0.1, -0.05, 0.1, 0.15}),
                         doctest::Contains("extra_energy: thresholds.barrel = -0.050000000000000003, must be finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)ecl_region_of(qnan), doctest::Contains("ecl_region_of: theta = nan, must be in [0, pi]"),
                         rein::invalid_argument);
  }
}
}  // namespace variables_test
