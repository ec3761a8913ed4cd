#pragma once

#include "rein/core/error.hpp"
#include "rein/core/size_limit.hpp"
#include "rein/io/json/json_size.hpp"
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
    // the operation's own pointer says where in the document it failed (nlohmann's message may not)
    const bool located = patch.is_array() && i < patch.size() && patch[i].is_object() && patch[i].contains("path") && patch[i]["path"].is_string();
    throw io_error("rein::io::apply_patch: patch '" + source + "' does not apply" +
                   (patch.is_array() ? " (operation /" + std::to_string(i) + (located ? ", path '" + patch[i]["path"].get<std::string>() + "'" : "") + ")"
                                     : std::string()) +
                   ": " + e.what());
  }
}

}  // namespace rein::io
