#pragma once

// Toy detector resolution: Gaussian smearing of track momenta with reproducible draws.
#include "rein/config.hpp"
#include "rein/kinematics/detail/check.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/core/random.hpp"

namespace rein::kinematics {

/// A track with its momentum magnitude smeared, |p⃗| → |p⃗|(1 + σ_rel z), z = standard_normal (two
/// uniforms), direction kept and the energy recomputed for the mass hypothesis: E = √(|p⃗'|² + m²).
/// @param p               the true four-momentum (any frame)
/// @param mass            mass hypothesis of the track, GeV (finite, ≥ 0)
/// @param relative_sigma  σ_rel (finite, > 0), e.g. 0.005
/// @throws rein::invalid_argument if p is not finite, mass is negative or not finite, or
///         relative_sigma is not finite and positive
template <class Rng>
[[nodiscard]] inline four_vector smear_momentum(Rng& rng, const four_vector& p, double mass, double relative_sigma) {
  const char* function = "rein::kinematics::smear_momentum";
  detail::check_four_vector(p, function, "p");
  detail::check_non_negative(mass, function, "mass");
  detail::check_positive(relative_sigma, function, "relative_sigma");
  const double factor = normal(rng, 1.0, relative_sigma);
  return four_vector::from_mass(p.p3() * factor, mass);
}

}  // namespace rein::kinematics
