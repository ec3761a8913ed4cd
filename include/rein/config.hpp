#pragma once

#include "rein/version.hpp"

#include <cassert>

#if __cplusplus < 201703L
#error "rein needs C++17 or newer"
#endif

/// Internal invariant check: active in debug builds only, never for user input (that throws).
#define REIN_ASSERT(condition) assert(condition)
