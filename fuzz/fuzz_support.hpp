#pragma once

// What every fuzz target shares: rein's readers must answer any input with a rein::error (or a
// value); anything else — a crash, a sanitizer report, another exception type (nlohmann's own,
// std::bad_alloc past a size guard), a leak — is a finding. docs/fuzzing.md.
#include "rein/core/error.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace rein::fuzz {

/// The input as a string.
inline std::string text(const std::uint8_t* data, std::size_t size) { return {reinterpret_cast<const char*>(data), size}; }

/// Runs `read`; a rein::error is the expected answer to bad input and is swallowed, every other
/// exception escapes to libFuzzer, which reports it.
template <class Read>
void expect_rein_errors_only(Read&& read) {
  try {
    read();
  } catch (const rein::error&) {
  }
}

/// Writes the input to a file of this process in the temporary directory (readers that take a
/// path: HDF5, JSON files beside their densities) and returns its path.
inline std::string write_temporary(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = "/tmp/rein_fuzz_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace rein::fuzz
