#pragma once

// A relativistic Breit–Wigner line shape in s = q² for a narrow invisible state X (B → K X):
//
//     BW(s; m, Γ) = (1/π) · mΓ / ((s − m²)² + m²Γ²),     ∫_{−∞}^{∞} BW ds = 1,
//
// with a constant width. A peak narrower than a q² bin must be integrated exactly, so the bin
// integrals are the closed form (1/π)[atan u(b) − atan u(a)], u(s) = (s − m²)/(mΓ), written as
// one arctangent of a difference so that bins far from the peak keep their relative precision,
// with their exact derivatives in m and Γ.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <string>

namespace rein::physics {

/// ∫_a^b of a Breit–Wigner and its derivatives in the mass and the width.
struct breit_wigner_integral {
  double value = 0;  ///< ∫_a^b BW ds
  double d_mass = 0;   ///< ∂/∂m
  double d_width = 0;  ///< ∂/∂Γ
};

namespace detail {

inline void check_breit_wigner(double mass, double width, const char* function) {
  const std::string where = std::string("rein::physics::") + function + ": ";
  if (!(std::isfinite(mass) && mass > 0))
    throw invalid_argument(where + "mass = " + rein::detail::format_value(mass) + " GeV, must be positive and finite");
  if (!(std::isfinite(width) && width > 0))
    throw invalid_argument(where + "width = " + rein::detail::format_value(width) + " GeV, must be positive and finite");
}

/// atan x − atan y for x ≥ y without the cancellation of two arctangents near ±π/2.
inline double arctangent_difference(double x, double y) {
  if (std::isinf(x) || std::isinf(y)) return std::atan(x) - std::atan(y);
  const double product = x * y;
  const double t = std::atan((x - y) / (1.0 + product));
  if (product > -1.0) return t;
  const double pi = 3.14159265358979323846;
  return product == -1.0 ? pi / 2 : t + pi;  // x > 0 > y: the difference lies in (π/2, π)
}

}  // namespace detail

/// BW(s; m, Γ) at one s [GeV⁻²].
/// @throws rein::invalid_argument unless m > 0 and Γ > 0 are finite and s is finite
inline double breit_wigner(double s, double mass, double width) {
  detail::check_breit_wigner(mass, width, "breit_wigner");
  if (!std::isfinite(s)) throw invalid_argument("rein::physics::breit_wigner: s = " + rein::detail::format_value(s) + ", must be finite");
  const double pi = 3.14159265358979323846;
  const double mw = mass * width, d = s - mass * mass;
  return mw / pi / (d * d + mw * mw);
}

/// ∫_a^b BW(s; m, Γ) ds with exact derivatives in m and Γ, for a ≤ b (±∞ allowed).
/// @throws rein::invalid_argument unless m > 0 and Γ > 0 are finite and a ≤ b (not NaN)
inline breit_wigner_integral breit_wigner_integral_over(double a, double b, double mass, double width) {
  detail::check_breit_wigner(mass, width, "breit_wigner_integral_over");
  if (!(a <= b))
    throw invalid_argument("rein::physics::breit_wigner_integral_over: the range [" + rein::detail::format_value(a) + ", " +
                           rein::detail::format_value(b) + "] must have a <= b");
  const double pi = 3.14159265358979323846;
  const double mw = mass * width, m2 = mass * mass;
  const double ua = (a - m2) / mw, ub = (b - m2) / mw;
  // d atan u / dm = (−2/Γ − u/m) / (1 + u²),  d atan u / dΓ = (−u/Γ) / (1 + u²); both → 0 at u = ±∞
  const auto d_mass = [&](double u) { return std::isinf(u) ? 0.0 : (-2.0 / width - u / mass) / (1.0 + u * u); };
  const auto d_width = [&](double u) { return std::isinf(u) ? 0.0 : (-u / width) / (1.0 + u * u); };
  return {detail::arctangent_difference(ub, ua) / pi, (d_mass(ub) - d_mass(ua)) / pi, (d_width(ub) - d_width(ua)) / pi};
}

}  // namespace rein::physics
