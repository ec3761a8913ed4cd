#pragma once

// Integration of a B→Kνν̄-type rate over a q² range below its kinematic endpoint e, where the rate
// behaves like (e − q²)^{k/2}: the substitution q² = e − t² makes the integrand analytic in t.
#include <boost/math/quadrature/gauss.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

namespace rein::physics::detail {

/// ∫_lo^hi f(q²) dq² for 0 ≤ lo ≤ hi ≤ e by q² = e − t² (dq² = 2t dt) and Boost.Math's tabulated
/// 30-point Gauss–Legendre rule on pieces of t at most 0.5 GeV wide.
///
/// The rates of this module are (e − q²)^{k/2}·g(q²) with g analytic within |q² − e| ≲ 6 GeV², so
/// the transformed integrand 2t·f(e − t²) is analytic near the real t-axis (nearest singularity at
/// |t| ≈ 2.5i, the f+ pole) and each piece converges far below double rounding.
/// f is called only at interior points of (lo, hi). R must support R{} (zero), R += R and double·R.
/// @param f the rate, f(q²)
/// @param lo lower limit [GeV²], lo ≥ 0 (not checked: callers clip)
/// @param hi upper limit [GeV²], lo ≤ hi ≤ e (not checked: callers clip)
/// @param e the kinematic endpoint [GeV²]
template <class F>
auto integrate_below_endpoint(const F& f, double lo, double hi, double e) -> std::decay_t<decltype(f(0.0))> {
  using result_type = std::decay_t<decltype(f(0.0))>;
  result_type sum{};
  if (!(hi > lo)) return sum;
  const double t_lo = std::sqrt(e - hi);
  const double t_hi = std::sqrt(e - lo);
  constexpr double max_piece = 0.5;
  const int pieces = std::max(1, static_cast<int>(std::ceil((t_hi - t_lo) / max_piece)));
  const double width = (t_hi - t_lo) / pieces;
  using rule = boost::math::quadrature::gauss<double, 30>;
  const auto& x = rule::abscissa();
  const auto& w = rule::weights();
  for (int p = 0; p < pieces; ++p) {
    const double half = 0.5 * width;
    const double mid = t_lo + (p + 0.5) * width;
    for (std::size_t i = 0; i < x.size(); ++i) {
      for (const double sign : {-1.0, 1.0}) {
        const double t = mid + sign * half * x[i];
        sum += (half * w[i] * 2.0 * t) * f(e - t * t);
      }
    }
  }
  return sum;
}

}  // namespace rein::physics::detail
