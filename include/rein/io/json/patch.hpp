#pragma once

#include "rein/core/error.hpp"
#include "rein/core/size_limit.hpp"
#include "rein/io/json/json_size.hpp"

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
  // patch i's operations, or an error naming its pointer (instead of nlohmann's "key 'patch' not found")
  const auto operations = [&](std::size_t i) -> const nlohmann::json& {
    const auto& p = patches[i];
    if (!p.is_object() || !p.contains("patch") || !p["patch"].is_array())
      throw io_error("rein::io::select_patch: '" + source + "' /patches/" + std::to_string(i) +
                     (p.is_object() ? "/patch: must be an array of operations" : ": a patch is an object with 'metadata' and 'patch'"));
    return p["patch"];
  };
  if (!name) {
    if (patches.size() != 1)
      throw io_error("rein::io::select_patch: '" + source + "' is a patchset with " + std::to_string(patches.size()) +
                     " patches: name the one to apply");
    return operations(0);
  }
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const auto& p = patches[i];
    if (!p.is_object() || !p.contains("metadata") || !p["metadata"].is_object() || !p["metadata"].contains("name") ||
        !p["metadata"]["name"].is_string())
      throw io_error("rein::io::select_patch: '" + source + "' /patches/" + std::to_string(i) +
                     "/metadata/name: every patch of a patchset has a name (a string)");
    if (p["metadata"]["name"].get<std::string>() == *name) return operations(i);
  }
  throw io_error("rein::io::select_patch: '" + source + "' has no patch named '" + *name + "'");
}

/// Applies a JSON Patch to `document`, one operation at a time. Before each `copy` the size of
/// the document it would make is estimated (a patch of a few self-copying operations doubles the
/// document each time): above the input size limit (rein/core/size_limit.hpp) nothing is copied.
/// @throws io_error naming `source` and the failing operation when the patch does not apply, or
///         naming the operation, the size and the limit when it would exceed max_input_bytes().
inline nlohmann::json apply_patch(const nlohmann::json& document, const nlohmann::json& patch, const std::string& source) {
  std::size_t i = 0;  // the operation being applied, for the message
  try {
    if (!patch.is_array()) return document.patch(patch);  // nlohmann's own error for a non-array
    nlohmann::json result = document;
    double bytes = detail::json_size_estimate(result);
    for (; i < patch.size(); ++i) {
      const auto& op = patch[i];
      if (op.is_object() && op.contains("op") && op["op"] == "copy" && op.contains("from") && op["from"].is_string()) {
        const nlohmann::json::json_pointer from(op["from"].get<std::string>());
        if (result.contains(from)) {
          bytes += detail::json_size_estimate(result[from]);
          check_input_size<io_error>(bytes, "rein::io::apply_patch: patch '" + source + "' /" + std::to_string(i) + " (copy from '" +
                                                op["from"].get<std::string>() + "') makes a document that");
        }
      } else if (op.is_object() && (op.value("op", nlohmann::json()) == "add" || op.value("op", nlohmann::json()) == "replace") &&
                 op.contains("value")) {
        bytes += detail::json_size_estimate(op["value"]);
      }
      result.patch_inplace(nlohmann::json::array({op}));
    }
    return result;
  } catch (const nlohmann::json::exception& e) {
    throw io_error("rein::io::apply_patch: patch '" + source + "' does not apply" +
                   (patch.is_array() ? " (operation /" + std::to_string(i) + ")" : std::string()) + ": " + e.what());
  }
}

}  // namespace rein::io
