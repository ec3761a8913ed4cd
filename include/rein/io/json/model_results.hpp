#pragma once

// The JSON form of what a model says directly: a maximum-likelihood fit (`rein fit`), the expected
// yields at a point (`rein expected`) and the model's description (`rein inspect`). One form for
// every front end; timing (`seconds`) is the front end's to add.
#include "rein/core/parameter_layout.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/multistart.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/load_model.hpp"
#include "rein/likelihood/model/interpolation.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// A fit of `model`: status (and whether `ok` was reached at the attainable precision), 2 nll, each parameter's value, error and whether it was held fixed,
/// the parameters at a bound, the POI's name (null without one).
inline nlohmann::json to_json(const fit::fit_result& result, const likelihood::model& model) {
  nlohmann::json parameters = nlohmann::json::array();
  nlohmann::json at_bound = nlohmann::json::array();
  for (std::size_t i = 0; i < model.parameters().size(); ++i) {
    const auto& p = model.parameters()[i];
    const auto k = static_cast<Eigen::Index>(i);
    parameters.push_back({{"name", p.name}, {"value", result.values[k]}, {"error", result.errors[k]},
                          {"fixed", static_cast<bool>(result.fixed[i])}});
    if (result.at_bound[i]) at_bound.push_back(p.name);
  }
  return {{"status", fit::to_string(result.status)},
          // ok at the attainable precision: a gradient component at the resolution of its parameter
          // (a constraint so stiff that the nll rounds there; docs/fit.md)
          {"precision_limited", result.precision_limited},
          {"twice_nll", result.twice_nll},
          {"parameters", parameters},
          {"poi", model.parameters().poi() ? nlohmann::json(model.parameters()[*model.parameters().poi()].name)
                                           : nlohmann::json(nullptr)},
          {"at_bound", at_bound},
          {"covariance_ok", result.covariance_ok},
          {"iterations", result.iterations},
          {"evaluations", result.evaluations}};
}

/// A multi-start fit: the kept fit as to_json gives it, plus `starts` = {"count", "ok", "best"
/// (the kept start's index; 0 is the model's inits), "twice_nll" and "status" per start}.
inline nlohmann::json to_json(const fit::multistart_result& result, const likelihood::model& model) {
  nlohmann::json out = to_json(result.best, model);
  nlohmann::json status = nlohmann::json::array();
  for (const auto s : result.status) status.push_back(fit::to_string(s));
  out["starts"] = {{"count", result.status.size()},
                   {"ok", result.ok_count()},
                   {"best", result.best_start},
                   {"twice_nll", result.twice_nll},
                   {"status", status}};
  return out;
}

/// The expected main-bin yields of `model` at `theta`, per channel and per sample, with the point.
/// @throws invalid_argument if theta has the wrong size
inline nlohmann::json expected_yields_json(const likelihood::model& model, const Eigen::VectorXd& theta) {
  const Eigen::VectorXd nu = model.expected_main(theta);
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : c.samples) {
      const Eigen::VectorXd y = model.expected_sample(theta, c.name, s);
      samples.push_back({{"name", s}, {"yields", std::vector<double>(y.data(), y.data() + y.size())}});
    }
    channels.push_back({{"name", c.name},
                        {"yields", std::vector<double>(nu.data() + c.offset, nu.data() + c.offset + c.bins)},
                        {"samples", samples}});
  }
  nlohmann::json parameters = nlohmann::json::object();
  for (std::size_t i = 0; i < model.parameters().size(); ++i)
    parameters[model.parameters()[i].name] = theta[static_cast<Eigen::Index>(i)];
  return {{"channels", channels}, {"parameters", parameters}};
}

/// What a loaded model holds: channels, bins, parameters (bounds, constraints), measurements,
/// interpolation codes, and every modifier with the samples (channel/sample) it acts on — pyhf's
/// types, `rein.shape` for parametric shapes, `rein.reweight` for reweightings.
inline nlohmann::json describe_json(const loaded_model& loaded) {
  const auto& model = loaded.model;
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) channels.push_back({{"name", c.name}, {"bins", c.bins}, {"samples", c.samples}});

  std::map<std::pair<std::string, std::string>, std::set<std::string>> uses;  // (name, type) -> channel/sample
  for (const auto& c : loaded.workspace.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) uses[{m.name, to_string(m.type)}].insert(c.name + "/" + s.name);
  for (const auto& shape : loaded.shapes)
    for (const auto& t : shape.targets) uses[{shape.name, "rein.shape"}].insert(t.channel + "/" + t.sample);
  for (const auto& r : loaded.reweightings)
    for (const auto& t : r.targets) uses[{r.name, "rein.reweight"}].insert(t.channel + "/" + t.sample);
  nlohmann::json modifiers = nlohmann::json::array();
  for (const auto& [key, where] : uses) modifiers.push_back({{"name", key.first}, {"type", key.second}, {"samples", where}});

  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& p : model.parameters().all()) {
    nlohmann::json item = {{"name", p.name}, {"init", p.init}, {"bounds", {detail::bound_json(p.lower), detail::bound_json(p.upper)}}, {"fixed", p.fixed},
                           {"constraint", to_string(p.constraint)}};
    if (p.constraint == constraint_kind::normal) item["aux"] = p.aux, item["sigma"] = p.sigma;
    if (p.constraint == constraint_kind::poisson) item["aux"] = p.aux, item["factor"] = p.factor;
    parameters.push_back(item);
  }
  nlohmann::json measurements = nlohmann::json::array();
  for (const auto& m : loaded.workspace.measurements) measurements.push_back({{"name", m.name}, {"poi", m.poi}});

  return {{"channels", channels},
          {"n_bins", model.main_bins()},
          {"n_parameters", model.parameters().size()},
          {"poi", model.parameters()[model.parameters().poi_index()].name},
          {"measurements", measurements},
          {"interpolation", {{"normsys", to_string(loaded.options.normsys)}, {"histosys", to_string(loaded.options.histosys)}}},
          {"modifiers", modifiers},
          {"parameters", parameters}};
}

}  // namespace rein::io
