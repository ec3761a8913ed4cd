#pragma once

#include "rein/core/error.hpp"
#include "rein/io/read_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace rein::io {

namespace detail {

/// Parses `text` (the contents of `source`) as JSON of type `Json` (nlohmann::json or
/// ordered_json). Every parser error becomes an io_error naming `function`, `source` and the byte
/// offset: nlohmann's syntax errors carry it; its number overflow ("number overflow parsing
/// '1e309'", an out_of_range) does not, so the offset of the first such token is looked up.
template <class Json>
Json parse_json_text(const std::string& text, const std::string& source, const std::string& function) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw io_error(function + ": '" + source + "' is not valid JSON: " + e.what());
  } catch (const nlohmann::json::out_of_range& e) {
    const std::string message = e.what();
    // "number overflow parsing 'TOKEN'": the first occurrence of TOKEN in the text is where the
    // parser stopped, unless the same characters appear earlier inside a string
    const auto open = message.find("parsing '");
    std::string where;
    if (open != std::string::npos) {
      const auto begin = open + 9, end = message.find('\'', begin);
      const auto at = end == std::string::npos ? std::string::npos : text.find(message.substr(begin, end - begin));
      if (at != std::string::npos) where = " at byte " + std::to_string(at + 1);
    }
    throw io_error(function + ": '" + source + "' is not valid JSON" + where + ": " + message + " (numbers must fit a double)");
  } catch (const nlohmann::json::exception& e) {
    throw io_error(function + ": '" + source + "' is not valid JSON: " + e.what());
  }
}

}  // namespace detail

/// Parses the JSON file at `path`.
/// @throws io_error naming the file when it cannot be opened or read (with the operating system's
///         reason) or is not valid JSON (with the parser's byte position), including numbers beyond
///         the range of a double.
inline nlohmann::json read_json(const std::string& path) {
  return detail::parse_json_text<nlohmann::json>(read_text(path, "rein::io::read_json"), path, "rein::io::read_json");
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
