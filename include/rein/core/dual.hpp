#pragma once

// A tiny forward-mode dual number: a value and its N partial derivatives, for exact gradients of
// code written once as `template <class Scalar>` and instantiated with double or dual<N>.
#include "rein/config.hpp"

#include <array>
#include <cmath>
#include <cstddef>

namespace rein {

/// A value together with its partial derivatives with respect to N inputs (forward-mode AD).
///
/// Arithmetic (+, −, ×, ÷ with dual or double on either side), comparisons (on the value only)
/// and the functions sqrt, pow (double exponent), exp, log and abs propagate the derivatives by
/// the chain rule. Templated code calls the functions unqualified after `using std::sqrt;` etc.,
/// so that argument-dependent lookup finds these overloads for dual<N> and std's for double.
/// Make inputs with `dual<N>::variable(value, index)`; read results with `value_of(x)` and
/// `x.derivatives[i]`.
/// @tparam N number of independent inputs (a compile-time size; N = 0 is a plain value)
template <std::size_t N>
struct dual {
  /// The value f.
  double value = 0.0;
  /// The partial derivatives ∂f/∂θ_i, i = 0..N−1.
  std::array<double, N> derivatives{};

  /// Zero value, zero derivatives.
  constexpr dual() = default;
  /// A constant: `value` with zero derivatives (implicit, so `Scalar x = 1.0` works).
  constexpr dual(double v) : value(v), derivatives{} {}  // NOLINT(google-explicit-constructor)
  /// A value with the given derivatives.
  constexpr dual(double v, const std::array<double, N>& d) : value(v), derivatives(d) {}

  /// The independent input θ_index = `v`: derivative 1 in slot `index`, 0 elsewhere.
  /// @param v the value
  /// @param index which input this is, 0 ≤ index < N (checked by REIN_ASSERT only)
  static constexpr dual variable(double v, std::size_t index) {
    REIN_ASSERT(index < N);
    dual result(v);
    result.derivatives[index] = 1.0;
    return result;
  }

  dual& operator+=(const dual& b) {
    value += b.value;
    for (std::size_t i = 0; i < N; ++i) derivatives[i] += b.derivatives[i];
    return *this;
  }
  dual& operator-=(const dual& b) {
    value -= b.value;
    for (std::size_t i = 0; i < N; ++i) derivatives[i] -= b.derivatives[i];
    return *this;
  }
  dual& operator*=(const dual& b) {
    for (std::size_t i = 0; i < N; ++i)
      derivatives[i] = derivatives[i] * b.value + value * b.derivatives[i];
    value *= b.value;
    return *this;
  }
  dual& operator/=(const dual& b) {
    const double q = value / b.value;
    const double inv = 1.0 / b.value;
    for (std::size_t i = 0; i < N; ++i)
      derivatives[i] = (derivatives[i] - q * b.derivatives[i]) * inv;
    value = q;
    return *this;
  }
  dual& operator+=(double b) {
    value += b;
    return *this;
  }
  dual& operator-=(double b) {
    value -= b;
    return *this;
  }
  dual& operator*=(double b) {
    value *= b;
    for (auto& d : derivatives) d *= b;
    return *this;
  }
  dual& operator/=(double b) {
    const double inv = 1.0 / b;
    value *= inv;
    for (auto& d : derivatives) d *= inv;
    return *this;
  }

  friend dual operator+(const dual& a) { return a; }
  friend dual operator-(const dual& a) {
    dual r(-a.value);
    for (std::size_t i = 0; i < N; ++i) r.derivatives[i] = -a.derivatives[i];
    return r;
  }
  friend dual operator+(dual a, const dual& b) { return a += b; }
  friend dual operator-(dual a, const dual& b) { return a -= b; }
  friend dual operator*(dual a, const dual& b) { return a *= b; }
  friend dual operator/(dual a, const dual& b) { return a /= b; }
  friend dual operator+(dual a, double b) { return a += b; }
  friend dual operator-(dual a, double b) { return a -= b; }
  friend dual operator*(dual a, double b) { return a *= b; }
  friend dual operator/(dual a, double b) { return a /= b; }
  friend dual operator+(double a, dual b) { return b += a; }
  friend dual operator-(double a, const dual& b) {
    dual r = -b;
    r.value += a;
    return r;
  }
  friend dual operator*(double a, dual b) { return b *= a; }
  friend dual operator/(double a, const dual& b) {
    // d(a/b) = −a b'/b²
    const double q = a / b.value;
    const double s = -q / b.value;
    dual r(q);
    for (std::size_t i = 0; i < N; ++i) r.derivatives[i] = s * b.derivatives[i];
    return r;
  }

  // Comparisons look at the value only (so `!(x >= 0)` style checks work on dual numbers).
  friend bool operator<(const dual& a, const dual& b) { return a.value < b.value; }
  friend bool operator>(const dual& a, const dual& b) { return a.value > b.value; }
  friend bool operator<=(const dual& a, const dual& b) { return a.value <= b.value; }
  friend bool operator>=(const dual& a, const dual& b) { return a.value >= b.value; }
  friend bool operator==(const dual& a, const dual& b) { return a.value == b.value; }
  friend bool operator!=(const dual& a, const dual& b) { return a.value != b.value; }
  friend bool operator<(const dual& a, double b) { return a.value < b; }
  friend bool operator>(const dual& a, double b) { return a.value > b; }
  friend bool operator<=(const dual& a, double b) { return a.value <= b; }
  friend bool operator>=(const dual& a, double b) { return a.value >= b; }
  friend bool operator==(const dual& a, double b) { return a.value == b; }
  friend bool operator!=(const dual& a, double b) { return a.value != b; }
  friend bool operator<(double a, const dual& b) { return a < b.value; }
  friend bool operator>(double a, const dual& b) { return a > b.value; }
  friend bool operator<=(double a, const dual& b) { return a <= b.value; }
  friend bool operator>=(double a, const dual& b) { return a >= b.value; }
  friend bool operator==(double a, const dual& b) { return a == b.value; }
  friend bool operator!=(double a, const dual& b) { return a != b.value; }
};

namespace detail {

/// f(a) with derivative f'(a)·a' (the chain rule for a unary function).
template <std::size_t N>
dual<N> chain(const dual<N>& a, double f, double df) {
  dual<N> r(f);
  for (std::size_t i = 0; i < N; ++i) r.derivatives[i] = df * a.derivatives[i];
  return r;
}

}  // namespace detail

/// √a; the derivative 1/(2√a) is infinite at a = 0 (as for any forward-mode AD).
template <std::size_t N>
dual<N> sqrt(const dual<N>& a) {
  const double s = std::sqrt(a.value);
  return detail::chain(a, s, 0.5 / s);
}

/// a^p for a double exponent p: derivative p·a^(p−1).
template <std::size_t N>
dual<N> pow(const dual<N>& a, double p) {
  return detail::chain(a, std::pow(a.value, p), p * std::pow(a.value, p - 1.0));
}

/// e^a.
template <std::size_t N>
dual<N> exp(const dual<N>& a) {
  const double e = std::exp(a.value);
  return detail::chain(a, e, e);
}

/// ln a.
template <std::size_t N>
dual<N> log(const dual<N>& a) {
  return detail::chain(a, std::log(a.value), 1.0 / a.value);
}

/// |a|; the derivative is sign(a)·a', with the subgradient 0 chosen at a = 0.
template <std::size_t N>
dual<N> abs(const dual<N>& a) {
  const double sign = a.value > 0.0 ? 1.0 : (a.value < 0.0 ? -1.0 : 0.0);
  return detail::chain(a, std::abs(a.value), sign);
}

/// The value of a plain double (identity), so generic code can read values uniformly.
inline constexpr double value_of(double x) { return x; }

/// The value of a dual number, dropping its derivatives.
template <std::size_t N>
constexpr double value_of(const dual<N>& x) {
  return x.value;
}

}  // namespace rein
