#pragma once

// One enum ↔ name helper for every enumeration that files and command lines spell as words
// (test statistics, interpolation codes, modifier types, shape kinds, ...): the enumeration keeps
// its to_string (found by argument-dependent lookup) and a list of its values; the reverse lookup
// and the list of names for messages come from here.
#include <cstddef>
#include <optional>
#include <string>

namespace rein {

/// The value among `values` whose to_string is `name`, or nothing.
template <class Enum, std::size_t N>
std::optional<Enum> enum_from_name(const std::string& name, const Enum (&values)[N]) {
  for (const Enum value : values)
    if (name == to_string(value)) return value;
  return std::nullopt;
}

/// The names of `values`, joined by `separator` (for messages).
template <class Enum, std::size_t N>
std::string enum_names(const Enum (&values)[N], const std::string& separator = ", ") {
  std::string names;
  for (std::size_t i = 0; i < N; ++i) names += (i == 0 ? "" : separator) + std::string(to_string(values[i]));
  return names;
}

}  // namespace rein
