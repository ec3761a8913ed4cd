#pragma once

// The size of a JSON value, estimated without serialising it: what a size guard compares with
// the input size limit (rein/core/size_limit.hpp) before an operation copies the value.
#include "rein/config.hpp"

#include <nlohmann/json.hpp>

namespace rein::io::detail {

/// About the bytes `value` takes in memory: sizeof(nlohmann::json) per value, plus the characters
/// of strings and object keys and a map node per object member. Walks the value once (no copy).
inline double json_size_estimate(const nlohmann::json& value) {
  constexpr double node = sizeof(nlohmann::json);
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return node + static_cast<double>(value.get_ref<const nlohmann::json::string_t&>().size());
    case nlohmann::json::value_t::array: {
      double bytes = node;
      for (const auto& item : value) bytes += json_size_estimate(item);
      return bytes;
    }
    case nlohmann::json::value_t::object: {
      double bytes = node;
      for (const auto& item : value.items()) bytes += 3 * node + static_cast<double>(item.key().size()) + json_size_estimate(item.value());
      return bytes;
    }
    default:
      return node;
  }
}

}  // namespace rein::io::detail
