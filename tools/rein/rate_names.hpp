#pragma once

// One name per built-in rate in every verb: the registry's (models/registry.hpp), as --null and
// --alt take them; `rein rate`'s older spellings stay accepted as aliases.
#include <string>

namespace rein::cli {

/// The registry's name for `name`: "b_to_k_nunu" → "wet-b-to-k-nunu", "hpqcd_null" →
/// "hpqcd-b-to-k-nunu"; any other name unchanged.
inline std::string canonical_rate_name(const std::string& name) {
  if (name == "b_to_k_nunu") return "wet-b-to-k-nunu";
  if (name == "hpqcd_null") return "hpqcd-b-to-k-nunu";
  return name;
}

}  // namespace rein::cli
