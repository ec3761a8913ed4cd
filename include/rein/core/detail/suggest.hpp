#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::detail {

/// Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
inline std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// " (did you mean 'x'?)" for the candidate closest to a misspelt `name`, or "" when none is
/// close: within a third of the longer name's length (at least 1, at most 3 edits).
inline std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (best == nullptr || d < best_distance) best = &candidate, best_distance = d;
  }
  if (best == nullptr) return "";
  const std::size_t allowed = std::min<std::size_t>(3, std::max<std::size_t>(1, std::max(name.size(), best->size()) / 3));
  return best_distance <= allowed && best_distance > 0 ? " (did you mean '" + *best + "'?)" : "";
}

}  // namespace rein::detail
