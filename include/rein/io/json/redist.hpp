#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/workspace.hpp"
#include "rein/reweight/modifier.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
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
  return reader.numbers(axis, pointer + "/0");
}

}  // namespace detail

/// Reads a redist saved model (keys `spec`, `name`, `new_pars`, `map`, `bins`, `cutoff`,
/// `weight_bound`, `data`). Parameters keep their file order, which is the order redist hands
/// them to the alternative rate (free ones first, then each correlated vector).
/// @throws io_error naming the file, the JSON pointer and the problem.
inline redist_model read_redist(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("rein::io::read_redist: cannot open '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  nlohmann::ordered_json root;
  try {
    root = nlohmann::ordered_json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw io_error("rein::io::read_redist: '" + path + "' is not valid JSON: " + e.what());
  }
  const detail::schema_reader reader(path);
  const auto member = [&](const nlohmann::ordered_json& object, const std::string& pointer, const char* key) -> const nlohmann::ordered_json& {
    if (!object.is_object()) reader.fail(pointer, std::string("expected an object, found ") + object.type_name());
    const auto found = object.find(key);
    if (found == object.end()) reader.fail(pointer, std::string("missing required key '") + key + "'");
    return *found;
  };
  const auto list_or_one = [&](const nlohmann::ordered_json& value, std::size_t count, const std::string& pointer) {
    std::vector<nlohmann::ordered_json> items;
    if (value.is_array() && value.size() == count) {
      for (const auto& item : value) items.push_back(item);
    } else if (count == 1) {
      items.push_back(value);
    } else {
      reader.fail(pointer, "expected " + std::to_string(count) + " entries, one per modifier");
    }
    return items;
  };

  std::vector<std::string> names;
  const auto& name_value = member(root, "", "name");
  if (name_value.is_string()) names.push_back(name_value.get<std::string>());
  else {
    reader.array(nlohmann::json(name_value), "/name");
    for (std::size_t i = 0; i < name_value.size(); ++i) names.push_back(reader.string(name_value[i], "/name/" + std::to_string(i)));
  }
  const std::set<std::string> custom_types(names.begin(), names.end());

  // the pyhf part: strip the custom modifiers, remembering which samples they act on
  nlohmann::json spec = nlohmann::json::parse(member(root, "", "spec").dump());
  if (!spec.contains("channels")) reader.fail("/spec", "missing required key 'channels'");
  std::vector<std::vector<std::pair<std::string, std::string>>> targets(names.size());
  for (std::size_t c = 0; c < spec["channels"].size(); ++c) {
    auto& channel = spec["channels"][c];
    for (std::size_t s = 0; s < channel["samples"].size(); ++s) {
      auto& sample = channel["samples"][s];
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& m : sample["modifiers"]) {
        const std::string type = m.value("type", "");
        if (custom_types.count(type) != 0) {
          const auto index = static_cast<std::size_t>(std::find(names.begin(), names.end(), type) - names.begin());
          targets[index].emplace_back(channel["name"].get<std::string>(), sample["name"].get<std::string>());
        } else {
          kept.push_back(m);
        }
      }
      sample["modifiers"] = kept;
    }
  }
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

  const auto new_pars = list_or_one(member(root, "", "new_pars"), names.size(), "/new_pars");
  const auto maps = list_or_one(member(root, "", "map"), names.size(), "/map");
  const auto bins = list_or_one(member(root, "", "bins"), names.size(), "/bins");
  std::vector<nlohmann::ordered_json> cutoffs(names.size()), bounds(names.size());
  if (root.contains("cutoff")) cutoffs = list_or_one(root["cutoff"], names.size(), "/cutoff");
  if (root.contains("weight_bound")) bounds = list_or_one(root["weight_bound"], names.size(), "/weight_bound");

  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string index = names.size() == 1 ? "" : "/" + std::to_string(i);
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

}  // namespace rein::io
