// rein grid WS (--patchset PS.json | --patches P1.json P2.json ...): observed and expected CLs
// upper limits and CLs at mu = 1 for every signal point of a published likelihood, in parallel and
// in shards (rein merge joins them).
#include "cli.hpp"
#include "load_model.hpp"
#include "shard.hpp"

#include "rein/infer/grid.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using rein::cli::arguments;

struct grid_point {
  std::string name;
  nlohmann::json values;
  std::string path;       ///< the patch file (plain patches), read on a worker thread
  nlohmann::json patch;   ///< the patch (patchset entries)
};

int grid(const arguments& args) {
  args.allow_only({"patchset", "patches", "cl", "threads", "shard", "poi-bounds", "fix", "init", "measurement", "interp", "poi",
                   "verbose"});
  const auto begin = std::chrono::steady_clock::now();
  const std::string ws_path = args.positional(0, "WS (the background-only pyhf workspace)");
  if (args.has("patchset") == args.has("patches"))
    throw rein::invalid_argument("give the signal points as --patchset PS.json or as --patches P1.json P2.json ...");
  for (const char* single : {"patchset", "cl", "threads", "shard", "poi-bounds", "measurement", "poi"})
    if (args.all(single).size() > 1) throw rein::invalid_argument(std::string("--") + single + " given more than once");

  const nlohmann::json background = rein::io::read_json(ws_path);
  std::vector<grid_point> points;
  nlohmann::json labels = nullptr;
  if (args.has("patchset")) {
    if (args.positional_count() > 1)
      throw rein::invalid_argument("unexpected argument '" + args.positional(1, "") + "' (patch files go after --patches)");
    const std::string path = args.get("patchset", "");
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(path), path);
    rein::io::verify_patchset(ps, background, ws_path);
    labels = ps.labels;
    for (const auto& p : ps.patches) points.push_back({p.name, p.values, "", p.patch});
  } else {
    std::vector<std::string> files = args.all("patches");
    for (std::size_t i = 1; i < args.positional_count(); ++i) files.push_back(args.positional(i, ""));
    for (const auto& f : files)
      points.push_back({rein::io::patch_name_of_file(f), rein::io::patch_values_of_name(rein::io::patch_name_of_file(f)), f, nullptr});
  }

  rein::infer::grid_options options;
  options.limit.cl = args.get_double("cl", 0.95);
  const long threads = args.get_long("threads", 1);
  if (threads < 1) throw rein::invalid_argument("--threads = " + std::to_string(threads) + ", must be >= 1");
  options.threads = static_cast<unsigned>(threads);
  // --fix, --init and --poi-bounds hold, start and bound parameters in every point's model
  const auto model_options = rein::cli::load_options_of(args).model;

  const auto shard = rein::cli::shard_of(args);
  const auto [first, end] = shard ? rein::cli::slice(points.size(), *shard) : std::pair<std::size_t, std::size_t>{0, points.size()};
  const auto make_model = [&](std::size_t i) {
    const auto& p = points[first + i];
    std::string source = ws_path + " patched by '" + (p.path.empty() ? p.name : p.path) + "'";
    const nlohmann::json patch = p.path.empty() ? p.patch : rein::io::select_patch(rein::io::read_json(p.path), p.path);
    auto ws = rein::io::workspace_from_json(rein::io::apply_patch(background, patch, p.path.empty() ? p.name : p.path), source);
    return rein::likelihood::make_model(ws, model_options);
  };
  const auto results = rein::infer::grid(end - first, make_model, options);

  nlohmann::json out_points = nlohmann::json::array();
  bool all_ok = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    out_points.push_back(rein::io::grid_point_json(points[first + i].name, points[first + i].values, results[i]));
    all_ok = all_ok && results[i].ok();
  }
  nlohmann::json out = {{"points", out_points}, {"labels", labels}, {"cl", options.limit.cl},
                        {"threads", options.threads}, {"seconds", rein::cli::seconds_since(begin)}};
  if (shard) {
    out["shard"] = rein::cli::shard_record("grid", *shard, args);
    out["first"] = first;
    rein::cli::sign_shard(out, "grid", args);
  }
  rein::cli::print_json(out);
  return all_ok ? 0 : 3;
}

const bool grid_registered = rein::cli::register_verb(
    {"grid",
     "grid WS (--patchset PS.json | --patches P1.json P2.json ...) [--cl 0.95] [--threads T] [--shard I/N] "
     "[--poi-bounds LO:HI] [--fix NAME=VALUE ...] [--init NAME=VALUE ...] [--measurement M] [--interp ...] [--poi NAME]",
     {}, grid});

}  // namespace
