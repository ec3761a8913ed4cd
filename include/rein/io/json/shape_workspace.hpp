#pragma once

// rein's JSON extension of the pyhf workspace for parametric shapes (docs/formats.md, "Parametric
// shapes in a workspace (rein.shapes)"): samples shaped by a density carry a modifier
// {"name": S, "type": "rein.shape", "data": null}, and one top-level object "rein.shapes" defines
// every shape S (its kind, bin edges and parameters).
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/model/bin_function.hpp"
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/shapes/parametric_shape.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// A pyhf workspace with parametric shapes: the workspace without its `rein.shape` modifiers, and
/// each shape with the samples (channel, sample) that carry its modifier as its targets.
struct shape_workspace {
  likelihood::workspace workspace;
  std::vector<likelihood::parametric_shape> shapes;  ///< in the order of `/rein.shapes/shapes`
};

namespace detail {

/// The version of the `rein.shapes` object that this reader reads and the writer writes.
inline constexpr const char* shape_extension_version = "1.0.0";

inline bool is_shape_modifier(const nlohmann::json& m) {
  if (!m.is_object()) return false;
  const auto type = m.find("type");
  return type != m.end() && type->is_string() && type->get<std::string>() == "rein.shape";
}

// One shape parameter: {"name", "init", "bounds": [lo|null, hi|null] (optional), "fixed" (optional)}.
inline likelihood::shape_parameter read_shape_parameter(const nlohmann::json& value, const schema_reader& reader,
                                                        const std::string& pointer) {
  likelihood::shape_parameter p;
  p.name = reader.string(reader.member(value, pointer, "name"), pointer + "/name");
  p.init = reader.number(reader.member(value, pointer, "init"), pointer + "/init");
  for (const auto& entry : value.items()) {
    const std::string& key = entry.key();
    const nlohmann::json& item = entry.value();
    const std::string ip = pointer + "/" + key;
    if (key == "name" || key == "init") continue;
    if (key == "bounds") {
      reader.array(item, ip);
      if (item.size() != 2)
        reader.fail(ip, "a bound is [lower, upper] (null for no bound), found " + std::to_string(item.size()) + " entries: " +
                            item.dump());
      for (std::size_t k = 0; k < 2; ++k) {
        const std::string bp = ip + "/" + std::to_string(k);
        if (!item[k].is_null() && !item[k].is_number())
          reader.fail(bp, std::string("expected a number or null (no bound), found ") + item[k].type_name() + " " + item[k].dump());
      }
      if (!item[0].is_null()) p.lower = item[0].get<double>();
      if (!item[1].is_null()) p.upper = item[1].get<double>();
    } else if (key == "fixed") {
      if (!item.is_boolean()) reader.fail(ip, std::string("expected true or false, found ") + item.type_name() + " " + item.dump());
      p.fixed = item.get<bool>();
    } else {
      reader.fail(ip, "unknown shape parameter key '" + key + "' (name, init, bounds, fixed)");
    }
  }
  return p;
}

// One shape definition: {"name", "kind", "edges", "parameters"}; no targets yet.
inline likelihood::parametric_shape read_shape_definition(const nlohmann::json& value, const schema_reader& reader,
                                                          const std::string& pointer) {
  likelihood::parametric_shape s;
  s.name = reader.string(reader.member(value, pointer, "name"), pointer + "/name");
  if (s.name.empty()) reader.fail(pointer + "/name", "a shape name is a non-empty string, found \"\"");
  const std::string kind = reader.string(reader.member(value, pointer, "kind"), pointer + "/kind");
  const auto found = likelihood::find_shape_kind(kind);
  if (!found) reader.fail(pointer + "/kind", "unknown shape kind '" + kind + "' (known kinds: " + likelihood::shape_kind_names() + ")");
  s.kind = *found;
  s.edges = reader.numbers(reader.member(value, pointer, "edges"), pointer + "/edges");
  const auto& parameters = reader.array(reader.member(value, pointer, "parameters"), pointer + "/parameters");
  for (std::size_t k = 0; k < parameters.size(); ++k)
    s.parameters.push_back(read_shape_parameter(parameters[k], reader, pointer + "/parameters/" + std::to_string(k)));
  for (const auto& entry : value.items())
    if (entry.key() != "name" && entry.key() != "kind" && entry.key() != "edges" && entry.key() != "parameters")
      reader.fail(pointer + "/" + entry.key(), "unknown shape key '" + entry.key() + "' (name, kind, edges, parameters)");
  // what the shape alone must satisfy; the targets are checked once the samples are known
  auto probe = s;
  probe.targets = {{"(channel)", "(sample)", 0, 0}};
  try {
    (void)likelihood::make_parametric_shape(probe);
  } catch (const invalid_argument& e) {
    reader.fail(pointer, e.what());
  }
  return s;
}

// A rein.shape modifier found in a sample, before its pointer is known.
struct found_shape_modifier {
  std::string channel, sample;
  nlohmann::json modifier;
};

}  // namespace detail

/// Reads a workspace with parametric shapes from its JSON form (see docs/formats.md): strips the
/// `rein.shape` modifiers, reads and validates the pyhf part (workspace_from_json), and returns
/// each shape of `/rein.shapes/shapes` with the samples carrying its modifier as targets (in
/// document order). Shape parameters take their inits, bounds and `fixed` from the shape
/// definitions only; the measurements' parameter configurations do not reach them.
/// @param source names the document in error messages (a file name).
/// @throws io_error naming `source`, the JSON pointer, the offending value and the requirement for:
///         a missing `rein.shapes` object or a version other than "1.0.0"; a shape with an
///         unknown kind (the message lists the known kinds), an unknown key, or a `bounds` that
///         is not [number|null, number|null]; a shape name defined twice; a `rein.shape` modifier
///         whose name is not a string or names no defined shape, or whose data is not null; a
///         shape that no sample uses; anything likelihood::make_parametric_shape rejects (edges,
///         parameter count, inits, bounds outside the shape's domain; its message is kept); a
///         shape whose edges give another bin count than a target sample's; and every problem of
///         the pyhf part that workspace_from_json reports.
inline shape_workspace shape_workspace_from_json(nlohmann::json document, const std::string& source = "<json>") {
  const detail::schema_reader reader(source);
  if (!document.is_object() || !document.contains("rein.shapes"))
    reader.fail("", "missing key 'rein.shapes' (not a workspace with parametric shapes; a plain pyhf workspace reads with "
                    "read_workspace)");
  const nlohmann::json extension = document["rein.shapes"];
  document.erase("rein.shapes");
  const std::string root = "/rein.shapes";
  const std::string version = reader.string(reader.member(extension, root, "version"), root + "/version");
  if (version != detail::shape_extension_version)
    reader.fail(root + "/version", "version '" + version + "' is not supported (this reader reads " +
                                       detail::shape_extension_version + ")");
  for (const auto& entry : extension.items())
    if (entry.key() != "version" && entry.key() != "shapes")
      reader.fail(root + "/" + entry.key(), "unknown key '" + entry.key() + "' (version, shapes)");
  const auto& definitions = reader.array(reader.member(extension, root, "shapes"), root + "/shapes");

  shape_workspace out;
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    const std::string pointer = root + "/shapes/" + std::to_string(i);
    auto shape = detail::read_shape_definition(definitions[i], reader, pointer);
    const auto known = index_of.find(shape.name);
    if (known != index_of.end())
      reader.fail(pointer + "/name", "shape '" + shape.name + "' is defined twice (first at " + root + "/shapes/" +
                                         std::to_string(known->second) + ")");
    index_of[shape.name] = i;
    out.shapes.push_back(std::move(shape));
  }

  // the pyhf part without the rein.shape modifiers, validated before the targets are resolved
  const nlohmann::json original_channels = document.contains("channels") ? document["channels"] : nlohmann::json();
  std::vector<detail::found_shape_modifier> found;
  if (document.contains("channels"))
    detail::strip_modifiers(document["channels"], detail::is_shape_modifier,
                            [&](const std::string& channel, const std::string& sample, const nlohmann::json& m) {
                              found.push_back({channel, sample, m});
                            });
  out.workspace = workspace_from_json(document, source);

  // the targets, each modifier named by its pointer in the original document
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> seen;  // (channel, sample) -> rein.shape modifiers seen
  std::map<std::pair<std::string, std::pair<std::string, std::string>>, std::string> used_at;  // (shape, target) -> pointer
  for (const auto& f : found) {
    std::size_t ci = 0, si = 0;
    while (out.workspace.channels[ci].name != f.channel) ++ci;  // validated: names are unique and present
    const auto& samples = out.workspace.channels[ci].samples;
    while (samples[si].name != f.sample) ++si;
    const std::string sp = "/channels/" + std::to_string(ci) + "/samples/" + std::to_string(si);
    // strip_modifiers hands them over in document order: this is the sample's n-th rein.shape modifier
    const auto& modifiers = original_channels[ci]["samples"][si]["modifiers"];
    std::size_t mi = 0;
    for (std::size_t n = seen[{ci, si}]++, k = 0;; ++mi)
      if (detail::is_shape_modifier(modifiers[mi]) && k++ == n) break;
    const std::string mp = sp + "/modifiers/" + std::to_string(mi);
    const std::string name = reader.string(reader.member(f.modifier, mp, "name"), mp + "/name");
    const auto shape = index_of.find(name);
    if (shape == index_of.end())
      reader.fail(mp + "/name", "the rein.shape modifier of sample '" + f.sample + "' in channel '" + f.channel +
                                    "' names shape '" + name + "', which " + root + "/shapes does not define");
    const auto& data = reader.member(f.modifier, mp, "data");
    if (!data.is_null())
      reader.fail(mp + "/data", std::string("rein.shape data must be null, found ") + data.type_name() + " " + data.dump());
    auto& s = out.shapes[shape->second];
    const std::string pointer = root + "/shapes/" + std::to_string(shape->second);
    if (s.edges.size() != samples[si].data.size() + 1)
      reader.fail(pointer + "/edges",
                  "shape '" + s.name + "' has " + std::to_string(s.edges.size()) + " edges (" +
                      std::to_string(s.edges.size() - 1) + " bins), but sample '" + f.sample +
                      "' in channel '" + f.channel + "' (" + sp + "), which carries it at " + mp + ", has " +
                      std::to_string(samples[si].data.size()) + " bins: need bins + 1 edges");
    const auto first = used_at.emplace(std::make_pair(name, std::make_pair(f.channel, f.sample)), mp);
    if (!first.second)
      reader.fail(mp, "sample '" + f.sample + "' in channel '" + f.channel + "' carries shape '" + name + "' twice (also at " +
                          first.first->second + ")");
    s.targets.push_back({f.channel, f.sample, 0, 0});
  }
  for (std::size_t i = 0; i < out.shapes.size(); ++i) {
    const auto& s = out.shapes[i];
    if (s.targets.empty())
      reader.fail(root + "/shapes/" + std::to_string(i), "shape '" + s.name + "' is used by no sample (none carries " +
                                                             "{\"name\": \"" + s.name + "\", \"type\": \"rein.shape\"})");
  }
  return out;
}

/// Reads the JSON file at `path` as a workspace with parametric shapes (shape_workspace_from_json).
/// @throws io_error naming the file when it cannot be read or is not JSON, and as
///         shape_workspace_from_json.
inline shape_workspace read_shape_workspace(const std::string& path) { return shape_workspace_from_json(read_json(path), path); }

/// The JSON form of `ws`: workspace_to_json of the workspace, a modifier
/// {"name": S, "type": "rein.shape", "data": null} appended to the modifiers of every target
/// sample of shape S, and the `rein.shapes` object (version "1.0.0"; ±∞ bounds as null).
/// shape_workspace_from_json of it gives `ws` back.
/// @throws invalid_argument for a shape that make_parametric_shape rejects, a shape name used
///         twice, or a target sample that the workspace lacks or whose bin count is not the
///         shape's.
inline nlohmann::json shape_workspace_to_json(const shape_workspace& ws) {
  const std::string where = "rein::io::shape_workspace_to_json: ";
  nlohmann::json document = workspace_to_json(ws.workspace);
  nlohmann::json definitions = nlohmann::json::array();
  std::map<std::string, std::size_t> seen;
  for (const auto& s : ws.shapes) {
    (void)likelihood::make_parametric_shape(s);  // throws invalid_argument naming the shape
    if (!seen.emplace(s.name, 0).second) throw invalid_argument(where + "shape name '" + s.name + "' is used twice");
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& p : s.parameters)
      parameters.push_back({{"name", p.name},
                            {"init", p.init},
                            {"bounds", {detail::bound_json(p.lower), detail::bound_json(p.upper)}},
                            {"fixed", p.fixed}});
    definitions.push_back({{"name", s.name}, {"kind", likelihood::to_string(s.kind)}, {"edges", s.edges}, {"parameters", parameters}});
    for (const auto& t : s.targets) {
      bool placed = false;
      for (auto& channel : document["channels"])
        if (channel["name"] == t.channel)
          for (auto& sample : channel["samples"])
            if (sample["name"] == t.sample) {
              if (sample["data"].size() + 1 != s.edges.size())
                throw invalid_argument(where + "shape '" + s.name + "' has " + std::to_string(s.edges.size() - 1) +
                                       " bins, its target sample '" + t.sample + "' in channel '" + t.channel + "' has " +
                                       std::to_string(sample["data"].size()));
              sample["modifiers"].push_back({{"name", s.name}, {"type", "rein.shape"}, {"data", nullptr}});
              placed = true;
            }
      if (!placed)
        throw invalid_argument(where + "shape '" + s.name + "' targets sample '" + t.sample + "' in channel '" + t.channel +
                               "', which the workspace does not have");
    }
  }
  document["rein.shapes"] = {{"version", detail::shape_extension_version}, {"shapes", definitions}};
  return document;
}

/// Writes `ws` as JSON (shape_workspace_to_json) to `path`.
/// @throws invalid_argument as shape_workspace_to_json; io_error naming the file when it cannot be
///         written.
inline void write_shape_workspace(const shape_workspace& ws, const std::string& path) {
  write_json(shape_workspace_to_json(ws), path);
}

/// The model of a workspace with parametric shapes: likelihood::make_model of the workspace with
/// one make_parametric_shape custom modifier per shape, in order (shape parameters follow the
/// workspace's parameters; shapes may share a parameter only if they declare it identically).
/// @throws invalid_argument as make_model and make_parametric_shape (e.g. an unknown
///         measurement, a shape parameter named like a workspace parameter).
inline likelihood::model make_shape_model(const shape_workspace& ws, const likelihood::model_options& options = {}) {
  std::vector<likelihood::custom_modifier> customs;
  customs.reserve(ws.shapes.size());
  for (const auto& s : ws.shapes) customs.push_back(likelihood::make_parametric_shape(s));
  return likelihood::make_model(ws.workspace, options, customs);
}

}  // namespace rein::io
