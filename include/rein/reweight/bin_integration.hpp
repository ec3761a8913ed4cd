#pragma once

// Integration of a rate callable over the bins of a q² binning: Gauss–Legendre per bin, or (the
// default) a rule adapted to a √(q²_max − q²) kinematic endpoint. Templated on what the rate
// returns: double, rein::dual<N> (exact gradients), or any type that adds and scales like a number.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rein::reweight {

/// How each bin is integrated.
enum class quadrature_rule {
  /// n-point Gauss–Legendre in q², except on bins whose upper end lies within one bin width of
  /// the endpoint e (or beyond it): there q² = e − t² and n-point Gauss–Legendre in t, which is
  /// exact-to-rounding for rates behaving like (e − q²)^{k/2} × smooth. The default.
  endpoint_adapted,
  /// Plain n-point Gauss–Legendre in q² on every bin (what redist does with n = 16).
  gauss_legendre,
};

/// Options of bin integration.
struct bin_integration_options {
  /// The rule; endpoint_adapted by default.
  quadrature_rule rule = quadrature_rule::endpoint_adapted;
  /// Nodes per bin, 1 ≤ points ≤ 1024 (16 as in redist).
  std::size_t points = 16;
  /// The rate is zero below this q² (e.g. 0 for a rate defined on [0, q²_max]); bins are clipped.
  double lower_limit = -std::numeric_limits<double>::infinity();
  /// The kinematic endpoint q²_max: the rate is zero above it (bins are clipped) and behaves like
  /// √(endpoint − q²)·smooth below it. +∞ means no endpoint (then both rules are Gauss–Legendre).
  double endpoint = std::numeric_limits<double>::infinity();
};

/// Nodes and weights of n-point Gauss–Legendre quadrature on [−1, 1].
struct gauss_legendre_nodes {
  /// Nodes, ascending.
  std::vector<double> nodes;
  /// Weights (positive, summing to 2).
  std::vector<double> weights;
};

/// n-point Gauss–Legendre nodes and weights on [−1, 1], to full double precision: Newton
/// iteration on P_n in long double from Tricomi's initial guesses, weights 2/((1 − x²)P_n'(x)²).
/// Exact for polynomials of degree ≤ 2n − 1.
/// @param n number of nodes, 1 ≤ n ≤ 1024
/// @throws rein::invalid_argument if n is outside [1, 1024]
inline gauss_legendre_nodes gauss_legendre(std::size_t n) {
  if (n < 1 || n > 1024)
    throw invalid_argument("rein::reweight::gauss_legendre: n = " + std::to_string(n) + ", must be in [1, 1024]");
  gauss_legendre_nodes rule;
  rule.nodes.assign(n, 0.0);
  rule.weights.assign(n, 0.0);
  const long double pi = 3.141592653589793238462643383279502884L;
  const long double nn = static_cast<long double>(n);
  // P_n(x) and P_n'(x) by the three-term recurrence.
  const auto legendre = [n, nn](long double x, long double& derivative) {
    long double p0 = 1.0L, p1 = x;  // P_0, P_1
    for (std::size_t m = 2; m <= n; ++m) {
      const long double mm = static_cast<long double>(m);
      const long double p2 = ((2.0L * mm - 1.0L) * x * p1 - (mm - 1.0L) * p0) / mm;
      p0 = p1;
      p1 = p2;
    }
    derivative = nn * (x * p1 - p0) / (x * x - 1.0L);  // P_n' = n (x P_n − P_{n−1}) / (x² − 1)
    return p1;
  };
  const long double tolerance = 4.0L * std::numeric_limits<long double>::epsilon();
  for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
    // The (i+1)-th largest root, from Tricomi's approximation.
    const long double k = static_cast<long double>(i) + 1.0L;
    long double x = (1.0L - (nn - 1.0L) / (8.0L * nn * nn * nn)) * std::cos(pi * (4.0L * k - 1.0L) / (4.0L * nn + 2.0L));
    long double derivative = 1.0L;
    for (int iteration = 0; iteration < 100; ++iteration) {
      const long double dx = legendre(x, derivative) / derivative;
      x -= dx;
      if (std::fabs(dx) <= tolerance) break;
    }
    (void)legendre(x, derivative);  // P_n' at the converged root, for the weight
    const long double w = 2.0L / ((1.0L - x * x) * derivative * derivative);
    rule.nodes[n - 1 - i] = static_cast<double>(x);
    rule.nodes[i] = static_cast<double>(-x);
    rule.weights[n - 1 - i] = static_cast<double>(w);
    rule.weights[i] = static_cast<double>(w);
  }
  if (n % 2 == 1) rule.nodes[n / 2] = 0.0;  // exactly
  return rule;
}

/// A quadrature rule for every bin of a binning, built once: per bin a list of (q², weight) with
/// ∫_bin f(q²) dq² ≈ Σ_k w_k f(q²_k). Reuse it for every parameter point.
///
/// Bins are clipped to [lower_limit, endpoint] (the rate is zero outside); a bin entirely
/// outside has no nodes and integrates to zero. The rate is only ever called at interior points
/// of the clipped bins.
class bin_quadrature {
 public:
  /// @param edges bin edges [GeV²]: at least 2, finite, strictly increasing
  /// @param options the rule, nodes per bin, lower limit and endpoint
  /// @throws rein::invalid_argument for bad edges, points outside [1, 1024], a NaN limit, or
  ///         lower_limit ≥ endpoint
  explicit bin_quadrature(std::vector<double> edges, const bin_integration_options& options = {})
      : m_edges(std::move(edges)), m_options(options) {
    const std::string where = "rein::reweight::bin_quadrature: ";
    if (m_edges.size() < 2)
      throw invalid_argument(where + "edges has " + std::to_string(m_edges.size()) + " entries, needs at least 2");
    for (std::size_t i = 0; i < m_edges.size(); ++i) {
      if (!std::isfinite(m_edges[i]))
        throw invalid_argument(where + "edges[" + std::to_string(i) + "] = " + rein::detail::format_value(m_edges[i]) +
                               ", must be finite");
      if (i > 0 && !(m_edges[i] > m_edges[i - 1]))
        throw invalid_argument(where + "edges[" + std::to_string(i) + "] = " + rein::detail::format_value(m_edges[i]) +
                               " must be greater than edges[" + std::to_string(i - 1) +
                               "] = " + rein::detail::format_value(m_edges[i - 1]) + " (edges must increase strictly)");
    }
    if (options.points < 1 || options.points > 1024)
      throw invalid_argument(where + "options.points = " + std::to_string(options.points) + ", must be in [1, 1024]");
    if (std::isnan(options.lower_limit))
      throw invalid_argument(where + "options.lower_limit = nan, must be a number (use -infinity for none)");
    if (std::isnan(options.endpoint))
      throw invalid_argument(where + "options.endpoint = nan, must be a number (use +infinity for none)");
    if (!(options.lower_limit < options.endpoint))
      throw invalid_argument(where + "options.lower_limit = " + rein::detail::format_value(options.lower_limit) +
                             " must be below options.endpoint = " + rein::detail::format_value(options.endpoint));

    const gauss_legendre_nodes rule = gauss_legendre(options.points);
    const double e = options.endpoint;
    m_offsets.reserve(m_edges.size());
    m_offsets.push_back(0);
    m_substituted.assign(m_edges.size() - 1, false);
    for (std::size_t j = 0; j + 1 < m_edges.size(); ++j) {
      const double a = std::fmax(m_edges[j], options.lower_limit);
      const double b = std::fmin(m_edges[j + 1], e);
      if (b > a) {
        const bool substitute =
            options.rule == quadrature_rule::endpoint_adapted && std::isfinite(e) && (e - b) <= (b - a);
        if (substitute) {
          // q² = e − t², dq² = 2t dt, t ∈ [√(e − b), √(e − a)].
          const double t_lo = std::sqrt(e - b), t_hi = std::sqrt(e - a);
          const double half = 0.5 * (t_hi - t_lo), mid = 0.5 * (t_hi + t_lo);
          for (std::size_t k = 0; k < rule.nodes.size(); ++k) {
            const double t = mid + half * rule.nodes[k];
            m_nodes.push_back(e - t * t);
            m_weights.push_back(half * rule.weights[k] * 2.0 * t);
          }
          m_substituted[j] = true;
        } else {
          const double half = 0.5 * (b - a), mid = 0.5 * (b + a);
          for (std::size_t k = 0; k < rule.nodes.size(); ++k) {
            m_nodes.push_back(mid + half * rule.nodes[k]);
            m_weights.push_back(half * rule.weights[k]);
          }
        }
      }
      m_offsets.push_back(m_nodes.size());
    }
  }

  /// Number of bins (edges − 1).
  [[nodiscard]] std::size_t bin_count() const { return m_edges.size() - 1; }
  /// The bin edges.
  [[nodiscard]] const std::vector<double>& edges() const { return m_edges; }
  /// The options the rule was built with.
  [[nodiscard]] const bin_integration_options& options() const { return m_options; }
  /// All nodes (q² values), bin after bin; bin j owns [offset(j), offset(j + 1)).
  [[nodiscard]] const std::vector<double>& nodes() const { return m_nodes; }
  /// All weights, aligned with nodes().
  [[nodiscard]] const std::vector<double>& weights() const { return m_weights; }
  /// Index of the first node of bin j (j ≤ bin_count(); offset(bin_count()) = nodes().size()).
  [[nodiscard]] std::size_t offset(std::size_t j) const { return m_offsets[j]; }
  /// Whether bin j uses the endpoint substitution q² = e − t².
  [[nodiscard]] bool substituted(std::size_t j) const { return m_substituted[j]; }

  /// ∫ rate over every bin. R = the rate's return type must support R{} (zero), R += R and
  /// double·R: double, rein::dual<N>, rein::physics::b_to_k_nunu_kernel, ...
  /// @param rate callable rate(q²) → R, called once per node
  /// @return one integral per bin
  template <class Rate>
  auto integrate(const Rate& rate) const -> std::vector<std::decay_t<decltype(rate(0.0))>> {
    using result_type = std::decay_t<decltype(rate(0.0))>;
    std::vector<result_type> result(bin_count());
    for (std::size_t j = 0; j < bin_count(); ++j) {
      result_type sum{};
      for (std::size_t k = m_offsets[j]; k < m_offsets[j + 1]; ++k) sum += m_weights[k] * rate(m_nodes[k]);
      result[j] = sum;
    }
    return result;
  }

 private:
  std::vector<double> m_edges;
  bin_integration_options m_options;
  std::vector<double> m_nodes;
  std::vector<double> m_weights;
  std::vector<std::size_t> m_offsets;
  std::vector<bool> m_substituted;
};

/// ∫ rate over each bin [edges[j], edges[j+1]] (convenience: builds a bin_quadrature and uses it once).
/// @param rate callable rate(q²) → R (double, rein::dual<N>, ...)
/// @param edges bin edges [GeV²]: at least 2, finite, strictly increasing
/// @param options rule, nodes per bin, lower limit, endpoint
/// @throws rein::invalid_argument as bin_quadrature's constructor
template <class Rate>
auto integrate_bins(const Rate& rate, std::vector<double> edges, const bin_integration_options& options = {})
    -> std::vector<std::decay_t<decltype(rate(0.0))>> {
  return bin_quadrature(std::move(edges), options).integrate(rate);
}

/// ∫_a^b rate(q²) dq² with the same rules (a single bin).
/// @throws rein::invalid_argument if a or b is not finite or a ≥ b, and as bin_quadrature's constructor
template <class Rate>
auto integrate_interval(const Rate& rate, double a, double b, const bin_integration_options& options = {})
    -> std::decay_t<decltype(rate(0.0))> {
  return bin_quadrature(std::vector<double>{a, b}, options).integrate(rate).front();
}

}  // namespace rein::reweight
