#pragma once

// The signal points of a grid over a published likelihood (`rein grid`, rein.grid,
// rein.distributed.grid): a background-only pyhf workspace with one patch per signal point, given
// as a patchset or as patch files; the model of each point, and the JSON of a run over points
// [first, end), so that a grid run whole, in `--shard I/N` shards or on Dask workers gives the
// same points, bit for bit.
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
#include <vector>

namespace rein::io {

/// One signal point: a patchset entry (its patch held) or a patch file (read when its model is built).
struct signal_point {
  std::string name;
  nlohmann::json values;  ///< the point's coordinates (the patchset's values, or those in the file's name)
  std::string path;       ///< the patch file; empty for a patchset entry
  nlohmann::json patch;   ///< the patch of a patchset entry
};

/// The signal points of a grid, with the patchset's labels (null for patch files).
struct signal_grid {
  std::vector<signal_point> points;
  nlohmann::json labels = nullptr;
};

/// The entries of the patchset file `path`, checked against the background-only `background`
/// (read from `background_source`) by its digests.
/// @throws io_error for an unreadable patchset or a digest that does not match
inline signal_grid signal_grid_of_patchset(const std::string& path, const nlohmann::json& background, const std::string& background_source) {
  const auto ps = patchset_from_json(read_json(path), path);
  verify_patchset(ps, background, background_source);
  signal_grid grid;
  grid.labels = ps.labels;
  for (const auto& p : ps.patches) grid.points.push_back({p.name, p.values, "", p.patch});
  return grid;
}

/// The patch files `files`, each named and placed by its file name (patch_name_of_file,
/// patch_values_of_name).
inline signal_grid signal_grid_of_files(const std::vector<std::string>& files) {
  signal_grid grid;
  for (const auto& f : files) grid.points.push_back({patch_name_of_file(f), patch_values_of_name(patch_name_of_file(f)), f, nullptr});
  return grid;
}

/// The signal points given as the patchset `patchset` (signal_grid_of_patchset) or else as the
/// patch files `files` (signal_grid_of_files), over `background` (read from `background_source`).
/// @throws invalid_argument for both or neither of a patchset and patch files; what
///         signal_grid_of_patchset throws
inline signal_grid signal_grid_of(const nlohmann::json& background, const std::string& background_source,
                                  const std::optional<std::string>& patchset, const std::vector<std::string>& files) {
  if (patchset.has_value() == !files.empty())
    throw invalid_argument("rein grid: give the signal points as a patchset or as patch files (one of them)");
  return patchset ? signal_grid_of_patchset(*patchset, background, background_source) : signal_grid_of_files(files);
}

/// The model of signal point `p`: `background` (read from `background_source`) patched by its
/// patch, built with `options`. Safe to call on worker threads (it reads a patch file itself).
/// @throws io_error for an unreadable patch or patched workspace; what make_model throws
inline likelihood::model signal_point_model(const nlohmann::json& background, const std::string& background_source, const signal_point& p,
                                            const likelihood::model_options& options) {
  const std::string source = background_source + " patched by '" + (p.path.empty() ? p.name : p.path) + "'";
  const nlohmann::json patch = p.path.empty() ? p.patch : select_patch(read_json(p.path), p.path);
  return likelihood::make_model(workspace_from_json(apply_patch(background, patch, p.path.empty() ? p.name : p.path), source), options);
}

/// The output of a grid over points [first, first + results.size()) of `grid`: {points (one
/// grid_point_json each), labels, cl, threads, seconds}; `all_ok` says whether every point is ok.
inline nlohmann::json signal_grid_json(const signal_grid& grid, std::size_t first, const std::vector<infer::grid_point_result>& results,
                                       const infer::grid_options& options, double seconds, bool& all_ok) {
  nlohmann::json points = nlohmann::json::array();
  all_ok = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    points.push_back(grid_point_json(grid.points[first + i].name, grid.points[first + i].values, results[i]));
    all_ok = all_ok && results[i].ok();
  }
  return {{"points", points}, {"labels", grid.labels}, {"cl", options.limit.cl}, {"threads", options.threads}, {"seconds", seconds}};
}

}  // namespace rein::io
