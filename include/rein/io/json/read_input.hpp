#pragma once

// The command line's way of reading a JSON input: `-` is standard input (pyhf's convention), and
// a file that cannot be opened is reported with the operating system's reason.
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace rein::io {

/// read_json(path), except that `-` reads standard input (named `<stdin>` in messages) and a
/// file that cannot be opened is an error with the operating system's reason.
/// @throws io_error naming the file and strerror(errno) ("No such file or directory",
///         "Permission denied", ...) when it cannot be opened, and what read_json throws.
inline nlohmann::json read_json_input(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return detail::parse_json_text<nlohmann::json>(buffer.str(), "<stdin>", "rein::io::read_json_input");
  }
  errno = 0;
  const std::ifstream probe(path, std::ios::binary);
  if (!probe) {
    const int reason = errno;
    throw io_error("rein::io::read_json_input: cannot open '" + path + "'" +
                   (reason != 0 ? std::string(": ") + std::strerror(reason) : std::string()));
  }
  return read_json(path);
}

}  // namespace rein::io
