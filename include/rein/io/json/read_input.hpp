#pragma once

// The command line's way of reading a JSON input: `-` is standard input (pyhf's convention), and
// a file that cannot be opened is reported with the operating system's reason.
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/read_text.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace rein::io {

/// read_json(path), except that `-` reads standard input (named `<stdin>` in messages) and a
/// file that cannot be opened is an error with the operating system's reason.
/// @throws io_error naming the file and strerror(errno) ("No such file or directory",
///         "Permission denied", ...) when it cannot be opened, and what read_json throws.
inline nlohmann::json read_json_input(const std::string& path) {
  constexpr const char* function = "rein::io::read_json_input";
  return detail::parse_json_text<nlohmann::json>(read_text_input(path, function), input_name(path), function);
}

}  // namespace rein::io
