// rein merge SHARD.json ...: combines the outputs of `--shard I/N` runs into the JSON the whole
// run prints (identical numbers: the same tasks, combined in the same order).
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "shard.hpp"
#include "shard_digest.hpp"

#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/read_json.hpp"

#include <chrono>
#include <limits>
#include <string>
#include <vector>

namespace {

using rein::cli::arguments;

struct shard_file {
  std::string path;
  nlohmann::json document;
};

std::string where(const shard_file& f, const std::string& pointer) { return "'" + f.path + "' at " + pointer; }

const nlohmann::json& member(const shard_file& f, const nlohmann::json& object, const std::string& pointer, const char* key) {
  if (!object.is_object() || !object.contains(key))
    throw rein::io_error("rein merge: " + where(f, pointer) + ": missing key '" + key + "' (not the output of a --shard run?)");
  return object[key];
}

using rein::cli::whole_run;

// Values of a shard's task list, null (a failed toy fit) as NaN.
std::vector<double> values_of(const shard_file& f, const nlohmann::json& list, const std::string& pointer) {
  if (!list.is_array()) throw rein::io_error("rein merge: " + where(f, pointer) + ": expected an array");
  std::vector<double> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) out.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (list[i].is_number() && list[i].get<double>() >= 0) out.push_back(list[i].get<double>());
    else throw rein::io_error("rein merge: " + where(f, pointer + "/" + std::to_string(i)) + ": expected a test statistic >= 0 or null, found " + list[i].dump());
  }
  return out;
}

rein::fit::fit_status status_of(const shard_file& f, const nlohmann::json& value, const std::string& pointer) {
  for (auto s : {rein::fit::fit_status::ok, rein::fit::fit_status::max_iterations, rein::fit::fit_status::line_search_failed,
                 rein::fit::fit_status::non_finite, rein::fit::fit_status::not_converged})
    if (value.is_string() && value.get<std::string>() == rein::fit::to_string(s)) return s;
  throw rein::io_error("rein merge: " + where(f, pointer) + ": unknown fit status " + value.dump());
}

// Each shard's digests, recomputed: the run's (the same command line, N and model and patch files
// as now) and its contents' (no edit, no truncation).
void check_digests(const std::vector<shard_file>& shards, std::size_t count) {
  const std::string verb = shards[0].document["shard"]["verb"].get<std::string>();
  const auto found = rein::cli::verbs().find(verb);
  if (found == rein::cli::verbs().end())
    throw rein::invalid_argument("rein merge: '" + shards[0].path + "' is a shard of 'rein " + verb + "', which rein merge does not know");
  const arguments run(whole_run(shards[0].document["shard"]["arguments"].get<std::vector<std::string>>()), found->second.flags_without_value);
  const std::string expected = rein::cli::run_digest(verb, run, count);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& f = shards[i];
    const auto& s = f.document["shard"];
    const auto& digest = member(f, s, "/shard", "run_digest");
    if (!digest.is_string() || digest.get<std::string>() != expected)
      throw rein::invalid_argument("rein merge: '" + f.path + "' is a shard of another run: its /shard/run_digest " + digest.dump() +
                                   " is not " + expected + ", the digest of the command line and of the model and patch files "
                                   "as they are now (changed since the shard ran?)");
    const auto& contents = member(f, s, "/shard", "contents_digest");
    if (!contents.is_string() || contents.get<std::string>() != rein::cli::contents_digest(expected, i, f.document))
      throw rein::io_error("rein merge: " + where(f, "/shard/contents_digest") + ": " + contents.dump() +
                           " does not match the shard's contents (edited or truncated since it was written)");
  }
}

// The shards in index order, checked: one verb and command line, N files, each index once, and
// each shard's tasks starting where the previous one's ended.
std::vector<shard_file> ordered_shards(const arguments& args) {
  std::vector<shard_file> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) {
    const std::string path = args.positional(i, "SHARD.json");
    files.push_back({path, rein::io::read_json(path)});
  }
  if (files.empty()) throw rein::invalid_argument("missing argument SHARD.json: the outputs of the --shard I/N runs");
  const auto& first = member(files[0], files[0].document, "", "shard");
  const auto count = member(files[0], first, "/shard", "count").get<std::size_t>();
  const auto tokens = whole_run(member(files[0], first, "/shard", "arguments").get<std::vector<std::string>>());
  const std::string first_path = files[0].path;  // files[0] is moved into place below
  std::vector<shard_file> ordered(count);
  std::vector<bool> seen(count, false);
  for (auto& f : files) {
    const auto& s = member(f, f.document, "", "shard");
    if (member(f, s, "/shard", "verb") != first["verb"] || member(f, s, "/shard", "count").get<std::size_t>() != count ||
        whole_run(member(f, s, "/shard", "arguments").get<std::vector<std::string>>()) != tokens)
      throw rein::invalid_argument("rein merge: '" + f.path + "' is a shard of another run than '" + first_path +
                                   "' (verb, N or command line differ)");
    const auto index = member(f, s, "/shard", "index").get<std::size_t>();
    if (index >= count) throw rein::io_error("rein merge: " + where(f, "/shard/index") + ": " + std::to_string(index) + " >= N");
    if (seen[index]) throw rein::invalid_argument("rein merge: shard " + std::to_string(index) + " given twice ('" + f.path + "')");
    seen[index] = true;
    ordered[index] = std::move(f);
  }
  for (std::size_t i = 0; i < count; ++i)
    if (!seen[i]) throw rein::invalid_argument("rein merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
  check_digests(ordered, count);
  return ordered;
}

// The whole run's arguments, parsed as `verb` parses them.
arguments arguments_of(const std::string& verb, const shard_file& f) {
  const auto tokens = whole_run(f.document["shard"]["arguments"].get<std::vector<std::string>>());
  return arguments(tokens, rein::cli::verbs().at(verb).flags_without_value);
}

int merge_cls(const std::vector<shard_file>& shards, std::chrono::steady_clock::time_point begin) {
  const auto run = arguments_of("cls", shards[0]);
  const auto options = rein::cli::toy_options_of(run);
  std::vector<double> sb, b;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& f = shards[i];
    if (member(f, f.document, "", "first").get<std::size_t>() != sb.size())
      throw rein::io_error("rein merge: " + where(f, "/first") + ": its toys do not start where the previous shard's end");
    const auto [first, end] = rein::cli::slice(options.n_toys, {i, shards.size()});
    for (const char* key : {"sb", "b"})
      if (member(f, f.document, "", key).size() != end - first)
        throw rein::io_error("rein merge: " + where(f, std::string("/") + key) + ": holds " +
                             std::to_string(f.document[key].size()) + " toys, shard " + std::to_string(i) + "/" +
                             std::to_string(shards.size()) + " of " + std::to_string(options.n_toys) + " toys has " +
                             std::to_string(end - first));
    if (member(f, f.document, "", "q_obs") != shards[0].document["q_obs"])
      throw rein::invalid_argument("rein merge: '" + f.path + "' has another q_obs than '" + shards[0].path + "'");
    const auto part_sb = values_of(f, member(f, f.document, "", "sb"), "/sb");
    const auto part_b = values_of(f, member(f, f.document, "", "b"), "/b");
    sb.insert(sb.end(), part_sb.begin(), part_sb.end());
    b.insert(b.end(), part_b.begin(), part_b.end());
  }
  if (sb.size() != options.n_toys || b.size() != options.n_toys)
    throw rein::invalid_argument("rein merge: the shards hold " + std::to_string(sb.size()) + " toys, the run asked for " +
                                 std::to_string(options.n_toys));
  const auto& d = shards[0].document;
  const auto r = rein::infer::toy_hypotest_from(member(shards[0], d, "", "mu").get<double>(), d["q_obs"].get<double>(), sb, b,
                                                status_of(shards[0], member(shards[0], d, "", "status"), "/status"));
  auto out = rein::io::to_json(r, options);
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return out["status"] == "ok" ? 0 : 3;
}

int merge_scan(const std::vector<shard_file>& shards, std::chrono::steady_clock::time_point begin) {
  const auto run = arguments_of("scan", shards[0]);
  const auto model = rein::cli::load_model(run);
  const std::string poi = run.get("poi", model.parameters()[model.parameters().poi_index()].name);
  std::vector<rein::infer::scan_point> points;
  for (const auto& f : shards) {
    if (member(f, f.document, "", "first").get<std::size_t>() != points.size())
      throw rein::io_error("rein merge: " + where(f, "/first") + ": its points do not start where the previous shard's end");
    const auto& list = member(f, f.document, "", "points");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pointer = "/points/" + std::to_string(i);
      points.push_back({member(f, list[i], pointer, "value").get<double>(), member(f, list[i], pointer, "twice_nll").get<double>(),
                        0.0, status_of(f, member(f, list[i], pointer, "status"), pointer + "/status")});
    }
  }
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

// rein grid: the shards' points in order; everything else but the timing is the first shard's
int merge_grid(const std::vector<shard_file>& shards) {
  nlohmann::json points = nlohmann::json::array();
  double seconds = 0;
  bool all_ok = true;
  for (const auto& f : shards) {
    if (member(f, f.document, "", "first").get<std::size_t>() != points.size())
      throw rein::io_error("rein merge: " + where(f, "/first") + ": its points do not start where the previous shard's end");
    for (const auto& p : member(f, f.document, "", "points")) {
      all_ok = all_ok && p.value("status", "") == "ok";
      points.push_back(p);
    }
    seconds += member(f, f.document, "", "seconds").get<double>();
  }
  const auto& d = shards[0].document;
  rein::cli::print_json({{"points", points}, {"labels", member(shards[0], d, "", "labels")}, {"cl", member(shards[0], d, "", "cl")},
                         {"threads", member(shards[0], d, "", "threads")}, {"seconds", seconds}});
  return all_ok ? 0 : 3;
}

int merge(const arguments& args) {
  args.allow_only({});
  const auto begin = std::chrono::steady_clock::now();
  const auto shards = ordered_shards(args);
  const std::string verb = shards[0].document["shard"]["verb"].get<std::string>();
  if (verb == "cls") return merge_cls(shards, begin);
  if (verb == "scan") return merge_scan(shards, begin);
  if (verb == "grid") return merge_grid(shards);
  throw rein::invalid_argument("rein merge: '" + shards[0].path + "' is a shard of 'rein " + verb + "', which rein merge does not know");
}

const bool merge_registered = rein::cli::register_verb(
    {"merge", "merge SHARD.json ... (the outputs of one run's --shard 0/N … N-1/N, in any order)", {}, merge});

}  // namespace
