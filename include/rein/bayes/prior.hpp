#pragma once

// One-dimensional priors: uniform, normal, log-uniform and user callables, each with the bounds
// of its parameter.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>

namespace rein::bayes {

/// Which family a prior belongs to.
enum class prior_kind {
  uniform,      ///< constant on [lower, upper]
  normal,       ///< N(mean, sigma²), truncated to [lower, upper]
  log_uniform,  ///< ∝ 1/x on [lower, upper], 0 < lower
  custom,       ///< a user callable on [lower, upper]
};

/// The family as a lower-case word: "uniform", "normal", "log_uniform", "custom".
inline const char* to_string(prior_kind kind) noexcept {
  switch (kind) {
    case prior_kind::uniform: return "uniform";
    case prior_kind::normal: return "normal";
    case prior_kind::log_uniform: return "log_uniform";
    case prior_kind::custom: return "custom";
  }
  return "unknown";
}

/// A prior density π(x) for one parameter, together with the parameter's bounds (the samplers
/// draw inside them, see unconstrained_transform). Built with the factories below; they do not
/// check their arguments: log_posterior does, and names the parameter in its messages.
///
/// ln π(x), −∞ outside [lower, upper]:
/// - uniform: −ln(upper − lower), or 0 when a bound is infinite (an improper flat prior);
/// - normal: −½((x − mean)/sigma)² − ln sigma − ½ ln 2π (the truncation to [lower, upper] only
///   changes the normalisation, which is not included);
/// - log_uniform: −ln x − ln(ln upper − ln lower), or −ln x when upper = ∞ (improper);
/// - custom: the callable's value.
class prior {
 public:
  /// A user log density: `f(x, derivative)` returns ln π(x) and, when `derivative != nullptr`,
  /// writes d ln π/dx into `*derivative`. Must be thread-safe.
  using function = std::function<double(double x, double* derivative)>;

  /// Uniform on [lower, upper]; infinite bounds make it an improper flat prior.
  [[nodiscard]] static prior uniform(double lower, double upper) {
    return prior(prior_kind::uniform, lower, upper, 0.0, 1.0, {});
  }

  /// Normal N(mean, sigma²), optionally truncated to [lower, upper].
  [[nodiscard]] static prior normal(double mean, double sigma,
                                    double lower = -std::numeric_limits<double>::infinity(),
                                    double upper = std::numeric_limits<double>::infinity()) {
    return prior(prior_kind::normal, lower, upper, mean, sigma, {});
  }

  /// Log-uniform (∝ 1/x) on [lower, upper] with 0 < lower; upper = ∞ makes it improper.
  [[nodiscard]] static prior log_uniform(double lower, double upper) {
    return prior(prior_kind::log_uniform, lower, upper, 0.0, 1.0, {});
  }

  /// A user log density on [lower, upper], see `function`.
  [[nodiscard]] static prior custom(function log_pdf, double lower = -std::numeric_limits<double>::infinity(),
                                    double upper = std::numeric_limits<double>::infinity()) {
    return prior(prior_kind::custom, lower, upper, 0.0, 1.0, std::move(log_pdf));
  }

  [[nodiscard]] prior_kind kind() const { return m_kind; }
  [[nodiscard]] double lower() const { return m_lower; }
  [[nodiscard]] double upper() const { return m_upper; }
  /// normal: the mean (0 for the other families).
  [[nodiscard]] double mean() const { return m_mean; }
  /// normal: the standard deviation (1 for the other families).
  [[nodiscard]] double sigma() const { return m_sigma; }

  /// ln π(x) as in the class comment; when `derivative != nullptr`, also d ln π/dx (0 outside
  /// the bounds).
  double log_density(double x, double* derivative) const {
    if (derivative) *derivative = 0.0;
    if (!(x >= m_lower && x <= m_upper)) return -std::numeric_limits<double>::infinity();
    switch (m_kind) {
      case prior_kind::uniform: {
        const double width = m_upper - m_lower;
        return std::isfinite(width) ? -std::log(width) : 0.0;
      }
      case prior_kind::normal: {
        const double z = (x - m_mean) / m_sigma;
        if (derivative) *derivative = -z / m_sigma;
        return -0.5 * z * z - std::log(m_sigma) - half_log_two_pi;
      }
      case prior_kind::log_uniform: {
        if (derivative) *derivative = -1.0 / x;
        const double norm = std::isfinite(m_upper) ? std::log(std::log(m_upper) - std::log(m_lower)) : 0.0;
        return -std::log(x) - norm;
      }
      case prior_kind::custom: return m_function(x, derivative);
    }
    return std::numeric_limits<double>::quiet_NaN();
  }

  /// Checks the prior's arguments.
  /// @param where the context for the message, e.g. "rein::bayes::log_posterior: prior of parameter 'mu' (index 0)"
  /// @throws rein::invalid_argument for NaN bounds, lower ≥ upper, lower = +∞ or upper = −∞; for a
  ///         normal prior a non-finite mean or a sigma that is not finite and > 0; for a
  ///         log-uniform prior lower ≤ 0; for a custom prior an empty callable. The message
  ///         names the family, the offending value(s) and the requirement.
  void check(const std::string& where) const {
    const std::string head = where + ": " + to_string(m_kind) + " prior ";
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (!(m_lower < m_upper) || m_lower == inf || m_upper == -inf)
      throw invalid_argument(head + "has lower = " + rein::detail::format_value(m_lower) +
                             " and upper = " + rein::detail::format_value(m_upper) +
                             ", must satisfy lower < upper (±inf allowed, no NaN)");
    switch (m_kind) {
      case prior_kind::uniform: break;
      case prior_kind::normal:
        if (!std::isfinite(m_mean))
          throw invalid_argument(head + "has mean = " + rein::detail::format_value(m_mean) + ", must be finite");
        if (!(m_sigma > 0) || !std::isfinite(m_sigma))
          throw invalid_argument(head + "has sigma = " + rein::detail::format_value(m_sigma) +
                                 ", must be finite and > 0");
        break;
      case prior_kind::log_uniform:
        if (!(m_lower > 0))
          throw invalid_argument(head + "has lower = " + rein::detail::format_value(m_lower) + ", must be > 0");
        break;
      case prior_kind::custom:
        if (!m_function) throw invalid_argument(head + "has an empty callable");
        break;
    }
  }

 private:
  static constexpr double half_log_two_pi = 0.918938533204672741780329736405617639861;

  prior(prior_kind kind, double lower, double upper, double mean, double sigma, function f)
      : m_kind(kind), m_lower(lower), m_upper(upper), m_mean(mean), m_sigma(sigma), m_function(std::move(f)) {}

  prior_kind m_kind = prior_kind::uniform;
  double m_lower = 0, m_upper = 1;
  double m_mean = 0, m_sigma = 1;
  function m_function;
};

/// The prior of the family `family` as front ends spell it (`rein sample --prior NAME=FAMILY:A:B`,
/// rein.sample's priors={name: (family, a, b)}): "uniform" on [a, b], "normal" with mean a and
/// sigma b, "log-uniform" on [a, b]. Its arguments are checked where the prior is used
/// (log_posterior, naming the parameter).
/// @param what names the prior in messages, e.g. "--prior 'mu=flat:0:1'"
/// @throws invalid_argument "WHAT: 'FAMILY' is not a prior family; it must be uniform, normal or
///         log-uniform" for any other family
[[nodiscard]] inline prior prior_of_family(const std::string& family, double a, double b, const std::string& what) {
  if (family == "uniform") return prior::uniform(a, b);
  if (family == "normal") return prior::normal(a, b);
  if (family == "log-uniform") return prior::log_uniform(a, b);
  throw invalid_argument(what + ": '" + family + "' is not a prior family; it must be uniform, normal or log-uniform");
}

}  // namespace rein::bayes
