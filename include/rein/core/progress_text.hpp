#pragma once

// The text of a progress line: "what done/total, ETA 1m05s" while running, "what total/total,
// 2m10s" once done (front ends print it, e.g. the rein CLI on a terminal).
#include <cmath>
#include <cstddef>
#include <string>

namespace rein {

/// `seconds` as minutes and seconds, rounded: "1m05s".
inline std::string minutes_seconds(double seconds) {
  const auto s = static_cast<long>(std::lround(seconds));
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

/// "what done/total" with the time left at the rate so far (", ETA 1m05s"; none before the first
/// task is done), or the time it took once done == total; `elapsed` in seconds.
inline std::string progress_text(const std::string& what, std::size_t done, std::size_t total, double elapsed) {
  const std::string time = done == total ? ", " + minutes_seconds(elapsed)
                           : done > 0    ? ", ETA " + minutes_seconds(elapsed * static_cast<double>(total - done) / static_cast<double>(done))
                                         : "";
  return what + " " + std::to_string(done) + "/" + std::to_string(total) + time;
}

}  // namespace rein
