#pragma once

// The IEEE special values the samplers and summaries compare against, spelled once.
#include "rein/config.hpp"

#include <limits>

namespace rein::bayes::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double infinity = std::numeric_limits<double>::infinity();

}  // namespace rein::bayes::detail
