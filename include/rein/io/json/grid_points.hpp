#pragma once

// The signal points of a grid (`rein grid`, rein.grid, rein.distributed.grid): a background-only
// pyhf workspace with its signal points as the entries of a pyhf patchset or as patch files, each
// point's model, and the JSON of a run over points [first, end), so that a grid run whole, in
// `--shard I/N` shards or on Dask workers gives the same points, bit for bit.
#include "rein/core/error.hpp"
#include "rein/infer/grid.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/model/make_model.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// One signal point: its name and values, and its patch (a patchset entry) or patch file (read
/// when the point's model is made, on a worker thread).
struct grid_point_source {
  std::string name;
  nlohmann::json values;
  std::string path;      ///< the patch file (plain patches); empty for a patchset entry
  nlohmann::json patch;  ///< the patch (patchset entries)
};

/// The background-only workspace and the signal points of a grid.
struct grid_input {
  std::string workspace_path;
  nlohmann::json background;
  std::vector<grid_point_source> points;
  nlohmann::json labels = nullptr;  ///< the patchset's labels (null for patch files)
};

/// Reads the workspace `workspace_path` and its signal points: the entries of the patchset
/// `patchset_path` (verified against the workspace's digest), or else the patch files
/// `patch_files` (name and values from each file's name, patch_name_of_file).
/// @throws invalid_argument for both or neither of a patchset and patch files; io_error for
///         unreadable or malformed files (named)
inline grid_input read_grid_input(const std::string& workspace_path, const std::optional<std::string>& patchset_path,
                                  const std::vector<std::string>& patch_files) {
  if (patchset_path.has_value() == !patch_files.empty())
    throw invalid_argument("rein grid: give the signal points as a patchset or as patch files (one of them)");
  grid_input in{workspace_path, read_json(workspace_path), {}, nullptr};
  if (patchset_path) {
    const auto ps = patchset_from_json(read_json(*patchset_path), *patchset_path);
    verify_patchset(ps, in.background, workspace_path);
    in.labels = ps.labels;
    for (const auto& p : ps.patches) in.points.push_back({p.name, p.values, "", p.patch});
  } else {
    for (const auto& f : patch_files)
      in.points.push_back({patch_name_of_file(f), patch_values_of_name(patch_name_of_file(f)), f, nullptr});
  }
  return in;
}

/// The model of signal point `i` of `in`: the background workspace patched by the point's patch.
/// @throws what reading, patching and make_model throw, naming the workspace and the patch
inline likelihood::model grid_point_model(const grid_input& in, std::size_t i, const likelihood::model_options& options) {
  const auto& p = in.points.at(i);
  const std::string patch_source = p.path.empty() ? p.name : p.path;
  const nlohmann::json patch = p.path.empty() ? p.patch : select_patch(read_json(p.path), p.path);
  const auto ws = workspace_from_json(apply_patch(in.background, patch, patch_source),
                                      in.workspace_path + " patched by '" + patch_source + "'");
  return likelihood::make_model(ws, options);
}

/// The JSON of a grid run over points [first, first + results.size()) of `in` (what `rein grid`
/// prints); "first" is added by the caller of a shard.
inline nlohmann::json grid_json(const grid_input& in, std::size_t first, const std::vector<infer::grid_point_result>& results,
                                const infer::grid_options& options, double seconds) {
  nlohmann::json points = nlohmann::json::array();
  for (std::size_t i = 0; i < results.size(); ++i)
    points.push_back(grid_point_json(in.points.at(first + i).name, in.points[first + i].values, results[i]));
  return {{"points", points}, {"labels", in.labels}, {"cl", options.limit.cl}, {"threads", options.threads}, {"seconds", seconds}};
}

}  // namespace rein::io
