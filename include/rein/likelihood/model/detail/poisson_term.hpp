#pragma once

#include <cmath>

namespace rein::likelihood::detail {

/// ln Γ(n + 1) − (n ln n − n) for n ≥ 0: what Stirling's leading terms leave of ln n!, of size
/// ½ ln(2πn). From n = 16 on by the Stirling series to 1/(1188 n⁹) (the next term, 691/(360360 n¹¹),
/// is below 2e-16 there); below by ln Γ directly, whose terms (< 80) cancel to ~1e-14.
inline double log_factorial_remainder(double n) {
  if (n < 16) return n > 0 ? std::lgamma(n + 1) + n - n * std::log(n) : 0.0;
  constexpr double two_pi = 6.28318530717958647693;
  const double r = 1 / n, r2 = r * r;
  return 0.5 * std::log(two_pi * n) + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

/// The part of −ln Pois(n | ν) that depends on ν: ν − n ln ν up to a constant of n, written as
/// n·(d − ln(1 + d)) with d = (ν − n)/n (ν when n = 0); ≥ 0, and 0 at ν = n.
///
/// Why not as written: for a large count (a Poisson constraint with τ ≈ 1e11, or a 1e5-event bin)
/// ν and n ln ν are each ~n ln n, and their difference keeps only the digits they do not share: at
/// τ = 1.9e11 it rounds at 1e-3, far above the 1e-10 a fit resolves. Here the result is exact to
/// its own rounding, and its change with ν to the rounding of |ν − n|.
inline double poisson_nll_deviation(double nu, double n) {
  if (!(n > 0)) return nu;
  const double d = (nu - n) / n;
  // ln(1 + d) from d near 0, from ν/n itself farther out: for ν ≪ n, 1 + d = ν/n keeps only the
  // digits of d beyond its leading −1, and ln of it would lose them
  const double log_ratio = std::abs(d) < 0.5 ? std::log1p(d) : std::log(nu / n);
  return n * (d - log_ratio);
}

/// −ln Pois(n | ν) = ν − n ln ν + ln Γ(n + 1) for ν ≥ 0, n ≥ 0 (ν > 0 when n > 0), summed as
/// poisson_nll_deviation(ν, n) + log_factorial_remainder(n): two terms of order ln n, not three
/// of order n ln n.
inline double poisson_nll(double nu, double n) { return poisson_nll_deviation(nu, n) + log_factorial_remainder(n); }

}  // namespace rein::likelihood::detail
