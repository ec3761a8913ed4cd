#pragma once

#include "rein/core/detail/suggest.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/digest.hpp"
#include "rein/io/json/read_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// One patch of a pyhf patchset: the JSON Patch that turns the background-only workspace into
/// one signal hypothesis, named and placed in the label space (`values`, one per label).
struct patchset_patch {
  std::string name;
  nlohmann::json values;    ///< array of numbers or strings, one per `patchset::labels` entry
  nlohmann::json metadata;  ///< the whole `metadata` object (name, values and anything else)
  nlohmann::json patch;     ///< the JSON Patch (RFC 6902) operations
};

/// A pyhf patchset (schema 1.0.0, HEPData's format for signal grids): the patches of an analysis
/// and the digest of the background-only workspace they apply to.
struct patchset {
  std::string version = "1.0.0";
  nlohmann::json metadata;                                   ///< the whole `metadata` object
  std::vector<std::string> labels;                           ///< the names of the values (e.g. masses)
  std::string description;
  std::vector<std::pair<std::string, std::string>> digests;  ///< (algorithm, hex digest) as given
  std::vector<patchset_patch> patches;                       ///< in file order
  std::string source;                                        ///< names the patchset in errors
};

namespace detail {

/// Reads a patchset's JSON with the source and JSON pointer in every error.
class patchset_reader {
 public:
  patchset_reader(std::string source, bool full_metadata) : m_source(std::move(source)), m_full_metadata(full_metadata) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
    throw io_error("rein::io::read_patchset: '" + m_source + "' " + (pointer.empty() ? "/" : pointer) + ": " + problem);
  }

  void object(const nlohmann::json& value, const std::string& pointer, const std::vector<std::string>& required,
              const std::vector<std::string>& allowed_extra, bool open) const {
    if (!value.is_object()) fail(pointer, std::string("expected an object, found ") + value.type_name());
    for (const auto& key : required)
      if (!value.contains(key)) fail(pointer, "missing required key '" + key + "'");
    if (open) return;
    std::vector<std::string> known = required;
    known.insert(known.end(), allowed_extra.begin(), allowed_extra.end());
    for (const auto& [key, item] : value.items())
      if (std::find(known.begin(), known.end(), key) == known.end())
        fail(pointer + "/" + key, "unknown key '" + key + "'" + rein::detail::did_you_mean(key, known));
  }

  std::string string(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_string()) fail(pointer, std::string("expected a string, found ") + value.type_name());
    return value.get<std::string>();
  }

  /// A string of [a-zA-Z0-9_]+, pyhf's pattern for patch names and labels.
  std::string identifier(const nlohmann::json& value, const std::string& pointer) const {
    std::string s = string(value, pointer);
    const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
    if (!ok) fail(pointer, "'" + s + "' must match ^[a-zA-Z0-9_]+$");
    return s;
  }

  void operations(const nlohmann::json& patch, const std::string& pointer) const {
    if (!patch.is_array()) fail(pointer, std::string("a JSON Patch is an array of operations, found ") + patch.type_name());
    for (std::size_t i = 0; i < patch.size(); ++i) {
      const std::string op_pointer = pointer + "/" + std::to_string(i);
      const auto& operation = patch[i];
      object(operation, op_pointer, {"op", "path"}, {}, true);
      string(operation["path"], op_pointer + "/path");
      const std::string op = string(operation["op"], op_pointer + "/op");
      if (op == "add" || op == "replace" || op == "test") {
        object(operation, op_pointer, {"op", "path", "value"}, {}, true);
      } else if (op == "move" || op == "copy") {
        object(operation, op_pointer, {"op", "path", "from"}, {}, true);
        string(operation["from"], op_pointer + "/from");
      } else if (op != "remove") {
        fail(op_pointer + "/op", "unknown operation '" + op + "', expected add, remove, replace, move, copy or test");
      }
    }
  }

  void references(const nlohmann::json& refs) const {
    object(refs, "/metadata/references", {}, {"hepdata"}, false);
    if (refs.empty()) fail("/metadata/references", "needs at least one reference (hepdata)");
    if (refs.contains("hepdata")) {
      const std::string id = string(refs["hepdata"], "/metadata/references/hepdata");
      const bool ok = id.size() == 10 && id.compare(0, 3, "ins") == 0 &&
                      std::all_of(id.begin() + 3, id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
      if (!ok) fail("/metadata/references/hepdata", "'" + id + "' must be 'ins' and 7 digits (an INSPIRE id)");
    }
  }

  void digests(const nlohmann::json& given, patchset& ps) const {
    object(given, "/metadata/digests", {}, {"md5", "sha256"}, false);
    if (given.empty()) fail("/metadata/digests", "needs at least one digest (sha256 or md5)");
    for (const auto& [algorithm, item] : given.items()) {
      const std::string dp = "/metadata/digests/" + algorithm;
      const std::string hex = string(item, dp);
      const std::size_t length = algorithm == "md5" ? 32 : 64;
      const bool ok = hex.size() == length && std::all_of(hex.begin(), hex.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
      });
      if (!ok) fail(dp, "'" + hex + "' is not a " + algorithm + " digest (" + std::to_string(length) + " hex digits)");
      ps.digests.emplace_back(algorithm, hex);
    }
  }

  void labels(const nlohmann::json& given, patchset& ps) const {
    if (!given.is_array() || given.empty()) fail("/metadata/labels", "expected a non-empty array of label names");
    for (std::size_t i = 0; i < given.size(); ++i) ps.labels.push_back(identifier(given[i], "/metadata/labels/" + std::to_string(i)));
  }

  patchset read(const nlohmann::json& root) const {
    patchset ps;
    ps.source = m_source;
    if (!root.is_object()) fail("", std::string("a patchset is an object, found ") + root.type_name());
    if (!root.contains("version")) fail("/version", "missing required key 'version' (pyhf patchsets are version '1.0.0')");
    ps.version = string(root["version"], "/version");
    if (ps.version != "1.0.0") fail("/version", "version '" + ps.version + "' is not supported, expected '1.0.0'");
    object(root, "", {"metadata", "patches", "version"}, {}, false);

    const auto& metadata = root["metadata"];
    if (m_full_metadata) object(metadata, "/metadata", {"references", "digests", "labels", "description"}, {}, true);
    object(metadata, "/metadata", {}, {}, true);
    ps.metadata = metadata;
    if (metadata.contains("description")) ps.description = string(metadata["description"], "/metadata/description");
    if (metadata.contains("references")) references(metadata["references"]);
    if (metadata.contains("digests")) digests(metadata["digests"], ps);
    if (metadata.contains("labels")) labels(metadata["labels"], ps);

    const auto& patches = root["patches"];
    if (!patches.is_array() || patches.empty()) fail("/patches", "expected a non-empty array of patches");
    for (std::size_t i = 0; i < patches.size(); ++i) {
      const std::string pp = "/patches/" + std::to_string(i);
      object(patches[i], pp, {"metadata", "patch"}, {}, false);
      const auto& pm = patches[i]["metadata"];
      object(pm, pp + "/metadata", {"name", "values"}, {}, true);
      patchset_patch p;
      p.name = identifier(pm["name"], pp + "/metadata/name");
      p.values = pm["values"];
      if (!p.values.is_array()) fail(pp + "/metadata/values", std::string("expected an array, found ") + p.values.type_name());
      for (std::size_t k = 0; k < p.values.size(); ++k)
        if (!p.values[k].is_number() && !p.values[k].is_string())
          fail(pp + "/metadata/values/" + std::to_string(k),
               std::string("a value is a number or a string, found ") + p.values[k].type_name());
      if (!ps.labels.empty() && p.values.size() != ps.labels.size())
        fail(pp + "/metadata/values", std::to_string(p.values.size()) + " values, the patchset has " +
                                          std::to_string(ps.labels.size()) + " labels");
      operations(patches[i]["patch"], pp + "/patch");
      for (std::size_t j = 0; j < ps.patches.size(); ++j) {
        if (ps.patches[j].name == p.name)
          fail(pp + "/metadata/name", "patch name '" + p.name + "' is also /patches/" + std::to_string(j));
        if (ps.patches[j].values == p.values)
          fail(pp + "/metadata/values", "values " + p.values.dump() + " are also those of /patches/" + std::to_string(j) +
                                            " ('" + ps.patches[j].name + "')");
      }
      p.metadata = pm;
      p.patch = patches[i]["patch"];
      ps.patches.push_back(std::move(p));
    }
    return ps;
  }

 private:
  std::string m_source;
  bool m_full_metadata;
};

/// A command-line value token as a patch value: a number when the whole token is one, else a string.
inline nlohmann::json value_token(const std::string& token) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(token.c_str(), &end);
  if (!token.empty() && *end == '\0' && errno == 0) return x;
  return token;
}

}  // namespace detail

/// Whether a JSON document is shaped like a pyhf patchset (an object with `patches`), rather
/// than a plain JSON Patch (an array).
inline bool is_patchset(const nlohmann::json& document) { return document.is_object() && document.contains("patches"); }

/// Reads a pyhf patchset with the checks of pyhf's schema 1.0.0 and of pyhf's PatchSet: version
/// "1.0.0"; metadata with references, digests (md5/sha256), labels, description; every patch
/// with metadata.name ([a-zA-Z0-9_]+) and one value per label; no two patches with the same name
/// or the same values; every operation well-formed.
/// @param source names the document in error messages (a file name).
/// @param full_metadata false tolerates a metadata object without pyhf's required references,
///        digests, labels and description (those present are still checked): rein applies one
///        patch out of hand-written patchsets too; `rein patchset` and `rein grid` insist.
/// @throws io_error naming `source`, the JSON pointer and what was expected.
inline patchset patchset_from_json(const nlohmann::json& document, const std::string& source = "<json>",
                                   bool full_metadata = true) {
  return detail::patchset_reader(source, full_metadata).read(document);
}

/// The patchset's JSON form, as pyhf writes it.
inline nlohmann::json patchset_to_json(const patchset& ps) {
  nlohmann::json patches = nlohmann::json::array();
  for (const auto& p : ps.patches) patches.push_back({{"metadata", p.metadata}, {"patch", p.patch}});
  return {{"metadata", ps.metadata}, {"patches", patches}, {"version", ps.version}};
}

/// The patch called `name`.
/// @throws io_error naming the patchset, with the closest name when one is close.
inline const patchset_patch& find_patch(const patchset& ps, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& p : ps.patches) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  throw io_error("rein::io::find_patch: '" + ps.source + "' has no patch named '" + name + "'" +
                 rein::detail::did_you_mean(name, names));
}

/// The patch whose values are `values` (numbers compare as numbers: 1300 matches 1300.0).
/// @throws io_error naming the patchset and its labels when no patch has them.
inline const patchset_patch& find_patch_by_values(const patchset& ps, const nlohmann::json& values) {
  for (const auto& p : ps.patches)
    if (p.values == values) return p;
  std::string labels;
  for (const auto& l : ps.labels) labels += (labels.empty() ? "" : ", ") + l;
  throw io_error("rein::io::find_patch_by_values: '" + ps.source + "' has no patch with values " + values.dump() + " (labels " +
                 labels + ")");
}

/// The patchset in the file `path` (read with every check of pyhf's schema), or nothing when the
/// file is not a patchset: standard input ("-", which can be read once only), a file that cannot be
/// read or is not JSON (its reader says why), or JSON that is no patchset (a workspace, a patch).
/// @throws io_error for a patchset that breaks the schema
inline std::optional<patchset> patchset_file(const std::string& path) {
  if (path == "-") return std::nullopt;
  nlohmann::json document;
  try {
    document = read_json(path);
  } catch (const io_error&) {
    return std::nullopt;
  }
  if (!is_patchset(document)) return std::nullopt;
  return patchset_from_json(document, path, true);
}

/// The values of `--patch-values 1300,205,60`: comma-separated numbers or strings.
inline nlohmann::json parse_patch_values(const std::string& text) {
  nlohmann::json values = nlohmann::json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    values.push_back(detail::value_token(text.substr(start, comma - start)));
    start = comma + 1;
  }
  return values;
}

/// Checks the background-only workspace `document` against the patchset's digests, as pyhf's
/// `PatchSet.verify`: every digest given must equal `digest(document, algorithm)`.
/// @throws io_error naming both sources, the algorithm and both digests on a mismatch, or for an
///         md5 digest (which rein does not compute; pyhf's patchsets on HEPData give sha256).
inline void verify_patchset(const patchset& ps, const nlohmann::json& document, const std::string& workspace_source) {
  for (const auto& [algorithm, expected] : ps.digests) {
    if (algorithm != "sha256")
      throw io_error("rein::io::verify_patchset: '" + ps.source + "' gives a " + algorithm +
                     " digest, which rein cannot check (only sha256)");
    std::string lower = expected;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string found = digest(document, algorithm);
    if (found != lower)
      throw io_error("rein::io::verify_patchset: '" + workspace_source + "' is not the background-only workspace of '" +
                     ps.source + "': " + algorithm + " digest " + found + ", the patchset expects " + expected);
  }
}

/// The point name of a plain patch file: its file name without the directory, a leading "patch."
/// and a trailing ".json" ("dir/patch.sbottom_1300_205_60.json" → "sbottom_1300_205_60").
inline std::string patch_name_of_file(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (name.rfind("patch.", 0) == 0) name = name.substr(6);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) name.resize(name.size() - 5);
  return name;
}

/// The point values a patch name spells: its numbers between underscores, in order
/// ("sbottom_1300_205_60" → [1300, 205, 60]; words are skipped).
inline nlohmann::json patch_values_of_name(const std::string& name) {
  nlohmann::json values = nlohmann::json::array();
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('_', start), name.size());
    const auto value = detail::value_token(name.substr(start, end - start));
    if (value.is_number()) values.push_back(value);
    start = end + 1;
  }
  return values;
}

}  // namespace rein::io
