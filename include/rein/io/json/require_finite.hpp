#pragma once

// Every number a result's JSON holds is finite, or the writer fails naming where the non-finite
// one is: nlohmann writes NaN and ±infinity as null, which a reader takes for "no value" (issue #18).
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace rein::io {

namespace detail {

inline void require_finite_at(const nlohmann::json& value, const std::string& pointer, const std::string& names,
                              const std::string& what) {
  if (value.is_number_float() && !std::isfinite(value.get<double>()))
    throw domain_error(what + ": the output's " + pointer + (names.empty() ? "" : " (" + names + ")") + " is " +
                       rein::detail::format_value(value.get<double>()) +
                       ", not a finite number: the model's inputs overflow or are degenerate there");
  if (value.is_array())
    for (std::size_t i = 0; i < value.size(); ++i) require_finite_at(value[i], pointer + "/" + std::to_string(i), names, what);
  if (value.is_object()) {
    // the names of the enclosing objects (channel, sample, parameter) say what the number belongs to
    const auto name = value.find("name");
    const std::string inner =
        name != value.end() && name->is_string() ? (names.empty() ? "" : names + ", ") + "'" + name->get<std::string>() + "'" : names;
    for (const auto& item : value.items()) require_finite_at(item.value(), pointer + "/" + item.key(), inner, what);
  }
}

}  // namespace detail

/// Checks that every number in `output` is finite.
/// @param what names the writer in the message (e.g. "rein expected").
/// @throws domain_error naming the JSON pointer of the first NaN or infinite number of `output` and
///         the `name`s of the objects around it. Infinite bounds that a format writes as null are
///         null already (detail::bound_json) and pass.
inline void require_finite(const nlohmann::json& output, const std::string& what) { detail::require_finite_at(output, "", "", what); }

}  // namespace rein::io
