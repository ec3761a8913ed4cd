#pragma once

// Number densities from published tables (a CSV matrix, or a HEPData JSON table that carries its
// own kinematic bins), checked against the workspace whose yields their rows reproduce: what
// `rein convert` (--density, belle2-knunu) and every other front end turn into rein's number
// densities before writing them (io/hdf5/number_density.hpp).
#include "rein/io/belle2_knunu_preset.hpp"
#include "rein/io/csv.hpp"
#include "rein/io/json/hepdata_table.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/reweight/number_density.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// Kinematic axes given by the user: names, edges and units. A CSV matrix needs them; a HEPData
/// table brings its own (edges given must then agree with the table's, units given replace its).
struct density_axes {
  std::vector<std::string> variables;
  std::vector<std::vector<double>> edges;
  std::vector<std::string> units;  ///< one per variable when units_given
  bool units_given = false;
};

/// Reads the number density `d` (`d.file` ending in .json: a HEPData table; otherwise a CSV matrix)
/// with the axes `axes`, labelled with `normalisation` and `source`.
/// @throws invalid_argument when a CSV matrix has no axes, a table's bins differ from `axes.edges`,
///         or the density is not a valid number density (the message names the file);
///         io_error for an unreadable or malformed file.
inline reweight::number_density import_number_density(const density_source& d, const density_axes& axes,
                                                      const std::string& normalisation, const std::string& source) {
  reweight::number_density_labels labels{d.name, d.channel, d.sample, axes.units, normalisation, source};
  Eigen::MatrixXd matrix;
  std::vector<std::vector<double>> edges = axes.edges;
  std::vector<std::string> variables = axes.variables;
  const bool json = d.file.size() >= 5 && d.file.compare(d.file.size() - 5, 5, ".json") == 0;
  if (json) {
    hepdata_table table = read_hepdata_table(d.file);
    if (!edges.empty() && (edges.size() != 1 || edges.front() != table.column_edges))
      throw invalid_argument("--density " + d.name + ": the kinematic bins of '" + d.file + "' differ from --edges");
    matrix = std::move(table.values);
    if (edges.empty()) {
      edges = {table.column_edges};
      variables = {table.column_name};
    }
    if (!axes.units_given) labels.units = {table.column_units};
  } else {
    if (edges.empty())
      throw invalid_argument("--density " + d.name + ": '" + d.file + "' is a CSV matrix, its kinematic bins need --edges VAR=SPEC");
    matrix = read_csv_matrix(d.file);
  }
  if (labels.units.empty()) labels.units.assign(edges.size(), "");
  try {
    return reweight::make_number_density(std::move(matrix), edges, variables, std::move(labels));
  } catch (const invalid_argument& e) {
    throw invalid_argument("'" + d.file + "': " + e.what());
  }
}

/// Checks each of `densities` against the workspace `workspace_path` (its channel exists, has the
/// sample, has as many bins as the density has rows) and returns per density the largest
/// |row sum / nominal yield − 1| over the sample's bins.
/// @throws invalid_argument naming the density, channel, sample and workspace that do not match.
inline std::vector<double> row_sum_deviations(const std::vector<reweight::number_density>& densities,
                                              const std::string& workspace_path) {
  const likelihood::workspace ws = read_workspace(workspace_path);
  std::vector<double> deviations;
  for (const auto& nd : densities) {
    const auto channel = std::find_if(ws.channels.begin(), ws.channels.end(), [&](const auto& c) { return c.name == nd.channel(); });
    if (channel == ws.channels.end())
      throw invalid_argument("density '" + nd.name() + "': channel '" + nd.channel() + "' is not in '" + workspace_path + "'");
    const auto sample =
        std::find_if(channel->samples.begin(), channel->samples.end(), [&](const auto& s) { return s.name == nd.sample(); });
    if (sample == channel->samples.end())
      throw invalid_argument("density '" + nd.name() + "': channel '" + nd.channel() + "' of '" + workspace_path +
                             "' has no sample '" + nd.sample() + "'");
    nd.check_rows(sample->data.size(), "channel '" + nd.channel() + "' of '" + workspace_path + "'");
    const Eigen::VectorXd sums = nd.row_sums();
    double worst = 0.0;
    for (std::size_t i = 0; i < sample->data.size(); ++i)
      worst = std::max(worst, std::abs(sums[static_cast<Eigen::Index>(i)] / sample->data[i] - 1.0));
    deviations.push_back(worst);
  }
  return deviations;
}

/// Number densities as imported: each with the file it came from and, when checked against a
/// workspace, its row_sum_deviations.
struct imported_densities {
  std::vector<reweight::number_density> densities;
  std::vector<std::string> files;
  std::vector<double> deviations;  ///< empty: not checked against a workspace
};

/// The densities of `preset` read from the directory `dir` (its CSV files, its axes and
/// provenance) and checked against its workspace; `files` are the preset's file names.
inline imported_densities import_density_preset(const density_preset& preset, const std::string& dir) {
  density_axes axes;
  axes.variables = {preset.variable};
  axes.edges = {preset.edges};
  axes.units = {preset.units};
  axes.units_given = true;
  imported_densities out;
  for (const auto& d : preset.densities) {
    out.densities.push_back(
        import_number_density({d.name, dir + "/" + d.file, d.channel, d.sample}, axes, preset.normalisation, preset.source(d.file)));
    out.files.push_back(d.file);
  }
  out.deviations = row_sum_deviations(out.densities, dir + "/" + preset.workspace);
  return out;
}

/// What was imported, one entry per density: name, input file, channel, sample, shape, variables,
/// row sums and (when checked) "max_relative_deviation_row_sums_vs_workspace".
inline nlohmann::json imported_densities_json(const imported_densities& imported) {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t k = 0; k < imported.densities.size(); ++k) {
    const auto& nd = imported.densities[k];
    const Eigen::VectorXd sums = nd.row_sums();
    nlohmann::json entry = {{"name", nd.name()},
                            {"input", imported.files[k]},
                            {"channel", nd.channel()},
                            {"sample", nd.sample()},
                            {"shape", {nd.rows(), nd.columns()}},
                            {"variables", nd.variables()},
                            {"row_sums", std::vector<double>(sums.data(), sums.data() + sums.size())}};
    if (!imported.deviations.empty()) entry["max_relative_deviation_row_sums_vs_workspace"] = imported.deviations[k];
    list.push_back(entry);
  }
  return list;
}

}  // namespace rein::io
