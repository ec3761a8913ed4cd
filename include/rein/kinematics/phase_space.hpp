#pragma once

// n-body phase space by GENBOD (F. James, CERN 68-15; Raubold–Lynch), as ROOT's TGenPhaseSpace.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/detail/check.hpp"
#include "rein/kinematics/detail/math.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/core/random.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::kinematics {

/// Outcome of one unweighted (accept–reject) generation.
enum class generation_status {
  ok,                   ///< an event was accepted and every weight was within the bound
  max_weight_exceeded,  ///< an event was accepted, but some weight exceeded the bound (biased)
  max_trials_reached,   ///< no event accepted within max_trials (the output is not an event)
};

/// Result of generate_unweighted.
struct [[nodiscard]] unweighted_result {
  generation_status status = generation_status::ok;
  std::size_t trials = 0;  ///< weighted events drawn, including the accepted one
  double max_ratio = 0.0;  ///< largest w·me/me_max seen; > 1 means the bound me_max was too small
};

namespace detail {

/// PDK(a, b, c) = √((a−b−c)(a+b+c)(a−b+c)(a+b−c)) / (2a): the momentum of b and c in the rest
/// frame of a (0 below threshold, where rounding could make the product negative).
[[nodiscard]] inline double pdk(double a, double b, double c) noexcept {
  const double x = (a - b - c) * (a + b + c) * (a - b + c) * (a + b - c);
  return x > 0.0 ? std::sqrt(x) / (2.0 * a) : 0.0;
}

/// An isotropic unit vector: cos θ = 2u₁ − 1, φ = 2π u₂ (u₁ drawn first).
template <class Rng>
[[nodiscard]] inline three_vector isotropic_direction(Rng& rng) {
  const double c = 2.0 * uniform01(rng) - 1.0;
  const double phi = two_pi * uniform01(rng);
  const double s = std::sqrt((1.0 - c) * (1.0 + c));
  return {s * std::cos(phi), s * std::sin(phi), c};
}

/// Boost of p from the rest frame of a system with momentum P, energy E and mass m (m > 0).
[[nodiscard]] inline four_vector boost_from_rest(const four_vector& p, const three_vector& P, double E,
                                                 double m) noexcept {
  const double pp = dot(P, p.p3());
  const double k = pp / (m * (E + m)) + p.e() / m;
  return {p.px() + k * P.x(), p.py() + k * P.y(), p.pz() + k * P.z(), (E * p.e() + pp) / m};
}

}  // namespace detail

/// The n-body phase-space generator GENBOD for M → m₀ … m_{n−1} (2 ≤ n ≤ 18).
///
/// With T = M − Σm, n − 2 sorted uniforms r_i (r₀ = 0, r_{n−1} = 1) give the invariant masses
/// M_i = r_i T + Σ_{j≤i} m_j of the subsystems {0..i}; p_i = PDK(M_{i+1}, M_i, m_{i+1}) and the
/// event weight is Π p_i / w_max with ROOT's bound w_max = Π_i PDK(T + Σ_{j≤i} m_j, Σ_{j<i} m_j, m_i),
/// so 0 ≤ w ≤ 1. Weighted events are distributed as Lorentz-invariant phase space.
///
/// Random draws, in order: the n − 2 mass uniforms, then for i = 1 … n − 1 the direction
/// (cos θ, φ) of the new particle (two uniforms each); all uniforms are uniform01.
class phase_space {
 public:
  /// Largest number of daughters (ROOT's TGenPhaseSpace limit).
  static constexpr std::size_t max_daughters = 18;

  /// @param parent_mass      M, GeV (finite, > 0)
  /// @param daughter_masses  m₀ … m_{n−1}, GeV (finite, ≥ 0), 2 ≤ n ≤ 18
  /// @throws rein::invalid_argument for a non-positive or non-finite M, a negative or non-finite
  ///         daughter mass (named by index), or n outside [2, 18]
  /// @throws rein::domain_error if M ≤ Σ m (the parent is not heavier than its daughters)
  phase_space(double parent_mass, std::vector<double> daughter_masses)
      : m_parent(parent_mass), m_masses(std::move(daughter_masses)) {
    const char* function = "rein::kinematics::phase_space";
    detail::check_positive(parent_mass, function, "parent_mass");
    const std::size_t n = m_masses.size();
    rein::detail::check(n >= 2 && n <= max_daughters, std::string(function) + ": daughter_masses has " +
                                                           std::to_string(n) + " entries, must have 2 to " +
                                                           std::to_string(max_daughters));
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(m_masses[i] >= 0.0) || !std::isfinite(m_masses[i]))
        detail::check_non_negative(m_masses[i], function, "daughter_masses[" + std::to_string(i) + "]");
      sum += m_masses[i];
    }
    if (!(parent_mass > sum))
      throw domain_error(std::string(function) + ": parent_mass = " + rein::detail::format_value(parent_mass) +
                         " is not above the sum of the daughter masses " + rein::detail::format_value(sum) +
                         ", the decay is kinematically forbidden");
    m_kinetic = parent_mass - sum;
    double emmax = m_kinetic + m_masses[0], emmin = 0.0;
    m_max_weight = 1.0;
    for (std::size_t i = 1; i < n; ++i) {
      emmin += m_masses[i - 1];
      emmax += m_masses[i];
      m_max_weight *= detail::pdk(emmax, emmin, m_masses[i]);
    }
  }

  /// Number of daughters n.
  [[nodiscard]] std::size_t size() const noexcept { return m_masses.size(); }
  /// Parent mass M, GeV.
  [[nodiscard]] double parent_mass() const noexcept { return m_parent; }
  /// Daughter masses, GeV.
  [[nodiscard]] const std::vector<double>& daughter_masses() const noexcept { return m_masses; }
  /// Kinetic energy release T = M − Σm, GeV.
  [[nodiscard]] double kinetic_energy() const noexcept { return m_kinetic; }
  /// The normalisation w_max of the weight (GeV^{n−1}): Π p_i = weight · w_max.
  [[nodiscard]] double max_weight() const noexcept { return m_max_weight; }

  /// Generates one weighted event in the parent rest frame.
  /// @param rng  a 64- or 32-bit UniformRandomBitGenerator (see uniform01)
  /// @param out  receives the n daughters, in the order of daughter_masses
  /// @return the weight Π p_i / w_max in [0, 1]
  template <class Rng>
  double generate(Rng& rng, four_vector* out) const {
    const std::size_t n = m_masses.size();
    std::array<double, max_daughters> r{}, invariant{}, pd{};
    r[0] = 0.0;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      // insertion sort while drawing keeps the draw order fixed and costs nothing for n ≤ 18
      const double u = uniform01(rng);
      std::size_t j = i;
      while (j > 1 && r[j - 1] > u) {
        r[j] = r[j - 1];
        --j;
      }
      r[j] = u;
    }
    r[n - 1] = 1.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += m_masses[i];
      invariant[i] = r[i] * m_kinetic + sum;
    }
    invariant[n - 1] = m_parent;
    double weight = 1.0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      pd[i] = detail::pdk(invariant[i + 1], invariant[i], m_masses[i + 1]);
      weight *= pd[i];
    }
    // first pair back to back in the rest frame of subsystem {0, 1}
    const three_vector d0 = detail::isotropic_direction(rng) * pd[0];
    out[0] = four_vector(d0, std::sqrt(pd[0] * pd[0] + m_masses[0] * m_masses[0]));
    out[1] = four_vector(-d0, std::sqrt(pd[0] * pd[0] + m_masses[1] * m_masses[1]));
    for (std::size_t i = 2; i < n; ++i) {
      // in the rest frame of {0..i}: subsystem {0..i−1} moves with P, particle i with −P
      const three_vector P = detail::isotropic_direction(rng) * pd[i - 1];
      const double m_sub = invariant[i - 1];
      const double e_sub = std::sqrt(pd[i - 1] * pd[i - 1] + m_sub * m_sub);
      for (std::size_t j = 0; j < i; ++j) out[j] = detail::boost_from_rest(out[j], P, e_sub, m_sub);
      out[i] = four_vector(-P, std::sqrt(pd[i - 1] * pd[i - 1] + m_masses[i] * m_masses[i]));
    }
    return weight / m_max_weight;
  }

  /// Generates one weighted event in the parent rest frame into `out` (resized to n).
  /// @return the weight in [0, 1]
  template <class Rng>
  double generate(Rng& rng, std::vector<four_vector>& out) const {
    out.resize(m_masses.size());
    return generate(rng, out.data());
  }

  /// Generates one weighted event for a moving parent: the rest-frame event boosted to the frame
  /// where the parent has four-momentum `parent`.
  /// @param parent  finite, with mass equal to parent_mass() within 1e-9 relative
  /// @return the weight in [0, 1]
  /// @throws rein::invalid_argument if parent is not finite or its mass differs from parent_mass()
  template <class Rng>
  double generate(Rng& rng, const four_vector& parent, std::vector<four_vector>& out) const {
    const double m = checked_parent_mass(parent, "generate");
    const double w = generate(rng, out);
    boost_all(out, parent, m);
    return w;
  }

  /// Generates one unweighted event by accept–reject: a weighted event (w) is accepted with
  /// probability w · me(daughters) / me_max.
  /// @param me          matrix element |M|², called as me(const std::vector<four_vector>&) with the
  ///                    daughters in the parent rest frame; must return a finite value ≥ 0
  /// @param me_max      an upper bound of me (finite, > 0); a larger value seen is reported in
  ///                    the result (status max_weight_exceeded) and the event is still accepted
  /// @param max_trials  give up after this many weighted events (status max_trials_reached)
  /// @throws rein::invalid_argument for me_max not finite and positive or max_trials == 0
  /// @throws rein::domain_error if me returns a negative or non-finite value (names the trial)
  template <class Rng, class MatrixElement>
  unweighted_result generate_unweighted(Rng& rng, std::vector<four_vector>& out, MatrixElement&& me, double me_max,
                                        std::size_t max_trials = 100'000'000) const {
    const char* function = "rein::kinematics::phase_space::generate_unweighted";
    detail::check_positive(me_max, function, "me_max");
    if (max_trials == 0) throw invalid_argument(std::string(function) + ": max_trials = 0, must be positive");
    unweighted_result result;
    out.resize(m_masses.size());
    while (result.trials < max_trials) {
      ++result.trials;
      const double w = generate(rng, out.data());
      const double value = me(static_cast<const std::vector<four_vector>&>(out));
      if (!(value >= 0.0 && value <= std::numeric_limits<double>::max()))
        throw domain_error(std::string(function) + ": the matrix element returned " +
                           rein::detail::format_value(value) + " at trial " + std::to_string(result.trials) +
                           ", must be finite and non-negative");
      const double ratio = w * value / me_max;
      if (ratio > result.max_ratio) result.max_ratio = ratio;
      if (uniform01(rng) < ratio) {
        result.status = result.max_ratio > 1.0 ? generation_status::max_weight_exceeded : generation_status::ok;
        return result;
      }
    }
    result.status = generation_status::max_trials_reached;
    return result;
  }

  /// Unweighted pure phase space (me ≡ 1): accept with probability w.
  template <class Rng>
  unweighted_result generate_unweighted(Rng& rng, std::vector<four_vector>& out,
                                        std::size_t max_trials = 100'000'000) const {
    return generate_unweighted(rng, out, [](const std::vector<four_vector>&) { return 1.0; }, 1.0, max_trials);
  }

  /// Unweighted event for a moving parent (see generate(rng, parent, out)): accept–reject in the
  /// rest frame as above, then the accepted event is boosted.
  /// @throws as generate_unweighted and as generate(rng, parent, out)
  template <class Rng, class MatrixElement>
  unweighted_result generate_unweighted(Rng& rng, const four_vector& parent, std::vector<four_vector>& out,
                                        MatrixElement&& me, double me_max,
                                        std::size_t max_trials = 100'000'000) const {
    const double m = checked_parent_mass(parent, "generate_unweighted");
    auto result = generate_unweighted(rng, out, std::forward<MatrixElement>(me), me_max, max_trials);
    boost_all(out, parent, m);
    return result;
  }

  /// Unweighted pure phase space (me ≡ 1) for a moving parent.
  template <class Rng>
  unweighted_result generate_unweighted(Rng& rng, const four_vector& parent, std::vector<four_vector>& out,
                                        std::size_t max_trials = 100'000'000) const {
    return generate_unweighted(
        rng, parent, out, [](const std::vector<four_vector>&) { return 1.0; }, 1.0, max_trials);
  }

  /// Boosts n daughters given in the parent rest frame (as generate(rng, out) writes them) to the
  /// frame where the parent has four-momentum `parent`.
  /// @throws rein::invalid_argument if parent is not finite or its mass differs from parent_mass()
  void boost_from_rest_frame(const four_vector& parent, four_vector* daughters) const {
    const double m = checked_parent_mass(parent, "boost_from_rest_frame");
    const three_vector P = parent.p3();
    for (std::size_t i = 0; i < m_masses.size(); ++i)
      daughters[i] = detail::boost_from_rest(daughters[i], P, parent.e(), m);
  }

 private:
  double checked_parent_mass(const four_vector& parent, const char* name) const {
    const double m2 = parent.mass2();
    const double m = m2 > 0.0 ? std::sqrt(m2) : 0.0;
    // fast path without building strings; NaN fails the comparisons
    if (std::abs(m - m_parent) <= 1e-9 * m_parent && parent.e() > 0.0 && parent.is_finite()) return m;
    const std::string function = std::string("rein::kinematics::phase_space::") + name;
    detail::check_four_vector(parent, function.c_str(), "parent");
    throw invalid_argument(function + ": parent has mass " + rein::detail::format_value(parent.mass()) +
                           " and E = " + rein::detail::format_value(parent.e()) + ", must have E > 0 and mass " +
                           rein::detail::format_value(m_parent) + " (the generator's parent_mass) within 1e-9");
  }

  static void boost_all(std::vector<four_vector>& out, const four_vector& parent, double m) noexcept {
    const three_vector P = parent.p3();
    for (auto& p : out) p = detail::boost_from_rest(p, P, parent.e(), m);
  }

  double m_parent;
  std::vector<double> m_masses;
  double m_kinetic = 0.0;
  double m_max_weight = 1.0;
};

}  // namespace rein::kinematics
