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

namespace detail {

/// `/name` of a redist file: the custom modifiers' types, one string for one modifier or a list
/// for several; `listed` says which, so that a one-row map or a one-axis binning is never mistaken
/// for a list of modifiers (redist writes one modifier's entries as they are, several's as lists).
struct redist_names {
  std::vector<std::string> names;
  bool listed = false;
};

// The member `key` of `object` at `pointer` (ordered: `new_pars` keeps the file's order).
inline const nlohmann::ordered_json& redist_member(const schema_reader& reader, const nlohmann::ordered_json& object,
                                                   const std::string& pointer, const char* key) {
  if (!object.is_object()) reader.fail(pointer, std::string("expected an object, found ") + object.type_name());
  const auto found = object.find(key);
  if (found == object.end()) reader.fail(pointer, std::string("missing required key '") + key + "'");
  return *found;
}

inline redist_names redist_names_of(const nlohmann::ordered_json& root, const schema_reader& reader) {
  const auto& value = redist_member(reader, root, "", "name");
  redist_names out;
  out.listed = !value.is_string();
  if (!out.listed) {
    out.names.push_back(value.get<std::string>());
    return out;
  }
  reader.array(nlohmann::json(value), "/name");
  for (std::size_t i = 0; i < value.size(); ++i) out.names.push_back(reader.string(value[i], "/name/" + std::to_string(i)));
  return out;
}

// The entries of a per-modifier key (`new_pars`, `map`, ...): the value itself for one modifier,
// its list's items for several.
inline std::vector<nlohmann::ordered_json> per_modifier(const redist_names& names, const nlohmann::ordered_json& value,
                                                        const std::string& pointer, const schema_reader& reader) {
  if (!names.listed) return {value};
  if (!value.is_array() || value.size() != names.names.size())
    reader.fail(pointer, "expected a list of " + std::to_string(names.names.size()) + " entries, one per modifier of '/name'");
  return std::vector<nlohmann::ordered_json>(value.begin(), value.end());
}

/// The pyhf part of a redist file as a workspace document: `/spec/channels` with the custom
/// modifiers still in, `/data` split into one observation per channel by the channels' bins, no
/// measurement. JSON patches apply to it with pyhf's pointers (/channels/..., /observations/...).
inline nlohmann::json redist_workspace_document(const nlohmann::ordered_json& root, const schema_reader& reader) {
  const nlohmann::json spec(redist_member(reader, root, "", "spec"));
  const auto& channels = reader.array(reader.member(spec, "/spec", "channels"), "/spec/channels");
  const auto counts = reader.numbers(nlohmann::json(redist_member(reader, root, "", "data")), "/data");
  nlohmann::json document = {{"version", "1.0.0"}, {"channels", channels}, {"measurements", nlohmann::json::array()},
                             {"observations", nlohmann::json::array()}};
  std::size_t next = 0;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const std::string pointer = "/spec/channels/" + std::to_string(c);
    const auto& samples = reader.array(reader.member(channels[c], pointer, "samples"), pointer + "/samples");
    if (samples.empty()) reader.fail(pointer + "/samples", "a channel needs at least one sample");
    const std::size_t bins = reader.array(reader.member(samples[0], pointer + "/samples/0", "data"), pointer + "/samples/0/data").size();
    if (next + bins > counts.size()) reader.fail("/data", "has " + std::to_string(counts.size()) + " counts, the channels need more");
    document["observations"].push_back(
        {{"name", reader.member(channels[c], pointer, "name")},
         {"data", std::vector<double>(counts.begin() + static_cast<std::ptrdiff_t>(next), counts.begin() + static_cast<std::ptrdiff_t>(next + bins))}});
    next += bins;
  }
  if (next != counts.size())
    reader.fail("/data", "has " + std::to_string(counts.size()) + " counts, the channels have " + std::to_string(next) + " bins");
  return document;
}

/// Removes the modifiers of the custom types `names` from `document`'s channels; for each type,
/// the (channel, sample) pairs it acts on, in document order.
inline std::vector<std::vector<std::pair<std::string, std::string>>> strip_custom_modifiers(nlohmann::json& document,
                                                                                           const std::vector<std::string>& names) {
  const std::set<std::string> types(names.begin(), names.end());
  std::vector<std::vector<std::pair<std::string, std::string>>> targets(names.size());
  if (!document.contains("channels")) return targets;  // workspace_from_json reports it
  strip_modifiers(
      document["channels"], [&](const nlohmann::json& m) { return m.is_object() && types.count(m.value("type", "")) != 0; },
      [&](const std::string& channel, const std::string& sample, const nlohmann::json& m) {
        const auto index = static_cast<std::size_t>(std::find(names.begin(), names.end(), m["type"]) - names.begin());
        targets[index].emplace_back(channel, sample);
      });
  return targets;
}

/// The parameters of one modifier from its `new_pars` entry at `pointer`: free ones (with
/// optional bounds) first, then correlated vectors (`cov`), in file order.
inline void read_redist_parameters(const nlohmann::ordered_json& new_pars, const std::string& pointer, const schema_reader& reader,
                                   redist_reweighting& r) {
  if (!new_pars.is_object()) reader.fail(pointer, std::string("expected an object, found ") + new_pars.type_name());
  for (const auto& [key, par] : new_pars.items()) {
    const std::string pp = pointer + "/" + key;
    const auto inits = reader.numbers(nlohmann::json(redist_member(reader, par, pp, "inits")), pp + "/inits");
    if (par.contains("cov")) {
      reweight::correlated_parameters group;
      group.name = key;
      group.mean = Eigen::Map<const Eigen::VectorXd>(inits.data(), static_cast<Eigen::Index>(inits.size()));
      const auto& cov = par["cov"];
      if (!cov.is_array() || cov.size() != inits.size())
        reader.fail(pp + "/cov", "expected a " + std::to_string(inits.size()) + "×" + std::to_string(inits.size()) + " matrix");
      group.covariance.resize(group.mean.size(), group.mean.size());
      for (std::size_t a = 0; a < cov.size(); ++a) {
        const auto row = reader.numbers(nlohmann::json(cov[a]), pp + "/cov/" + std::to_string(a));
        if (row.size() != inits.size()) reader.fail(pp + "/cov/" + std::to_string(a), "row has " + std::to_string(row.size()) + " entries");
        for (std::size_t b = 0; b < row.size(); ++b) group.covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = row[b];
      }
      r.correlated.push_back(std::move(group));
      continue;
    }
    if (inits.size() != 1) reader.fail(pp + "/inits", "an unconstrained parameter has one init, found " + std::to_string(inits.size()));
    reweight::free_parameter p{key, inits[0], -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
    if (par.contains("bounds") && !par["bounds"].empty()) {
      const auto bound = reader.numbers(nlohmann::json(par["bounds"][0]), pp + "/bounds/0");
      if (bound.size() != 2) reader.fail(pp + "/bounds/0", "a bound is [lower, upper]");
      p.lower = bound[0], p.upper = bound[1];
    }
    if (!r.correlated.empty()) reader.fail(pp, "unconstrained parameter after a correlated one: rein keeps free parameters first");
    check_free_parameter(p, reader, pp);
    r.free.push_back(p);
  }
}

/// The weight policy of one modifier from its `cutoff` and `weight_bound` entries (null: none);
/// `index` is "" or "/i" for the i-th of several modifiers.
inline void read_redist_policy(const nlohmann::ordered_json& cutoff, const nlohmann::ordered_json& bound, const std::string& index,
                               const schema_reader& reader, redist_reweighting& r) {
  if (!cutoff.is_null()) {
    const auto limits = reader.numbers(nlohmann::json(cutoff.is_array() && !cutoff.empty() ? cutoff[0] : cutoff), "/cutoff" + index + "/0");
    if (limits.size() != 2) reader.fail("/cutoff" + index + "/0", "a cutoff is [low, high]");
    r.policy.cutoff_low = limits[0], r.policy.cutoff_high = limits[1];
  }
  if (!bound.is_null()) r.policy.upper_bound = reader.number(nlohmann::json(bound), "/weight_bound" + index);
  if (const auto issue = reweight::weight_policy_problem(r.policy))
    reader.fail(issue->field == "cutoff" ? "/cutoff" + index + "/0" : "/weight_bound" + index, issue->problem);
}

/// The number densities of one modifier's targets from its `map` at `pointer`: one row per bin of
/// each target's channel (in target order), one column per kinematic bin of r.edges.
inline void read_redist_densities(const nlohmann::ordered_json& map, const std::string& pointer,
                                  const std::vector<std::pair<std::string, std::string>>& targets,
                                  const likelihood::workspace& workspace, const schema_reader& reader, redist_reweighting& r) {
  std::size_t row = 0;
  for (const auto& [channel, sample] : targets) {
    std::size_t rows = 0;
    for (const auto& c : workspace.channels)
      if (c.name == channel) rows = c.samples.front().data.size();
    Eigen::MatrixXd density(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(r.edges.size() - 1));
    for (std::size_t a = 0; a < rows; ++a, ++row) {
      const std::string mp = pointer + "/" + std::to_string(row);
      if (!map.is_array() || row >= map.size())
        reader.fail(pointer, "has fewer rows than the " + std::to_string(rows) + " bins of channel '" + channel + "'");
      const auto values = reader.numbers(nlohmann::json(map[row]), mp);
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
    reader.fail(pointer, "has " + std::to_string(map.size()) + " rows, the reweighted samples have " + std::to_string(row) + " bins");
}

}  // namespace detail

/// Reads a redist saved model (keys `spec`, `name`, `new_pars`, `map`, `bins`, `cutoff`,
/// `weight_bound`, `data`). Parameters keep their file order, which is the order redist hands
/// them to the alternative rate (free ones first, then each correlated vector).
/// `text` is the file's contents, `path` its name in messages. `patches` apply, in order, to the
/// pyhf part as a workspace document (detail::redist_workspace_document: the channels with the
/// custom modifiers still in, the observations from `data`) before the custom modifiers are
/// read from it, so a patch may change counts, yields, modifiers or which samples are reweighted;
/// the densities (`map`) stay as saved and must fit the patched channels' bins.
/// @throws io_error naming the file, the JSON pointer and the problem; a patch that does not apply
///         names the patch file and its failing operation (patch_document).
inline redist_model redist_from_text(const std::string& text, const std::string& path, const std::vector<patch_source>& patches = {}) {
  const auto root = detail::parse_json_text<nlohmann::ordered_json>(text, path, "rein::io::read_redist");
  const detail::schema_reader reader(path);
  const auto names = detail::redist_names_of(root, reader);
  std::string source = path + " (its 'spec' and 'data')";
  auto document = patch_document(detail::redist_workspace_document(root, reader), patches, source);
  const auto targets = detail::strip_custom_modifiers(document, names.names);
  redist_model model;
  model.workspace = workspace_from_json(document, source);

  const auto entries = [&](const char* key) {
    const std::string pointer = std::string("/") + key;
    return root.contains(key) ? detail::per_modifier(names, root[key], pointer, reader)
                              : std::vector<nlohmann::ordered_json>(names.names.size());
  };
  const auto new_pars = detail::per_modifier(names, detail::redist_member(reader, root, "", "new_pars"), "/new_pars", reader);
  const auto maps = detail::per_modifier(names, detail::redist_member(reader, root, "", "map"), "/map", reader);
  const auto bins = detail::per_modifier(names, detail::redist_member(reader, root, "", "bins"), "/bins", reader);
  const auto cutoffs = entries("cutoff"), bounds = entries("weight_bound");
  for (std::size_t i = 0; i < names.names.size(); ++i) {
    const std::string index = names.listed ? "/" + std::to_string(i) : "";
    redist_reweighting r;
    r.name = names.names[i];
    detail::read_redist_parameters(new_pars[i], "/new_pars" + index, reader, r);
    r.edges = detail::edges_of(bins[i], reader, "/bins" + index);
    detail::read_redist_policy(cutoffs[i], bounds[i], index, reader, r);
    detail::read_redist_densities(maps[i], "/map" + index, targets[i], model.workspace, reader, r);
    model.reweightings.push_back(std::move(r));
  }
  return model;
}

/// redist_from_text of the file at `path` (`-`: standard input) with `patches`.
/// @throws io_error naming the file when it cannot be opened (with the operating system's reason),
///         and what redist_from_text throws.
inline redist_model read_redist(const std::string& path, const std::vector<patch_source>& patches = {}) {
  return redist_from_text(read_text_input(path, "rein::io::read_redist"), input_name(path), patches);
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
