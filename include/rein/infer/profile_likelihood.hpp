#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/likelihood/model/dataset.hpp"
#include "rein/likelihood/model/model.hpp"

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace rein::infer {

namespace detail {

/// True when the model has a modifier that can make nll non-convex in its parameter: a histosys or
/// normsys with interpolation code0 (a kink at 0) or code2 (its quadratic and linear pieces), or a
/// custom modifier (any function). Fits of such models start from the inits (docs/fit.md).
inline bool has_nonconvex_modifier(const likelihood::model& model) {
  if (!model.custom_modifiers().empty()) return true;
  for (const auto& s : model.samples())
    if (s.nonconvex_interpolation) return true;
  return false;
}

}  // namespace detail

/// The profile likelihood of one dataset in the parameter of interest μ: the free fit, computed
/// once, and conditional fits θ̂̂(μ), memoised per μ. The free fit starts at the model's inits,
/// pyhf's and ROOT's convention: on a non-convex likelihood the minimum reported is the one reached
/// from there (docs/fit.md). A conditional fit starts there too (the POI set to μ) when the model
/// has a non-convex modifier (detail::has_nonconvex_modifier) or `options.start` is given; otherwise
/// it is warm-started from the `ok` fit at the nearest μ already computed (the free fit included),
/// with the POI set to μ and the last minimiser Hessian as start matrix. Not thread-safe: one
/// instance per thread.
class profile_likelihood {
 public:
  /// @throws invalid_argument if the model has no parameter of interest or holds it fixed.
  profile_likelihood(const likelihood::model& model, likelihood::dataset data, fit::fit_options options = {})
      : m_model(&model), m_data(std::move(data)), m_options(std::move(options)), m_poi(model.parameters().poi_index()),
        m_warm_start(!m_options.start && !detail::has_nonconvex_modifier(model)) {
    const auto& name = model.parameters()[m_poi].name;
    if (model.parameters()[m_poi].fixed)
      throw invalid_argument("rein::infer::profile_likelihood: the parameter of interest '" + name + "' is fixed");
    for (const auto& held : m_options.fixed)
      if (held.first.refers_to(model.parameters(), m_poi))
        throw invalid_argument("rein::infer::profile_likelihood: the parameter of interest '" + name +
                               "' is among the fixed parameters");
  }

  [[nodiscard]] const likelihood::model& model() const { return *m_model; }
  [[nodiscard]] const likelihood::dataset& data() const { return m_data; }
  [[nodiscard]] std::size_t poi() const { return m_poi; }
  [[nodiscard]] const std::string& poi_name() const { return m_model->parameters()[m_poi].name; }
  [[nodiscard]] const fit::fit_options& options() const { return m_options; }

  /// The unconditional fit (μ̂, θ̂).
  const fit::fit_result& free_fit() const {
    if (!m_free) {
      fit::fit_options options = m_options;
      m_free = fit::fit(*m_model, m_data, options);
      keep_hessian(*m_free);
    }
    return *m_free;
  }

  [[nodiscard]] double mu_hat() const { return free_fit().values[static_cast<Eigen::Index>(m_poi)]; }

  /// The conditional fit θ̂̂(μ).
  /// @throws invalid_argument when μ is NaN or lies outside the POI's bounds.
  const fit::fit_result& conditional_fit(double mu) const {
    // NaN is equivalent to every key of the cache: it would return another μ's fit
    if (std::isnan(mu))
      throw invalid_argument("rein::infer::profile_likelihood: the parameter of interest '" + m_model->parameters()[m_poi].name +
                             "' = nan, must be a number");
    const auto found = m_conditional.find(mu);
    if (found != m_conditional.end()) return found->second;
    fit::fit_options options = m_options;
    options.fixed.emplace_back(m_poi, mu);
    options.errors = false;
    if (const fit::fit_result* near = m_warm_start ? nearest_ok_fit(mu) : nullptr) {
      Eigen::VectorXd start = near->values;
      start[static_cast<Eigen::Index>(m_poi)] = mu;
      options.start = std::move(start);
      if (options.minimizer.start_hessian.size() == 0) options.minimizer.start_hessian = m_hessian;
    }
    auto result = fit::fit(*m_model, m_data, options);
    keep_hessian(result);
    return m_conditional.emplace(mu, std::move(result)).first->second;
  }

  /// t(μ) = max(0, 2[nll(μ, θ̂̂) − nll(μ̂, θ̂)]).
  [[nodiscard]] double t(double mu) const {
    const double value = conditional_fit(mu).twice_nll - free_fit().twice_nll;
    return value > 0 ? value : 0.0;
  }

  /// The test statistic at μ.
  [[nodiscard]] double statistic(test_statistic kind, double mu) const {
    return test_statistic_value(kind, t(mu), mu_hat(), mu);
  }

  /// The worst status of the fits that t(μ) needs: the free fit and θ̂̂(μ).
  [[nodiscard]] fit::fit_status status_at(double mu) const {
    const fit::fit_status conditional = conditional_fit(mu).status;
    return free_fit().status != fit::fit_status::ok ? free_fit().status : conditional;
  }

  /// The worst status among the fits done so far (ok when all converged).
  [[nodiscard]] fit::fit_status worst_status() const {
    fit::fit_status worst = m_free ? m_free->status : fit::fit_status::ok;
    for (const auto& [mu, result] : m_conditional)
      if (result.status != fit::fit_status::ok) worst = result.status;
    return worst;
  }

 private:
  const likelihood::model* m_model;
  likelihood::dataset m_data;
  fit::fit_options m_options;
  std::size_t m_poi;
  mutable std::optional<fit::fit_result> m_free;
  mutable std::map<double, fit::fit_result> m_conditional;
  bool m_warm_start = false;
  mutable Eigen::MatrixXd m_hessian;  ///< the last fit's minimiser Hessian (moved out of the stored fits)

  /// The `ok` fit (free, or conditional at the nearest μ) to warm-start a conditional fit at μ from.
  const fit::fit_result* nearest_ok_fit(double mu) const {
    const fit::fit_result* best = m_free && m_free->ok() ? &*m_free : nullptr;
    double distance = best ? std::abs(best->values[static_cast<Eigen::Index>(m_poi)] - mu) : 0.0;
    for (const auto& [at, fit] : m_conditional)
      if (fit.ok() && (!best || std::abs(at - mu) < distance)) {
        best = &fit;
        distance = std::abs(at - mu);
      }
    return best;
  }

  /// Moves a fit's n × n minimiser Hessian into m_hessian (memoised fits do not keep one each).
  void keep_hessian(fit::fit_result& fit) const {
    if (fit.ok() && fit.hessian.size() != 0) m_hessian = std::move(fit.hessian);
    fit.hessian.resize(0, 0);
  }
};

/// The Asimov dataset at θ: expected main counts and the auxiliary data the constraints expect.
inline likelihood::dataset asimov_data(const likelihood::model& model, const Eigen::VectorXd& theta) {
  return {model.expected_main(theta), model.expected_aux(theta)};
}

}  // namespace rein::infer
