#pragma once

// The deterministic split of a run's pure tasks (toys, scan points, signal points) into shards:
// what `rein ... --shard I/N` runs and what rein.distributed hands to each worker, so that the
// merged shards are the whole run, bit for bit.
#include "rein/config.hpp"
#include "rein/core/error.hpp"

#include <cstddef>
#include <string>
#include <utility>

namespace rein {

/// Tasks [first, end) of `tasks` that shard `index` of `count` runs: contiguous, in order, and
/// together the shards cover every task once.
/// @throws invalid_argument unless 0 ≤ index < count
inline std::pair<std::size_t, std::size_t> shard_slice(std::size_t tasks, std::size_t index, std::size_t count) {
  if (!(index < count))
    throw invalid_argument("rein::shard_slice: shard " + std::to_string(index) + " of " + std::to_string(count) +
                           ", need 0 <= index < count");
  return {tasks * index / count, tasks * (index + 1) / count};
}

}  // namespace rein
