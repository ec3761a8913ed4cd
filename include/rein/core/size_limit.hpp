#pragma once

// One limit on what an input may ask rein to allocate (an HDF5 dataset's declared dimensions, a
// JSON Patch that copies a document into itself, a binning asked for on the command line), checked
// from the input's own description before anything is allocated. docs/conventions.md.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace rein {

/// The default input size limit: 256 MiB, far above any density, workspace patch or binning rein
/// has met (kilobytes to a few megabytes) and far below what makes a shared machine swap.
inline constexpr std::uint64_t default_max_input_bytes = std::uint64_t{1} << 28;

/// The input size limit in bytes: the environment variable REIN_MAX_INPUT_BYTES (a positive
/// integer) when it is set, else default_max_input_bytes.
/// @throws invalid_argument when REIN_MAX_INPUT_BYTES is set but is not a positive integer.
inline std::uint64_t max_input_bytes() {
  const char* value = std::getenv("REIN_MAX_INPUT_BYTES");
  if (value == nullptr) return default_max_input_bytes;
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(value, &end, 10);
  if (*value == '\0' || *value == '-' || *end != '\0' || errno != 0 || parsed == 0)
    throw invalid_argument(std::string("rein: REIN_MAX_INPUT_BYTES = '") + value + "' must be a positive integer (bytes)");
  return parsed;
}

/// Throws `Error` unless `bytes` (an estimate, as a double so that products of absurd dimensions
/// cannot overflow) is within max_input_bytes(). The message names `what` (the input and the
/// part of it that asks), the size and the limit, and how to raise it.
template <class Error = invalid_argument>
inline void check_input_size(double bytes, const std::string& what) {
  const std::uint64_t limit = max_input_bytes();
  if (!(bytes <= static_cast<double>(limit)))
    throw Error(what + " needs " + detail::format_value(bytes) + " bytes, more than the input size limit of " +
                std::to_string(limit) + " bytes (set REIN_MAX_INPUT_BYTES to allow more)");
}

}  // namespace rein
