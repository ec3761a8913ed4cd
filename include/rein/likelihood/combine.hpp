#pragma once

#include "rein/core/error.hpp"
#include "rein/likelihood/validate.hpp"
#include "rein/likelihood/workspace.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

namespace detail {

inline bool same_config(const parameter_config& a, const parameter_config& b) {
  return a.name == b.name && a.inits == b.inits && a.bounds == b.bounds && a.auxdata == b.auxdata &&
         a.factors == b.factors && a.sigmas == b.sigmas && a.fixed == b.fixed;
}

inline bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

inline std::string quoted_list(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

// Throws unless every name in `wanted` is in `present`, naming the first missing one.
inline void check_present(const std::vector<std::string>& wanted, const std::set<std::string>& present,
                          const char* function, const char* what) {
  for (const auto& name : wanted)
    if (present.count(name) == 0)
      throw invalid_argument(std::string("rein::likelihood::") + function + ": the workspace has no " + what + " '" + name +
                             "' (it has " + quoted_list(present) + ")");
}

inline std::set<std::string> channel_names(const workspace& ws) {
  std::set<std::string> names;
  for (const auto& c : ws.channels) names.insert(c.name);
  return names;
}

inline std::set<std::string> sample_names(const workspace& ws) {
  std::set<std::string> names;
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples) names.insert(s.name);
  return names;
}

inline std::set<std::string> modifier_names(const workspace& ws) {
  std::set<std::string> names;
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) names.insert(m.name);
  return names;
}

inline std::set<std::string> measurement_names(const workspace& ws) {
  std::set<std::string> names;
  for (const auto& m : ws.measurements) names.insert(m.name);
  return names;
}

}  // namespace detail

/// Combines two workspaces as pyhf's `Workspace.combine`: channels and observations of `right`
/// follow those of `left`; measurements of different names are kept (left's first), measurements
/// of the same name are merged, as pyhf's outer join does: their POIs must agree, their parameter
/// configs are joined, identical configs of one name kept once. The result is validated.
/// @throws invalid_argument naming the culprit for different versions, a channel or observation
///         name in both, measurements of one name with different POIs, or a parameter configured
///         differently by the two measurements of one name.
/// @throws workspace_error (an invalid_argument) if the union is not a valid workspace, e.g. a
///         modifier name with conflicting types in the two workspaces, or a shared shapesys.
inline workspace combine(const workspace& left, const workspace& right) {
  const std::string where = "rein::likelihood::combine: ";
  if (left.version != right.version)
    throw invalid_argument(where + "workspace versions differ: '" + left.version + "' and '" + right.version + "'");
  workspace out = left;
  const auto left_channels = detail::channel_names(left);
  for (const auto& c : right.channels) {
    if (left_channels.count(c.name) != 0)
      throw invalid_argument(where + "channel '" + c.name + "' is in both workspaces (rename or prune it first)");
    out.channels.push_back(c);
  }
  for (const auto& o : right.observations) {
    const bool repeated = std::any_of(left.observations.begin(), left.observations.end(),
                                      [&](const observation& l) { return l.name == o.name; });
    if (repeated) throw invalid_argument(where + "observation of channel '" + o.name + "' is in both workspaces");
    out.observations.push_back(o);
  }
  for (const auto& m : right.measurements) {
    const auto same = std::find_if(out.measurements.begin(), out.measurements.end(),
                                   [&](const measurement& l) { return l.name == m.name; });
    if (same == out.measurements.end()) {
      out.measurements.push_back(m);
      continue;
    }
    if (same->poi != m.poi)
      throw invalid_argument(where + "measurement '" + m.name + "' has POI '" + same->poi + "' on the left and '" + m.poi +
                             "' on the right");
    for (const auto& p : m.parameters) {
      const auto config = std::find_if(same->parameters.begin(), same->parameters.end(),
                                       [&](const parameter_config& l) { return l.name == p.name; });
      if (config == same->parameters.end()) {
        same->parameters.push_back(p);
      } else if (!detail::same_config(*config, p)) {
        throw invalid_argument(where + "measurement '" + m.name + "' configures parameter '" + p.name +
                               "' differently in the two workspaces");
      }
    }
  }
  validate(out);
  return out;
}

/// Renames channel `from` to `to` (and its observation), as pyhf's `rename(channels=...)`.
/// @throws invalid_argument if there is no channel `from`; workspace_error if `to` is taken.
inline workspace rename_channel(workspace ws, const std::string& from, const std::string& to) {
  detail::check_present({from}, detail::channel_names(ws), "rename_channel", "channel named");
  for (auto& c : ws.channels)
    if (c.name == from) c.name = to;
  for (auto& o : ws.observations)
    if (o.name == from) o.name = to;
  validate(ws);
  return ws;
}

/// Renames sample `from` to `to` in every channel, as pyhf's `rename(samples=...)`.
/// @throws invalid_argument if no channel has a sample `from`; workspace_error if `to` is taken.
inline workspace rename_sample(workspace ws, const std::string& from, const std::string& to) {
  detail::check_present({from}, detail::sample_names(ws), "rename_sample", "sample named");
  for (auto& c : ws.channels)
    for (auto& s : c.samples)
      if (s.name == from) s.name = to;
  validate(ws);
  return ws;
}

/// Renames modifier `from` to `to` everywhere: samples, measurement POIs and parameter configs,
/// as pyhf's `rename(modifiers=...)`. Renaming onto an existing modifier of the same type
/// correlates the two.
/// @throws invalid_argument if there is no modifier `from`; workspace_error if the result is
///         invalid (e.g. `to` names a modifier of a conflicting type).
inline workspace rename_modifier(workspace ws, const std::string& from, const std::string& to) {
  detail::check_present({from}, detail::modifier_names(ws), "rename_modifier", "modifier named");
  for (auto& c : ws.channels)
    for (auto& s : c.samples)
      for (auto& m : s.modifiers)
        if (m.name == from) m.name = to;
  for (auto& m : ws.measurements) {
    if (m.poi == from) m.poi = to;
    for (auto& p : m.parameters)
      if (p.name == from) p.name = to;
  }
  validate(ws);
  return ws;
}

/// Renames measurement `from` to `to`.
/// @throws invalid_argument if there is no measurement `from`; workspace_error if `to` is taken.
inline workspace rename_measurement(workspace ws, const std::string& from, const std::string& to) {
  detail::check_present({from}, detail::measurement_names(ws), "rename_measurement", "measurement named");
  for (auto& m : ws.measurements)
    if (m.name == from) m.name = to;
  validate(ws);
  return ws;
}

/// Removes the channels named in `names` with their observations.
/// @throws invalid_argument naming a channel the workspace lacks; workspace_error if no channel is left.
inline workspace prune_channels(workspace ws, const std::vector<std::string>& names) {
  detail::check_present(names, detail::channel_names(ws), "prune_channels", "channel named");
  const auto pruned = [&](const auto& item) { return detail::contains(names, item.name); };
  ws.channels.erase(std::remove_if(ws.channels.begin(), ws.channels.end(), pruned), ws.channels.end());
  ws.observations.erase(std::remove_if(ws.observations.begin(), ws.observations.end(), pruned), ws.observations.end());
  validate(ws);
  return ws;
}

/// Removes the samples named in `names` from every channel.
/// @throws invalid_argument naming a sample no channel has; workspace_error if a channel is left
///         without samples.
inline workspace prune_samples(workspace ws, const std::vector<std::string>& names) {
  detail::check_present(names, detail::sample_names(ws), "prune_samples", "sample named");
  for (auto& c : ws.channels)
    c.samples.erase(std::remove_if(c.samples.begin(), c.samples.end(),
                                   [&](const sample& s) { return detail::contains(names, s.name); }),
                    c.samples.end());
  validate(ws);
  return ws;
}

/// Removes the modifiers named in `names` from every sample, and their parameter configs from
/// every measurement, as pyhf's `prune(modifiers=...)`.
/// @throws invalid_argument naming a modifier the workspace lacks; workspace_error if the result
///         is invalid (e.g. the POI was pruned).
inline workspace prune_modifiers(workspace ws, const std::vector<std::string>& names) {
  detail::check_present(names, detail::modifier_names(ws), "prune_modifiers", "modifier named");
  const auto pruned = [&](const auto& item) { return detail::contains(names, item.name); };
  for (auto& c : ws.channels)
    for (auto& s : c.samples) s.modifiers.erase(std::remove_if(s.modifiers.begin(), s.modifiers.end(), pruned), s.modifiers.end());
  for (auto& m : ws.measurements)
    m.parameters.erase(std::remove_if(m.parameters.begin(), m.parameters.end(), pruned), m.parameters.end());
  validate(ws);
  return ws;
}

/// Removes every modifier of the given types, as pyhf's `prune(modifier_types=...)` (parameter
/// configs stay; configs of parameters the model lacks are ignored).
/// @throws invalid_argument naming a type no modifier has; workspace_error if the result is invalid.
inline workspace prune_modifier_types(workspace ws, const std::vector<modifier_type>& types) {
  std::set<std::string> present;
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) present.insert(to_string(m.type));
  std::vector<std::string> wanted;
  for (auto type : types) wanted.push_back(to_string(type));
  detail::check_present(wanted, present, "prune_modifier_types", "modifier of type");
  for (auto& c : ws.channels)
    for (auto& s : c.samples)
      s.modifiers.erase(std::remove_if(s.modifiers.begin(), s.modifiers.end(),
                                       [&](const modifier& m) {
                                         return std::find(types.begin(), types.end(), m.type) != types.end();
                                       }),
                        s.modifiers.end());
  validate(ws);
  return ws;
}

/// Removes the measurements named in `names`.
/// @throws invalid_argument naming a measurement the workspace lacks.
inline workspace prune_measurements(workspace ws, const std::vector<std::string>& names) {
  detail::check_present(names, detail::measurement_names(ws), "prune_measurements", "measurement named");
  ws.measurements.erase(std::remove_if(ws.measurements.begin(), ws.measurements.end(),
                                       [&](const measurement& m) { return detail::contains(names, m.name); }),
                        ws.measurements.end());
  validate(ws);
  return ws;
}

}  // namespace rein::likelihood
