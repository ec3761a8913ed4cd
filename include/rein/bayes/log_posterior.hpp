#pragma once

// ln p(θ | data) = ln L(θ) + Σᵢ ln πᵢ(θᵢ): a log-likelihood callable plus independent priors.
#include "rein/bayes/prior.hpp"
#include "rein/bayes/target.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::bayes {

/// A log posterior ln L(θ) + Σᵢ ln πᵢ(θᵢ) (up to a constant) on the constrained space, with the
/// bounds of each parameter taken from its prior.
///
/// With a HistFactory likelihood, ln L = −nll including the constraint terms (use `from_nll`): the
/// auxiliary measurements are then already in the likelihood, and the priors on the nuisance
/// parameters are typically flat within their bounds. Thread-safe when the likelihood and the
/// custom priors are.
class log_posterior {
 public:
  /// @param log_likelihood ln L(θ) with optional gradient (see log_density)
  /// @param priors one prior per parameter
  /// @param names parameter names: empty or one per prior
  /// @throws rein::invalid_argument if log_likelihood is empty, priors is empty, names has the
  ///         wrong size, or a prior is invalid (see prior::check; the message names the
  ///         parameter and its index)
  log_posterior(rein::bayes::log_density log_likelihood, std::vector<prior> priors, std::vector<std::string> names = {})
      : m_log_likelihood(std::move(log_likelihood)), m_priors(std::move(priors)), m_names(std::move(names)) {
    const std::string function = "rein::bayes::log_posterior";
    rein::detail::check(static_cast<bool>(m_log_likelihood), function + ": log_likelihood is empty, must be a callable");
    rein::detail::check(!m_priors.empty(), function + ": priors is empty, must hold one prior per parameter");
    rein::detail::check(m_names.empty() || m_names.size() == m_priors.size(),
                        function + ": names has " + std::to_string(m_names.size()) + " entries, must be 0 or " +
                            std::to_string(m_priors.size()) + " (one per prior)");
    for (std::size_t i = 0; i < m_priors.size(); ++i)
      m_priors[i].check(function + ": prior of parameter '" + name(i) + "' (index " + std::to_string(i) + ")");
  }

  /// A log posterior whose likelihood is given as nll(θ) = −ln L(θ) with gradient (rein's
  /// convention for fit objectives and likelihood::model).
  /// @throws rein::invalid_argument as the constructor
  [[nodiscard]] static log_posterior from_nll(
      std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)> nll, std::vector<prior> priors,
      std::vector<std::string> names = {}) {
    rein::detail::check(static_cast<bool>(nll), "rein::bayes::log_posterior::from_nll: nll is empty, must be a callable");
    auto log_likelihood = [nll = std::move(nll)](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
      const double value = nll(x, gradient);
      if (gradient) *gradient = -*gradient;
      return -value;
    };
    return log_posterior(std::move(log_likelihood), std::move(priors), std::move(names));
  }

  /// The number of parameters.
  [[nodiscard]] std::size_t size() const { return m_priors.size(); }
  [[nodiscard]] const std::vector<prior>& priors() const { return m_priors; }
  /// The name of parameter i, "x[i]" when no names were given.
  [[nodiscard]] std::string name(std::size_t i) const {
    return i < m_names.size() ? m_names[i] : "x[" + std::to_string(i) + "]";
  }

  /// The priors' lower bounds.
  [[nodiscard]] Eigen::VectorXd lower() const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(size()));
    for (std::size_t i = 0; i < size(); ++i) v[static_cast<Eigen::Index>(i)] = m_priors[i].lower();
    return v;
  }

  /// The priors' upper bounds.
  [[nodiscard]] Eigen::VectorXd upper() const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(size()));
    for (std::size_t i = 0; i < size(); ++i) v[static_cast<Eigen::Index>(i)] = m_priors[i].upper();
    return v;
  }

  /// Σᵢ ln πᵢ(xᵢ), and its gradient written into `*gradient` (sized by the caller) when not null.
  double log_prior(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const {
    double sum = 0;
    for (std::size_t i = 0; i < size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      double derivative = 0;
      sum += m_priors[i].log_density(x[k], gradient ? &derivative : nullptr);
      if (gradient) (*gradient)[k] = derivative;
    }
    return sum;
  }

  /// ln L(x) + Σᵢ ln πᵢ(xᵢ); with `gradient` not null (sized by the caller) also its gradient. The
  /// likelihood is not called where the prior is zero (−∞ is returned at once).
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const {
    const double prior_value = log_prior(x, nullptr);
    if (prior_value == -std::numeric_limits<double>::infinity()) {
      if (gradient) gradient->setZero();
      return prior_value;
    }
    const double likelihood = m_log_likelihood(x, gradient);
    if (!gradient) return likelihood + prior_value;
    for (std::size_t i = 0; i < size(); ++i) {
      double derivative = 0;
      m_priors[i].log_density(x[static_cast<Eigen::Index>(i)], &derivative);
      (*gradient)[static_cast<Eigen::Index>(i)] += derivative;
    }
    return likelihood + prior_value;
  }

  /// The sampling target: this log posterior (copied) with the priors' bounds and the names.
  [[nodiscard]] target as_target() const {
    std::vector<std::string> names(size());
    for (std::size_t i = 0; i < size(); ++i) names[i] = name(i);
    return target{*this, lower(), upper(), std::move(names)};
  }

 private:
  rein::bayes::log_density m_log_likelihood;
  std::vector<prior> m_priors;
  std::vector<std::string> m_names;
};

}  // namespace rein::bayes
