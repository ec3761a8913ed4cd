#pragma once

// Input checks for kinematics functions: fast path inline, message built only on failure.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/four_vector.hpp"

#include <cmath>
#include <cstddef>
#include <string>

namespace rein::kinematics::detail {

/// Throws invalid_argument naming `function`, `argument` (with `[index]` if index ≥ 0), the first
/// non-finite component and its value.
[[noreturn]] inline void throw_non_finite(const four_vector& p, const char* function, const std::string& argument,
                                          long index) {
  static const char* const names[4] = {"px", "py", "pz", "e"};
  int bad = 0;
  while (bad < 3 && std::isfinite(p[bad])) ++bad;
  const std::string where = index >= 0 ? argument + "[" + std::to_string(index) + "]" : argument;
  throw invalid_argument(std::string(function) + ": " + where + "." + names[bad] + " = " +
                         rein::detail::format_value(p[bad]) + ", four-vector components must be finite");
}

/// Throws invalid_argument unless every component of p is finite.
inline void check_four_vector(const four_vector& p, const char* function, const char* argument) {
  if (!p.is_finite()) throw_non_finite(p, function, argument, -1);
}

/// Throws invalid_argument unless every component of p (element `index` of `argument`) is finite.
inline void check_four_vector(const four_vector& p, const char* function, const char* argument, std::size_t index) {
  if (!p.is_finite()) throw_non_finite(p, function, argument, static_cast<long>(index));
}

/// Throws invalid_argument unless value is finite and > 0 (masses of parents, energies, √s).
inline void check_positive(double value, const char* function, const char* argument) {
  if (!(value > 0.0) || !std::isfinite(value))
    throw invalid_argument(std::string(function) + ": " + argument + " = " + rein::detail::format_value(value) +
                           ", must be finite and positive");
}

/// Throws invalid_argument unless value is finite and ≥ 0 (daughter masses, thresholds).
inline void check_non_negative(double value, const char* function, const char* argument) {
  if (!(value >= 0.0) || !std::isfinite(value))
    throw invalid_argument(std::string(function) + ": " + argument + " = " + rein::detail::format_value(value) +
                           ", must be finite and non-negative");
}

/// As above, for an argument name built at run time (e.g. with an index).
inline void check_non_negative(double value, const char* function, const std::string& argument) {
  check_non_negative(value, function, argument.c_str());
}

}  // namespace rein::kinematics::detail
