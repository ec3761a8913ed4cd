#pragma once

// The small command lines of the published-data examples: `--flag value` pairs, counts, timing.
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace examples {

/// Calls `option(flag, value)` for each `--flag value` pair of the command line, in order.
/// @throws std::runtime_error for a flag without a value.
template <class Option>
void for_each_option(int argc, char** argv, Option&& option) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::runtime_error("option " + flag + " needs a value");
    option(flag, std::string(argv[i + 1]));
  }
}

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
