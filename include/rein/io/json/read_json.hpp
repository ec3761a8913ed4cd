#pragma once

#include "rein/core/error.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace rein::io {

/// Parses the JSON file at `path`.
/// @throws io_error naming the file when it cannot be opened or is not valid JSON (with the
///         parser's byte position).
inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("rein::io::read_json: cannot open '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  try {
    return nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw io_error("rein::io::read_json: '" + path + "' is not valid JSON: " + e.what());
  }
}

/// Writes `value` to `path`, indented by `indent` spaces, with a final newline.
/// @throws io_error naming the file when it cannot be written.
inline void write_json(const nlohmann::json& value, const std::string& path, int indent = 2) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw io_error("rein::io::write_json: cannot write '" + path + "'");
  out << value.dump(indent) << '\n';
  if (!out) throw io_error("rein::io::write_json: writing '" + path + "' failed");
}

namespace detail {
/// A bound as rein's JSON files write it: the number, or null for an infinite bound.
inline nlohmann::json bound_json(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }
}  // namespace detail

}  // namespace rein::io
