#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/detail/suggest.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/likelihood/workspace/validate.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

namespace detail {

/// Reads JSON values with the source and JSON pointer in every error.
class schema_reader {
 public:
  explicit schema_reader(std::string source) : m_source(std::move(source)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
    throw io_error("rein::io::read_workspace: '" + m_source + "' " + (pointer.empty() ? "/" : pointer) + ": " + problem);
  }

  const nlohmann::json& member(const nlohmann::json& object, const std::string& pointer, const char* key) const {
    if (!object.is_object()) fail(pointer, std::string("expected an object, found ") + object.type_name());
    const auto found = object.find(key);
    if (found == object.end()) fail(pointer, std::string("missing required key '") + key + "'");
    return *found;
  }

  /// pyhf's schema allows no keys beyond `known` (additionalProperties: false); top-level keys
  /// `rein.*` are rein's extensions, which their own readers strip first.
  void only_keys(const nlohmann::json& object, const std::string& pointer, const std::vector<std::string>& known) const {
    if (!object.is_object()) return;  // member() reports the type
    for (const auto& entry : object.items()) {
      if (std::find(known.begin(), known.end(), entry.key()) != known.end()) continue;
      fail(pointer + "/" + entry.key(), "unknown key '" + entry.key() + "'" + rein::detail::did_you_mean(entry.key(), known) +
                                            " (pyhf schema 1.0.0 allows " + join(known) + ")");
    }
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  const nlohmann::json& array(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_array()) fail(pointer, std::string("expected an array, found ") + value.type_name());
    return value;
  }

  std::string string(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_string()) fail(pointer, std::string("expected a string, found ") + value.type_name());
    return value.get<std::string>();
  }

  double number(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_number()) fail(pointer, std::string("expected a number, found ") + value.type_name());
    return value.get<double>();
  }

  std::vector<double> numbers(const nlohmann::json& value, const std::string& pointer) const {
    array(value, pointer);
    std::vector<double> out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(number(value[i], pointer + "/" + std::to_string(i)));
    return out;
  }

  likelihood::modifier modifier(const nlohmann::json& value, const std::string& pointer) const {
    likelihood::modifier m;
    m.name = string(member(value, pointer, "name"), pointer + "/name");
    const std::string type = string(member(value, pointer, "type"), pointer + "/type");
    const auto parsed = likelihood::modifier_type_from_string(type);
    if (!parsed)
      fail(pointer + "/type", "unknown modifier type '" + type +
                                  "', expected normfactor, normsys, histosys, shapesys, shapefactor, staterror or lumi");
    m.type = *parsed;
    const auto& data = member(value, pointer, "data");
    only_keys(value, pointer, {"name", "type", "data"});
    const std::string dp = pointer + "/data";
    switch (m.type) {
      case likelihood::modifier_type::normfactor:
      case likelihood::modifier_type::shapefactor:
      case likelihood::modifier_type::lumi:
        if (!data.is_null()) fail(dp, type + " data must be null, found " + data.type_name());
        break;
      case likelihood::modifier_type::normsys:
        m.hi = number(member(data, dp, "hi"), dp + "/hi");
        m.lo = number(member(data, dp, "lo"), dp + "/lo");
        only_keys(data, dp, {"hi", "lo"});
        break;
      case likelihood::modifier_type::histosys:
        m.hi_data = numbers(member(data, dp, "hi_data"), dp + "/hi_data");
        m.lo_data = numbers(member(data, dp, "lo_data"), dp + "/lo_data");
        only_keys(data, dp, {"hi_data", "lo_data"});
        break;
      case likelihood::modifier_type::shapesys:
      case likelihood::modifier_type::staterror:
        m.values = numbers(data, dp);
        break;
    }
    return m;
  }

  likelihood::parameter_config parameter(const nlohmann::json& value, const std::string& pointer) const {
    likelihood::parameter_config p;
    p.name = string(member(value, pointer, "name"), pointer + "/name");
    for (const auto& [key, item] : value.items()) {
      const std::string ip = pointer + "/" + key;
      if (key == "name") continue;
      if (key == "inits") p.inits = numbers(item, ip);
      else if (key == "auxdata") p.auxdata = numbers(item, ip);
      else if (key == "factors") p.factors = numbers(item, ip);
      else if (key == "sigmas") p.sigmas = numbers(item, ip);
      else if (key == "fixed") {
        if (!item.is_boolean()) fail(ip, std::string("expected a boolean, found ") + item.type_name());
        p.fixed = item.get<bool>();
      } else if (key == "bounds") {
        array(item, ip);
        p.bounds.emplace();
        for (std::size_t i = 0; i < item.size(); ++i) {
          const std::string bp = ip + "/" + std::to_string(i);
          const auto pair = numbers(item[i], bp);
          if (pair.size() != 2) fail(bp, "a bound is [lower, upper], found " + std::to_string(pair.size()) + " numbers");
          p.bounds->emplace_back(pair[0], pair[1]);
        }
      } else {
        fail(ip, "unknown parameter configuration key '" + key + "'");
      }
    }
    check_parameter_ranges(p, pointer);
    return p;
  }

  // Bounds with lower < upper, and inits inside the bounds of the same entry: what make_model
  // would reject later without the file's name.
  void check_parameter_ranges(const likelihood::parameter_config& p, const std::string& pointer) const {
    using rein::detail::format_value;
    if (p.bounds)
      for (std::size_t i = 0; i < p.bounds->size(); ++i) {
        const auto [lower, upper] = (*p.bounds)[i];
        if (!(lower <= upper))
          fail(pointer + "/bounds/" + std::to_string(i), "parameter '" + p.name + "' has bounds [" + format_value(lower) + ", " +
                                                             format_value(upper) + "], need lower <= upper");
      }
    if (p.inits && p.bounds && p.inits->size() == p.bounds->size())
      for (std::size_t i = 0; i < p.inits->size(); ++i) {
        const double init = (*p.inits)[i];
        const auto [lower, upper] = (*p.bounds)[i];
        if (!(lower <= init && init <= upper))
          fail(pointer + "/inits/" + std::to_string(i), "parameter '" + p.name + "' init " + format_value(init) +
                                                            " lies outside its bounds [" + format_value(lower) + ", " +
                                                            format_value(upper) + "]");
      }
  }

  likelihood::workspace workspace(const nlohmann::json& root) const {
    likelihood::workspace ws;
    if (!root.is_object()) fail("", std::string("a workspace is an object, found ") + root.type_name());
    ws.version = string(member(root, "", "version"), "/version");
    const std::vector<std::string> top = {"channels", "measurements", "observations", "version"};
    for (const auto& entry : root.items())
      if (entry.key().rfind("rein.", 0) != 0 && std::find(top.begin(), top.end(), entry.key()) == top.end())
        fail("/" + entry.key(), "unknown key '" + entry.key() + "'" + rein::detail::did_you_mean(entry.key(), top) +
                                    " (pyhf schema 1.0.0 allows " + join(top) + "; rein's extensions start with 'rein.')");
    const auto& channels = array(member(root, "", "channels"), "/channels");
    for (std::size_t ci = 0; ci < channels.size(); ++ci) {
      const std::string cp = "/channels/" + std::to_string(ci);
      likelihood::channel c;
      c.name = string(member(channels[ci], cp, "name"), cp + "/name");
      const auto& samples = array(member(channels[ci], cp, "samples"), cp + "/samples");
      only_keys(channels[ci], cp, {"name", "samples"});
      for (std::size_t si = 0; si < samples.size(); ++si) {
        const std::string sp = cp + "/samples/" + std::to_string(si);
        likelihood::sample s;
        s.name = string(member(samples[si], sp, "name"), sp + "/name");
        s.data = numbers(member(samples[si], sp, "data"), sp + "/data");
        const auto& modifiers = array(member(samples[si], sp, "modifiers"), sp + "/modifiers");
        only_keys(samples[si], sp, {"name", "data", "modifiers"});
        for (std::size_t mi = 0; mi < modifiers.size(); ++mi)
          s.modifiers.push_back(modifier(modifiers[mi], sp + "/modifiers/" + std::to_string(mi)));
        c.samples.push_back(std::move(s));
      }
      ws.channels.push_back(std::move(c));
    }
    const auto& observations = array(member(root, "", "observations"), "/observations");
    for (std::size_t oi = 0; oi < observations.size(); ++oi) {
      const std::string op = "/observations/" + std::to_string(oi);
      ws.observations.push_back({string(member(observations[oi], op, "name"), op + "/name"),
                                 numbers(member(observations[oi], op, "data"), op + "/data")});
      only_keys(observations[oi], op, {"name", "data"});
    }
    const auto& measurements = array(member(root, "", "measurements"), "/measurements");
    for (std::size_t mi = 0; mi < measurements.size(); ++mi) {
      const std::string mp = "/measurements/" + std::to_string(mi);
      likelihood::measurement m;
      m.name = string(member(measurements[mi], mp, "name"), mp + "/name");
      const auto& config = member(measurements[mi], mp, "config");
      m.poi = string(member(config, mp + "/config", "poi"), mp + "/config/poi");
      const auto& parameters = array(member(config, mp + "/config", "parameters"), mp + "/config/parameters");
      only_keys(measurements[mi], mp, {"name", "config"});
      only_keys(config, mp + "/config", {"poi", "parameters"});
      for (std::size_t pi = 0; pi < parameters.size(); ++pi)
        m.parameters.push_back(parameter(parameters[pi], mp + "/config/parameters/" + std::to_string(pi)));
      ws.measurements.push_back(std::move(m));
    }
    try {
      likelihood::validate(ws);
    } catch (const likelihood::workspace_error& e) {
      fail(e.pointer(), e.problem());
    }
    return ws;
  }

 private:
  std::string m_source;
};

}  // namespace detail

/// Reads a workspace from its pyhf JSON form (schema 1.0.0) and validates it.
/// @param source names the document in error messages (a file name).
/// @throws io_error naming `source`, the JSON pointer and the problem.
inline likelihood::workspace workspace_from_json(const nlohmann::json& document, const std::string& source = "<json>") {
  return detail::schema_reader(source).workspace(document);
}

/// A pyhf workspace file (`-`: standard input) to edit and write back in pyhf's format (the
/// workspace verbs combine, prune, rename, sort): rein's extensions (top-level keys `rein.*`)
/// are refused, since writing pyhf's format would drop them silently.
/// @throws invalid_argument naming the file and the extension; what read_json_input and
///         workspace_from_json throw
inline likelihood::workspace read_pyhf_workspace(const std::string& path) {
  const auto document = read_json_input(path);
  if (document.is_object())
    for (const auto& entry : document.items())
      if (entry.key().rfind("rein.", 0) == 0)
        throw invalid_argument("'" + path + "' /" + entry.key() + ": the workspace verbs edit pyhf workspaces and would drop " +
                               "rein's extension '" + entry.key() + "'");
  return workspace_from_json(document, path);
}

/// The pyhf JSON form of a workspace; `workspace_from_json` of it gives the workspace back.
inline nlohmann::json workspace_to_json(const likelihood::workspace& ws) {
  nlohmann::json root;
  root["version"] = ws.version;
  root["channels"] = nlohmann::json::array();
  for (const auto& c : ws.channels) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : c.samples) {
      nlohmann::json modifiers = nlohmann::json::array();
      for (const auto& m : s.modifiers) {
        nlohmann::json data;
        switch (m.type) {
          case likelihood::modifier_type::normsys: data = {{"hi", m.hi}, {"lo", m.lo}}; break;
          case likelihood::modifier_type::histosys: data = {{"hi_data", m.hi_data}, {"lo_data", m.lo_data}}; break;
          case likelihood::modifier_type::shapesys:
          case likelihood::modifier_type::staterror: data = m.values; break;
          default: break;
        }
        modifiers.push_back({{"name", m.name}, {"type", to_string(m.type)}, {"data", data}});
      }
      samples.push_back({{"name", s.name}, {"data", s.data}, {"modifiers", modifiers}});
    }
    root["channels"].push_back({{"name", c.name}, {"samples", samples}});
  }
  root["observations"] = nlohmann::json::array();
  for (const auto& o : ws.observations) root["observations"].push_back({{"name", o.name}, {"data", o.data}});
  root["measurements"] = nlohmann::json::array();
  for (const auto& m : ws.measurements) {
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& p : m.parameters) {
      nlohmann::json item = {{"name", p.name}};
      if (p.inits) item["inits"] = *p.inits;
      if (p.bounds) {
        item["bounds"] = nlohmann::json::array();
        for (const auto& [lo, hi] : *p.bounds) item["bounds"].push_back({lo, hi});
      }
      if (p.auxdata) item["auxdata"] = *p.auxdata;
      if (p.factors) item["factors"] = *p.factors;
      if (p.sigmas) item["sigmas"] = *p.sigmas;
      if (p.fixed) item["fixed"] = *p.fixed;
      parameters.push_back(item);
    }
    root["measurements"].push_back({{"name", m.name}, {"config", {{"poi", m.poi}, {"parameters", parameters}}}});
  }
  return root;
}

/// A patch to apply on reading: a JSON Patch file, or one patch of a pyhf patchset chosen by
/// `name` or by `values` (optional when the patchset has one patch).
struct patch_source {
  patch_source(std::string path_, std::optional<std::string> name_ = std::nullopt,
               std::optional<nlohmann::json> values_ = std::nullopt)
      : path(std::move(path_)), name(std::move(name_)), values(std::move(values_)) {}
  std::string path;
  std::optional<std::string> name;
  std::optional<nlohmann::json> values;  ///< an array, e.g. parse_patch_values("1300,205,60")
  /// The file's contents when the caller holds them in memory (a Python dict): then it is read
  /// from here, and `path` only names it in messages.
  std::optional<nlohmann::json> document;
};

/// Applies the patches in order to `document`, appending " patched by 'P'" to `source` for each.
/// A patch out of a patchset is applied only after the document passes the patchset's digest
/// check (verify_patchset), as pyhf's `PatchSet.apply` does.
/// @throws io_error naming the patch file and the problem.
inline nlohmann::json patch_document(nlohmann::json document, const std::vector<patch_source>& patches, std::string& source) {
  for (const auto& p : patches) {
    const nlohmann::json file = p.document ? *p.document : read_json(p.path);
    nlohmann::json patch;
    if (is_patchset(file)) {
      const patchset ps = patchset_from_json(file, p.path, false);
      if (p.name && p.values) throw io_error("rein::io::patch_document: choose a patch of '" + p.path + "' by name or by values, not both");
      const patchset_patch* chosen = ps.patches.size() == 1 ? &ps.patches[0] : nullptr;
      if (p.name) chosen = &find_patch(ps, *p.name);
      else if (p.values) chosen = &find_patch_by_values(ps, *p.values);
      else if (chosen == nullptr)
        throw io_error("rein::io::patch_document: '" + p.path + "' is a patchset with " + std::to_string(ps.patches.size()) +
                       " patches: name the one to apply (by name or by values)");
      verify_patchset(ps, document, source);
      patch = chosen->patch;
    } else {
      if (p.values) throw io_error("rein::io::patch_document: '" + p.path + "' is a plain JSON Patch; values choose a patch of a patchset");
      patch = select_patch(file, p.path, p.name);
    }
    document = apply_patch(document, patch, p.path);
    source += " patched by '" + p.path + "'";
  }
  return document;
}

/// Reads, patches (in order) and validates a pyhf JSON workspace file.
/// @throws io_error naming the file, the JSON pointer and the problem, or the patch that failed.
inline likelihood::workspace read_workspace(const std::string& path, const std::vector<patch_source>& patches = {}) {
  std::string source = path;
  const nlohmann::json document = patch_document(read_json(path), patches, source);
  return workspace_from_json(document, source);
}

/// Writes a workspace as pyhf JSON.
/// @throws io_error naming the file when it cannot be written.
inline void write_workspace(const likelihood::workspace& ws, const std::string& path) {
  write_json(workspace_to_json(ws), path);
}

}  // namespace rein::io
