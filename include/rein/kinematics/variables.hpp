#pragma once

// Event-level variables of B analyses at the Υ(4S), in the e+e− centre-of-mass frame:
// Mbc, ΔE, the τ recoil mass, q², M(Xs), missing energy/momentum, extra calorimeter energy.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/detail/check.hpp"
#include "rein/kinematics/detail/math.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace rein::kinematics {

// Every function here takes CM-frame four-vectors and the CM beam energy E*_beam = √s/2 (or √s)
// that the analysis uses in the reconstruction (the nominal m_Υ(4S)/2 unless stated otherwise),
// and throws rein::invalid_argument naming the function, the argument and the component for a
// non-finite four-vector, and for a non-positive or non-finite beam energy.

/// The nominal CM beam energy m_Υ(4S)/2 (5.2897 GeV with PDG 2024).
[[nodiscard]] inline constexpr double nominal_beam_energy(const particle_masses& masses = pdg_2024) noexcept {
  return 0.5 * masses.upsilon_4s;
}

/// Beam-constrained mass Mbc = √(E*_beam² − |p⃗*|²); NaN if E*_beam² < |p⃗*|².
/// @param p            CM four-momentum of the B candidate
/// @param beam_energy  E*_beam, GeV
[[nodiscard]] inline double beam_constrained_mass(const four_vector& p, double beam_energy) {
  const char* function = "rein::kinematics::beam_constrained_mass";
  detail::check_four_vector(p, function, "p");
  detail::check_positive(beam_energy, function, "beam_energy");
  const double m2 = beam_energy * beam_energy - p.p2();
  return m2 >= 0.0 ? std::sqrt(m2) : std::numeric_limits<double>::quiet_NaN();
}

/// Energy difference ΔE = E* − E*_beam.
[[nodiscard]] inline double delta_e(const four_vector& p, double beam_energy) {
  const char* function = "rein::kinematics::delta_e";
  detail::check_four_vector(p, function, "p");
  detail::check_positive(beam_energy, function, "beam_energy");
  return p.e() - beam_energy;
}

/// The signal-B four-momentum implied by a fully reconstructed tag: p_Bsig = (−p⃗_tag, E*_beam).
[[nodiscard]] inline four_vector signal_b_from_tag(const four_vector& tag, double beam_energy) {
  const char* function = "rein::kinematics::signal_b_from_tag";
  detail::check_four_vector(tag, function, "tag");
  detail::check_positive(beam_energy, function, "beam_energy");
  return {-tag.px(), -tag.py(), -tag.pz(), beam_energy};
}

/// Squared τ recoil mass with a hadronic tag, the publications' form:
/// M_τ² = m_B² + M²(X) − 2(E*_beam E_X + |p⃗_tag||p⃗_X| cos θ), θ = ∠(p⃗_tag, p⃗_X), where X ("Kℓ") is
/// the visible signal side without the τ daughters (K+π−ℓ for K*0, π+π−ℓ for K0S).
/// @param tag          CM four-momentum of the tag B
/// @param visible      CM four-momentum of X
/// @param beam_energy  E*_beam, GeV
/// @param m_b          nominal B mass, GeV (finite, > 0)
[[nodiscard]] inline double tau_recoil_mass2(const four_vector& tag, const four_vector& visible, double beam_energy,
                                             double m_b) {
  const char* function = "rein::kinematics::tau_recoil_mass2";
  detail::check_four_vector(tag, function, "tag");
  detail::check_four_vector(visible, function, "visible");
  detail::check_positive(beam_energy, function, "beam_energy");
  detail::check_positive(m_b, function, "m_b");
  return m_b * m_b + visible.mass2() - 2.0 * (beam_energy * visible.e() + dot(tag.p3(), visible.p3()));
}

/// Squared τ recoil mass in basf2's form (`m2RecoilSignalSide`): as tau_recoil_mass2 with
/// Mbc_tag² = E*_beam² − |p⃗_tag|² in place of m_B², i.e. (p_Bsig − p_X)² with p_Bsig from
/// signal_b_from_tag.
[[nodiscard]] inline double tau_recoil_mass2_mbc(const four_vector& tag, const four_vector& visible,
                                                 double beam_energy) {
  const char* function = "rein::kinematics::tau_recoil_mass2_mbc";
  detail::check_four_vector(tag, function, "tag");
  detail::check_four_vector(visible, function, "visible");
  detail::check_positive(beam_energy, function, "beam_energy");
  const double mbc2 = beam_energy * beam_energy - tag.p2();
  return mbc2 + visible.mass2() - 2.0 * (beam_energy * visible.e() + dot(tag.p3(), visible.p3()));
}

namespace detail {
/// Signed square root: √x for x ≥ 0, −√(−x) otherwise (the four_vector::mass convention).
[[nodiscard]] inline double signed_sqrt(double x) noexcept { return x >= 0.0 ? std::sqrt(x) : -std::sqrt(-x); }
}  // namespace detail

/// τ recoil mass (publications' form), signed: −√(−M_τ²) when resolution makes M_τ² negative.
[[nodiscard]] inline double tau_recoil_mass(const four_vector& tag, const four_vector& visible, double beam_energy,
                                            double m_b) {
  return detail::signed_sqrt(tau_recoil_mass2(tag, visible, beam_energy, m_b));
}

/// τ recoil mass in basf2's form (Mbc_tag² in place of m_B²), signed like tau_recoil_mass.
[[nodiscard]] inline double tau_recoil_mass_mbc(const four_vector& tag, const four_vector& visible,
                                                double beam_energy) {
  return detail::signed_sqrt(tau_recoil_mass2_mbc(tag, visible, beam_energy));
}

/// q² recoiling against a hadron on the signal side of a hadronic-tag event:
/// q² = (p_Bsig − p_h)², p_Bsig = (−p⃗_tag, E*_beam).
[[nodiscard]] inline double q2_recoil(const four_vector& tag, const four_vector& hadron, double beam_energy) {
  const char* function = "rein::kinematics::q2_recoil";
  detail::check_four_vector(tag, function, "tag");
  detail::check_four_vector(hadron, function, "hadron");
  detail::check_positive(beam_energy, function, "beam_energy");
  const four_vector b{-tag.px(), -tag.py(), -tag.pz(), beam_energy};
  return (b - hadron).mass2();
}

/// q² of B → K(*)τℓ with a hadronic tag: (p_τ + p_ℓ)² = (p_B − p_K(*))² = q2_recoil(tag, K(*)).
/// Kinematic range [(m_τ + m_ℓ)², (m_B − m_K(*))²].
[[nodiscard]] inline double q2_k_tau_ell(const four_vector& tag, const four_vector& k, double beam_energy) {
  return q2_recoil(tag, k, beam_energy);
}

/// q² of B+ → K+νν̄ with a hadronic tag: (p_Bsig − p_K)² = q2_recoil(tag, K).
[[nodiscard]] inline double q2_k_nunu_hadronic(const four_vector& tag, const four_vector& k, double beam_energy) {
  return q2_recoil(tag, k, beam_energy);
}

/// q² of B → K*ττ: (p_τ+ + p_τ−)², the mass squared recoiling against tag + K*:
/// q² = (p_ee − p_tag − p_K*)², p_ee = (0⃗, √s) in the CM. Equals q2_recoil(tag, K*) when the
/// tag has E*_tag = √s/2 (ΔE_tag = 0).
/// @param sqrt_s  √s used in the reconstruction, GeV
[[nodiscard]] inline double q2_k_star_tau_tau(const four_vector& tag, const four_vector& k_star, double sqrt_s) {
  const char* function = "rein::kinematics::q2_k_star_tau_tau";
  detail::check_four_vector(tag, function, "tag");
  detail::check_four_vector(k_star, function, "k_star");
  detail::check_positive(sqrt_s, function, "sqrt_s");
  return (four_vector{0.0, 0.0, 0.0, sqrt_s} - tag - k_star).mass2();
}

/// q² of B+ → K+νν̄ with an inclusive tag, the B taken at rest in the CM:
/// q²_rec = s/4 + m_K² − √s E*_K (can be negative through resolution and the B motion).
/// @param k       CM four-momentum of the kaon
/// @param sqrt_s  √s, GeV
/// @param m_k     kaon mass, GeV (PDG 2024 m_K+ by default)
[[nodiscard]] inline double q2_k_nunu_inclusive(const four_vector& k, double sqrt_s,
                                                double m_k = pdg_2024.k_plus) {
  const char* function = "rein::kinematics::q2_k_nunu_inclusive";
  detail::check_four_vector(k, function, "k");
  detail::check_positive(sqrt_s, function, "sqrt_s");
  detail::check_non_negative(m_k, function, "m_k");
  return 0.25 * sqrt_s * sqrt_s + m_k * m_k - sqrt_s * k.e();
}

/// A closed interval [min, max] of q², GeV².
struct q2_range {
  double min;
  double max;
};

/// Kinematic q² range of P → h ℓ₁ ℓ₂ with q² = (p₁ + p₂)²: [(m₁ + m₂)², (M − m_h)²].
/// K(*)τℓ: (m_B, m_K(*), m_τ, m_ℓ); K*ττ: (m_B, m_K*, m_τ, m_τ); Kνν̄: (m_B, m_K, 0, 0).
/// @throws rein::invalid_argument for a non-finite or negative mass (non-positive for the parent)
/// @throws rein::domain_error if m_parent ≤ m_hadron + m_1 + m_2 (parent lighter than daughters)
[[nodiscard]] inline q2_range q2_limits(double m_parent, double m_hadron, double m_1, double m_2) {
  const char* function = "rein::kinematics::q2_limits";
  detail::check_positive(m_parent, function, "m_parent");
  detail::check_non_negative(m_hadron, function, "m_hadron");
  detail::check_non_negative(m_1, function, "m_1");
  detail::check_non_negative(m_2, function, "m_2");
  const double sum = m_hadron + m_1 + m_2;
  if (!(m_parent > sum))
    throw domain_error(std::string(function) + ": m_parent = " + rein::detail::format_value(m_parent) +
                       " is not above m_hadron + m_1 + m_2 = " + rein::detail::format_value(sum) +
                       ", the decay is kinematically forbidden");
  return {(m_1 + m_2) * (m_1 + m_2), (m_parent - m_hadron) * (m_parent - m_hadron)};
}

/// Sum of four-vectors.
/// @throws rein::invalid_argument naming the index of a non-finite element
[[nodiscard]] inline four_vector total_momentum(const std::vector<four_vector>& particles) {
  four_vector sum;
  for (std::size_t i = 0; i < particles.size(); ++i) {
    detail::check_four_vector(particles[i], "rein::kinematics::total_momentum", "particles", i);
    sum += particles[i];
  }
  return sum;
}

/// Invariant mass of a system, e.g. M(Xs) or M(Kπℓ): the signed mass of the summed four-vectors.
/// @throws rein::invalid_argument naming the index of a non-finite element
[[nodiscard]] inline double invariant_mass(const std::vector<four_vector>& particles) {
  four_vector sum;
  for (std::size_t i = 0; i < particles.size(); ++i) {
    detail::check_four_vector(particles[i], "rein::kinematics::invariant_mass", "particles", i);
    sum += particles[i];
  }
  return sum.mass();
}

/// Invariant mass of the listed four-vectors (see invariant_mass(const std::vector&)).
[[nodiscard]] inline double invariant_mass(std::initializer_list<four_vector> particles) {
  four_vector sum;
  std::size_t i = 0;
  for (const auto& p : particles) {
    detail::check_four_vector(p, "rein::kinematics::invariant_mass", "particles", i++);
    sum += p;
  }
  return sum.mass();
}

/// Missing four-momentum in the CM: (−Σ p⃗*_i, √s − Σ E*_i).
/// @param visible  CM four-momenta of every reconstructed particle of the event
/// @param sqrt_s   √s, GeV
[[nodiscard]] inline four_vector missing_momentum(const std::vector<four_vector>& visible, double sqrt_s) {
  const char* function = "rein::kinematics::missing_momentum";
  detail::check_positive(sqrt_s, function, "sqrt_s");
  four_vector sum;
  for (std::size_t i = 0; i < visible.size(); ++i) {
    detail::check_four_vector(visible[i], function, "visible", i);
    sum += visible[i];
  }
  return {-sum.px(), -sum.py(), -sum.pz(), sqrt_s - sum.e()};
}

/// Missing energy E*_miss = √s − Σ E*_i.
[[nodiscard]] inline double missing_energy(const std::vector<four_vector>& visible, double sqrt_s) {
  return missing_momentum(visible, sqrt_s).e();
}

/// Magnitude of the missing momentum |p⃗*_miss| = |Σ p⃗*_i|.
[[nodiscard]] inline double missing_momentum_magnitude(const std::vector<four_vector>& visible, double sqrt_s) {
  return missing_momentum(visible, sqrt_s).p();
}

/// Regions of the Belle II electromagnetic calorimeter by polar angle in the lab (basf2
/// `ECLCluster::getDetectorRegion`): forward endcap 12.4°–31.4°, gap to 32.2°, barrel to 128.7°,
/// gap to 130.7°, backward endcap to 155.1°; outside elsewhere.
enum class ecl_region { outside, forward, forward_gap, barrel, backward_gap, backward };

/// ECL region of a lab polar angle θ (rad); boundaries 0.2164208, 0.5480334, 0.561996, 2.2462387,
/// 2.2811453, 2.7070057 rad (each region is [lower, upper)).
/// @throws rein::invalid_argument if theta is not in [0, π]
[[nodiscard]] inline ecl_region ecl_region_of(double theta) {
  if (!(theta >= 0.0 && theta <= detail::pi))
    throw invalid_argument("rein::kinematics::ecl_region_of: theta = " + rein::detail::format_value(theta) +
                           ", must be in [0, pi]");
  if (theta < 0.2164208) return ecl_region::outside;
  if (theta < 0.5480334) return ecl_region::forward;
  if (theta < 0.561996) return ecl_region::forward_gap;
  if (theta < 2.2462387) return ecl_region::barrel;
  if (theta < 2.2811453) return ecl_region::backward_gap;
  if (theta < 2.7070057) return ecl_region::backward;
  return ecl_region::outside;
}

/// Per-region energy thresholds (lab, GeV) for the extra calorimeter energy. No defaults: they
/// are analysis choices. A cluster counts if its energy is strictly above its region's threshold;
/// clusters outside the acceptance never count.
struct extra_energy_thresholds {
  double forward;
  double forward_gap;
  double barrel;
  double backward_gap;
  double backward;
};

/// A calorimeter cluster: lab energy (GeV) and lab polar angle (rad).
struct calorimeter_cluster {
  double energy;
  double theta;
};

/// Extra calorimeter energy E_ECL: the sum of the lab energies of the clusters not assigned to
/// the reconstructed B candidates (the caller passes only those) that are above the threshold of
/// their region.
/// @throws rein::invalid_argument for a negative or non-finite threshold (named), a non-finite
///         cluster energy or a polar angle outside [0, π] (named by index)
[[nodiscard]] inline double extra_energy(const std::vector<calorimeter_cluster>& clusters,
                                         const extra_energy_thresholds& thresholds) {
  const char* function = "rein::kinematics::extra_energy";
  detail::check_non_negative(thresholds.forward, function, "thresholds.forward");
  detail::check_non_negative(thresholds.forward_gap, function, "thresholds.forward_gap");
  detail::check_non_negative(thresholds.barrel, function, "thresholds.barrel");
  detail::check_non_negative(thresholds.backward_gap, function, "thresholds.backward_gap");
  detail::check_non_negative(thresholds.backward, function, "thresholds.backward");
  double sum = 0.0;
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    const auto& c = clusters[i];
    if (!std::isfinite(c.energy))
      throw invalid_argument(std::string(function) + ": clusters[" + std::to_string(i) + "].energy = " +
                             rein::detail::format_value(c.energy) + ", must be finite");
    if (!(c.theta >= 0.0 && c.theta <= detail::pi))
      throw invalid_argument(std::string(function) + ": clusters[" + std::to_string(i) + "].theta = " +
                             rein::detail::format_value(c.theta) + ", must be in [0, pi]");
    double threshold = 0.0;
    switch (ecl_region_of(c.theta)) {
      case ecl_region::outside:
        continue;
      case ecl_region::forward:
        threshold = thresholds.forward;
        break;
      case ecl_region::forward_gap:
        threshold = thresholds.forward_gap;
        break;
      case ecl_region::barrel:
        threshold = thresholds.barrel;
        break;
      case ecl_region::backward_gap:
        threshold = thresholds.backward_gap;
        break;
      case ecl_region::backward:
        threshold = thresholds.backward;
        break;
    }
    if (c.energy > threshold) sum += c.energy;
  }
  return sum;
}

}  // namespace rein::kinematics
