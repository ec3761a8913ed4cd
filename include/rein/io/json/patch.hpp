#pragma once

#include "rein/core/error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rein::io {

/// The JSON Patch (RFC 6902) to apply from `patch_file`: either the file itself (an array of
/// operations) or one patch of a pyhf patchset, chosen by `name` (optional when the patchset has
/// exactly one patch).
/// @throws io_error naming the file when it is neither, or when the named patch is missing.
inline nlohmann::json select_patch(const nlohmann::json& patch_file, const std::string& source,
                                   const std::optional<std::string>& name = {}) {
  if (patch_file.is_array()) {
    if (name) throw io_error("rein::io::select_patch: '" + source + "' is a plain JSON Patch, it has no patch named '" + *name + "'");
    return patch_file;
  }
  if (!patch_file.is_object() || !patch_file.contains("patches") || !patch_file["patches"].is_array())
    throw io_error("rein::io::select_patch: '" + source + "' is neither a JSON Patch (array) nor a pyhf patchset (object with 'patches')");
  const auto& patches = patch_file["patches"];
  if (!name) {
    if (patches.size() != 1)
      throw io_error("rein::io::select_patch: '" + source + "' is a patchset with " + std::to_string(patches.size()) +
                     " patches: name the one to apply");
    return patches[0].at("patch");
  }
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const auto& p = patches[i];
    if (p.contains("metadata") && p["metadata"].value("name", "") == *name) {
      if (!p.contains("patch") || !p["patch"].is_array())
        throw io_error("rein::io::select_patch: '" + source + "' /patches/" + std::to_string(i) + "/patch: must be an array of operations");
      return p["patch"];
    }
  }
  throw io_error("rein::io::select_patch: '" + source + "' has no patch named '" + *name + "'");
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
