#pragma once

#include "rein/core/error.hpp"
#include "rein/io/json/detail/sha256.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>

namespace rein::io {

namespace detail {

/// A double as Python's `repr` writes it (what `json.dumps` emits): the shortest digits that
/// round-trip, positional when the decimal exponent lies in [-4, 16), else `d.ddde±XX`; integral
/// values keep ".0".
inline std::string python_float_repr(double x) {
  char buffer[64];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
  std::string scientific(buffer, written.ptr);
  const auto e = scientific.find('e');
  const bool negative = scientific[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (scientific[i] != '.') digits.push_back(scientific[i]);
  const int exponent = std::atoi(scientific.c_str() + e + 1);
  const int decimal_point = exponent + 1;  // x = 0.d1d2... × 10^decimal_point
  std::string out = negative ? "-" : "";
  if (decimal_point > -4 && decimal_point <= 16) {
    if (decimal_point <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-decimal_point), '0') + digits;
    } else if (static_cast<std::size_t>(decimal_point) >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(decimal_point) - digits.size(), '0') + ".0";
    } else {
      const auto point = static_cast<std::size_t>(decimal_point);
      out += digits.substr(0, point) + "." + digits.substr(point);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  const int magnitude = std::abs(exponent);
  out += std::string("e") + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + std::to_string(magnitude);
  return out;
}

inline void append_canonical(const nlohmann::json& value, std::string& out) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {  // nlohmann's objects iterate in key order
        if (!first) out += ", ";
        first = false;
        out += nlohmann::json(key).dump(-1, ' ', false);
        out += ": ";
        append_canonical(item, out);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i != 0) out += ", ";
        append_canonical(value[i], out);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::number_float: out += python_float_repr(value.get<double>()); break;
    default: out += value.dump(-1, ' ', false); break;  // strings unescaped beyond JSON's needs, ints, bools, null
  }
}

}  // namespace detail

/// The text pyhf hashes for a digest (`pyhf.utils.digest`): Python's
/// `json.dumps(obj, sort_keys=True, ensure_ascii=False)` — keys sorted, ", " and ": " as
/// separators, integers as integers, floats as Python's repr, non-ASCII characters as UTF-8.
inline std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  detail::append_canonical(value, out);
  return out;
}

/// The digest that pyhf computes for a JSON document (a workspace), as a patchset's
/// `metadata.digests` records it: the hex hash of `canonical_json(value)`.
/// @param algorithm "sha256" (the only one rein implements; pyhf's schema also allows "md5").
/// @throws io_error for another algorithm.
inline std::string digest(const nlohmann::json& value, const std::string& algorithm = "sha256") {
  if (algorithm != "sha256")
    throw io_error("rein::io::digest: hash algorithm '" + algorithm + "' is not supported, expected 'sha256'");
  return detail::sha256_hex(canonical_json(value));
}

}  // namespace rein::io
