// rein grid, merge: CLs limits over the signal points of a published likelihood, and the join of
// the outputs of `--shard I/N` runs into what the whole run prints (the same numbers).
#include "cli.hpp"

#include "rein/infer/scan.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/signal_grid.hpp"

namespace {

using namespace rein;
using cli::arguments;

int grid(const cli::arguments& args) {
  const auto begin = std::chrono::steady_clock::now();
  const std::string ws_path = args.positional(0, "WS (the background-only pyhf workspace)");
  if (args.has("patchset") == args.has("patches"))
    throw invalid_argument("give the signal points as --patchset PS.json or as --patches P1.json P2.json ...");
  const nlohmann::json background = io::read_json(ws_path);
  io::signal_grid points;
  if (args.has("patchset")) {
    args.at_most(1, "patch files go after --patches");
    points = io::signal_grid_of_patchset(args.get("patchset", ""), background, ws_path);
  } else {
    std::vector<std::string> files = args.all("patches");
    for (std::size_t i = 1; i < args.positional_count(); ++i) files.push_back(args.positional(i, ""));
    points = io::signal_grid_of_files(files);
  }
  infer::grid_options options;
  options.limit.cl = args.get_double("cl", 0.95);
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  // --fix, --init and --poi-bounds hold, start and bound parameters in every point's model
  const auto model_options = cli::load_options_of(args).model;
  const auto shard = cli::shard_of(args, points.points.size());
  const std::size_t first = shard ? shard->first : 0, end = shard ? shard->end : points.points.size();
  const auto results = infer::grid(end - first, [&](std::size_t i) {
    return io::signal_point_model(background, ws_path, points.points[first + i], model_options);
  }, options);
  bool all_ok = true;
  const auto out = io::signal_grid_json(points, first, results, options, cli::seconds_since(begin), all_ok);
  cli::print_json(shard ? cli::signed_shard(out, "grid", *shard, args) : out);
  return all_ok ? 0 : 3;
}

// the options of the model that apply to every point (a patch per point replaces --patch)
cli::option_table grid_options() {
  cli::option_table own = {{"patchset", "PS.json", "the signal points as a pyhf patchset"},
                      {"patches", "P.json", "the signal points as patch files (more may follow as arguments)", true},
                      {"cl", "0.95", "the confidence level"},
                      {"threads", "T", "worker threads (default 1)"},
                      {"shard", "I/N", "slice I of N of the points (rein merge joins them)"}};
  for (const auto& o : cli::model_options())
    for (const char* name : {"poi-bounds", "fix", "init", "measurement", "interp", "poi", "verbose"})
      if (o.name == name) own.push_back(o);
  return own;
}

const bool grid_registered = cli::register_verb({"grid", "WS (--patchset PS.json | --patches P1.json P2.json ...)", grid_options(), false, grid});

int merge(const cli::arguments& args) {
  const auto begin = std::chrono::steady_clock::now();
  std::vector<io::shard_file> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) {
    const std::string path = args.positional(i, "SHARD.json");
    files.push_back({path, io::read_json(path)});
  }
  const auto shards = io::order_shards(std::move(files));
  const std::string verb = io::shard_verb(shards[0]);
  if (verb != "cls" && verb != "scan" && verb != "grid")
    throw invalid_argument("rein merge: '" + shards[0].path + "' is a shard of 'rein " + verb + "', which rein merge does not know");
  // the whole run's arguments; each shard's digests, recomputed: the run's (the same command
  // line, N and model and patch files as now) and its contents' (no edit, no truncation)
  const auto run = cli::parse(verb, io::shard_run_tokens(shards[0]));
  io::check_shard_digests(shards, cli::run_digest(verb, run, shards.size()));
  if (verb == "cls") {
    const auto options = cli::toy_options_of(run);
    const auto toys = io::merge_toy_shards(shards, options.n_toys);
    const auto out = io::to_json(infer::toy_hypotest_from(toys.mu, toys.q_obs, toys.sb, toys.b, toys.status), options);
    return cli::finish(out, begin, out["status"] == "ok");
  }
  if (verb == "scan") {
    const auto model = cli::load_model(run);
    const std::string poi = run.get("poi", model.parameters()[model.parameters().poi_index()].name);
    const auto r = io::merge_scan(model, poi, infer::linear_grid_of(run.get("range", ""), "--range"), shards);
    return cli::finish(io::to_json(r), begin, r.status == fit::fit_status::ok);
  }
  bool all_ok = true;
  cli::print_json(io::merge_grid_shards(shards, all_ok));
  return all_ok ? 0 : 3;
}

const bool merge_registered =
    cli::register_verb({"merge", "SHARD.json ... (the outputs of one run's --shard 0/N ... N-1/N, in any order)", {}, false, merge});

}  // namespace
