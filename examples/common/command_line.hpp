#pragma once

// The small command lines of the published-data examples: `--flag value` pairs, counts, timing.
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace examples {

/// `value` of `flag` as a count: a whole number, at least 1 unless `zero_ok`.
/// @throws std::runtime_error naming the flag and the value otherwise.
inline unsigned long long count_of(const std::string& flag, const std::string& value, bool zero_ok = false) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || (n == 0 && !zero_ok))
    throw std::runtime_error(flag + " " + value + (zero_ok ? ": need a whole number" : ": need a positive integer"));
  return n;
}

/// Wall time since `begin`, in seconds.
inline double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace examples
