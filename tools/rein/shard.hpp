#pragma once

// --shard I/N on the command line: a verb's slice of its pure tasks, and the record and signature
// that let `rein merge` check and join the slices (io/json/shard.hpp).
#include "arguments.hpp"
#include "rein/core/shard.hpp"
#include "rein/io/json/shard.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace rein::cli {

/// --shard I/N: slice I of N of a run's pure tasks (rein::shard_slice), with what `rein merge`
/// needs to check and join the slices (io/json/shard.hpp).
struct shard {
  std::size_t index = 0;  ///< 0 ≤ index < count
  std::size_t count = 1;
  std::size_t first = 0;  ///< the slice of the tasks: [first, end)
  std::size_t end = 0;
};

/// The --shard I/N option over `tasks` tasks, if given (rein::shard_of_string says what is refused).
inline std::optional<shard> shard_of(const arguments& args, std::size_t tasks) {
  if (!args.has("shard")) return std::nullopt;
  shard s;
  std::tie(s.index, s.count) = shard_of_string(args.get("shard", ""), "--shard");
  std::tie(s.first, s.end) = shard_slice(tasks, s.index, s.count);
  return s;
}

/// io::run_digest of the run: the model file (and every other positional argument) and every
/// --patch, --patches and --patchset file.
inline std::string run_digest(const std::string& verb, const arguments& args, std::size_t count) {
  // the model file, a grid's patch files after the first (--patches P1 P2 ... are positional), and
  // the signal points of a grid (--patches, --patchset)
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) files.push_back(args.positional(i, "WS"));
  for (const char* option : {"patch", "patches", "patchset"})
    for (const auto& patch : args.all(option)) files.push_back(patch);
  return io::run_digest(verb, args.tokens(), count, files);
}

/// `document` with io::shard_record of the run under "shard", "first", signed by io::sign_shard.
inline nlohmann::json signed_shard(nlohmann::json document, const std::string& verb, const shard& s, const arguments& args) {
  document["shard"] = io::shard_record(verb, s.index, s.count, args.tokens());
  document["first"] = s.first;
  io::sign_shard(document, run_digest(verb, args, s.count));
  return document;
}

}  // namespace rein::cli
