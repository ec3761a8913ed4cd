#pragma once

// pyhf's patchset operations beyond reading and choosing a patch (io/json/patchset.hpp): what
// `rein patchset extract | apply | inspect` print.
#include "rein/io/json/patch.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/workspace.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace rein::io {

/// pyhf's `patchset extract --with-metadata` form of a patch: `{"metadata", "patch"}`, the
/// metadata being the patch's (name, values) updated with the patchset's (description, digests,
/// labels, references, ...; the patchset's keys win, as in pyhf).
inline nlohmann::json patch_with_metadata_json(const patchset& ps, const patchset_patch& p) {
  nlohmann::json metadata = p.metadata;
  for (const auto& [key, value] : ps.metadata.items()) metadata[key] = value;
  return {{"metadata", metadata}, {"patch", p.patch}};
}

/// What `rein patchset verify` prints once verify_patchset passed: `verified` true, the
/// `workspace` and `patchset` sources, and the patchset's `digests` {algorithm: hex}.
inline nlohmann::json patchset_verification_json(const patchset& ps, const std::string& workspace_source) {
  nlohmann::json digests = nlohmann::json::object();
  for (const auto& [algorithm, hex] : ps.digests) digests[algorithm] = hex;
  return {{"verified", true}, {"workspace", workspace_source}, {"patchset", ps.source}, {"digests", digests}};
}

/// What `rein inspect` says about a patchset: `version`, `description`, `labels`, `digests`
/// {algorithm: hex}, `references` (null when absent), `patch_count` and `patches` [{`name`,
/// `values`, `operations` (the number of JSON Patch operations)}] in file order.
inline nlohmann::json patchset_summary_json(const patchset& ps) {
  nlohmann::json digests = nlohmann::json::object();
  for (const auto& [algorithm, hex] : ps.digests) digests[algorithm] = hex;
  nlohmann::json patches = nlohmann::json::array();
  for (const auto& p : ps.patches) patches.push_back({{"name", p.name}, {"values", p.values}, {"operations", p.patch.size()}});
  return {{"version", ps.version},
          {"description", ps.description},
          {"labels", ps.labels},
          {"digests", digests},
          {"references", ps.metadata.contains("references") ? ps.metadata["references"] : nlohmann::json()},
          {"patch_count", ps.patches.size()},
          {"patches", patches}};
}

/// pyhf's `PatchSet.apply`: checks the background-only workspace `document` against the
/// patchset's digests (verify_patchset), applies the patch `p` of `ps` to it and validates the
/// result; the document is edited as JSON, so what the patch does not touch stays as written.
/// @param source names the workspace in messages (a file name).
/// @throws io_error naming the files on a digest mismatch, a patch that does not apply, or a
///         result that is not a valid workspace (with its JSON pointer).
inline nlohmann::json apply_patchset(const nlohmann::json& document, const patchset& ps, const patchset_patch& p,
                                     const std::string& source) {
  verify_patchset(ps, document, source);
  nlohmann::json patched = apply_patch(document, p.patch, ps.source);
  (void)workspace_from_json(patched, source + " patched by '" + ps.source + "' (" + p.name + ")");
  return patched;
}

}  // namespace rein::io
