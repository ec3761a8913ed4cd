#pragma once

#include "rein/core/error.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace rein::detail {

/// Formats a double at full precision (17 significant digits) for error messages.
inline std::string format_value(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

/// Throws `Error` with `message` unless `condition` holds.
template <class Error = invalid_argument>
inline void check(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

/// Throws invalid_argument unless `value` is finite; `what` names the argument for the message.
inline void check_finite(double value, const std::string& what) {
  if (!std::isfinite(value))
    throw invalid_argument(what + " = " + format_value(value) + ", must be finite");
}

}  // namespace rein::detail
