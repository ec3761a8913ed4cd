#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/model/dataset.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rein::infer {

/// Pull and constraint of one parameter after a fit (docs/infer_impacts.md).
///
/// For a constrained parameter with auxiliary datum a and pre-fit width σ (in the parameter's own
/// units): normal N(a | θ, σ): centre a, width σ; continuous Poisson Pois(a | τθ): centre a/τ,
/// width 1/√τ (the relative uncertainty of a shapesys, pyhf's τ = (ν⁰/δ)²). Then
/// pull = (θ̂ − centre)/σ and constraint = σ̂/σ, σ̂ the post-fit (Hessian) error. Unconstrained
/// parameters carry value ± error only; their centre, width, pull and constraint are NaN.
struct parameter_pull {
  std::string name;
  std::size_t index = 0;  ///< position in the model's parameter layout
  bool constrained = false;
  double value = 0;       ///< θ̂
  double error = 0;       ///< σ̂ from the Hessian; NaN when the fit's covariance is not usable
  double prefit_center = std::numeric_limits<double>::quiet_NaN();
  double prefit_sigma = std::numeric_limits<double>::quiet_NaN();
  double pull = std::numeric_limits<double>::quiet_NaN();
  double constraint = std::numeric_limits<double>::quiet_NaN();
};

/// The pre-fit centre and width of parameter `index`, given the auxiliary datum of its constraint
/// (see parameter_pull); NaN for both when the parameter is unconstrained.
inline std::pair<double, double> prefit_center_and_sigma(const parameter& p, double aux) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  switch (p.constraint) {
    case constraint_kind::normal: return {aux, p.sigma};
    case constraint_kind::poisson: return {aux / p.factor, 1 / std::sqrt(p.factor)};
    case constraint_kind::none: break;
  }
  return {nan, nan};
}

/// Pulls and constraints of every parameter that was free in `fit` (POI included, as value ±
/// error), in layout order, with the pre-fit centres taken from `data`'s auxiliary data.
/// @throws invalid_argument if `fit` does not belong to `model` (wrong number of values) or `data`
///         has the wrong number of auxiliary data.
[[nodiscard]] inline std::vector<parameter_pull> pulls(const likelihood::model& model, const likelihood::dataset& data,
                                                       const fit::fit_result& fit) {
  const auto& layout = model.parameters();
  const auto n = layout.size();
  if (static_cast<std::size_t>(fit.values.size()) != n || static_cast<std::size_t>(fit.errors.size()) != n ||
      fit.fixed.size() != n)
    throw invalid_argument("rein::infer::pulls: the fit result has " + std::to_string(fit.values.size()) +
                           " values, the model has " + std::to_string(n) + " parameters");
  if (static_cast<std::size_t>(data.aux.size()) != model.constrained().size())
    throw invalid_argument("rein::infer::pulls: data has " + std::to_string(data.aux.size()) +
                           " auxiliary data, the model has " + std::to_string(model.constrained().size()) +
                           " constrained parameters");
  std::vector<double> aux(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < model.constrained().size(); ++k)
    aux[model.constrained()[k]] = data.aux[static_cast<Eigen::Index>(k)];
  std::vector<parameter_pull> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (fit.fixed[i]) continue;
    const auto& p = layout[i];
    parameter_pull r;
    r.name = p.name;
    r.index = i;
    r.constrained = p.constraint != constraint_kind::none;
    r.value = fit.values[static_cast<Eigen::Index>(i)];
    r.error = fit.covariance_ok ? fit.errors[static_cast<Eigen::Index>(i)] : std::numeric_limits<double>::quiet_NaN();
    if (r.constrained) {
      std::tie(r.prefit_center, r.prefit_sigma) = prefit_center_and_sigma(p, aux[i]);
      r.pull = (r.value - r.prefit_center) / r.prefit_sigma;
      r.constraint = r.error / r.prefit_sigma;
    }
    out.push_back(std::move(r));
  }
  return out;
}

/// Impact of one parameter θ_i on the parameter of interest μ (Combine's definition): θ_i held at
/// θ̂_i ∓ σ̂_i (post-fit) and at θ̂_i ∓ σ_i (pre-fit), clipped into its bounds, every other free
/// parameter refitted; the impact is Δμ = μ̂(θ_i held) − μ̂. Arrays are {down, up}: down holds
/// θ_i at the lower value. Entries that could not be computed (no usable post-fit error; no pre-fit
/// width for an unconstrained parameter) are NaN. A held value that clipping makes equal to θ̂_i
/// gives Δμ = 0 without a fit.
struct parameter_impact : parameter_pull {
  std::array<double, 2> postfit_held{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
  std::array<double, 2> prefit_held{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
  std::array<double, 2> impact_postfit{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
  std::array<double, 2> impact_prefit{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
  fit::fit_status status = fit::fit_status::ok;  ///< the worst status of this parameter's fits

  /// The ranking key: max(|Δμ⁻|, |Δμ⁺|) post-fit, or pre-fit when the post-fit impacts are NaN,
  /// or −1 when both are.
  [[nodiscard]] double rank_value() const {
    const auto largest = [](const std::array<double, 2>& a) {
      return std::isnan(a[0]) || std::isnan(a[1]) ? -1.0 : std::max(std::abs(a[0]), std::abs(a[1]));
    };
    const double post = largest(impact_postfit);
    return post >= 0 ? post : largest(impact_prefit);
  }
};

/// Settings of `impacts`.
struct impacts_options {
  /// The parameters whose impacts are wanted; empty: every parameter that is free in the fit,
  /// except the POI.
  std::vector<std::string> parameters;
  /// Also compute the pre-fit impacts (two more fits per constrained parameter).
  bool prefit = true;
  /// Worker threads, ≥ 1; the results do not depend on it.
  unsigned threads = 1;
  /// Options of every fit (extra fixed parameters, minimiser settings); `start` and `errors` are
  /// set by `impacts` itself.
  fit::fit_options fit;
  /// Called now and then with (fits done, fits in all) from the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Impacts of a set of parameters on the POI, ranked.
struct impacts_result {
  std::string poi;
  std::size_t poi_index = 0;
  double mu_hat = 0;
  double mu_error = 0;   ///< Hessian error of μ̂; NaN when the covariance is not usable
  fit::fit_result free_fit;
  std::vector<parameter_impact> impacts;  ///< descending rank_value(); ties in layout order
  std::size_t fits = 0;                   ///< conditional fits run
  fit::fit_status status = fit::fit_status::ok;  ///< the worst status of all fits, the free one included
};

namespace detail {

inline bool worse(fit::fit_status a, fit::fit_status b) { return a != fit::fit_status::ok && b == fit::fit_status::ok; }

/// The conditional fits of `impacts`: each held value of each chosen parameter, {post down, post
/// up, pre down, pre up}, and the fit (task) that gives μ̂ there; one fit per distinct value that
/// differs from θ̂_i.
struct impact_plan {
  struct task {
    std::size_t item;  ///< index into the chosen parameters
    double value;      ///< where the parameter is held
  };
  std::vector<std::array<double, 4>> held_values;  ///< per chosen parameter; NaN: not computed
  std::vector<std::array<std::size_t, 4>> task_of;  ///< index into tasks; unused when not fitted
  std::vector<task> tasks;
};

/// The parameters `impacts` holds in every fit: the model's fixed ones and options.fit.fixed;
/// checks that the POI stays free, since the impacts are shifts of its fitted value.
inline std::vector<bool> impacts_held(const parameter_layout& layout, std::size_t poi, const impacts_options& options) {
  constexpr const char* function = "rein::infer::impacts";
  std::vector<bool> held = layout.fixed();
  for (const auto& fixed : options.fit.fixed) {
    if (!fixed.first.in(layout))
      throw invalid_argument(std::string(function) + ": options.fit.fixed names '" + fixed.first.name_in(layout) +
                             "', not a parameter of the model");
    held[fixed.first.index_in(layout)] = true;
  }
  if (held[poi])
    throw invalid_argument(std::string(function) + ": the parameter of interest '" + layout[poi].name +
                           "' is fixed (by the model or options.fit.fixed); impacts need it free");
  return held;
}

/// The parameters whose impacts are wanted (layout indices): options.parameters checked one by
/// one, or every free parameter except the POI when it is empty.
inline std::vector<std::size_t> impacts_chosen(const parameter_layout& layout, std::size_t poi, const std::vector<bool>& held,
                                               const impacts_options& options) {
  constexpr const char* function = "rein::infer::impacts";
  std::vector<std::size_t> chosen;
  if (options.parameters.empty()) {
    for (std::size_t i = 0; i < layout.size(); ++i)
      if (i != poi && !held[i] && layout[i].lower < layout[i].upper) chosen.push_back(i);
    return chosen;
  }
  for (std::size_t k = 0; k < options.parameters.size(); ++k) {
    const std::string& name = options.parameters[k];
    const std::string where = std::string(function) + ": options.parameters[" + std::to_string(k) + "] = '" + name + "'";
    if (!layout.contains(name)) throw invalid_argument(where + " is not a parameter of the model");
    const std::size_t i = layout.index(name);
    if (i == poi) throw invalid_argument(where + " is the parameter of interest; impacts are on it, not of it");
    if (held[i] || !(layout[i].lower < layout[i].upper))
      throw invalid_argument(where + " is fixed (by the model, its bounds or options.fit.fixed); impacts need a free parameter");
    for (std::size_t j = 0; j < k; ++j)
      if (options.parameters[j] == name)
        throw invalid_argument(where + " appears twice (also at index " + std::to_string(j) + ")");
    chosen.push_back(i);
  }
  return chosen;
}

/// The free fit's Hessian, which starts every conditional fit (no finite-difference start matrix
/// per fit); empty when the free fit or its Hessian is not finite.
inline Eigen::MatrixXd impacts_start_hessian(const likelihood::model& model, const likelihood::dataset& data,
                                             const fit::fit_result& free) {
  Eigen::MatrixXd start_hessian;
  if (std::isfinite(free.nll)) {
    const auto& layout = model.parameters();
    start_hessian = fit::hessian(fit::nll_objective(model, data), free.values, layout.lower_bounds(), layout.upper_bounds(), free.fixed);
    if (!start_hessian.allFinite()) start_hessian.resize(0, 0);
  }
  return start_hessian;
}

/// The held values of each chosen parameter (θ̂_i ∓ σ̂_i post-fit, θ̂_i ∓ σ_i pre-fit when wanted,
/// clipped into its bounds) and the distinct fits they need.
inline impact_plan plan_impacts(const parameter_layout& layout, const std::vector<std::size_t>& chosen,
                                const std::vector<const parameter_pull*>& pull_of, bool prefit) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  impact_plan plan;
  plan.held_values.resize(chosen.size());
  plan.task_of.resize(chosen.size());
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const std::size_t i = chosen[k];
    const auto& p = *pull_of[i];
    const double clip_lo = layout[i].lower, clip_hi = layout[i].upper;
    const auto clip = [&](double x) { return std::isnan(x) ? x : std::min(std::max(x, clip_lo), clip_hi); };
    const double post = p.error > 0 ? p.error : nan;
    const double pre = prefit && p.constrained ? p.prefit_sigma : nan;
    plan.held_values[k] = {clip(p.value - post), clip(p.value + post), clip(p.value - pre), clip(p.value + pre)};
    for (std::size_t v = 0; v < 4; ++v) {
      const double x = plan.held_values[k][v];
      if (std::isnan(x) || x == p.value) continue;
      std::size_t w = 0;
      while (w < v && plan.held_values[k][w] != x) ++w;
      if (w < v) {
        plan.task_of[k][v] = plan.task_of[k][w];
      } else {
        plan.task_of[k][v] = plan.tasks.size();
        plan.tasks.push_back({k, x});
      }
    }
  }
  return plan;
}

/// One parameter's impacts from the fits of the plan: Δμ = μ̂(θ_i held) − μ̂ per held value (0
/// when the held value is θ̂_i, NaN when it was not computed) and the worst status of its fits.
inline parameter_impact impact_of(const parameter_pull& pull, const std::array<double, 4>& held_values,
                                  const std::array<std::size_t, 4>& task_of, const std::vector<double>& task_mu,
                                  const std::vector<fit::fit_status>& task_status, double mu_hat) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  parameter_impact item;
  static_cast<parameter_pull&>(item) = pull;
  std::array<double, 4> delta{{nan, nan, nan, nan}};
  for (std::size_t v = 0; v < 4; ++v) {
    const double x = held_values[v];
    if (std::isnan(x)) continue;
    if (x == item.value) {
      delta[v] = 0;
      continue;
    }
    const std::size_t t = task_of[v];
    delta[v] = task_mu[t] - mu_hat;
    if (worse(task_status[t], item.status)) item.status = task_status[t];
  }
  item.postfit_held = {{held_values[0], held_values[1]}};
  item.prefit_held = {{held_values[2], held_values[3]}};
  item.impact_postfit = {{delta[0], delta[1]}};
  item.impact_prefit = {{delta[2], delta[3]}};
  return item;
}

}  // namespace detail

/// Pulls, constraints and impacts on the POI (Combine's definition, see parameter_impact) of
/// `options.parameters`, ranked by descending max(|Δμ⁻|, |Δμ⁺|) post-fit.
///
/// One free fit gives (μ̂, θ̂) and the Hessian errors σ̂; each conditional fit starts at θ̂ (the held
/// parameter at its held value) with the free fit's Hessian as the minimiser's first matrix, so
/// the results are the same whatever `options.threads`.
/// @throws invalid_argument if the model has no parameter of interest, the POI is fixed (by the
///         model or `options.fit.fixed`), `options.threads` is 0, or an entry of
///         `options.parameters` is unknown, is the POI, is fixed, or appears twice.
[[nodiscard]] inline impacts_result impacts(const likelihood::model& model, const likelihood::dataset& data,
                                            const impacts_options& options = {}) {
  constexpr const char* function = "rein::infer::impacts";
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const auto& layout = model.parameters();
  if (!layout.poi()) throw invalid_argument(std::string(function) + ": the model has no parameter of interest");
  const std::size_t poi = *layout.poi();
  if (options.threads == 0) throw invalid_argument(std::string(function) + ": options.threads = 0, must be >= 1");
  const std::vector<bool> held = detail::impacts_held(layout, poi, options);
  const std::vector<std::size_t> chosen = detail::impacts_chosen(layout, poi, held, options);

  impacts_result result;
  result.poi = layout[poi].name;
  result.poi_index = poi;
  fit::fit_options free_options = options.fit;
  free_options.errors = true;
  result.free_fit = fit::fit(model, data, free_options);
  const auto& free = result.free_fit;
  result.status = free.status;
  const auto poi_row = static_cast<Eigen::Index>(poi);
  result.mu_hat = free.values[poi_row];
  result.mu_error = free.covariance_ok ? free.errors[poi_row] : nan;
  const Eigen::MatrixXd start_hessian = detail::impacts_start_hessian(model, data, free);

  const auto all_pulls = pulls(model, data, free);
  std::vector<const parameter_pull*> pull_of(layout.size(), nullptr);
  for (const auto& p : all_pulls) pull_of[p.index] = &p;
  const auto plan = detail::plan_impacts(layout, chosen, pull_of, options.prefit);

  // the conditional fits, each started at θ̂ with the held parameter at its held value
  std::vector<double> task_mu(plan.tasks.size(), nan);
  std::vector<fit::fit_status> task_status(plan.tasks.size(), fit::fit_status::ok);
  parallel_for(plan.tasks.size(), std::max(1u, options.threads), [&](std::size_t t) {
    const std::size_t i = chosen[plan.tasks[t].item];
    fit::fit_options conditional = options.fit;
    conditional.fixed.emplace_back(i, plan.tasks[t].value);
    Eigen::VectorXd start = free.values;
    start[static_cast<Eigen::Index>(i)] = plan.tasks[t].value;
    conditional.start = start;
    conditional.errors = false;
    if (start_hessian.size() != 0) conditional.minimizer.start_hessian = start_hessian;
    const auto r = fit::fit(model, data, conditional);
    task_mu[t] = r.values[poi_row];
    task_status[t] = r.status;
  });
  result.fits = plan.tasks.size();

  for (std::size_t k = 0; k < chosen.size(); ++k) {
    auto item = detail::impact_of(*pull_of[chosen[k]], plan.held_values[k], plan.task_of[k], task_mu, task_status, result.mu_hat);
    if (detail::worse(item.status, result.status)) result.status = item.status;
    result.impacts.push_back(std::move(item));
  }
  std::stable_sort(result.impacts.begin(), result.impacts.end(),
                   [](const parameter_impact& a, const parameter_impact& b) { return a.rank_value() > b.rank_value(); });
  return result;
}

/// Impacts on the model's observed data.
[[nodiscard]] inline impacts_result impacts(const likelihood::model& model, const impacts_options& options = {}) {
  return impacts(model, model.observed(), options);
}

}  // namespace rein::infer
