#pragma once

// rein's own saved form of a reweighted model (docs/formats.md): a pyhf workspace whose
// reweighted samples carry a modifier {"name": R, "type": "rein.reweight", "data": {"density": D}},
// one top-level object "rein.reweight" that defines every reweighting R (its rates by name, its
// parameters and weight policy) and names an HDF5 file of number densities D beside the JSON.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/io/hdf5/number_density.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/io/json/workspace.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace rein::io::hdf5 {

/// Labels of the densities that write_reweighted_workspace stores.
struct reweighted_workspace_options {
  std::string variable = "q2";
  std::string unit = "GeV^2";
  std::string normalisation = "expected signal events";
  std::string source;
};

namespace detail {

/// The version of the `rein.reweight` object that this reader reads and the writer writes.
inline constexpr const char* reweight_extension_version = "1.0.0";

inline double bound_of(const nlohmann::json& value, double missing, const io::detail::schema_reader& reader, const std::string& pointer) {
  return value.is_null() ? missing : reader.number(value, pointer);
}

// The HDF5 name of target k of reweighting r: the reweighting's name when it has one target.
inline std::string density_name(const io::redist_reweighting& r, std::size_t k) {
  return r.targets.size() == 1 ? r.name : r.name + "_" + std::to_string(k);
}

inline std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

}  // namespace detail

/// Writes `model` as rein's reweighted workspace: the JSON at `json_path` and its densities in
/// `densities` (a file name, stored relative to the JSON's directory). Every reweighting must
/// name its rates (`null`, `alternative`): rates are code, the file keeps their names.
/// @throws invalid_argument for a reweighting without rate names, or with more than one axis
/// @throws io_error when a file cannot be written
inline void write_reweighted_workspace(const std::string& json_path, const std::string& densities, const io::redist_model& model,
                                       const reweighted_workspace_options& options = {}) {
  nlohmann::json document = io::workspace_to_json(model.workspace);
  std::vector<reweight::number_density> stored;
  nlohmann::json definitions = nlohmann::json::array();
  for (const auto& r : model.reweightings) {
    if (r.null.empty() || r.alternative.empty())
      throw invalid_argument("rein::io::write_reweighted_workspace: reweighting '" + r.name +
                             "' does not name its rates (null, alternative); the file can only keep names");
    nlohmann::json free = nlohmann::json::array(), correlated = nlohmann::json::array();
    for (const auto& p : r.free)
      free.push_back({{"name", p.name}, {"init", p.init}, {"bounds", {io::detail::bound_json(p.lower), io::detail::bound_json(p.upper)}}});
    for (const auto& g : r.correlated) {
      nlohmann::json covariance = nlohmann::json::array();
      for (Eigen::Index a = 0; a < g.covariance.rows(); ++a) {
        std::vector<double> row(static_cast<std::size_t>(g.covariance.cols()));
        for (Eigen::Index b = 0; b < g.covariance.cols(); ++b) row[static_cast<std::size_t>(b)] = g.covariance(a, b);
        covariance.push_back(row);
      }
      correlated.push_back({{"name", g.name}, {"mean", std::vector<double>(g.mean.data(), g.mean.data() + g.mean.size())},
                            {"covariance", covariance}});
    }
    definitions.push_back(
        {{"name", r.name},
         {"null", r.null},
         {"alternative", r.alternative},
         {"free", free},
         {"correlated", correlated},
         {"policy",
          {{"cutoff", {io::detail::bound_json(r.policy.cutoff_low), io::detail::bound_json(r.policy.cutoff_high)}},
           {"allow_negative", r.policy.allow_negative},
           {"upper_bound", r.policy.upper_bound ? nlohmann::json(*r.policy.upper_bound) : nlohmann::json(nullptr)}}}});
    for (std::size_t k = 0; k < r.targets.size(); ++k) {
      const auto& t = r.targets[k];
      stored.push_back(reweight::make_number_density(
          t.density, {r.edges}, {options.variable},
          {detail::density_name(r, k), t.channel, t.sample, {options.unit}, options.normalisation, options.source}));
      for (auto& channel : document["channels"])
        if (channel["name"] == t.channel)
          for (auto& sample : channel["samples"])
            if (sample["name"] == t.sample)
              sample["modifiers"].push_back(
                  {{"name", r.name}, {"type", "rein.reweight"}, {"data", {{"density", detail::density_name(r, k)}}}});
    }
  }
  document["rein.reweight"] = {{"version", detail::reweight_extension_version}, {"densities", densities}, {"reweightings", definitions}};
  write_number_densities(detail::directory_of(json_path) + densities, stored);
  io::write_json(document, json_path);
}

/// Reads rein's reweighted workspace (see write_reweighted_workspace): the workspace without the
/// `rein.reweight` modifiers, and each reweighting with its targets' densities from the HDF5 file.
/// `patches` apply, in order, to the whole document (`rein.reweight` too) before it is read.
/// @throws io_error naming the patch file for a patch that does not apply (patch_document); naming the file and the JSON pointer (or the HDF5 dataset) for a malformed
///         document, a `rein.reweight` modifier naming an undefined reweighting or a missing
///         density, a density whose channel or sample is not the modifier's, or targets of one
///         reweighting with different kinematic edges
inline io::redist_model read_reweighted_workspace(const std::string& path, const std::vector<io::patch_source>& patches = {}) {
  std::string source = path;
  nlohmann::json document = io::patch_document(io::read_json(path), patches, source);
  const io::detail::schema_reader reader(source);
  if (!document.is_object() || !document.contains("rein.reweight"))
    reader.fail("", "missing key 'rein.reweight' (not a reweighted workspace; a plain pyhf workspace reads with read_workspace)");
  const nlohmann::json extension = document["rein.reweight"];
  document.erase("rein.reweight");
  const std::string version = reader.string(reader.member(extension, "/rein.reweight", "version"), "/rein.reweight/version");
  if (version != detail::reweight_extension_version)
    reader.fail("/rein.reweight/version", "version '" + version + "' is not supported (this reader reads " +
                                              detail::reweight_extension_version + ")");
  const auto& definitions = reader.array(reader.member(extension, "/rein.reweight", "reweightings"), "/rein.reweight/reweightings");
  const std::string densities = reader.string(reader.member(extension, "/rein.reweight", "densities"), "/rein.reweight/densities");
  const std::string densities_path = (densities.rfind('/', 0) == 0 ? "" : detail::directory_of(path)) + densities;

  io::redist_model model;
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    const std::string pointer = "/rein.reweight/reweightings/" + std::to_string(i);
    const auto& d = definitions[i];
    io::redist_reweighting r;
    r.name = reader.string(reader.member(d, pointer, "name"), pointer + "/name");
    r.null = reader.string(reader.member(d, pointer, "null"), pointer + "/null");
    r.alternative = reader.string(reader.member(d, pointer, "alternative"), pointer + "/alternative");
    const auto& free = reader.array(reader.member(d, pointer, "free"), pointer + "/free");
    for (std::size_t k = 0; k < free.size(); ++k) {
      const std::string fp = pointer + "/free/" + std::to_string(k);
      const auto& bounds = reader.array(reader.member(free[k], fp, "bounds"), fp + "/bounds");
      if (bounds.size() != 2) reader.fail(fp + "/bounds", "a bound is [lower, upper] (null for no bound)");
      r.free.push_back({reader.string(reader.member(free[k], fp, "name"), fp + "/name"),
                        reader.number(reader.member(free[k], fp, "init"), fp + "/init"),
                        detail::bound_of(bounds[0], -std::numeric_limits<double>::infinity(), reader, fp + "/bounds/0"),
                        detail::bound_of(bounds[1], std::numeric_limits<double>::infinity(), reader, fp + "/bounds/1")});
      io::detail::check_free_parameter(r.free.back(), reader, fp);
    }
    const auto& correlated = reader.array(reader.member(d, pointer, "correlated"), pointer + "/correlated");
    for (std::size_t k = 0; k < correlated.size(); ++k) {
      const std::string cp = pointer + "/correlated/" + std::to_string(k);
      reweight::correlated_parameters g;
      g.name = reader.string(reader.member(correlated[k], cp, "name"), cp + "/name");
      const auto mean = reader.numbers(reader.member(correlated[k], cp, "mean"), cp + "/mean");
      g.mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), static_cast<Eigen::Index>(mean.size()));
      const auto& rows = reader.array(reader.member(correlated[k], cp, "covariance"), cp + "/covariance");
      if (rows.size() != mean.size())
        reader.fail(cp + "/covariance", "has " + std::to_string(rows.size()) + " rows, the mean has " + std::to_string(mean.size()) + " entries");
      g.covariance.resize(g.mean.size(), g.mean.size());
      for (std::size_t a = 0; a < rows.size(); ++a) {
        const auto row = reader.numbers(rows[a], cp + "/covariance/" + std::to_string(a));
        if (row.size() != mean.size())
          reader.fail(cp + "/covariance/" + std::to_string(a), "has " + std::to_string(row.size()) + " entries, need " + std::to_string(mean.size()));
        for (std::size_t b = 0; b < row.size(); ++b) g.covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = row[b];
      }
      r.correlated.push_back(std::move(g));
    }
    const auto& policy = reader.member(d, pointer, "policy");
    const auto& cutoff = reader.array(reader.member(policy, pointer + "/policy", "cutoff"), pointer + "/policy/cutoff");
    if (cutoff.size() != 2) reader.fail(pointer + "/policy/cutoff", "a cutoff is [low, high] (null for no cut)");
    r.policy.cutoff_low = detail::bound_of(cutoff[0], -std::numeric_limits<double>::infinity(), reader, pointer + "/policy/cutoff/0");
    r.policy.cutoff_high = detail::bound_of(cutoff[1], std::numeric_limits<double>::infinity(), reader, pointer + "/policy/cutoff/1");
    const auto& allow = reader.member(policy, pointer + "/policy", "allow_negative");
    if (!allow.is_boolean()) reader.fail(pointer + "/policy/allow_negative", "expected true or false");
    r.policy.allow_negative = allow.get<bool>();
    const auto& bound = reader.member(policy, pointer + "/policy", "upper_bound");
    if (!bound.is_null()) r.policy.upper_bound = reader.number(bound, pointer + "/policy/upper_bound");
    if (const auto issue = reweight::weight_policy_problem(r.policy)) reader.fail(pointer + "/policy/" + issue->field, issue->problem);
    if (index_of.count(r.name) != 0) reader.fail(pointer + "/name", "reweighting '" + r.name + "' is defined twice");
    index_of[r.name] = model.reweightings.size();
    model.reweightings.push_back(std::move(r));
  }

  // the targets: the samples' rein.reweight modifiers, each with its density
  std::vector<std::string> problems;
  io::detail::strip_modifiers(
      document["channels"], [](const nlohmann::json& m) { return m.is_object() && m.value("type", "") == "rein.reweight"; },
      [&](const std::string& channel, const std::string& sample, const nlohmann::json& m) {
        const std::string what = "the rein.reweight modifier of sample '" + sample + "' in channel '" + channel + "'";
        const auto found = index_of.find(m.value("name", ""));
        if (found == index_of.end()) {
          problems.push_back(what + " names reweighting '" + m.value("name", "") + "', which /rein.reweight/reweightings does not define");
          return;
        }
        if (!m.contains("data") || !m["data"].is_object() || !m["data"].contains("density") || !m["data"]["density"].is_string()) {
          problems.push_back(what + " has no data.density (the name of its number density)");
          return;
        }
        auto& r = model.reweightings[found->second];
        const auto density = read_number_density(densities_path, m["data"]["density"].get<std::string>());
        if (density.channel() != channel || density.sample() != sample)
          problems.push_back(what + ": density '" + density.name() + "' of '" + densities_path + "' describes sample '" +
                             density.sample() + "' in channel '" + density.channel() + "'");
        else if (density.kinematic_bins().dimension() != 1)
          problems.push_back(what + ": density '" + density.name() + "' has " +
                             std::to_string(density.kinematic_bins().dimension()) + " kinematic axes; reweighting uses one");
        else if (!r.targets.empty() && density.edges()[0] != r.edges)
          problems.push_back(what + ": density '" + density.name() + "' has other kinematic edges than the reweighting's first target");
        else {
          if (r.targets.empty()) r.edges = density.edges()[0];
          r.targets.push_back(reweight::make_target(density));
        }
      });
  if (!problems.empty()) reader.fail("/channels", problems.front());
  for (const auto& r : model.reweightings)
    if (r.targets.empty()) reader.fail("/rein.reweight/reweightings", "reweighting '" + r.name + "' acts on no sample");
  model.workspace = io::workspace_from_json(document, source);
  return model;
}

}  // namespace rein::io::hdf5
