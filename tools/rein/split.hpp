#pragma once

// The pieces of an option's value between separators ("a=1,b=2" → "a=1", "b=2"; "" → one empty
// piece), for the options that take lists (--interp, --null-fix, --prior, --parameters).
#include <cstddef>
#include <string>
#include <vector>

namespace rein::cli {

inline std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

}  // namespace rein::cli
