#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/dual.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/model/bin_function.hpp"
#include "rein/likelihood/shapes/detail/shape_integrals.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// The densities a parametric shape can have (docs/likelihood.md, "Parametric shapes", gives the
/// formulas). Parameters, in order:
/// - gaussian: μ, σ (σ > 0);
/// - exponential: λ, the density ∝ e^{λx} (any finite λ; λ < 0 falls);
/// - bernstein: c_0..c_n ≥ 0, the density Σ c_k C(n,k) t^k (1−t)^{n−k}, t = (x − lo)/(hi − lo) over
///   the histogram range [lo, hi] (degree n = parameters − 1; the shape depends on the ratios of
///   the c_k only, so hold one fixed);
/// - crystal_ball: the double-sided Crystal Ball μ, σ, α_L, n_L, α_R, n_R (σ, α > 0; n > 1): a
///   Gaussian core for −α_L ≤ z ≤ α_R, z = (x − μ)/σ, and power-law tails beyond;
/// - johnson_su: μ, λ, γ, δ (λ, δ > 0), the Johnson S_U density with CDF Φ(γ + δ asinh((x − μ)/λ))
///   (RooJohnson; scipy.stats.johnsonsu with a = γ, b = δ, loc = μ, scale = λ);
/// - chebyshev: a_1..a_n (n ≥ 1, any finite values), the density 1 + Σ_k a_k T_k(t),
///   t = 2(x − lo)/(hi − lo) − 1 over the histogram range [lo, hi] (RooChebychev: the constant
///   term is 1); it is negative where the polynomial is, and so are those bins' factors;
/// - argus: m0, c, p (m0 > 0, c any finite value, p > −1), the density x u^p e^{cu},
///   u = 1 − x²/m0², for 0 ≤ x < m0 and 0 elsewhere (RooArgusBG; the ARGUS function has p = ½).
enum class shape_kind { gaussian, exponential, bernstein, crystal_ball, johnson_su, chebyshev, argus };

/// The shape kind as a lower-case word: "gaussian", "exponential", "bernstein", "crystal_ball",
/// "johnson_su", "chebyshev", "argus".
inline const char* to_string(shape_kind kind) noexcept {
  switch (kind) {
    case shape_kind::gaussian: return "gaussian";
    case shape_kind::exponential: return "exponential";
    case shape_kind::bernstein: return "bernstein";
    case shape_kind::crystal_ball: return "crystal_ball";
    case shape_kind::johnson_su: return "johnson_su";
    case shape_kind::chebyshev: return "chebyshev";
    case shape_kind::argus: return "argus";
  }
  return "unknown";
}

/// Every shape kind, in the order of the enumeration.
inline constexpr shape_kind all_shape_kinds[] = {shape_kind::gaussian,     shape_kind::exponential,
                                                 shape_kind::bernstein,    shape_kind::crystal_ball,
                                                 shape_kind::johnson_su,   shape_kind::chebyshev,
                                                 shape_kind::argus};

/// The shape kind named by `word` (as to_string writes it), or nothing.
inline std::optional<shape_kind> find_shape_kind(const std::string& word) { return enum_from_name(word, all_shape_kinds); }

/// Every kind's name, comma-separated (for messages).
inline std::string shape_kind_names() { return enum_names(all_shape_kinds); }

/// The shape kind named by `word` (as to_string writes it).
/// @throws invalid_argument naming the word and listing the kinds
inline shape_kind shape_kind_from_string(const std::string& word) {
  if (const auto kind = find_shape_kind(word)) return *kind;
  throw invalid_argument("rein::likelihood::shape_kind_from_string: '" + word + "' is not a shape kind (" +
                         shape_kind_names() + ")");
}

/// One shape parameter as a model parameter: name, start value, bounds, optionally held fixed.
struct shape_parameter {
  std::string name;
  double init = 0;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool fixed = false;
};

/// A binned parametric shape: the factor for bin i is f_i(θ) = ∫_{bin i} pdf(x; θ) dx /
/// ∫_{lo}^{hi} pdf(x; θ) dx with [lo, hi] = [edges.front(), edges.back()]. Give the target
/// samples nominal data 1 per bin (then f_i is the fraction in bin i; a normfactor N makes the
/// yield N·f_i) or N per bin.
struct parametric_shape {
  std::string name;
  shape_kind kind = shape_kind::gaussian;
  std::vector<double> edges;  ///< bins + 1 finite, strictly increasing values (the observable)
  std::vector<shape_parameter> parameters;  ///< in the order of shape_kind's list
  /// The samples the shape multiplies (channel, sample); each must have edges.size() − 1 bins,
  /// and all receive the same factors (offset and bins are set by make_parametric_shape).
  std::vector<custom_modifier::target> targets;
};

namespace detail {

/// The shape's parameter names for a message: "μ", "σ", ... by kind and index.
inline std::string shape_parameter_role(shape_kind kind, std::size_t k) {
  switch (kind) {
    case shape_kind::gaussian: return k == 0 ? "mu" : "sigma";
    case shape_kind::exponential: return "lambda";
    case shape_kind::bernstein: return "c_" + std::to_string(k);
    case shape_kind::crystal_ball: {
      const char* names[] = {"mu", "sigma", "alpha_left", "n_left", "alpha_right", "n_right"};
      return names[k];
    }
    case shape_kind::johnson_su: {
      const char* names[] = {"mu", "lambda", "gamma", "delta"};
      return names[k];
    }
    case shape_kind::chebyshev: return "a_" + std::to_string(k + 1);
    case shape_kind::argus: {
      const char* names[] = {"m0", "c", "p"};
      return names[k];
    }
  }
  return "?";
}

/// The smallest value shape parameter k may take (exclusive if `strict`), −∞ if unrestricted.
inline double shape_parameter_minimum(shape_kind kind, std::size_t k, bool& strict) {
  strict = true;
  switch (kind) {
    case shape_kind::gaussian: return k == 1 ? 0.0 : -std::numeric_limits<double>::infinity();
    case shape_kind::exponential: return -std::numeric_limits<double>::infinity();
    case shape_kind::bernstein: strict = false; return 0.0;
    case shape_kind::crystal_ball:  // μ free; σ (1), α_L (2), α_R (4) > 0; n_L (3), n_R (5) > 1
      return k == 0 ? -std::numeric_limits<double>::infinity() : (k == 3 || k == 5 ? 1.0 : 0.0);
    case shape_kind::johnson_su:  // μ (0), γ (2) free; λ (1), δ (3) > 0
      return k == 1 || k == 3 ? 0.0 : -std::numeric_limits<double>::infinity();
    case shape_kind::chebyshev: return -std::numeric_limits<double>::infinity();
    case shape_kind::argus:  // m0 (0) > 0, c (1) free, p (2) > −1
      return k == 0 ? 0.0 : (k == 2 ? -1.0 : -std::numeric_limits<double>::infinity());
  }
  return 0.0;
}

}  // namespace detail

/// A parametric shape as a bin function: inputs the shape parameters, outputs f_i for each bin.
/// Exact Jacobian: forward-mode dual numbers through the bin integrals (Gaussian, exponential,
/// Crystal Ball, Johnson S_U, ARGUS), the closed form for the Bernstein and Chebyshev
/// polynomials (linear in their coefficients).
/// A normalisation that is not finite and positive (e.g. all Bernstein coefficients 0, a
/// Chebyshev polynomial with a non-positive integral, a Gaussian so far outside the range that
/// every bin underflows, an ARGUS endpoint m0 at or below the range) gives NaN factors and
/// derivatives; model::nll is then +∞ (it treats a NaN yield as impossible), and rein::fit
/// reports `non_finite` at such a start point and shortens any step that reaches one. A
/// Chebyshev polynomial negative over part of the range (with a positive integral) gives those
/// bins negative factors; model::nll is +∞ wherever a bin's total expected count (all samples)
/// is negative, and finite if the other samples keep it positive.
class parametric_shape_function final : public bin_function {
 public:
  /// @throws invalid_argument as make_parametric_shape.
  explicit parametric_shape_function(const parametric_shape& spec) : m_kind(spec.kind), m_edges(spec.edges) {
    const std::string where = "rein::likelihood::make_parametric_shape: shape '" + spec.name + "' (" +
                              to_string(spec.kind) + ")";
    if (m_edges.size() < 2)
      throw invalid_argument(where + " has " + std::to_string(m_edges.size()) + " edges, needs at least 2 (one bin)");
    for (std::size_t k = 0; k < m_edges.size(); ++k) {
      if (!std::isfinite(m_edges[k]))
        throw invalid_argument(where + ": edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(m_edges[k]) + ", must be finite");
      if (k > 0 && !(m_edges[k] > m_edges[k - 1]))
        throw invalid_argument(where + ": edges[" + std::to_string(k) + "] = " + rein::detail::format_value(m_edges[k]) +
                               " is not greater than edges[" + std::to_string(k - 1) + "] = " +
                               rein::detail::format_value(m_edges[k - 1]) +
                               ", edges must be strictly increasing (bin widths > 0)");
    }
    const std::size_t count = spec.parameters.size();
    std::size_t expected = 0;
    switch (m_kind) {
      case shape_kind::gaussian: expected = 2; break;
      case shape_kind::exponential: expected = 1; break;
      case shape_kind::crystal_ball: expected = 6; break;
      case shape_kind::bernstein:
      case shape_kind::chebyshev: expected = count == 0 ? 1 : count; break;
      case shape_kind::johnson_su: expected = 4; break;
      case shape_kind::argus: expected = 3; break;
    }
    if (count != expected)
      throw invalid_argument(where + " has " + std::to_string(count) + " parameters, needs " + std::to_string(expected) +
                             (m_kind == shape_kind::bernstein   ? " or more (degree + 1 coefficients)"
                              : m_kind == shape_kind::chebyshev ? " or more (a_1..a_n, the constant term is 1)"
                                                                : ""));
    for (std::size_t k = 0; k < count; ++k) {
      const auto& p = spec.parameters[k];
      const std::string what = where + ": parameter " + std::to_string(k) + " (" +
                               detail::shape_parameter_role(m_kind, k) + ", '" + p.name + "')";
      if (p.name.empty()) throw invalid_argument(what + " has an empty name");
      if (!std::isfinite(p.init))
        throw invalid_argument(what + " init = " + rein::detail::format_value(p.init) + ", must be finite");
      if (std::isnan(p.lower) || std::isnan(p.upper) || !(p.lower <= p.init && p.init <= p.upper))
        throw invalid_argument(what + " has init " + rein::detail::format_value(p.init) + " and bounds [" +
                               rein::detail::format_value(p.lower) + ", " + rein::detail::format_value(p.upper) +
                               "], needs lower <= init <= upper");
      bool strict = false;
      const double minimum = detail::shape_parameter_minimum(m_kind, k, strict);
      const bool bad = std::isinf(minimum) ? false : strict ? !(p.lower > minimum) : !(p.lower >= minimum);
      if (bad)
        throw invalid_argument(what + " lower bound = " + rein::detail::format_value(p.lower) + ", must be " +
                               (strict ? "> " : ">= ") + rein::detail::format_value(minimum) +
                               " (the shape is defined there only)");
    }
    m_inputs = count;
    if (m_kind == shape_kind::bernstein) build_bernstein();
    if (m_kind == shape_kind::chebyshev) build_chebyshev();
  }

  [[nodiscard]] std::size_t outputs() const override { return m_edges.size() - 1; }
  [[nodiscard]] std::size_t inputs() const override { return m_inputs; }
  [[nodiscard]] shape_kind kind() const { return m_kind; }
  [[nodiscard]] const std::vector<double>& edges() const { return m_edges; }

  /// The unnormalised bin integrals ∫_{bin i} pdf(x; θ) dx of the density as written in
  /// docs/likelihood.md (Gaussian without its 1/(σ√2π), exponential e^{λ(x − x₀)} with x₀ the
  /// range end where the exponent is largest, so only ratios are meaningful across θ; Johnson
  /// S_U as the probabilities Φ(z_{i+1}) − Φ(z_i); Chebyshev and ARGUS as written).
  void bin_integrals(const double* theta, double* integrals) const {
    switch (m_kind) {
      case shape_kind::gaussian:
      case shape_kind::exponential:
      case shape_kind::crystal_ball:
      case shape_kind::johnson_su:
      case shape_kind::argus: integrals_of<double>(theta, integrals); break;
      case shape_kind::bernstein:
      case shape_kind::chebyshev: linear_integrals(theta, integrals); break;
    }
  }

  void evaluate(const double* x, double* factors, double* jacobian) const override {
    switch (m_kind) {
      case shape_kind::gaussian: evaluate_dual<2>(x, factors, jacobian); break;
      case shape_kind::exponential: evaluate_dual<1>(x, factors, jacobian); break;
      case shape_kind::crystal_ball: evaluate_dual<6>(x, factors, jacobian); break;
      case shape_kind::bernstein: evaluate_linear(x, factors, jacobian); break;
      case shape_kind::johnson_su: evaluate_dual<4>(x, factors, jacobian); break;
      case shape_kind::chebyshev: evaluate_linear(x, factors, jacobian); break;
      case shape_kind::argus: evaluate_dual<3>(x, factors, jacobian); break;
    }
  }

 private:
  // The bin integrals with Scalar = double or dual<N>, one function per kind.
  template <class Scalar>
  void exponential_integrals(const Scalar* theta, Scalar* out) const {
    const Scalar& lambda = theta[0];
    // shift by the range end where λ(x − x₀) is largest, so that every exponent is ≤ 0
    const double x0 = lambda > 0.0 ? m_edges.back() : m_edges.front();
    using std::exp;
    for (std::size_t i = 0; i + 1 < m_edges.size(); ++i) {
      const double a = m_edges[i], w = m_edges[i + 1] - a;
      out[i] = exp(lambda * (a - x0)) * w * detail::shape_expm1_over_t(lambda * w);
    }
  }

  template <class Scalar>
  void gaussian_integrals(const Scalar* theta, Scalar* out) const {
    const Scalar inv_sigma = 1.0 / theta[1];
    Scalar z_low = (m_edges[0] - theta[0]) * inv_sigma;
    for (std::size_t i = 0; i + 1 < m_edges.size(); ++i) {
      const Scalar z_high = (m_edges[i + 1] - theta[0]) * inv_sigma;
      out[i] = theta[1] * detail::gauss_integral(z_low, z_high);
      z_low = z_high;
    }
  }

  template <class Scalar>
  void crystal_ball_integrals(const Scalar* theta, Scalar* out) const {
    const Scalar inv_sigma = 1.0 / theta[1];
    Scalar z_low = (m_edges[0] - theta[0]) * inv_sigma;
    for (std::size_t i = 0; i + 1 < m_edges.size(); ++i) {
      const Scalar z_high = (m_edges[i + 1] - theta[0]) * inv_sigma;
      out[i] = theta[1] * detail::crystal_ball_integral(z_low, z_high, theta[2], theta[3], theta[4], theta[5]);
      z_low = z_high;
    }
  }

  // Johnson S_U: z = γ + δ asinh((x − μ)/λ) increases with x; Φ(z_{i+1}) − Φ(z_i) by erf/erfc.
  template <class Scalar>
  void johnson_su_integrals(const Scalar* theta, Scalar* out) const {
    const Scalar inv_lambda = 1.0 / theta[1];
    auto z_of = [&](double x) { return theta[2] + theta[3] * detail::shape_asinh((x - theta[0]) * inv_lambda); };
    Scalar z_low = z_of(m_edges[0]);
    for (std::size_t i = 0; i + 1 < m_edges.size(); ++i) {
      const Scalar z_high = z_of(m_edges[i + 1]);
      out[i] = detail::inv_sqrt_2pi * detail::gauss_integral(z_low, z_high);
      z_low = z_high;
    }
  }

  // ARGUS: ∫_{x_i}^{x_{i+1}} x u^p e^{cu} dx = (m0²/2) [G(u_i) − G(u_{i+1})] with the bin clipped
  // to [0, m0] (u = 1 at x ≤ 0, u = 0 at x ≥ m0), u = (m0 − x)(m0 + x)/m0² (no cancellation near
  // m0). Where the integrand falls steeply over the bin (c < 0, −c u_{i+1} ≥ p + 2) the bin is
  // H(u_{i+1}) − H(u_i) instead (detail::argus_upper). u falls with x, so the lower edge's value
  // is the previous bin's upper edge's, and is reused when the form is the same.
  template <class Scalar>
  void argus_integrals(const Scalar* theta, Scalar* out) const {
    const Scalar& m0 = theta[0];
    const Scalar& c = theta[1];
    const Scalar a = theta[2] + 1.0;
    const Scalar half_m0_squared = 0.5 * m0 * m0;
    const Scalar inv_m0_squared = 1.0 / (m0 * m0);
    auto u_of = [&](double x) -> Scalar {
      if (x <= 0.0) return 1.0;
      if (!(x < m0)) return 0.0;
      return (m0 - x) * (m0 + x) * inv_m0_squared;
    };
    auto upper_form = [&](const Scalar& u_high) { return c < 0.0 && -c * u_high >= a + 1.0; };
    Scalar u_low = u_of(m_edges[0]);
    Scalar low_value = 0.0;
    bool low_known = false, low_upper = false;  // low_value is G(u_low) or H(u_low)
    for (std::size_t i = 0; i + 1 < m_edges.size(); ++i) {
      const Scalar u_high = u_of(m_edges[i + 1]);
      if (u_low == 0.0) {  // the whole bin at or above m0
        out[i] = 0.0;
        u_low = u_high;
        low_known = false;
        continue;
      }
      const bool upper = upper_form(u_high);
      const Scalar at_low = low_known && low_upper == upper
                                ? low_value
                                : (upper ? detail::argus_upper(u_low, a, c) : detail::argus_lower(u_low, a, c));
      const Scalar at_high = upper ? detail::argus_upper(u_high, a, c) : detail::argus_lower(u_high, a, c);
      out[i] = half_m0_squared * (upper ? at_high - at_low : at_low - at_high);
      u_low = u_high;
      low_value = at_high;
      low_known = true;
      low_upper = upper;
    }
  }

  template <class Scalar>
  void integrals_of(const Scalar* theta, Scalar* out) const {
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<1>>)
      if (m_kind == shape_kind::exponential) exponential_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<2>>)
      if (m_kind == shape_kind::gaussian) gaussian_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<6>>)
      if (m_kind == shape_kind::crystal_ball) crystal_ball_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<4>>)
      if (m_kind == shape_kind::johnson_su) johnson_su_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<3>>)
      if (m_kind == shape_kind::argus) argus_integrals(theta, out);
  }

  template <std::size_t N>
  void evaluate_dual(const double* x, double* factors, double* jacobian) const {
    const std::size_t bins = m_edges.size() - 1;
    if (!jacobian) {
      integrals_of<double>(x, factors);
      double norm = 0;
      for (std::size_t i = 0; i < bins; ++i) norm += factors[i];
      if (!(norm > 0) || !std::isfinite(norm)) return poison(factors, nullptr);
      const double inv = 1 / norm;
      for (std::size_t i = 0; i < bins; ++i) factors[i] *= inv;
      return;
    }
    dual<N> theta[N];
    for (std::size_t k = 0; k < N; ++k) theta[k] = dual<N>::variable(x[k], k);
    std::vector<dual<N>> integrals(bins);
    integrals_of<dual<N>>(theta, integrals.data());
    dual<N> norm = 0.0;
    for (const auto& v : integrals) norm += v;
    if (!(norm.value > 0) || !std::isfinite(norm.value)) return poison(factors, jacobian);
    const dual<N> inv = 1.0 / norm;
    for (std::size_t i = 0; i < bins; ++i) {
      const dual<N> f = integrals[i] * inv;
      factors[i] = f.value;
      for (std::size_t k = 0; k < N; ++k) jacobian[i * N + k] = f.derivatives[k];
    }
  }

  void poison(double* factors, double* jacobian) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t bins = m_edges.size() - 1;
    for (std::size_t i = 0; i < bins; ++i) factors[i] = nan;
    if (jacobian)
      for (std::size_t i = 0; i < bins * m_inputs; ++i) jacobian[i] = nan;
  }

  // Bernstein: I_i = Σ_k c_k B_ik with B_ik = ∫_{bin i} C(n,k) t^k (1−t)^{n−k} dx, from the
  // antiderivative (hi − lo)/(n+1) Σ_{j>k} C(n+1,j) t^j (1−t)^{n+1−j}.
  void build_bernstein() {
    const std::size_t n = m_inputs - 1, bins = m_edges.size() - 1;
    const double lo = m_edges.front(), hi = m_edges.back(), range = hi - lo;
    std::vector<double> binomial(n + 2, 1.0);  // C(n+1, j)
    for (std::size_t j = 1; j <= n + 1; ++j) binomial[j] = binomial[j - 1] * static_cast<double>(n + 2 - j) / static_cast<double>(j);
    auto antiderivative = [&](double t, std::vector<double>& out) {  // out[k] for k = 0..n
      std::vector<double> b(n + 2);
      for (std::size_t j = 0; j <= n + 1; ++j)
        b[j] = binomial[j] * std::pow(t, static_cast<double>(j)) * std::pow(1 - t, static_cast<double>(n + 1 - j));
      double tail = 0;  // Σ_{j>k} b_j, accumulated from the top
      out.assign(n + 1, 0.0);
      for (std::size_t k = n + 1; k-- > 0;) {
        tail += b[k + 1];
        out[k] = range / static_cast<double>(n + 1) * tail;
      }
    };
    m_basis.assign(bins * (n + 1), 0.0);
    m_basis_sums.assign(n + 1, 0.0);
    std::vector<double> left, right;
    antiderivative(0.0, left);
    for (std::size_t i = 0; i < bins; ++i) {
      const double t = i + 1 == bins ? 1.0 : (m_edges[i + 1] - lo) / range;
      antiderivative(t, right);
      for (std::size_t k = 0; k <= n; ++k) {
        m_basis[i * (n + 1) + k] = right[k] - left[k];
        m_basis_sums[k] += right[k] - left[k];
      }
      left.swap(right);
    }
  }

  // Chebyshev: I_i = C_i0 + Σ_{k=1}^n a_k C_ik with C_ik = ∫_{bin i} T_k(t) dx = (x_{i+1} − x_i) G_k,
  // G_k = ∫_{t_i}^{t_{i+1}} T_k dt / (t_{i+1} − t_i), from ∫T_0 = T_1, ∫T_1 = T_2/4 and
  // ∫T_k = [T_{k+1}/(k+1) − T_{k−1}/(k−1)]/2 (k ≥ 2): G_0 = 1, G_1 = D_2/4,
  // G_k = [D_{k+1}/(k+1) − D_{k−1}/(k−1)]/2, where D_m = (T_m(b) − T_m(a))/(b − a) for the bin
  // [a, b] in t comes from D_0 = 0, D_1 = 1, D_{m+1} = 2 T_m(b) + 2a D_m − D_{m−1} (no
  // difference of nearly equal antiderivatives in a narrow bin).
  void build_chebyshev() {
    const std::size_t n = m_inputs, bins = m_edges.size() - 1, stride = n + 1;
    const double lo = m_edges.front(), range = m_edges.back() - lo;
    auto t_of = [&](std::size_t e) { return e == 0 ? -1.0 : e == bins ? 1.0 : 2 * (m_edges[e] - lo) / range - 1; };
    m_basis.assign(bins * stride, 0.0);
    m_basis_sums.assign(stride, 0.0);
    std::vector<double> d(n + 2);
    for (std::size_t i = 0; i < bins; ++i) {
      const double a = t_of(i), b = t_of(i + 1), width = m_edges[i + 1] - m_edges[i];
      d[0] = 0, d[1] = 1;
      double t_previous = 1, t_current = b;  // T_{m−1}(b), T_m(b)
      for (std::size_t m = 1; m <= n; ++m) {
        d[m + 1] = 2 * t_current + 2 * a * d[m] - d[m - 1];
        const double t_next = 2 * b * t_current - t_previous;
        t_previous = t_current, t_current = t_next;
      }
      for (std::size_t k = 0; k <= n; ++k) {
        const double kd = static_cast<double>(k);
        const double g = k == 0 ? 1.0 : k == 1 ? d[2] / 4 : (d[k + 1] / (kd + 1) - d[k - 1] / (kd - 1)) / 2;
        m_basis[i * stride + k] = width * g;
        m_basis_sums[k] += width * g;
      }
    }
  }

  // Bernstein and Chebyshev are linear in their parameters x: I_i = Σ_j B_ij c_j with c = x
  // (Bernstein) or c = (1, x) (Chebyshev: column 0 is the constant term T_0).
  [[nodiscard]] std::size_t constant_columns() const { return m_kind == shape_kind::chebyshev ? 1 : 0; }

  void linear_integrals(const double* x, double* out) const {
    const std::size_t bins = m_edges.size() - 1, offset = constant_columns(), stride = m_inputs + offset;
    for (std::size_t i = 0; i < bins; ++i) {
      double v = 0;
      for (std::size_t j = 0; j < stride; ++j) v += m_basis[i * stride + j] * (j < offset ? 1.0 : x[j - offset]);
      out[i] = v;
    }
  }

  // f_i = I_i / S, S = Σ_j c_j s_j; ∂f_i/∂x_k = (B_ij − f_i s_j)/S for the column j of x_k
  void evaluate_linear(const double* x, double* factors, double* jacobian) const {
    const std::size_t bins = m_edges.size() - 1, offset = constant_columns(), stride = m_inputs + offset;
    linear_integrals(x, factors);
    double norm = 0;
    for (std::size_t j = 0; j < stride; ++j) norm += (j < offset ? 1.0 : x[j - offset]) * m_basis_sums[j];
    if (!(norm > 0) || !std::isfinite(norm)) {
      poison(factors, jacobian);
      return;
    }
    const double inv = 1 / norm;
    for (std::size_t i = 0; i < bins; ++i) {
      factors[i] *= inv;
      if (jacobian)
        for (std::size_t k = 0; k < m_inputs; ++k)
          jacobian[i * m_inputs + k] = (m_basis[i * stride + k + offset] - factors[i] * m_basis_sums[k + offset]) * inv;
    }
  }

  shape_kind m_kind;
  std::vector<double> m_edges;
  std::size_t m_inputs = 0;
  std::vector<double> m_basis;       ///< Bernstein: bins × (n+1); Chebyshev: bins × (n+1), T_0..T_n; row-major
  std::vector<double> m_basis_sums;  ///< Σ_i of each basis column
};

/// The parametric shape as a custom modifier of likelihood::make_model: its parameters
/// (unconstrained, within their bounds) and one target per sample, each receiving all the bins.
/// @throws invalid_argument (naming the shape, its kind, the parameter's role and name, the
///         value and the requirement) for: fewer than 2 edges, a non-finite edge, edges not
///         strictly increasing; a parameter count other than 2 (gaussian), 1 (exponential),
///         6 (crystal_ball), 4 (johnson_su), 3 (argus) or at least 1 (bernstein, chebyshev); an
///         empty parameter name, a non-finite init, bounds not containing the init; a lower
///         bound outside the shape's domain (σ, α, λ, δ, m0: > 0; n: > 1; p: > −1; Bernstein
///         coefficients: ≥ 0); no targets, or a target with an empty channel or sample name.
inline custom_modifier make_parametric_shape(const parametric_shape& spec) {
  auto function = std::make_shared<parametric_shape_function>(spec);
  const std::string where = "rein::likelihood::make_parametric_shape: shape '" + spec.name + "' (" +
                            to_string(spec.kind) + ")";
  if (spec.targets.empty()) throw invalid_argument(where + " has no targets, needs at least one (channel, sample)");
  custom_modifier m;
  m.name = spec.name;
  m.function = function;
  for (const auto& p : spec.parameters) {
    parameter q;
    q.name = q.set = p.name;
    q.init = p.init, q.lower = p.lower, q.upper = p.upper, q.fixed = p.fixed;
    m.parameters.push_back(q);
  }
  for (std::size_t k = 0; k < spec.targets.size(); ++k) {
    const auto& t = spec.targets[k];
    if (t.channel.empty() || t.sample.empty())
      throw invalid_argument(where + ": target " + std::to_string(k) + " has channel '" + t.channel + "' and sample '" +
                             t.sample + "', both must be named");
    m.targets.push_back({t.channel, t.sample, 0, function->outputs()});
  }
  return m;
}

}  // namespace rein::likelihood
