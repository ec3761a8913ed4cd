#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/dual.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/bin_function.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
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
///   Gaussian core for −α_L ≤ z ≤ α_R, z = (x − μ)/σ, and power-law tails beyond.
enum class shape_kind { gaussian, exponential, bernstein, crystal_ball };

/// The shape kind as a lower-case word: "gaussian", "exponential", "bernstein", "crystal_ball".
inline const char* to_string(shape_kind kind) noexcept {
  switch (kind) {
    case shape_kind::gaussian: return "gaussian";
    case shape_kind::exponential: return "exponential";
    case shape_kind::bernstein: return "bernstein";
    case shape_kind::crystal_ball: return "crystal_ball";
  }
  return "unknown";
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
  }
  return 0.0;
}

}  // namespace detail

/// A parametric shape as a bin function: inputs the shape parameters, outputs f_i for each bin.
/// Exact Jacobian: forward-mode dual numbers through the bin integrals (Gaussian, exponential,
/// Crystal Ball), the closed form for the Bernstein polynomial (linear in its coefficients).
/// A normalisation that is not finite and positive (e.g. all Bernstein coefficients 0, or a
/// Gaussian so far outside the range that every bin underflows) gives NaN factors and
/// derivatives; model::nll is then +∞ (it treats a NaN yield as impossible), and rein::fit
/// reports `non_finite` at such a start point and shortens any step that reaches one.
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
      case shape_kind::bernstein: expected = count == 0 ? 1 : count; break;
    }
    if (count != expected)
      throw invalid_argument(where + " has " + std::to_string(count) + " parameters, needs " + std::to_string(expected) +
                             (m_kind == shape_kind::bernstein ? " or more (degree + 1 coefficients)" : ""));
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
  }

  [[nodiscard]] std::size_t outputs() const override { return m_edges.size() - 1; }
  [[nodiscard]] std::size_t inputs() const override { return m_inputs; }
  [[nodiscard]] shape_kind kind() const { return m_kind; }
  [[nodiscard]] const std::vector<double>& edges() const { return m_edges; }

  /// The unnormalised bin integrals ∫_{bin i} pdf(x; θ) dx of the density as written in
  /// docs/likelihood.md (Gaussian without its 1/(σ√2π), exponential e^{λ(x − x₀)} with x₀ the
  /// range end where the exponent is largest, so only ratios are meaningful across θ).
  void bin_integrals(const double* theta, double* integrals) const {
    switch (m_kind) {
      case shape_kind::gaussian:
      case shape_kind::exponential:
      case shape_kind::crystal_ball: integrals_of<double>(theta, integrals); break;
      case shape_kind::bernstein: bernstein_integrals(theta, integrals); break;
    }
  }

  void evaluate(const double* x, double* factors, double* jacobian) const override {
    switch (m_kind) {
      case shape_kind::gaussian: evaluate_dual<2>(x, factors, jacobian); break;
      case shape_kind::exponential: evaluate_dual<1>(x, factors, jacobian); break;
      case shape_kind::crystal_ball: evaluate_dual<6>(x, factors, jacobian); break;
      case shape_kind::bernstein: evaluate_bernstein(x, factors, jacobian); break;
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

  template <class Scalar>
  void integrals_of(const Scalar* theta, Scalar* out) const {
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<1>>)
      if (m_kind == shape_kind::exponential) exponential_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<2>>)
      if (m_kind == shape_kind::gaussian) gaussian_integrals(theta, out);
    if constexpr (std::is_same_v<Scalar, double> || std::is_same_v<Scalar, dual<6>>)
      if (m_kind == shape_kind::crystal_ball) crystal_ball_integrals(theta, out);
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

  void bernstein_integrals(const double* c, double* out) const {
    const std::size_t bins = m_edges.size() - 1;
    for (std::size_t i = 0; i < bins; ++i) {
      double v = 0;
      for (std::size_t k = 0; k < m_inputs; ++k) v += m_basis[i * m_inputs + k] * c[k];
      out[i] = v;
    }
  }

  // f_i = I_i / S, S = Σ_k c_k s_k; ∂f_i/∂c_k = (B_ik − f_i s_k)/S
  void evaluate_bernstein(const double* c, double* factors, double* jacobian) const {
    const std::size_t bins = m_edges.size() - 1;
    bernstein_integrals(c, factors);
    double norm = 0;
    for (std::size_t k = 0; k < m_inputs; ++k) norm += c[k] * m_basis_sums[k];
    if (!(norm > 0) || !std::isfinite(norm)) {
      poison(factors, jacobian);
      return;
    }
    const double inv = 1 / norm;
    for (std::size_t i = 0; i < bins; ++i) {
      factors[i] *= inv;
      if (jacobian)
        for (std::size_t k = 0; k < m_inputs; ++k)
          jacobian[i * m_inputs + k] = (m_basis[i * m_inputs + k] - factors[i] * m_basis_sums[k]) * inv;
    }
  }

  shape_kind m_kind;
  std::vector<double> m_edges;
  std::size_t m_inputs = 0;
  std::vector<double> m_basis;       ///< Bernstein: bins × (n+1), row-major
  std::vector<double> m_basis_sums;  ///< Bernstein: Σ_i B_ik
};

/// The parametric shape as a custom modifier of likelihood::make_model: its parameters
/// (unconstrained, within their bounds) and one target per sample, each receiving all the bins.
/// @throws invalid_argument (naming the shape, its kind, the parameter's role and name, the
///         value and the requirement) for: fewer than 2 edges, a non-finite edge, edges not
///         strictly increasing; a parameter count other than 2 (gaussian), 1 (exponential),
///         6 (crystal_ball) or at least 1 (bernstein); an empty parameter name, a non-finite
///         init, bounds not containing the init; a lower bound outside the shape's domain
///         (σ, α: > 0; n: > 1; Bernstein coefficients: ≥ 0); no targets, or a target with an
///         empty channel or sample name.
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
