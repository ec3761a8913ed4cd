#pragma once

// Numbers written as text (command-line options, specs such as LO:HI:N): the whole token must be
// the number, and the message names what the token is.
#include "rein/config.hpp"
#include "rein/core/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace rein {

/// The number `token` spells (strtod's syntax: 1, -2.5, 1e-3, inf, nan).
/// @throws invalid_argument "WHAT = 'token' is not a number" for an empty token, trailing
///         characters or a value out of double's range
inline double parse_number(const std::string& token, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(token.c_str(), &end);
  if (token.empty() || *end != '\0' || errno == ERANGE) throw invalid_argument(what + " = '" + token + "' is not a number");
  return value;
}

/// The base-10 integer `token` spells.
/// @throws invalid_argument "WHAT = 'token' is not an integer" for an empty token, trailing
///         characters or a value out of long's range
inline long parse_integer(const std::string& token, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(token.c_str(), &end, 10);
  if (token.empty() || *end != '\0' || errno != 0) throw invalid_argument(what + " = '" + token + "' is not an integer");
  return value;
}

}  // namespace rein
