#pragma once

// --shard I/N: a verb runs slice I of N of its pure tasks (toys, scan points) and writes them with
// what `rein merge` needs to combine the slices into the result the whole run prints. The record
// and the digests are rein::io's (io/json/shard.hpp); this file reads them off the command line.
#include "cli.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace rein::cli {

struct shard {
  std::size_t index = 0;  ///< 0 ≤ index < count
  std::size_t count = 1;
};

/// The --shard I/N option, if given.
/// @throws invalid_argument unless I and N are integers with 0 ≤ I < N.
std::optional<shard> shard_of(const arguments& args);

/// Tasks [first, end) of `tasks` that shard `s` runs (rein::shard_slice).
std::pair<std::size_t, std::size_t> slice(std::size_t tasks, const shard& s);

/// io::shard_record of the verb, I, N and the command line.
nlohmann::json shard_record(const std::string& verb, const shard& s, const arguments& args);

/// io::run_digest of the run: the model file (and every other positional argument) and every
/// --patch, --patches and --patchset file.
std::string run_digest(const std::string& verb, const arguments& args, std::size_t count);

/// Signs a shard's output `document` (io::sign_shard with the run's digest).
void sign_shard(nlohmann::json& document, const std::string& verb, const arguments& args);

}  // namespace rein::cli
