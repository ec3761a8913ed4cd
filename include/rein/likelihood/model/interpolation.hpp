#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"

#include <array>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>

namespace rein::likelihood {

/// HistFactory interpolation codes, named as pyhf names them.
enum class interpolation_code {
  code0,   ///< piecewise linear, additive
  code1,   ///< piecewise exponential, multiplicative
  code2,   ///< quadratic inside |α| ≤ 1, linear outside, additive
  code4,   ///< 6th-order polynomial inside |α| < 1, exponential outside, multiplicative (normsys default)
  code4p,  ///< 6th-order polynomial inside |α| ≤ 1, linear outside, additive (histosys default)
};

/// "code0", "code1", "code2", "code4" or "code4p".
inline const char* to_string(interpolation_code code) {
  switch (code) {
    case interpolation_code::code0: return "code0";
    case interpolation_code::code1: return "code1";
    case interpolation_code::code2: return "code2";
    case interpolation_code::code4: return "code4";
    case interpolation_code::code4p: return "code4p";
  }
  return "unknown";
}

/// Every interpolation code, in the order of the enumeration (for enum_from_name, enum_names).
inline constexpr interpolation_code all_interpolation_codes[] = {interpolation_code::code0, interpolation_code::code1,
                                                                 interpolation_code::code2, interpolation_code::code4,
                                                                 interpolation_code::code4p};

/// Parses a pyhf interpolation-code name.
/// @throws invalid_argument for any other name.
inline interpolation_code interpolation_code_from_string(const std::string& name) {
  if (const auto code = enum_from_name(name, all_interpolation_codes)) return *code;
  throw invalid_argument("rein::likelihood::interpolation_code_from_string: unknown code '" + name + "', expected " +
                         enum_names(all_interpolation_codes));
}

/// True for the codes whose result multiplies the nominal (code1, code4); the others shift it.
inline bool is_multiplicative(interpolation_code code) {
  return code == interpolation_code::code1 || code == interpolation_code::code4;
}

/// The additive codes written as Δ(α) = u(α)·p + v(α)·q: (p, q) depend only on the down,
/// nominal and up values, (u, v) only on α, so a modifier acting on many bins computes its
/// α-dependent weights once.
struct additive_weights {
  double u = 0, v = 0;    ///< weights of p and q
  double du = 0, dv = 0;  ///< their derivatives with respect to α
};

/// The per-bin constants (p, q) of an additive code.
/// code0: (up − nom, nom − down); code2: quadratic and linear coefficients
/// (½(up + down) − nom, ½(up − down)); code4p: (S, A) = (½(Δ⁺ + Δ⁻), (Δ⁺ − Δ⁻)/16) with
/// Δ⁺ = up − nom, Δ⁻ = nom − down.
inline std::pair<double, double> additive_constants(interpolation_code code, double down, double nominal, double up) {
  switch (code) {
    case interpolation_code::code0: return {up - nominal, nominal - down};
    case interpolation_code::code2: return {0.5 * (up + down) - nominal, 0.5 * (up - down)};
    case interpolation_code::code4p: return {0.5 * (up - down), 0.0625 * ((up - nominal) - (nominal - down))};
    default: throw invalid_argument(std::string("rein::likelihood::additive_constants: ") + to_string(code) + " is not additive");
  }
}

/// The weights (u, v) of an additive code at α, with pyhf's branch points.
inline additive_weights additive_weights_at(interpolation_code code, double alpha) {
  switch (code) {
    case interpolation_code::code0:  // α·Δ⁺ for α ≥ 0, α·Δ⁻ below
      return alpha >= 0 ? additive_weights{alpha, 0, 1, 0} : additive_weights{0, alpha, 0, 1};
    case interpolation_code::code2:  // a α² + b α inside; pyhf's (b ± 2a)(α ∓ 1) outside
      // pyhf's outer branches start from 0 at α = ±1, not from the inner value a ± b: the
      // function jumps by a ± b there. Kept as is for parity with pyhf (docs/likelihood.md).
      if (alpha > 1) return {2 * (alpha - 1), alpha - 1, 2, 1};
      if (alpha < -1) return {-2 * (alpha + 1), alpha + 1, -2, 1};
      return {alpha * alpha, alpha, 2 * alpha, 1};
    case interpolation_code::code4p: {  // α S + α² A g(α), g = 15 − 10α² + 3α⁴; α Δ± outside
      if (alpha > 1) return {alpha, 8 * alpha, 1, 8};
      if (alpha < -1) return {alpha, -8 * alpha, 1, -8};
      const double a2 = alpha * alpha;
      const double g = 15 + a2 * (3 * a2 - 10);
      return {alpha, a2 * g, 1, 2 * alpha * g + a2 * alpha * (12 * a2 - 20)};
    }
    default: throw invalid_argument(std::string("rein::likelihood::additive_weights_at: ") + to_string(code) + " is not additive");
  }
}

/// One interpolated quantity between a down (α = −1), nominal (α = 0) and up (α = +1) value,
/// with the constants that depend only on those three values computed once.
///
/// Additive codes give the shift Δ(α) with Δ(0) = 0 (through `additive_weights_at`);
/// multiplicative codes give the factor f(α) with f(0) = 1. Formulas and branch points are
/// pyhf's (docs/likelihood.md).
class interpolation {
 public:
  interpolation() = default;

  /// @throws domain_error for a multiplicative code when nominal, down or up is not positive.
  interpolation(interpolation_code code, double down, double nominal, double up) : m_code(code) {
    switch (code) {
      case interpolation_code::code0:
      case interpolation_code::code2:
      case interpolation_code::code4p:
        std::tie(m_up, m_down) = additive_constants(code, down, nominal, up);
        break;
      case interpolation_code::code1:
      case interpolation_code::code4: {
        if (!(nominal > 0) || !(down > 0) || !(up > 0))
          throw domain_error(std::string("rein::likelihood::interpolation: ") + to_string(code) +
                             " needs positive down, nominal and up, got " + rein::detail::format_value(down) +
                             ", " + rein::detail::format_value(nominal) + ", " + rein::detail::format_value(up));
        const double ratio_up = up / nominal;
        const double ratio_down = down / nominal;
        m_up = std::log(ratio_up);
        m_down = std::log(ratio_down);
        if (code == interpolation_code::code4) set_code4_coefficients(ratio_up, ratio_down);
        break;
      }
    }
  }

  [[nodiscard]] interpolation_code code() const { return m_code; }

  /// Δ(α) or f(α), and its derivative with respect to α.
  void evaluate(double alpha, double& value, double& derivative) const {
    switch (m_code) {
      case interpolation_code::code0:
      case interpolation_code::code2:
      case interpolation_code::code4p: {
        const auto w = additive_weights_at(m_code, alpha);
        value = w.u * m_up + w.v * m_down;
        derivative = w.du * m_up + w.dv * m_down;
        return;
      }
      case interpolation_code::code1:
        if (alpha >= 0) {
          value = std::exp(alpha * m_up);
          derivative = m_up * value;
        } else {
          value = std::exp(-alpha * m_down);
          derivative = -m_down * value;
        }
        return;
      case interpolation_code::code4:
        if (alpha >= 1) {
          value = std::exp(alpha * m_up);
          derivative = m_up * value;
        } else if (alpha > -1) {
          // 1 + Σ_{i=1..6} a_i α^i by Horner, and its derivative
          double p = m_c[5];
          double dp = 6 * m_c[5];
          for (int i = 4; i >= 0; --i) {
            p = p * alpha + m_c[static_cast<std::size_t>(i)];
            if (i > 0) dp = dp * alpha + (i + 1) * m_c[static_cast<std::size_t>(i)];
          }
          dp = dp * alpha + m_c[0];
          value = 1 + p * alpha;
          derivative = dp;
        } else {
          value = std::exp(-alpha * m_down);
          derivative = -m_down * value;
        }
        return;
    }
  }

 private:
  // Coefficients a_1..a_6 of code4's polynomial from continuity of f, f' and f'' at α = ±1,
  // solved in closed form by splitting the 6×6 system into its odd and even halves.
  void set_code4_coefficients(double ratio_up, double ratio_down) {
    const double b1 = ratio_up - 1;
    const double b2 = ratio_down - 1;
    const double b3 = m_up * ratio_up;
    const double b4 = -m_down * ratio_down;
    const double b5 = m_up * m_up * ratio_up;
    const double b6 = m_down * m_down * ratio_down;
    const double o1 = 0.5 * (b1 - b2), o2 = 0.5 * (b3 + b4), o3 = 0.5 * (b5 - b6);
    const double a5 = (o3 - 3 * (o2 - o1)) / 8;
    const double a3 = 0.5 * (o2 - o1) - 2 * a5;
    const double a1 = o1 - a3 - a5;
    const double e1 = 0.5 * (b1 + b2), e2 = 0.5 * (b3 - b4), e3 = 0.5 * (b5 + b6);
    const double f1 = e2 - 2 * e1, f2 = e3 - 2 * e1;
    const double a6 = (f2 - 5 * f1) / 8;
    const double a4 = 0.5 * f1 - 2 * a6;
    const double a2 = e1 - a4 - a6;
    m_c = {a1, a2, a3, a4, a5, a6};
  }

  interpolation_code m_code = interpolation_code::code0;
  double m_up = 0;
  double m_down = 0;
  std::array<double, 6> m_c{};
};

}  // namespace rein::likelihood
