#pragma once

// The one-dimensional integrals behind likelihood::parametric_shape, each written for Scalar =
// double and Scalar = rein::dual<N> (forward-mode derivatives): Gaussian and Crystal Ball pieces,
// (e^t − 1)/t, asinh and lgamma on duals, and the incomplete-gamma series and continued fraction
// of the ARGUS bin integrals (docs/likelihood.md, "Parametric shapes", gives the formulas).
#include "rein/core/dual.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <cstddef>
#include <limits>

namespace rein::likelihood::detail {

inline constexpr double inv_sqrt2 = 0.7071067811865475244008443621048490393;
inline constexpr double sqrt_pi_over_2 = 1.2533141373155002512078826424055226265;
inline constexpr double two_over_sqrt_pi = 1.1283791670955125738961589031215451717;

inline double shape_erf(double x) { return std::erf(x); }
inline double shape_erfc(double x) { return std::erfc(x); }
template <std::size_t N>
dual<N> shape_erf(const dual<N>& x) {
  return rein::detail::chain(x, std::erf(x.value), two_over_sqrt_pi * std::exp(-x.value * x.value));
}
template <std::size_t N>
dual<N> shape_erfc(const dual<N>& x) {
  return rein::detail::chain(x, std::erfc(x.value), -two_over_sqrt_pi * std::exp(-x.value * x.value));
}

/// g(t) = (e^t − 1)/t (1 at t = 0) and its derivative, accurate near 0 (series for |t| < 0.5).
inline void expm1_over_t(double t, double& g, double& dg) {
  if (std::abs(t) < 0.5) {
    // g = Σ_{k≥0} t^k/(k+1)!, g' = Σ_{k≥1} k t^{k−1}/(k+1)!; 24 terms: 0.5^24/25! < 1e-32
    double coefficient = 1, power = 1, previous = 0;  // 1/(k+1)!, t^k, t^{k−1}
    g = 0, dg = 0;
    for (int k = 0; k < 24; ++k) {
      g += coefficient * power;
      if (k > 0) dg += k * coefficient * previous;
      previous = power;
      power *= t;
      coefficient /= (k + 2);
    }
    return;
  }
  const double e = std::expm1(t);
  g = e / t;
  dg = ((e + 1) * t - e) / (t * t);
}
inline double shape_expm1_over_t(double t) {
  double g, dg;
  expm1_over_t(t, g, dg);
  return g;
}
template <std::size_t N>
dual<N> shape_expm1_over_t(const dual<N>& t) {
  double g, dg;
  expm1_over_t(t.value, g, dg);
  return rein::detail::chain(t, g, dg);
}

/// ∫_{z1}^{z2} e^{−z²/2} dz for z1 ≤ z2, without cancellation in either tail.
template <class Scalar>
Scalar gauss_integral(const Scalar& z1, const Scalar& z2) {
  if (z1 >= 0.0) return sqrt_pi_over_2 * (shape_erfc(z1 * inv_sqrt2) - shape_erfc(z2 * inv_sqrt2));
  if (z2 <= 0.0) return sqrt_pi_over_2 * (shape_erfc(-z2 * inv_sqrt2) - shape_erfc(-z1 * inv_sqrt2));
  return sqrt_pi_over_2 * (shape_erf(z2 * inv_sqrt2) - shape_erf(z1 * inv_sqrt2));
}

/// ∫ of the Crystal Ball tail A (B + w)^{−n}, w = distance beyond the join (w ≥ 0), from w1 to
/// w2: n e^{−α²/2}/(α (n − 1)) · (u(w1)^{1−n} − u(w2)^{1−n}), u(w) = 1 + α w/n.
template <class Scalar>
Scalar tail_integral(const Scalar& w1, const Scalar& w2, const Scalar& alpha, const Scalar& n) {
  using std::exp;
  using std::log;
  const Scalar scale = n * exp(-0.5 * alpha * alpha) / (alpha * (n - 1.0));
  const Scalar u1 = 1.0 + alpha * w1 / n, u2 = 1.0 + alpha * w2 / n;
  return scale * (exp((1.0 - n) * log(u1)) - exp((1.0 - n) * log(u2)));
}

/// ∫_{z1}^{z2} of the double-sided Crystal Ball in z (core e^{−z²/2}), z1 ≤ z2: the pieces
/// [z1, p1] (left tail), [p1, p2] (core), [p2, z2] (right tail) with the joins −α_L, α_R clamped
/// into [z1, z2]. A piece of zero length is skipped only when both its ends are the same
/// variable, and the outer limits are always z1 and z2 themselves: with a join exactly on a bin
/// edge the derivative then still follows the edge (the pdf is continuous at the joins, so the
/// boundary terms of adjacent pieces cancel).
template <class Scalar>
Scalar crystal_ball_integral(const Scalar& z1, const Scalar& z2, const Scalar& al, const Scalar& nl,
                             const Scalar& ar, const Scalar& nr) {
  const Scalar left = -al;
  const Scalar& right = ar;
  const Scalar p1 = left <= z1 ? z1 : (left >= z2 ? z2 : left);
  const Scalar p2 = right <= z1 ? z1 : (right >= z2 ? z2 : right);
  Scalar total = 0.0;
  if (left > z1) total += tail_integral<Scalar>(left - p1, left - z1, al, nl);  // w = −α_L − z
  if (left < z2 && right > z1) total += gauss_integral(p1, p2);
  if (right < z2) total += tail_integral<Scalar>(p2 - right, z2 - right, ar, nr);  // w = z − α_R
  return total;
}

inline constexpr double inv_sqrt_2pi = 0.3989422804014326779399460599343818684;

inline double shape_asinh(double u) { return std::asinh(u); }
/// asinh with its derivative 1/√(1 + u²) (written 1/hypot(1, u): no overflow for large |u|).
template <std::size_t N>
dual<N> shape_asinh(const dual<N>& u) {
  return rein::detail::chain(u, std::asinh(u.value), 1.0 / std::hypot(1.0, u.value));
}

inline double shape_lgamma(double a) { return boost::math::lgamma(a); }
/// ln Γ(a), a > 0, with its derivative ψ(a).
template <std::size_t N>
dual<N> shape_lgamma(const dual<N>& a) {
  return rein::detail::chain(a, boost::math::lgamma(a.value), boost::math::digamma(a.value));
}

/// Whether the term of a series of one-signed terms no longer changes the sum (value and, for
/// dual numbers, every derivative) at double precision.
inline bool series_done(double term, double sum) { return std::abs(term) <= 1e-17 * std::abs(sum); }
template <std::size_t N>
bool series_done(const dual<N>& term, const dual<N>& sum) {
  if (!series_done(term.value, sum.value)) return false;
  for (std::size_t k = 0; k < N; ++k)
    if (!series_done(term.derivatives[k], sum.derivatives[k])) return false;
  return true;
}

/// Whether the factor of a continued fraction (modified Lentz) no longer changes the product h:
/// |δ − 1| ≤ 4ε and, for dual numbers, |δ'| ≤ 4ε (1 + |h'/h|).
inline bool fraction_done(double delta, double) { return std::abs(delta - 1.0) <= 8.9e-16; }
template <std::size_t N>
bool fraction_done(const dual<N>& delta, const dual<N>& h) {
  if (!fraction_done(delta.value, h.value)) return false;
  for (std::size_t k = 0; k < N; ++k)
    if (!(std::abs(delta.derivatives[k]) <= 8.9e-16 * (1.0 + std::abs(h.derivatives[k] / h.value)))) return false;
  return true;
}

/// K(a, z) = ∫_0^1 s^{a−1} e^{zs} ds for a > 0, z ≥ 0: Σ_{j≥0} z^j/(j! (a + j)), positive terms.
template <class Scalar>
Scalar argus_k_nonnegative(const Scalar& a, const Scalar& z) {
  Scalar power = 1.0, sum = 1.0 / a;  // z^j/j!
  for (int j = 1; j < 20000; ++j) {
    power = power * z / static_cast<double>(j);
    const Scalar term = power / (a + static_cast<double>(j));
    sum += term;
    if (series_done(term, sum)) break;
  }
  return sum;
}

/// K(a, −y) = ∫_0^1 s^{a−1} e^{−ys} ds = y^{−a} γ(a, y) for a > 0, 0 ≤ y < a + 1, by the
/// Kummer-transformed series e^{−y} Σ_{j≥0} y^j/(a (a+1) ⋯ (a+j)) (positive terms, ratio < 1).
template <class Scalar>
Scalar argus_k_negative(const Scalar& a, const Scalar& y) {
  using std::exp;
  Scalar term = 1.0 / a, sum = term;
  for (int j = 1; j < 20000; ++j) {
    term = term * y / (a + static_cast<double>(j));
    sum += term;
    if (series_done(term, sum)) break;
  }
  return exp(-y) * sum;
}

/// h(a, y) with Γ(a, y) = e^{−y} y^a h(a, y), for a > 0, y ≥ a + 1: Legendre's continued fraction
/// 1/(y + 1 − a − 1(1 − a)/(y + 3 − a − 2(2 − a)/(y + 5 − a − ⋯))) by the modified Lentz method
/// (Numerical Recipes §6.2), run in dual numbers until the derivatives converge too.
template <class Scalar>
Scalar upper_gamma_fraction(const Scalar& a, const Scalar& y) {
  constexpr double tiny = 1e-300;
  Scalar b = y + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 2000; ++i) {
    const double di = static_cast<double>(i);
    const Scalar an = -di * (di - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(value_of(d)) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(value_of(c)) < tiny) c = tiny;
    d = 1.0 / d;
    const Scalar delta = d * c;
    h *= delta;
    if (fraction_done(delta, h)) break;
  }
  return h;
}

/// G(u) = ∫_0^u v^p e^{cv} dv, a = p + 1 > 0, 0 ≤ u ≤ 1 (ARGUS: ∫_x^{m0} = (m0²/2) G(u(x))):
/// u^a K(a, cu) by series for c ≥ 0 or cu > −(a + 1); otherwise Γ(a)(−c)^{−a} − u^a e^{cu} h(a, −cu).
template <class Scalar>
Scalar argus_lower(const Scalar& u, const Scalar& a, const Scalar& c) {
  using std::exp;
  using std::log;
  if (u == 0.0) return 0.0;  // G(0) = 0 for every a, c
  const Scalar z = c * u;
  if (c >= 0.0) return exp(a * log(u)) * argus_k_nonnegative(a, z);
  if (-z < a + 1.0) return exp(a * log(u)) * argus_k_negative(a, Scalar(-z));
  return exp(shape_lgamma(a) - a * log(Scalar(-c))) - exp(a * log(u) + z) * upper_gamma_fraction(a, Scalar(-z));
}

/// H(u) = ∫_u^∞ v^p e^{cv} dv = (−c)^{−a} Γ(a, −cu) for c < 0 and −cu ≥ a + 1 (H = Γ(a)(−c)^{−a} − G):
/// bins where the integrand falls steeply are differences of H, without G's cancellation.
template <class Scalar>
Scalar argus_upper(const Scalar& u, const Scalar& a, const Scalar& c) {
  using std::exp;
  using std::log;
  const Scalar z = c * u;
  return exp(a * log(u) + z) * upper_gamma_fraction(a, Scalar(-z));
}

}  // namespace rein::likelihood::detail
