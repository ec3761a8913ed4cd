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
  using rein::detail::format_value;
  const auto& layout = model.parameters();
  if (!layout.poi()) throw invalid_argument(std::string(function) + ": the model has no parameter of interest");
  const std::size_t poi = *layout.poi();
  const std::string& poi_name = layout[poi].name;
  if (options.threads == 0) throw invalid_argument(std::string(function) + ": options.threads = 0, must be >= 1");

  std::vector<bool> held = layout.fixed();
  for (const auto& fixed : options.fit.fixed) {
    if (!fixed.first.in(layout))
      throw invalid_argument(std::string(function) + ": options.fit.fixed names '" + fixed.first.name_in(layout) +
                             "', not a parameter of the model");
    held[fixed.first.index_in(layout)] = true;
  }
  if (held[poi])
    throw invalid_argument(std::string(function) + ": the parameter of interest '" + poi_name +
                           "' is fixed (by the model or options.fit.fixed); impacts need it free");

  std::vector<std::size_t> chosen;
  if (options.parameters.empty()) {
    for (std::size_t i = 0; i < layout.size(); ++i)
      if (i != poi && !held[i] && layout[i].lower < layout[i].upper) chosen.push_back(i);
  } else {
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
  }

  impacts_result result;
  result.poi = poi_name;
  result.poi_index = poi;
  fit::fit_options free_options = options.fit;
  free_options.errors = true;
  result.free_fit = fit::fit(model, data, free_options);
  const auto& free = result.free_fit;
  result.status = free.status;
  const auto poi_row = static_cast<Eigen::Index>(poi);
  result.mu_hat = free.values[poi_row];
  result.mu_error = free.covariance_ok ? free.errors[poi_row] : nan;

  // The free fit's Hessian starts every conditional fit: no finite-difference start matrix per fit.
  const Eigen::VectorXd lower = layout.lower_bounds(), upper = layout.upper_bounds();
  Eigen::MatrixXd start_hessian;
  if (std::isfinite(free.nll)) {
    start_hessian = fit::hessian(fit::nll_objective(model, data), free.values, lower, upper, free.fixed);
    if (!start_hessian.allFinite()) start_hessian.resize(0, 0);
  }

  const auto all_pulls = pulls(model, data, free);
  std::vector<const parameter_pull*> pull_of(layout.size(), nullptr);
  for (const auto& p : all_pulls) pull_of[p.index] = &p;

  // Held values per chosen parameter: {post down, post up, pre down, pre up}; fits are run once
  // per distinct value that differs from θ̂_i.
  struct task {
    std::size_t item;
    double value;
  };
  std::vector<std::array<double, 4>> held_values(chosen.size());
  std::vector<std::array<std::size_t, 4>> task_of(chosen.size());  // index into tasks; unused when not fitted
  std::vector<task> tasks;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const std::size_t i = chosen[k];
    const auto& p = *pull_of[i];
    const double clip_lo = layout[i].lower, clip_hi = layout[i].upper;
    const auto clip = [&](double x) { return std::isnan(x) ? x : std::min(std::max(x, clip_lo), clip_hi); };
    const double post = p.error > 0 ? p.error : nan;
    const double pre = options.prefit && p.constrained ? p.prefit_sigma : nan;
    held_values[k] = {clip(p.value - post), clip(p.value + post), clip(p.value - pre), clip(p.value + pre)};
    for (std::size_t v = 0; v < 4; ++v) {
      const double x = held_values[k][v];
      if (std::isnan(x) || x == p.value) continue;
      std::size_t w = 0;
      while (w < v && held_values[k][w] != x) ++w;
      if (w < v) {
        task_of[k][v] = task_of[k][w];
      } else {
        task_of[k][v] = tasks.size();
        tasks.push_back({k, x});
      }
    }
  }

  std::vector<double> task_mu(tasks.size(), nan);
  std::vector<fit::fit_status> task_status(tasks.size(), fit::fit_status::ok);
  parallel_for(tasks.size(), std::max(1u, options.threads), [&](std::size_t t) {
    const std::size_t i = chosen[tasks[t].item];
    fit::fit_options conditional = options.fit;
    conditional.fixed.emplace_back(i, tasks[t].value);
    Eigen::VectorXd start = free.values;
    start[static_cast<Eigen::Index>(i)] = tasks[t].value;
    conditional.start = start;
    conditional.errors = false;
    if (start_hessian.size() != 0) conditional.minimizer.start_hessian = start_hessian;
    const auto r = fit::fit(model, data, conditional);
    task_mu[t] = r.values[poi_row];
    task_status[t] = r.status;
  });
  result.fits = tasks.size();

  for (std::size_t k = 0; k < chosen.size(); ++k) {
    parameter_impact item;
    static_cast<parameter_pull&>(item) = *pull_of[chosen[k]];
    std::array<double, 4> delta{{nan, nan, nan, nan}};
    for (std::size_t v = 0; v < 4; ++v) {
      const double x = held_values[k][v];
      if (std::isnan(x)) continue;
      if (x == item.value) {
        delta[v] = 0;
        continue;
      }
      const std::size_t t = task_of[k][v];
      delta[v] = task_mu[t] - result.mu_hat;
      if (detail::worse(task_status[t], item.status)) item.status = task_status[t];
    }
    item.postfit_held = {{held_values[k][0], held_values[k][1]}};
    item.prefit_held = {{held_values[k][2], held_values[k][3]}};
    item.impact_postfit = {{delta[0], delta[1]}};
    item.impact_prefit = {{delta[2], delta[3]}};
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
