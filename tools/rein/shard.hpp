#pragma once

// --shard I/N: a verb runs slice I of N of its pure tasks (toys, scan points) and writes them
// with what `rein merge` needs to combine the slices into the result the whole run prints.
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

/// Tasks [first, end) of `tasks` that shard `s` runs: contiguous, and together the slices cover
/// every task once.
std::pair<std::size_t, std::size_t> slice(std::size_t tasks, const shard& s);

/// What a shard's output records about itself: the verb, I, N and the command line.
nlohmann::json shard_record(const std::string& verb, const shard& s, const arguments& args);

}  // namespace rein::cli
