#pragma once

// Merging the JSON outputs of one run's shards (`rein ... --shard I/N`, `rein merge`) into what the
// whole run gives: the same tasks, combined in the same order, so the numbers are identical. Every
// shard is checked: one verb, N and command line; each index once; its tasks starting where the
// previous shard's end; its digests (io/json/shard.hpp) those of the run and of its contents.
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"
#include "rein/core/shard.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/infer/scan.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/shard.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// One shard's output, with the file it was read from (for messages).
struct shard_file {
  std::string path;
  nlohmann::json document;
};

namespace detail {

inline std::string shard_where(const shard_file& f, const std::string& pointer) { return "'" + f.path + "' at " + pointer; }

/// `object[key]`, or io_error naming the shard's file and `pointer`.
inline const nlohmann::json& shard_member(const shard_file& f, const nlohmann::json& object, const std::string& pointer,
                                          const char* key) {
  if (!object.is_object() || !object.contains(key))
    throw io_error("rein merge: " + shard_where(f, pointer) + ": missing key '" + key + "' (not the output of a --shard run?)");
  return object[key];
}

/// The values of a shard's toy list, null (a failed toy fit) as NaN.
inline std::vector<double> shard_statistics(const shard_file& f, const nlohmann::json& list, const std::string& pointer) {
  if (!list.is_array()) throw io_error("rein merge: " + shard_where(f, pointer) + ": expected an array");
  std::vector<double> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) out.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (list[i].is_number() && list[i].get<double>() >= 0) out.push_back(list[i].get<double>());
    else
      throw io_error("rein merge: " + shard_where(f, pointer + "/" + std::to_string(i)) +
                     ": expected a test statistic >= 0 or null, found " + list[i].dump());
  }
  return out;
}

inline fit::fit_status shard_status(const shard_file& f, const nlohmann::json& value, const std::string& pointer) {
  const auto status = value.is_string() ? fit_status_from_name(value.get<std::string>()) : std::nullopt;
  if (!status) throw io_error("rein merge: " + shard_where(f, pointer) + ": unknown fit status " + value.dump());
  return *status;
}

/// Throws unless shard `f`'s tasks start at `expected` (where the previous shard's ended).
inline void check_shard_first(const shard_file& f, std::size_t expected, const char* what) {
  if (shard_member(f, f.document, "", "first").get<std::size_t>() != expected)
    throw io_error("rein merge: " + shard_where(f, "/first") + ": its " + what + " do not start where the previous shard's end");
}

}  // namespace detail

/// The verb, N and command line (without --shard) that shard `f` records.
inline std::string shard_verb(const shard_file& f) {
  return detail::shard_member(f, detail::shard_member(f, f.document, "", "shard"), "/shard", "verb").get<std::string>();
}

/// The whole run's command line that shard `f` records (its arguments without --shard I/N).
inline std::vector<std::string> shard_run_tokens(const shard_file& f) {
  return whole_run(
      detail::shard_member(f, detail::shard_member(f, f.document, "", "shard"), "/shard", "arguments").get<std::vector<std::string>>());
}

/// `files` in shard-index order, checked to be the N shards of one run: one verb, N and command
/// line; each index once; none missing.
/// @throws invalid_argument for no file, shards of other runs, a shard given twice or missing;
///         io_error for a file that is not a shard's output (names the file and the JSON pointer).
inline std::vector<shard_file> order_shards(std::vector<shard_file> files) {
  if (files.empty()) throw invalid_argument("missing argument SHARD.json: the outputs of the --shard I/N runs");
  const auto& first = detail::shard_member(files[0], files[0].document, "", "shard");
  const auto count = detail::shard_member(files[0], first, "/shard", "count").get<std::size_t>();
  const auto verb = detail::shard_member(files[0], first, "/shard", "verb");
  const auto tokens = shard_run_tokens(files[0]);
  const std::string first_path = files[0].path;  // files[0] is moved into place below
  std::vector<shard_file> ordered(count);
  std::vector<bool> seen(count, false);
  for (auto& f : files) {
    const auto& s = detail::shard_member(f, f.document, "", "shard");
    if (detail::shard_member(f, s, "/shard", "verb") != verb ||
        detail::shard_member(f, s, "/shard", "count").get<std::size_t>() != count || shard_run_tokens(f) != tokens)
      throw invalid_argument("rein merge: '" + f.path + "' is a shard of another run than '" + first_path +
                             "' (verb, N or command line differ)");
    const auto index = detail::shard_member(f, s, "/shard", "index").get<std::size_t>();
    if (index >= count) throw io_error("rein merge: " + detail::shard_where(f, "/shard/index") + ": " + std::to_string(index) + " >= N");
    if (seen[index]) throw invalid_argument("rein merge: shard " + std::to_string(index) + " given twice ('" + f.path + "')");
    seen[index] = true;
    ordered[index] = std::move(f);
  }
  for (std::size_t i = 0; i < count; ++i)
    if (!seen[i]) throw invalid_argument("rein merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
  return ordered;
}

/// Checks each of the ordered `shards` against `run`, the run digest recomputed now (run_digest of
/// the recorded command line, N and the files as they are now), and its contents digest.
/// @throws invalid_argument for a shard of another run (or whose files changed since it ran);
///         io_error for a shard edited or truncated since it was written.
inline void check_shard_digests(const std::vector<shard_file>& shards, const std::string& run) {
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& f = shards[i];
    const auto& s = f.document["shard"];
    const auto& digest = detail::shard_member(f, s, "/shard", "run_digest");
    if (!digest.is_string() || digest.get<std::string>() != run)
      throw invalid_argument("rein merge: '" + f.path + "' is a shard of another run: its /shard/run_digest " + digest.dump() +
                             " is not " + run + ", the digest of the command line and of the model and patch files "
                             "as they are now (changed since the shard ran?)");
    const auto& contents = detail::shard_member(f, s, "/shard", "contents_digest");
    if (!contents.is_string() || contents.get<std::string>() != contents_digest(run, i, f.document))
      throw io_error("rein merge: " + detail::shard_where(f, "/shard/contents_digest") + ": " + contents.dump() +
                     " does not match the shard's contents (edited or truncated since it was written)");
  }
}

/// The output of a shard of a toy hypothesis test (`rein cls --toys N --shard I/N`): the test
/// statistics of toys [first, first + size) under s+b and b (null: the toy's fit failed), the
/// observed q and the status of the fits that generated the toys. `record` is shard_record(...);
/// the caller signs the document (sign_shard).
inline nlohmann::json toy_shard_json(const nlohmann::json& record, double mu, double q_obs, fit::fit_status status,
                                     std::size_t first, const std::vector<double>& sb, const std::vector<double>& b) {
  return {{"shard", record}, {"mu", mu},         {"q_obs", q_obs},           {"status", fit::to_string(status)},
          {"first", first},  {"sb", toy_statistics_json(sb)}, {"b", toy_statistics_json(b)}};
}

/// The toys of a toy hypothesis test's ordered `shards`, joined: what toy_hypotest_from takes.
struct toy_shards {
  double mu = 0, q_obs = 0;
  std::vector<double> sb, b;  ///< NaN: a failed toy fit
  fit::fit_status status = fit::fit_status::ok;
};

/// Joins the toys of the ordered `shards` of a run of `n_toys` toys (toy_shard_json), checking that
/// each shard holds its slice (shard_slice) and the first shard's q_obs.
/// @throws io_error / invalid_argument naming the shard file and what is wrong.
inline toy_shards merge_toy_shards(const std::vector<shard_file>& shards, std::size_t n_toys) {
  toy_shards out;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& f = shards[i];
    detail::check_shard_first(f, out.sb.size(), "toys");
    const auto [first, end] = shard_slice(n_toys, i, shards.size());
    for (const char* key : {"sb", "b"})
      if (detail::shard_member(f, f.document, "", key).size() != end - first)
        throw io_error("rein merge: " + detail::shard_where(f, std::string("/") + key) + ": holds " +
                       std::to_string(f.document[key].size()) + " toys, shard " + std::to_string(i) + "/" +
                       std::to_string(shards.size()) + " of " + std::to_string(n_toys) + " toys has " + std::to_string(end - first));
    if (detail::shard_member(f, f.document, "", "q_obs") != shards[0].document["q_obs"])
      throw invalid_argument("rein merge: '" + f.path + "' has another q_obs than '" + shards[0].path + "'");
    const auto part_sb = detail::shard_statistics(f, detail::shard_member(f, f.document, "", "sb"), "/sb");
    const auto part_b = detail::shard_statistics(f, detail::shard_member(f, f.document, "", "b"), "/b");
    out.sb.insert(out.sb.end(), part_sb.begin(), part_sb.end());
    out.b.insert(out.b.end(), part_b.begin(), part_b.end());
  }
  if (out.sb.size() != n_toys || out.b.size() != n_toys)
    throw invalid_argument("rein merge: the shards hold " + std::to_string(out.sb.size()) + " toys, the run asked for " +
                           std::to_string(n_toys));
  const auto& f = shards[0];
  out.mu = detail::shard_member(f, f.document, "", "mu").get<double>();
  out.q_obs = f.document["q_obs"].get<double>();
  out.status = detail::shard_status(f, detail::shard_member(f, f.document, "", "status"), "/status");
  return out;
}

/// The scan points of the ordered `shards` of a profile scan (`rein scan --shard`, whose points
/// are scan_points_json), in order; their delta_twice_nll is complete_scan's to fill.
/// @throws io_error naming the shard file and the JSON pointer of a missing or bad entry.
inline std::vector<infer::scan_point> merge_scan_shards(const std::vector<shard_file>& shards) {
  std::vector<infer::scan_point> points;
  for (const auto& f : shards) {
    detail::check_shard_first(f, points.size(), "points");
    const auto& list = detail::shard_member(f, f.document, "", "points");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pointer = "/points/" + std::to_string(i);
      points.push_back({detail::shard_member(f, list[i], pointer, "value").get<double>(),
                        detail::shard_member(f, list[i], pointer, "twice_nll").get<double>(), 0.0,
                        detail::shard_status(f, detail::shard_member(f, list[i], pointer, "status"), pointer + "/status")});
    }
  }
  return points;
}

/// The profile scan of `parameter` of `model` on `grid` from the ordered `shards` of its points
/// (`rein merge` of `rein scan --shard` outputs, rein.distributed.scan): merge_scan_shards, then
/// infer::complete_scan on the observed data.
/// @throws invalid_argument when the shards hold another number of points than `grid`; what
///         merge_scan_shards and complete_scan throw
[[nodiscard]] inline infer::scan_result merge_scan(const likelihood::model& model, const std::string& parameter,
                                                   const std::vector<double>& grid, const std::vector<shard_file>& shards) {
  auto points = merge_scan_shards(shards);
  if (points.size() != grid.size())
    throw invalid_argument("rein::io::merge_scan: the shards hold " + std::to_string(points.size()) + " scan points, the scan has " +
                           std::to_string(grid.size()));
  return infer::complete_scan(model, model.observed(), parameter, std::move(points));
}

/// The output of a signal grid (`rein grid`) from its ordered `shards`: their points in order,
/// "seconds" the sum of theirs, everything else the first shard's; `all_ok` says whether every
/// point's status is "ok".
inline nlohmann::json merge_grid_shards(const std::vector<shard_file>& shards, bool& all_ok) {
  nlohmann::json points = nlohmann::json::array();
  double seconds = 0;
  all_ok = true;
  for (const auto& f : shards) {
    detail::check_shard_first(f, points.size(), "points");
    for (const auto& p : detail::shard_member(f, f.document, "", "points")) {
      all_ok = all_ok && p.value("status", "") == "ok";
      points.push_back(p);
    }
    seconds += detail::shard_member(f, f.document, "", "seconds").get<double>();
  }
  const auto& f = shards[0];
  return {{"points", points},
          {"labels", detail::shard_member(f, f.document, "", "labels")},
          {"cl", detail::shard_member(f, f.document, "", "cl")},
          {"threads", detail::shard_member(f, f.document, "", "threads")},
          {"seconds", seconds}};
}

}  // namespace rein::io
