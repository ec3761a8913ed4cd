#pragma once

// The posterior of a HistFactory likelihood: what a sampler needs from a likelihood::model.
#include "rein/bayes/log_posterior.hpp"
#include "rein/bayes/prior.hpp"
#include "rein/bayes/target.hpp"
#include "rein/core/error.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rein::bayes {

/// ln p(θ) = −nll(θ; data) + Σᵢ ln πᵢ(θᵢ) over the model's free parameters (fixed ones stay at
/// their initial values and are not sampled). The likelihood includes the constraint terms, so
/// the auxiliary measurements act as they do in a fit; πᵢ is `priors[name]` when given, otherwise
/// uniform within the parameter's bounds (which must then be finite).
class model_posterior {
 public:
  /// @param model kept by reference: it must outlive this object and the targets made from it
  /// @throws invalid_argument for a prior naming no free parameter of the model, or a parameter
  ///         without a prior whose bounds are not finite
  model_posterior(const likelihood::model& model, likelihood::dataset data, const std::map<std::string, prior>& priors = {})
      : m_model(&model) {
    const auto& layout = model.parameters();
    for (const auto& [name, p] : priors) {
      (void)p;
      if (!layout.contains(name) || layout[layout.index(name)].fixed)
        throw invalid_argument("rein::bayes::model_posterior: a prior is given for '" + name +
                               "', which is not a free parameter of the model");
    }
    std::vector<prior> chosen;
    for (std::size_t i = 0; i < layout.size(); ++i) {
      const auto& p = layout[i];
      if (p.fixed) continue;
      m_sampled.push_back(static_cast<Eigen::Index>(i));
      m_names.push_back(p.name);
      const auto found = priors.find(p.name);
      if (found != priors.end()) {
        chosen.push_back(found->second);
      } else {
        if (!std::isfinite(p.lower) || !std::isfinite(p.upper))
          throw invalid_argument("rein::bayes::model_posterior: parameter '" + p.name +
                                 "' has unbounded range and no prior; give it one");
        chosen.push_back(prior::uniform(p.lower, p.upper));
      }
    }
    const auto* m = &model;
    const auto data_ptr = std::make_shared<const likelihood::dataset>(std::move(data));
    m_data = data_ptr;
    const Eigen::VectorXd full = layout.inits();
    const std::vector<Eigen::Index> sampled = m_sampled;
    m_posterior = std::make_unique<log_posterior>(log_posterior::from_nll(
        [m, data_ptr, full, sampled](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
          Eigen::VectorXd theta = full;
          for (std::size_t k = 0; k < sampled.size(); ++k) theta[sampled[k]] = x[static_cast<Eigen::Index>(k)];
          if (gradient == nullptr) return m->nll(theta, *data_ptr);
          Eigen::VectorXd g;
          const double value = m->nll_and_gradient(theta, *data_ptr, g);
          gradient->resize(x.size());
          for (std::size_t k = 0; k < sampled.size(); ++k) (*gradient)[static_cast<Eigen::Index>(k)] = g[sampled[k]];
          return value;
        },
        std::move(chosen), m_names));
  }

  /// The sampling target over the free parameters, in model order.
  [[nodiscard]] target as_target() const { return m_posterior->as_target(); }
  [[nodiscard]] const log_posterior& posterior() const { return *m_posterior; }
  /// The model whose posterior this is (every parameter, fixed ones too).
  [[nodiscard]] const likelihood::model& model() const { return *m_model; }
  /// The data of the likelihood.
  [[nodiscard]] const likelihood::dataset& data() const { return *m_data; }
  /// The names of the sampled parameters, in model order.
  [[nodiscard]] const std::vector<std::string>& names() const { return m_names; }
  /// A start point for the samplers from a full parameter vector (e.g. a best fit): its sampled
  /// components, each moved at least `margin`·(upper − lower) inside its prior's bounds (the
  /// samplers work on the open interval; a best fit often sits on a bound).
  [[nodiscard]] Eigen::VectorXd start_point(const Eigen::VectorXd& theta, double margin = 1e-3) const {
    const Eigen::VectorXd lower = m_posterior->lower(), upper = m_posterior->upper();
    Eigen::VectorXd x(static_cast<Eigen::Index>(m_sampled.size()));
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      const double inset = std::isfinite(upper[k] - lower[k]) ? margin * (upper[k] - lower[k]) : margin;
      x[k] = std::clamp(theta[m_sampled[static_cast<std::size_t>(k)]], lower[k] + inset, upper[k] - inset);
    }
    return x;
  }

 private:
  const likelihood::model* m_model;
  std::shared_ptr<const likelihood::dataset> m_data;
  std::vector<Eigen::Index> m_sampled;
  std::vector<std::string> m_names;
  std::unique_ptr<log_posterior> m_posterior;
};

}  // namespace rein::bayes
