#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/read_text.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/workspace/workspace.hpp"
#include "rein/reweight/bin_rates.hpp"
#include "rein/reweight/modifier.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rein::io {

/// One custom modifier of a redist saved model, without its rates (the rates are code: the
/// caller supplies them to build a reweight::reweighting).
struct redist_reweighting {
  std::string name;
  std::vector<reweight::free_parameter> free;               ///< in file order
  std::vector<reweight::correlated_parameters> correlated;  ///< in file order, after the free ones
  std::vector<double> edges;                                ///< the kinematic bin edges (one axis)
  reweight::weight_policy policy;
  std::vector<reweight::reweight_target> targets;           ///< the samples it acts on, with the map
  /// The rates' names for models::make_named_rates, when the file gives them (rein's
  /// `rein.reweight` extension does; redist's files cannot: their rates are Python code).
  std::string null, alternative;
};

/// A model saved by redist (`redist.modifier.save`): the pyhf part as a workspace (observations
/// from "data", no measurement and so no parameter of interest) and the custom modifiers.
struct redist_model {
  likelihood::workspace workspace;
  std::vector<redist_reweighting> reweightings;
};

namespace detail {

inline std::vector<double> edges_of(const nlohmann::ordered_json& bins, const schema_reader& reader, const std::string& pointer) {
  // redist stores one edge list per kinematic axis; rein reweights in one variable
  reader.array(bins, pointer);
  if (bins.size() != 1) reader.fail(pointer, "expected one axis of bin edges, found " + std::to_string(bins.size()));
  const nlohmann::json axis = bins[0];
  const auto edges = reader.numbers(axis, pointer + "/0");
  if (edges.size() < 2) reader.fail(pointer + "/0", "expected at least 2 bin edges, found " + std::to_string(edges.size()));
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const std::string ep = pointer + "/0/" + std::to_string(k);
    if (!std::isfinite(edges[k])) reader.fail(ep, "edge " + rein::detail::format_value(edges[k]) + " must be finite");
    if (k > 0 && !(edges[k] > edges[k - 1]))
      reader.fail(ep, "edge " + rein::detail::format_value(edges[k]) + " is not greater than the previous edge " +
                          rein::detail::format_value(edges[k - 1]) + ": edges must increase strictly");
  }
  return edges;
}

/// Checks a free parameter as read from `pointer`: a finite init inside bounds with lower <= upper
/// (±infinity for none), so that a bad file fails here with its name and pointer rather than later
/// in make_model without either.
inline void check_free_parameter(const reweight::free_parameter& p, const schema_reader& reader, const std::string& pointer) {
  using rein::detail::format_value;
  if (!std::isfinite(p.init)) reader.fail(pointer, "parameter '" + p.name + "' init " + format_value(p.init) + " must be finite");
  if (!(p.lower <= p.upper))
    reader.fail(pointer, "parameter '" + p.name + "' has bounds [" + format_value(p.lower) + ", " + format_value(p.upper) +
                             "], need lower <= upper");
  if (!(p.lower <= p.init && p.init <= p.upper))
    reader.fail(pointer, "parameter '" + p.name + "' init " + format_value(p.init) + " lies outside its bounds [" +
                             format_value(p.lower) + ", " + format_value(p.upper) + "]");
}

/// Removes from every sample of `channels` (pyhf JSON) the modifiers that `custom` accepts, and
/// hands each to `found` with its channel and sample names, in document order.
inline void strip_modifiers(nlohmann::json& channels, const std::function<bool(const nlohmann::json&)>& custom,
                            const std::function<void(const std::string&, const std::string&, const nlohmann::json&)>& found) {
  if (!channels.is_array()) return;  // workspace_from_json reports it
  // a name that is not a string is left for workspace_from_json to report with its JSON pointer
  const auto name_of = [](const nlohmann::json& object) {
    const auto name = object.find("name");
    return name != object.end() && name->is_string() ? name->get<std::string>() : std::string();
  };
  for (auto& channel : channels) {
    if (!channel.is_object() || !channel.contains("samples") || !channel["samples"].is_array()) continue;
    const std::string channel_name = name_of(channel);
    for (auto& sample : channel["samples"]) {
      if (!sample.is_object() || !sample.contains("modifiers") || !sample["modifiers"].is_array()) continue;
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& m : sample["modifiers"]) {
        if (custom(m)) found(channel_name, name_of(sample), m);
        else kept.push_back(m);
      }
      sample["modifiers"] = kept;
    }
  }
}

}  // namespace detail

/// Reads a redist saved model (keys `spec`, `name`, `new_pars`, `map`, `bins`, `cutoff`,
/// `weight_bound`, `data`). Parameters keep their file order, which is the order redist hands
/// them to the alternative rate (free ones first, then each correlated vector).
/// `text` is the file's contents, `path` its name in messages.
/// @throws io_error naming the file, the JSON pointer and the problem.
inline redist_model redist_from_text(const std::string& text, const std::string& path) {
  const auto root = detail::parse_json_text<nlohmann::ordered_json>(text, path, "rein::io::read_redist");
  const detail::schema_reader reader(path);
  const auto member = [&](const nlohmann::ordered_json& object, const std::string& pointer, const char* key) -> const nlohmann::ordered_json& {
    if (!object.is_object()) reader.fail(pointer, std::string("expected an object, found ") + object.type_name());
    const auto found = object.find(key);
    if (found == object.end()) reader.fail(pointer, std::string("missing required key '") + key + "'");
    return *found;
  };
  // redist writes one modifier's entries as they are and several as lists, one entry each; `name`
  // says which (a string or a list), so a one-row map or a one-axis binning is never mistaken
  // for a list of modifiers
  const auto& name_value = member(root, "", "name");
  const bool listed = !name_value.is_string();
  const auto per_modifier = [&](const nlohmann::ordered_json& value, std::size_t count, const std::string& pointer) {
    std::vector<nlohmann::ordered_json> items;
    if (!listed) {
      items.push_back(value);
    } else if (value.is_array() && value.size() == count) {
      for (const auto& item : value) items.push_back(item);
    } else {
      reader.fail(pointer, "expected a list of " + std::to_string(count) + " entries, one per modifier of '/name'");
    }
    return items;
  };

  std::vector<std::string> names;
  if (!listed) names.push_back(name_value.get<std::string>());
  else {
    reader.array(nlohmann::json(name_value), "/name");
    for (std::size_t i = 0; i < name_value.size(); ++i) names.push_back(reader.string(name_value[i], "/name/" + std::to_string(i)));
  }
  const std::set<std::string> custom_types(names.begin(), names.end());

  // the pyhf part: strip the custom modifiers, remembering which samples they act on
  nlohmann::json spec = nlohmann::json::parse(member(root, "", "spec").dump());
  if (!spec.contains("channels")) reader.fail("/spec", "missing required key 'channels'");
  std::vector<std::vector<std::pair<std::string, std::string>>> targets(names.size());
  detail::strip_modifiers(
      spec["channels"], [&](const nlohmann::json& m) { return m.is_object() && custom_types.count(m.value("type", "")) != 0; },
      [&](const std::string& channel, const std::string& sample, const nlohmann::json& m) {
        const auto index = static_cast<std::size_t>(std::find(names.begin(), names.end(), m["type"]) - names.begin());
        targets[index].emplace_back(channel, sample);
      });
  nlohmann::json document;
  document["version"] = "1.0.0";
  document["channels"] = spec["channels"];
  document["measurements"] = nlohmann::json::array();
  document["observations"] = nlohmann::json::array();
  const nlohmann::json data = nlohmann::json::parse(member(root, "", "data").dump());
  const auto counts = reader.numbers(data, "/data");
  std::size_t next = 0;
  for (const auto& channel : spec["channels"]) {
    const std::size_t bins = channel["samples"][0]["data"].size();
    if (next + bins > counts.size())
      reader.fail("/data", "has " + std::to_string(counts.size()) + " counts, the channels need more");
    document["observations"].push_back(
        {{"name", channel["name"]}, {"data", std::vector<double>(counts.begin() + static_cast<std::ptrdiff_t>(next),
                                                                 counts.begin() + static_cast<std::ptrdiff_t>(next + bins))}});
    next += bins;
  }
  if (next != counts.size())
    reader.fail("/data", "has " + std::to_string(counts.size()) + " counts, the channels have " + std::to_string(next) + " bins");

  redist_model model;
  model.workspace = workspace_from_json(document, path + " (its 'spec' and 'data')");

  const auto new_pars = per_modifier(member(root, "", "new_pars"), names.size(), "/new_pars");
  const auto maps = per_modifier(member(root, "", "map"), names.size(), "/map");
  const auto bins = per_modifier(member(root, "", "bins"), names.size(), "/bins");
  std::vector<nlohmann::ordered_json> cutoffs(names.size()), bounds(names.size());
  if (root.contains("cutoff")) cutoffs = per_modifier(root["cutoff"], names.size(), "/cutoff");
  if (root.contains("weight_bound")) bounds = per_modifier(root["weight_bound"], names.size(), "/weight_bound");

  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string index = listed ? "/" + std::to_string(i) : "";
    redist_reweighting r;
    r.name = names[i];
    for (const auto& [key, par] : new_pars[i].items()) {
      const std::string pp = "/new_pars" + index + "/" + key;
      const auto inits = reader.numbers(nlohmann::json::parse(member(par, pp, "inits").dump()), pp + "/inits");
      if (par.contains("cov")) {
        reweight::correlated_parameters group;
        group.name = key;
        group.mean = Eigen::Map<const Eigen::VectorXd>(inits.data(), static_cast<Eigen::Index>(inits.size()));
        const auto& cov = par["cov"];
        if (!cov.is_array() || cov.size() != inits.size())
          reader.fail(pp + "/cov", "expected a " + std::to_string(inits.size()) + "×" + std::to_string(inits.size()) + " matrix");
        group.covariance.resize(group.mean.size(), group.mean.size());
        for (std::size_t a = 0; a < cov.size(); ++a) {
          const auto row = reader.numbers(nlohmann::json::parse(cov[a].dump()), pp + "/cov/" + std::to_string(a));
          if (row.size() != inits.size()) reader.fail(pp + "/cov/" + std::to_string(a), "row has " + std::to_string(row.size()) + " entries");
          for (std::size_t b = 0; b < row.size(); ++b)
            group.covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = row[b];
        }
        r.correlated.push_back(std::move(group));
      } else {
        if (inits.size() != 1) reader.fail(pp + "/inits", "an unconstrained parameter has one init, found " + std::to_string(inits.size()));
        reweight::free_parameter p{key, inits[0], -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
        if (par.contains("bounds") && !par["bounds"].empty()) {
          const auto bound = reader.numbers(nlohmann::json::parse(par["bounds"][0].dump()), pp + "/bounds/0");
          if (bound.size() != 2) reader.fail(pp + "/bounds/0", "a bound is [lower, upper]");
          p.lower = bound[0], p.upper = bound[1];
        }
        if (!r.correlated.empty())
          reader.fail(pp, "unconstrained parameter after a correlated one: rein keeps free parameters first");
        detail::check_free_parameter(p, reader, pp);
        r.free.push_back(p);
      }
    }
    r.edges = detail::edges_of(bins[i], reader, "/bins" + index);
    if (!cutoffs[i].is_null()) {
      const auto limits = reader.numbers(nlohmann::json::parse(cutoffs[i][0].dump()), "/cutoff" + index + "/0");
      if (limits.size() != 2) reader.fail("/cutoff" + index + "/0", "a cutoff is [low, high]");
      r.policy.cutoff_low = limits[0], r.policy.cutoff_high = limits[1];
    }
    if (!bounds[i].is_null()) r.policy.upper_bound = reader.number(nlohmann::json::parse(bounds[i].dump()), "/weight_bound" + index);
    if (const auto issue = reweight::weight_policy_problem(r.policy))
      reader.fail(issue->field == "cutoff" ? "/cutoff" + index + "/0" : "/weight_bound" + index, issue->problem);

    const auto& map = maps[i];
    std::size_t row = 0;
    for (const auto& [channel, sample] : targets[i]) {
      std::size_t rows = 0;
      for (const auto& c : model.workspace.channels)
        if (c.name == channel) rows = c.samples.front().data.size();
      Eigen::MatrixXd density(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(r.edges.size() - 1));
      for (std::size_t a = 0; a < rows; ++a, ++row) {
        const std::string mp = "/map" + index + "/" + std::to_string(row);
        if (!map.is_array() || row >= map.size())
          reader.fail("/map" + index, "has fewer rows than the " + std::to_string(rows) + " bins of channel '" + channel + "'");
        const auto values = reader.numbers(nlohmann::json::parse(map[row].dump()), mp);
        if (values.size() != r.edges.size() - 1)
          reader.fail(mp, "has " + std::to_string(values.size()) + " columns, the bins have " + std::to_string(r.edges.size() - 1));
        for (std::size_t b = 0; b < values.size(); ++b) {
          if (!std::isfinite(values[b])) reader.fail(mp + "/" + std::to_string(b), "value must be finite");
          density(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = values[b];
        }
      }
      r.targets.push_back({channel, sample, std::move(density)});
    }
    if (map.is_array() && row != map.size())
      reader.fail("/map" + index, "has " + std::to_string(map.size()) + " rows, the reweighted samples have " + std::to_string(row) + " bins");
    model.reweightings.push_back(std::move(r));
  }
  return model;
}

/// redist_from_text of the file at `path` (`-`: standard input).
/// @throws io_error naming the file when it cannot be opened (with the operating system's reason),
///         and what redist_from_text throws.
inline redist_model read_redist(const std::string& path) {
  return redist_from_text(read_text_input(path, "rein::io::read_redist"), input_name(path));
}

/// The rates of one saved reweighting, supplied by the caller (the file holds only their names'
/// stand-ins: rates are code).
using redist_rates = std::function<std::shared_ptr<const reweight::bin_rates>(const redist_reweighting&)>;

/// The likelihood of a redist saved model: its workspace with every reweighting as a custom
/// modifier whose rates come from `rates_for`. Reweightings that name the same parameter share
/// it (they must declare it identically), as in redist, where they are pyhf parameters.
/// @throws invalid_argument when rates_for returns no rates or rates that do not fit the
///         reweighting (bins, parameter count), and for what make_model and make_modifier reject
inline likelihood::model make_redist_model(const redist_model& saved, const redist_rates& rates_for,
                                           const likelihood::model_options& options = {}) {
  std::vector<likelihood::custom_modifier> modifiers;
  for (const auto& r : saved.reweightings) {
    auto rates = rates_for(r);
    if (rates && rates->edges() != r.edges)
      throw invalid_argument("rein::io::make_redist_model: the rates of '" + r.name + "' have " +
                             std::to_string(rates->edges().size()) + " edges that differ from the modifier's " +
                             std::to_string(r.edges.size()));
    modifiers.push_back(reweight::make_modifier({r.name, std::move(rates), r.free, r.correlated, r.targets, r.policy}));
  }
  return likelihood::make_model(saved.workspace, options, modifiers);
}

}  // namespace rein::io
