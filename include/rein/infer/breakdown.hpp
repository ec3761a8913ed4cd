#pragma once

// The uncertainty of the parameter of interest split into statistical, per-group and systematic
// parts by quadrature differences of fits with groups frozen, as CMS Combine documents it
// (docs/diagnostics.md, with its caveats).
#include "rein/core/error.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/model/parameter_groups.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// A group of parameters to freeze: its name and the indices of its members in the model's layout.
struct indexed_group {
  std::string name;
  std::vector<std::size_t> members;
};

/// The groups of a breakdown (`rein breakdown`): each group of `defined`, then each modifier type
/// (normfactor, normsys, ..., lumi) that `defined` does not name, with its members in `layout`;
/// types without parameters in the model are left out.
/// @throws invalid_argument (from likelihood::group_members) for a defined group that matches no parameter
[[nodiscard]] inline std::vector<indexed_group> breakdown_groups(const std::vector<likelihood::parameter_group>& defined,
                                                                const likelihood::workspace& ws,
                                                                const parameter_layout& layout) {
  std::vector<std::string> names;
  for (const auto& g : defined) names.push_back(g.name);
  for (const auto type : likelihood::all_modifier_types)
    if (std::find(names.begin(), names.end(), likelihood::to_string(type)) == names.end()) names.emplace_back(likelihood::to_string(type));
  std::vector<indexed_group> groups;
  for (const auto& name : names) {
    auto members = likelihood::group_members(name, defined, ws, layout);
    if (!members.empty()) groups.push_back({name, std::move(members)});
  }
  return groups;
}

/// One group's share of the POI's uncertainty.
struct breakdown_group {
  std::string name;
  std::vector<std::string> frozen;  ///< the members that were free (and not the POI), thus frozen
  double frozen_error = std::numeric_limits<double>::quiet_NaN();  ///< σ̂_μ with the group frozen
  /// √(σ̂²_total − σ̂²_frozen); NaN if that fit failed or the difference is negative
  double uncertainty = std::numeric_limits<double>::quiet_NaN();
  fit::fit_status status = fit::fit_status::ok;
};

/// The breakdown of the POI's uncertainty.
struct breakdown_result {
  std::string poi;
  double mu_hat = std::numeric_limits<double>::quiet_NaN();
  double total = std::numeric_limits<double>::quiet_NaN();  ///< σ̂_μ of the free fit
  /// σ̂_μ with every free constrained parameter frozen at its best fit (unconstrained ones, e.g.
  /// background normfactors fitted from data, stay free and count as statistical)
  double stat = std::numeric_limits<double>::quiet_NaN();
  double syst = std::numeric_limits<double>::quiet_NaN();  ///< √(total² − stat²)
  std::vector<breakdown_group> groups;
  fit::fit_status status = fit::fit_status::ok;  ///< the worst status of all fits
  fit::fit_result free_fit;
};

namespace detail {

inline fit::fit_status worst_status(fit::fit_status a, fit::fit_status b) { return a == fit::fit_status::ok ? b : a; }

// √(a² − b²), NaN when negative (freezing a group made μ more uncertain: the linear picture fails)
inline double quadrature_difference(double a, double b) {
  const double d = a * a - b * b;
  return d >= 0 ? std::sqrt(d) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

/// Breaks σ̂_μ (the Hessian error of the POI in the free fit) into: stat, the error with every
/// free constrained parameter frozen at its best-fit value; syst = √(total² − stat²); and, per
/// group, √(total² − σ̂²_frozen) with the group's free members frozen at their best-fit values.
/// Every fit starts at the free fit's best point; a group with no free member but the POI has
/// uncertainty 0 without a fit. Groups are not orthogonal: their parts do not
/// add up to syst in quadrature unless the groups are uncorrelated (docs/diagnostics.md).
/// @throws invalid_argument for a model without a POI or a member index out of range
[[nodiscard]] inline breakdown_result breakdown(const likelihood::model& model, const std::vector<indexed_group>& groups,
                                                const fit::fit_options& options = {}) {
  const auto& layout = model.parameters();
  if (!layout.poi()) throw invalid_argument("rein::infer::breakdown: the model has no parameter of interest (--poi NAME)");
  const std::size_t poi = *layout.poi();
  breakdown_result r;
  r.poi = layout[poi].name;
  auto free_options = options;
  free_options.errors = true;
  r.free_fit = fit::fit(model, free_options);
  r.status = r.free_fit.status;
  if (!r.free_fit.covariance_ok) r.status = detail::worst_status(r.status, fit::fit_status::not_converged);
  r.mu_hat = r.free_fit.values[static_cast<Eigen::Index>(poi)];
  if (r.free_fit.covariance_ok) r.total = r.free_fit.errors[static_cast<Eigen::Index>(poi)];
  // σ̂_μ with the parameters `members` (those free) frozen at the best fit
  const auto frozen_fit = [&](const std::vector<std::size_t>& members, std::vector<std::string>& names, fit::fit_status& status) {
    auto o = free_options;
    o.start = r.free_fit.values;
    for (const std::size_t i : members) {
      if (i >= layout.size())
        throw invalid_argument("rein::infer::breakdown: member index " + std::to_string(i) + ", the model has " +
                               std::to_string(layout.size()) + " parameters");
      if (i == poi || r.free_fit.fixed[i]) continue;
      o.fixed.emplace_back(i, r.free_fit.values[static_cast<Eigen::Index>(i)]);
      names.push_back(layout[i].name);
    }
    if (names.empty()) {  // nothing to freeze: the free fit itself
      status = r.status;
      return r.total;
    }
    const auto f = fit::fit(model, o);
    status = f.covariance_ok ? f.status : detail::worst_status(f.status, fit::fit_status::not_converged);
    return f.ok() && f.covariance_ok ? f.errors[static_cast<Eigen::Index>(poi)] : std::numeric_limits<double>::quiet_NaN();
  };
  std::vector<std::size_t> constrained = model.constrained();
  std::vector<std::string> unused;
  fit::fit_status stat_status = fit::fit_status::ok;
  r.stat = frozen_fit(constrained, unused, stat_status);
  r.status = detail::worst_status(r.status, stat_status);
  r.syst = detail::quadrature_difference(r.total, r.stat);
  for (const auto& g : groups) {
    breakdown_group b;
    b.name = g.name;
    b.frozen_error = frozen_fit(g.members, b.frozen, b.status);
    b.uncertainty = b.frozen.empty() ? 0.0 : detail::quadrature_difference(r.total, b.frozen_error);
    r.status = detail::worst_status(r.status, b.status);
    r.groups.push_back(std::move(b));
  }
  return r;
}

}  // namespace rein::infer
