#pragma once

/// rein's version; CMake reads these three lines.
#define REIN_VERSION_MAJOR 0
#define REIN_VERSION_MINOR 1
#define REIN_VERSION_PATCH 0

namespace rein {
/// The version as "major.minor.patch", written into every result file.
inline constexpr const char* version_string = "0.1.0";
}  // namespace rein
