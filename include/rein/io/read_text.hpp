#pragma once

// Reading an input file whole, with the operating system's reason when that fails: the one way
// every reader (JSON, CSV, redist) opens its file.
#include "rein/core/error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace rein::io {

namespace detail {

inline std::string os_reason(int reason) { return reason != 0 ? std::string(": ") + std::strerror(reason) : std::string(); }

}  // namespace detail

/// The contents of the file at `path`. `function` starts the messages.
/// @throws io_error "FUNCTION: cannot open 'PATH': REASON" with the operating system's reason ("No
///         such file or directory", "Permission denied", ...), or "FUNCTION: reading 'PATH' failed:
///         REASON" (a directory opens, but does not read: "Is a directory").
inline std::string read_text(const std::string& path, const std::string& function) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error(function + ": cannot open '" + path + "'" + detail::os_reason(errno));
  std::ostringstream buffer;
  errno = 0;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (in.bad() || (errno != 0 && text.empty()))
    throw io_error(function + ": reading '" + path + "' failed" + detail::os_reason(errno));
  return text;
}

/// The name `path` has in messages: `<stdin>` for `-`.
inline std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

/// read_text, except that `-` reads standard input (pyhf's convention for its command line).
inline std::string read_text_input(const std::string& path, const std::string& function) {
  if (path != "-") return read_text(path, function);
  std::ostringstream buffer;
  buffer << std::cin.rdbuf();
  return buffer.str();
}

}  // namespace rein::io
