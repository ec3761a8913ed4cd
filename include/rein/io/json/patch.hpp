#pragma once

#include "rein/core/error.hpp"
#include "rein/io/json/patchset.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rein::io {

/// The JSON Patch (RFC 6902) to apply from `patch_file`: either the file itself (an array of
/// operations) or one patch of a pyhf patchset, chosen by `name` (optional when the patchset has
/// exactly one patch), read with all of `patchset_from_json`'s checks.
/// @throws io_error naming the file when it is neither, when the patchset breaks pyhf's rules, or
///         when the named patch is missing.
inline nlohmann::json select_patch(const nlohmann::json& patch_file, const std::string& source,
                                   const std::optional<std::string>& name = {}) {
  if (patch_file.is_array()) {
    if (name) throw io_error("rein::io::select_patch: '" + source + "' is a plain JSON Patch, it has no patch named '" + *name + "'");
    return patch_file;
  }
  if (!is_patchset(patch_file))
    throw io_error("rein::io::select_patch: '" + source + "' is neither a JSON Patch (array) nor a pyhf patchset (object with 'patches')");
  const patchset ps = patchset_from_json(patch_file, source, false);
  if (!name) {
    if (ps.patches.size() != 1)
      throw io_error("rein::io::select_patch: '" + source + "' is a patchset with " + std::to_string(ps.patches.size()) +
                     " patches: name the one to apply");
    return ps.patches[0].patch;
  }
  return find_patch(ps, *name).patch;
}

/// Applies a JSON Patch to `document`.
/// @throws io_error naming `source` and the failing operation when the patch does not apply.
inline nlohmann::json apply_patch(const nlohmann::json& document, const nlohmann::json& patch, const std::string& source) {
  try {
    return document.patch(patch);
  } catch (const nlohmann::json::exception& e) {
    throw io_error("rein::io::apply_patch: patch '" + source + "' does not apply: " + e.what());
  }
}

}  // namespace rein::io
