#pragma once

// The map between a box of bounds and ℝⁿ used by every sampler (docs/bayes.md, "Transforms").
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::bayes {

/// Which bounds a parameter has.
enum class bound_kind {
  none,   ///< (−∞, ∞): x = y
  lower,  ///< [a, ∞): x = a + exp(y)
  upper,  ///< (−∞, b]: x = b − exp(y)
  both,   ///< [a, b]: x = a + (b − a)·logistic(y)
};

/// The componentwise map x = T(y) from unconstrained y ∈ ℝⁿ to the box of bounds, with its log
/// Jacobian. Per component:
///
/// | bounds   | x = T(y)                       | ln \|dx/dy\|                          |
/// |----------|--------------------------------|----------------------------------------|
/// | none     | y                              | 0                                      |
/// | [a, ∞)   | a + eʸ                         | y                                      |
/// | (−∞, b]  | b − eʸ                         | y                                      |
/// | [a, b]   | a + (b − a)·σ(y), σ = 1/(1+e⁻ʸ) | ln(b − a) + ln σ(y) + ln σ(−y)         |
///
/// A density p(x) becomes p(T(y))·|det J(y)| on y; the gradient follows the chain rule
/// ∂/∂yᵢ = ∂ ln p/∂xᵢ · dxᵢ/dyᵢ + d ln|dxᵢ/dyᵢ|/dyᵢ, the last term being 0, 1, 1 and 1 − 2σ(y).
/// For [a, b], y > 0 is evaluated as b − (b − a)·σ(−y) so that both ends keep full precision;
/// results are clamped into [a, b].
class unconstrained_transform {
 public:
  unconstrained_transform() = default;

  /// @param lower lower bounds (−∞ for none)
  /// @param upper upper bounds (+∞ for none)
  /// @throws rein::invalid_argument if the sizes differ, or for an index with NaN, lower ≥ upper,
  ///         lower = +∞ or upper = −∞ (the message names the index and both values)
  unconstrained_transform(Eigen::VectorXd lower, Eigen::VectorXd upper)
      : m_lower(std::move(lower)), m_upper(std::move(upper)) {
    const std::string function = "rein::bayes::unconstrained_transform";
    rein::detail::check(m_lower.size() == m_upper.size(), function + ": lower has " + std::to_string(m_lower.size()) +
                                                              " entries, upper has " + std::to_string(m_upper.size()) +
                                                              ", must be equal");
    m_kind.resize(static_cast<std::size_t>(m_lower.size()));
    m_width.resize(m_lower.size());
    m_log_width.resize(m_lower.size());
    constexpr double inf = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < m_lower.size(); ++i) {
      const double a = m_lower[i], b = m_upper[i];
      if (!(a < b) || a == inf || b == -inf)
        throw invalid_argument(function + ": index " + std::to_string(i) + " has lower = " +
                               rein::detail::format_value(a) + " and upper = " + rein::detail::format_value(b) +
                               ", must satisfy lower < upper (±inf allowed, no NaN)");
      const bool has_lower = a > -inf, has_upper = b < inf;
      m_kind[static_cast<std::size_t>(i)] = has_lower && has_upper ? bound_kind::both
                                            : has_lower            ? bound_kind::lower
                                            : has_upper            ? bound_kind::upper
                                                                   : bound_kind::none;
      m_width[i] = b - a;
      m_log_width[i] = std::log(b - a);
    }
  }

  /// The number of parameters.
  [[nodiscard]] std::size_t size() const { return m_kind.size(); }
  [[nodiscard]] bound_kind kind(std::size_t i) const { return m_kind[i]; }
  [[nodiscard]] const Eigen::VectorXd& lower() const { return m_lower; }
  [[nodiscard]] const Eigen::VectorXd& upper() const { return m_upper; }

  /// x = T(y), written into `x` (resized).
  void to_constrained(const Eigen::VectorXd& y, Eigen::VectorXd& x) const {
    x.resize(y.size());
    for (Eigen::Index i = 0; i < y.size(); ++i) x[i] = component(i, y[i]);
  }

  /// x = T(y).
  [[nodiscard]] Eigen::VectorXd to_constrained(const Eigen::VectorXd& y) const {
    Eigen::VectorXd x;
    to_constrained(y, x);
    return x;
  }

  /// y = T⁻¹(x): y = x, ln(x − a), ln(b − x), ln(x − a) − ln(b − x). A point on a finite bound maps
  /// to ∓∞; outside the bounds the result is NaN.
  [[nodiscard]] Eigen::VectorXd to_unconstrained(const Eigen::VectorXd& x) const {
    Eigen::VectorXd y(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double a = m_lower[i], b = m_upper[i], v = x[i];
      const bool inside = v >= a && v <= b;
      switch (m_kind[static_cast<std::size_t>(i)]) {
        case bound_kind::none: y[i] = v; break;
        case bound_kind::lower: y[i] = inside ? std::log(v - a) : std::numeric_limits<double>::quiet_NaN(); break;
        case bound_kind::upper: y[i] = inside ? std::log(b - v) : std::numeric_limits<double>::quiet_NaN(); break;
        case bound_kind::both:
          y[i] = inside ? std::log(v - a) - std::log(b - v) : std::numeric_limits<double>::quiet_NaN();
          break;
      }
    }
    return y;
  }

  /// ln|det J(y)| = Σᵢ ln|dxᵢ/dyᵢ|.
  [[nodiscard]] double log_abs_det_jacobian(const Eigen::VectorXd& y) const {
    double sum = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) sum += log_jacobian(i, y[i]);
    return sum;
  }

  /// Turns a value and gradient on x into the value and gradient on y: returns
  /// `log_prob_x + ln|det J(y)|` and, when `gradient` is not null, replaces the ∂/∂x it holds by
  /// ∂/∂y (chain rule, see the class comment).
  double to_unconstrained_density(const Eigen::VectorXd& y, double log_prob_x, Eigen::VectorXd* gradient) const {
    double sum = log_prob_x;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      const double v = y[i];
      switch (m_kind[static_cast<std::size_t>(i)]) {
        case bound_kind::none: break;
        case bound_kind::lower:
          sum += v;
          if (gradient) (*gradient)[i] = (*gradient)[i] * std::exp(v) + 1.0;
          break;
        case bound_kind::upper:
          sum += v;
          if (gradient) (*gradient)[i] = -(*gradient)[i] * std::exp(v) + 1.0;
          break;
        case bound_kind::both: {
          const double s = logistic(v), s_minus = logistic(-v);
          sum += m_log_width[i] + log_logistic(v) + log_logistic(-v);
          if (gradient) (*gradient)[i] = (*gradient)[i] * m_width[i] * s * s_minus + (s_minus - s);
          break;
        }
      }
    }
    return sum;
  }

  /// σ(y) = 1/(1 + e⁻ʸ), evaluated without overflow.
  static double logistic(double y) {
    if (y >= 0) return 1.0 / (1.0 + std::exp(-y));
    const double e = std::exp(y);
    return e / (1.0 + e);
  }

  /// ln σ(y) = −ln(1 + e⁻ʸ), evaluated without overflow.
  static double log_logistic(double y) {
    return y >= 0 ? -std::log1p(std::exp(-y)) : y - std::log1p(std::exp(y));
  }

 private:
  double component(Eigen::Index i, double y) const {
    const double a = m_lower[i], b = m_upper[i];
    double x = y;
    switch (m_kind[static_cast<std::size_t>(i)]) {
      case bound_kind::none: return y;
      case bound_kind::lower: x = a + std::exp(y); break;
      case bound_kind::upper: x = b - std::exp(y); break;
      case bound_kind::both: x = y <= 0 ? a + m_width[i] * logistic(y) : b - m_width[i] * logistic(-y); break;
    }
    return x < a ? a : (x > b ? b : x);
  }

  double log_jacobian(Eigen::Index i, double y) const {
    switch (m_kind[static_cast<std::size_t>(i)]) {
      case bound_kind::none: return 0.0;
      case bound_kind::lower:
      case bound_kind::upper: return y;
      case bound_kind::both: return m_log_width[i] + log_logistic(y) + log_logistic(-y);
    }
    return 0.0;
  }

  Eigen::VectorXd m_lower, m_upper;
  std::vector<bound_kind> m_kind;
  Eigen::VectorXd m_width, m_log_width;
};

}  // namespace rein::bayes
