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

/// Shard I of N as written "I/N" (a command line's --shard, a job's name); `what` names the text.
/// @return {I, N}
/// @throws invalid_argument "WHAT 'spec' must be I/N ..." unless I and N are integers with 0 ≤ I < N
inline std::pair<std::size_t, std::size_t> shard_of_string(const std::string& spec, const std::string& what) {
  const auto slash = spec.find('/');
  if (slash == std::string::npos) throw invalid_argument(what + " '" + spec + "' must be I/N, e.g. 0/4");
  const auto number = [&](const std::string& token) {
    if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos || token.size() > 18)
      throw invalid_argument(what + " '" + spec + "' must be I/N with integers 0 <= I < N, e.g. 0/4");
    return static_cast<std::size_t>(std::stoull(token));
  };
  const std::size_t index = number(spec.substr(0, slash)), count = number(spec.substr(slash + 1));
  if (count == 0 || index >= count)
    throw invalid_argument(what + " '" + spec + "': need 0 <= I < N, got I = " + std::to_string(index) + ", N = " + std::to_string(count));
  return {index, count};
}

}  // namespace rein
