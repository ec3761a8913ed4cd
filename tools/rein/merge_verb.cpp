// rein merge SHARD.json ...: combines the outputs of `--shard I/N` runs into the JSON the whole
// run prints (identical numbers: the same tasks, combined in the same order; io/json/merge_shards.hpp).
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "shard.hpp"

#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/json/read_json.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using rein::cli::arguments;

// The whole run's arguments, parsed as `verb` parses them.
arguments arguments_of(const std::string& verb, const rein::io::shard_file& f) {
  return arguments(rein::io::shard_run_tokens(f), rein::cli::verbs().at(verb).flags_without_value);
}

int merge_cls(const std::vector<rein::io::shard_file>& shards, std::chrono::steady_clock::time_point begin) {
  const auto options = rein::cli::toy_options_of(arguments_of("cls", shards[0]));
  const auto toys = rein::io::merge_toy_shards(shards, options.n_toys);
  auto out = rein::io::to_json(rein::infer::toy_hypotest_from(toys.mu, toys.q_obs, toys.sb, toys.b, toys.status), options);
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return out["status"] == "ok" ? 0 : 3;
}

int merge_scan(const std::vector<rein::io::shard_file>& shards, std::chrono::steady_clock::time_point begin) {
  const auto run = arguments_of("scan", shards[0]);
  const auto model = rein::cli::load_model(run);
  const std::string poi = run.get("poi", model.parameters()[model.parameters().poi_index()].name);
  auto points = rein::io::merge_scan_shards(shards);
  const auto grid = rein::cli::scan_grid(run.get("range", ""), "--range");
  if (points.size() != grid.size())
    throw rein::invalid_argument("rein merge: the shards hold " + std::to_string(points.size()) + " scan points, the run has " +
                                 std::to_string(grid.size()));
  const auto r = rein::infer::complete_scan(model, model.observed(), poi, std::move(points));
  auto out = rein::io::to_json(r);
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int merge(const arguments& args) {
  args.allow_only({});
  const auto begin = std::chrono::steady_clock::now();
  std::vector<rein::io::shard_file> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) {
    const std::string path = args.positional(i, "SHARD.json");
    files.push_back({path, rein::io::read_json(path)});
  }
  const auto shards = rein::io::order_shards(std::move(files));
  const std::string verb = rein::io::shard_verb(shards[0]);
  if (rein::cli::verbs().count(verb) == 0 || (verb != "cls" && verb != "scan" && verb != "grid"))
    throw rein::invalid_argument("rein merge: '" + shards[0].path + "' is a shard of 'rein " + verb + "', which rein merge does not know");
  // each shard's digests, recomputed: the run's (the same command line, N and model and patch
  // files as now) and its contents' (no edit, no truncation)
  rein::io::check_shard_digests(shards, rein::cli::run_digest(verb, arguments_of(verb, shards[0]), shards.size()));
  if (verb == "cls") return merge_cls(shards, begin);
  if (verb == "scan") return merge_scan(shards, begin);
  bool all_ok = true;
  rein::cli::print_json(rein::io::merge_grid_shards(shards, all_ok));
  return all_ok ? 0 : 3;
}

const bool merge_registered = rein::cli::register_verb(
    {"merge", "merge SHARD.json ... (the outputs of one run's --shard 0/N … N-1/N, in any order)", {}, merge});

}  // namespace
