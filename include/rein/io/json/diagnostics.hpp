#pragma once

// The JSON form of fit diagnostics (`rein fit --diagnostics`, docs/diagnostics.md): the fit's own
// keys (io::to_json of the fit) plus `prefit`, `postfit`, `correlation`, `pulls`, `masked`.
// NaN (an uncertainty without a usable covariance) is null.
#include "rein/infer/breakdown.hpp"
#include "rein/infer/diagnostics.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/io/json/model_results.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace rein::io {

namespace detail {

inline nlohmann::json vector_json(const Eigen::VectorXd& v) {
  nlohmann::json out = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(bound_json(v[i]));
  return out;
}

}  // namespace detail

/// Yield tables: a list per channel of {"name", "masked", "samples": [{"name", "yields",
/// "uncertainties", "sum", "sum_uncertainty"}], "total", "total_uncertainties", "data",
/// "total_sum", "total_sum_uncertainty", "data_sum"}.
inline nlohmann::json to_json(const std::vector<infer::channel_yield_table>& tables) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& t : tables) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : t.samples)
      samples.push_back({{"name", s.name},
                         {"yields", detail::vector_json(s.yields)},
                         {"uncertainties", detail::vector_json(s.uncertainties)},
                         {"sum", detail::bound_json(s.sum)},
                         {"sum_uncertainty", detail::bound_json(s.sum_uncertainty)}});
    channels.push_back({{"name", t.name},
                        {"masked", t.masked},
                        {"samples", samples},
                        {"total", detail::vector_json(t.total)},
                        {"total_uncertainties", detail::vector_json(t.total_uncertainties)},
                        {"data", detail::vector_json(t.data)},
                        {"total_sum", detail::bound_json(t.total_sum)},
                        {"total_sum_uncertainty", detail::bound_json(t.total_sum_uncertainty)},
                        {"data_sum", detail::bound_json(t.data_sum)}});
  }
  return channels;
}

/// {"parameters": [names], "matrix": [[rows]]}.
inline nlohmann::json to_json(const infer::named_correlation& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index a = 0; a < c.matrix.rows(); ++a) rows.push_back(detail::vector_json(c.matrix.row(a).transpose()));
  return {{"parameters", c.parameters}, {"matrix", rows}};
}

/// Pulls and constraints: [{"name", "constrained", "value", "error", "prefit_center",
/// "prefit_sigma", "pull", "constraint"}] (the keys of `rein impacts`' items).
inline nlohmann::json to_json(const std::vector<infer::parameter_pull>& pulls) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : pulls)
    out.push_back({{"name", p.name},
                   {"constrained", p.constrained},
                   {"value", detail::bound_json(p.value)},
                   {"error", detail::bound_json(p.error)},
                   {"prefit_center", detail::bound_json(p.prefit_center)},
                   {"prefit_sigma", detail::bound_json(p.prefit_sigma)},
                   {"pull", detail::bound_json(p.pull)},
                   {"constraint", detail::bound_json(p.constraint)}});
  return out;
}

/// Diagnostics of `model`: the fit's keys (to_json(fit, model)) and `masked`, `prefit`, `postfit`,
/// `correlation`, `pulls`, `prefit_uncertainty` (how pre-fit uncertainties were formed).
inline nlohmann::json to_json(const infer::diagnostics_result& r, const likelihood::model& model) {
  auto out = to_json(r.fit, model);
  out["masked"] = r.masked;
  out["prefit"] = to_json(r.prefit);
  out["postfit"] = to_json(r.postfit);
  out["correlation"] = to_json(r.correlation);
  out["pulls"] = to_json(r.pulls);
  out["prefit_uncertainty"] = "constraint widths only, no correlations, unconstrained parameters without uncertainty (cabinetry's choice)";
  out["propagation"] = "linear, exact yield derivatives, full covariance (post-fit: inverse Hessian)";
  return out;
}

/// The POI's uncertainty breakdown (`rein breakdown`): poi, mu_hat, total, stat, syst, groups
/// [{"name", "uncertainty", "frozen_error", "frozen", "status"}], status, the method.
inline nlohmann::json to_json(const infer::breakdown_result& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups)
    groups.push_back({{"name", g.name},
                      {"uncertainty", detail::bound_json(g.uncertainty)},
                      {"frozen_error", detail::bound_json(g.frozen_error)},
                      {"frozen", g.frozen},
                      {"status", fit::to_string(g.status)}});
  return {{"poi", r.poi},
          {"mu_hat", detail::bound_json(r.mu_hat)},
          {"total", detail::bound_json(r.total)},
          {"stat", detail::bound_json(r.stat)},
          {"syst", detail::bound_json(r.syst)},
          {"groups", groups},
          {"status", fit::to_string(r.status)},
          {"twice_nll", detail::bound_json(r.free_fit.twice_nll)},
          {"method", "Hessian errors of the POI; stat: every free constrained parameter frozen at its best fit; "
                     "group: sqrt(total^2 - error^2 with the group frozen at its best fit); syst: sqrt(total^2 - stat^2); "
                     "groups are not orthogonal and need not add up in quadrature"}};
}

}  // namespace rein::io
