#pragma once

#include "rein/core/detail/suggest.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"
#include "rein/likelihood/workspace/validate.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

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

/// How `combine` joins channels, observations and measurements of one name, pyhf's `join`:
/// `none` refuses any name in both workspaces; `outer` keeps identical items once and refuses
/// differing items of one name, merging measurements of one name (same POI, parameter configs
/// joined); `left_outer` (`right_outer`) keeps the left (right) workspace's item of a name.
enum class join_mode { none, outer, left_outer, right_outer };

/// pyhf's names of the join modes: "none", "outer", "left outer", "right outer".
inline const char* to_string(join_mode join) {
  switch (join) {
    case join_mode::none: return "none";
    case join_mode::outer: return "outer";
    case join_mode::left_outer: return "left outer";
    case join_mode::right_outer: return "right outer";
  }
  return "unknown";
}

/// The join mode pyhf calls `name` ("left outer"; "left_outer" and "left-outer" are accepted too).
/// @throws invalid_argument naming the value and the four modes, with the closest one.
inline join_mode join_mode_from_string(const std::string& name) {
  static constexpr join_mode all[] = {join_mode::none, join_mode::outer, join_mode::left_outer, join_mode::right_outer};
  std::string spaced = name;
  std::replace_if(spaced.begin(), spaced.end(), [](char c) { return c == '_' || c == '-'; }, ' ');
  if (const auto found = enum_from_name(spaced, all)) return *found;
  std::vector<std::string> names;
  for (const join_mode join : all) names.emplace_back(to_string(join));
  throw invalid_argument("rein::likelihood::join_mode_from_string: join '" + name + "'" + rein::detail::did_you_mean(spaced, names) +
                         " is not one of '" + enum_names(all, "', '") + "' (pyhf's joins)");
}

namespace detail {

inline bool same_item(const modifier& a, const modifier& b) {
  return a.name == b.name && a.type == b.type && a.hi == b.hi && a.lo == b.lo && a.hi_data == b.hi_data &&
         a.lo_data == b.lo_data && a.values == b.values;
}

inline bool same_item(const sample& a, const sample& b) {
  return a.name == b.name && a.data == b.data &&
         std::equal(a.modifiers.begin(), a.modifiers.end(), b.modifiers.begin(), b.modifiers.end(),
                    [](const modifier& x, const modifier& y) { return same_item(x, y); });
}

inline bool same_item(const channel& a, const channel& b) {
  return a.name == b.name && std::equal(a.samples.begin(), a.samples.end(), b.samples.begin(), b.samples.end(),
                                        [](const sample& x, const sample& y) { return same_item(x, y); });
}

inline bool same_item(const observation& a, const observation& b) { return a.name == b.name && a.data == b.data; }

inline bool same_item(const parameter_config& a, const parameter_config& b) { return same_config(a, b); }

inline bool same_item(const measurement& a, const measurement& b) {
  return a.name == b.name && a.poi == b.poi &&
         std::equal(a.parameters.begin(), a.parameters.end(), b.parameters.begin(), b.parameters.end(),
                    [](const parameter_config& x, const parameter_config& y) { return same_config(x, y); });
}

/// pyhf's join of two lists of named items: the primary list (the right one for a right outer
/// join) followed by the secondary items that the join keeps. `merge(kept, item)` may fold an
/// item into the primary item of its name instead (channels' samples) and then returns true.
template <class Item, class Merge>
std::vector<Item> join_items(join_mode join, const std::vector<Item>& left, const std::vector<Item>& right, Merge merge) {
  const auto& primary = join == join_mode::right_outer ? right : left;
  const auto& secondary = join == join_mode::right_outer ? left : right;
  std::vector<Item> joined = primary;
  for (const auto& item : secondary) {
    const auto named = std::find_if(primary.begin(), primary.end(), [&](const Item& p) { return p.name == item.name; });
    const bool in_primary = named != primary.end();
    if (in_primary && merge(joined[static_cast<std::size_t>(named - primary.begin())], item)) continue;
    const bool identical = std::any_of(primary.begin(), primary.end(), [&](const Item& p) { return same_item(p, item); });
    if (join == join_mode::none || (join == join_mode::outer && !identical) ||
        ((join == join_mode::left_outer || join == join_mode::right_outer) && !in_primary))
      joined.push_back(item);
  }
  return joined;
}

template <class Item>
std::vector<Item> join_items(join_mode join, const std::vector<Item>& left, const std::vector<Item>& right) {
  return join_items(join, left, right, [](Item&, const Item&) { return false; });
}

// Names given more than once in `items`, in order of first appearance.
template <class Item>
std::set<std::string> repeated_names(const std::vector<Item>& items) {
  std::set<std::string> seen, repeated;
  for (const auto& item : items)
    if (!seen.insert(item.name).second) repeated.insert(item.name);
  return repeated;
}

// The join's rule on items of one name: none refuses names in both workspaces, outer refuses
// items of one name that differ (identical ones are already kept once).
template <class Item>
void check_joined(join_mode join, const std::vector<Item>& left, const std::vector<Item>& right, const std::vector<Item>& joined,
                  const char* what) {
  const std::string where = "rein::likelihood::combine: ";
  if (join == join_mode::none) {
    std::set<std::string> common;
    for (const auto& l : left)
      for (const auto& r : right)
        if (l.name == r.name) common.insert(l.name);
    if (!common.empty())
      throw invalid_argument(where + "the two workspaces have " + what + " of the same name (" + quoted_list(common) +
                             "); join 'none' allows none: rename or prune them, or join 'outer' (keeps identical ones), "
                             "'left outer' or 'right outer'");
  } else if (join == join_mode::outer) {
    const auto repeated = repeated_names(joined);
    if (!repeated.empty())
      throw invalid_argument(where + "the two workspaces have " + what + " of the same name that differ (" + quoted_list(repeated) +
                             "); join 'outer' keeps only identical ones: try 'left outer' or 'right outer'");
  }
}

// pyhf's outer join of measurements: identical ones once; those of one name must have the same
// POI and are merged, their parameter configs joined (configs of one name must be identical).
inline std::vector<measurement> merge_measurements(const std::vector<measurement>& joined) {
  std::vector<measurement> merged;
  for (const auto& m : joined) {
    const auto same = std::find_if(merged.begin(), merged.end(), [&](const measurement& k) { return k.name == m.name; });
    if (same == merged.end()) {
      merged.push_back(m);
      continue;
    }
    if (same->poi != m.poi)
      throw invalid_argument("rein::likelihood::combine: measurement '" + m.name + "' has POI '" + same->poi + "' in one workspace and '" +
                             m.poi + "' in the other");
    same->parameters = join_items(join_mode::outer, same->parameters, m.parameters);
    const auto repeated = repeated_names(same->parameters);
    if (!repeated.empty())
      throw invalid_argument("rein::likelihood::combine: measurement '" + m.name + "' configures " + quoted_list(repeated) +
                             " differently in the two workspaces; join 'left outer' or 'right outer' keeps one side's measurement");
  }
  return merged;
}

}  // namespace detail

/// Combines two workspaces as pyhf's `Workspace.combine(left, right, join, merge_channels)`:
/// channels, observations and measurements of both, joined by name as `join` says (join_mode).
/// With `merge_channels` (outer joins only) a channel in both workspaces keeps one entry whose
/// samples are the primary side's followed by the other side's samples of new names. The result
/// is validated (rein's validation, stricter than pyhf's schema: e.g. a modifier name with two types).
/// @throws invalid_argument for different versions, names the join refuses (all of them listed),
///         measurements of one name with different POIs or parameter configs (outer join), or
///         `merge_channels` with join 'none'.
/// @throws workspace_error (an invalid_argument) if the result is not a valid workspace.
inline workspace combine(const workspace& left, const workspace& right, join_mode join, bool merge_channels = false) {
  const std::string where = "rein::likelihood::combine: ";
  if (merge_channels && join == join_mode::none)
    throw invalid_argument(where + "merging channels needs join 'outer', 'left outer' or 'right outer', not 'none'");
  if (left.version != right.version)
    throw invalid_argument(where + "workspace versions differ: '" + left.version + "' and '" + right.version + "'");
  workspace out;
  out.version = left.version;
  out.channels = detail::join_items(join, left.channels, right.channels, [&](channel& kept, const channel& other) {
    if (merge_channels) kept.samples = detail::join_items(join_mode::left_outer, kept.samples, other.samples);
    return merge_channels;
  });
  detail::check_joined(join, left.channels, right.channels, out.channels, "channels");
  out.observations = detail::join_items(join, left.observations, right.observations);
  detail::check_joined(join, left.observations, right.observations, out.observations, "observations");
  out.measurements = detail::join_items(join, left.measurements, right.measurements);
  detail::check_joined(join, left.measurements, right.measurements, out.measurements, "measurements");
  if (join == join_mode::outer) out.measurements = detail::merge_measurements(out.measurements);
  validate(out);
  return out;
}

/// What `prune` removes, as pyhf's `Workspace.prune` arguments: channels (with their
/// observations), samples (from every channel), modifiers by name (with their parameter
/// configs), modifiers by type (their configs stay), measurements.
struct workspace_pruning {
  std::vector<std::string> channels;
  std::vector<std::string> samples;
  std::vector<std::string> modifiers;
  std::vector<modifier_type> modifier_types;
  std::vector<std::string> measurements;
};

/// What `rename` renames, old name → new name, as pyhf's `Workspace.rename` arguments. The
/// renames apply at once (channel a → b and b → a swaps them). A modifier's rename reaches its
/// parameter configs and the POI; a channel's, its observation.
struct workspace_renaming {
  std::vector<std::pair<std::string, std::string>> channels;
  std::vector<std::pair<std::string, std::string>> samples;
  std::vector<std::pair<std::string, std::string>> modifiers;
  std::vector<std::pair<std::string, std::string>> measurements;
};

namespace detail {

// Throws unless every name in `wanted` is in `present`, naming the missing one, the closest
// present name and all of them.
inline void check_known(const std::vector<std::string>& wanted, const std::set<std::string>& present, const char* function,
                        const char* what) {
  for (const auto& name : wanted)
    if (present.count(name) == 0)
      throw invalid_argument(std::string("rein::likelihood::") + function + ": the workspace has no " + what + " '" + name + "'" +
                             rein::detail::did_you_mean(name, std::vector<std::string>(present.begin(), present.end())) +
                             "; it has " + quoted_list(present));
}

inline std::vector<std::string> old_names(const std::vector<std::pair<std::string, std::string>>& renames, const char* what) {
  std::vector<std::string> names;
  for (const auto& r : renames) {
    if (contains(names, r.first))
      throw invalid_argument(std::string("rein::likelihood::rename: ") + what + " '" + r.first + "' is renamed twice");
    names.push_back(r.first);
  }
  return names;
}

inline std::string renamed(const std::vector<std::pair<std::string, std::string>>& renames, const std::string& name) {
  for (const auto& r : renames)
    if (r.first == name) return r.second;
  return name;
}

}  // namespace detail

/// Removes what `what` lists, all at once, as pyhf's `Workspace.prune`: every name must be in
/// the workspace as given (pruning a channel and a sample only it has is fine).
/// @throws invalid_argument naming a channel, sample, modifier, modifier type or measurement the
///         workspace lacks (with the closest name and all names it has).
/// @throws workspace_error if the result is not a valid workspace (no channel left, a channel
///         without samples, the POI pruned, ...).
inline workspace prune(const workspace& ws, const workspace_pruning& what) {
  std::set<std::string> types;
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) types.insert(to_string(m.type));
  std::vector<std::string> wanted_types;
  for (auto type : what.modifier_types) wanted_types.push_back(to_string(type));
  detail::check_known(wanted_types, types, "prune", "modifier of type");
  detail::check_known(what.modifiers, detail::modifier_names(ws), "prune", "modifier named");
  detail::check_known(what.samples, detail::sample_names(ws), "prune", "sample named");
  detail::check_known(what.channels, detail::channel_names(ws), "prune", "channel named");
  detail::check_known(what.measurements, detail::measurement_names(ws), "prune", "measurement named");
  const auto pruned_modifier = [&](const modifier& m) {
    return detail::contains(what.modifiers, m.name) ||
           std::find(what.modifier_types.begin(), what.modifier_types.end(), m.type) != what.modifier_types.end();
  };
  workspace out;
  out.version = ws.version;
  for (const auto& c : ws.channels) {
    if (detail::contains(what.channels, c.name)) continue;
    channel kept{c.name, {}};
    for (const auto& s : c.samples) {
      if (detail::contains(what.samples, s.name)) continue;
      sample k = s;
      k.modifiers.erase(std::remove_if(k.modifiers.begin(), k.modifiers.end(), pruned_modifier), k.modifiers.end());
      kept.samples.push_back(std::move(k));
    }
    out.channels.push_back(std::move(kept));
  }
  for (const auto& o : ws.observations)
    if (!detail::contains(what.channels, o.name)) out.observations.push_back(o);
  for (const auto& m : ws.measurements) {
    if (detail::contains(what.measurements, m.name)) continue;
    measurement k = m;
    k.parameters.erase(std::remove_if(k.parameters.begin(), k.parameters.end(),
                                      [&](const parameter_config& p) { return detail::contains(what.modifiers, p.name); }),
                       k.parameters.end());
    out.measurements.push_back(std::move(k));
  }
  validate(out);
  return out;
}

/// Renames what `what` lists, all at once, as pyhf's `Workspace.rename`.
/// @throws invalid_argument naming an old name the workspace lacks (with the closest name and all
///         names it has), or an old name renamed twice.
/// @throws workspace_error if the result is not a valid workspace (two channels of one name, a
///         modifier renamed onto one of another type, ...).
inline workspace rename(const workspace& ws, const workspace_renaming& what) {
  detail::check_known(detail::old_names(what.modifiers, "modifier"), detail::modifier_names(ws), "rename", "modifier named");
  detail::check_known(detail::old_names(what.samples, "sample"), detail::sample_names(ws), "rename", "sample named");
  detail::check_known(detail::old_names(what.channels, "channel"), detail::channel_names(ws), "rename", "channel named");
  detail::check_known(detail::old_names(what.measurements, "measurement"), detail::measurement_names(ws), "rename", "measurement named");
  workspace out = ws;
  for (auto& c : out.channels) {
    c.name = detail::renamed(what.channels, c.name);
    for (auto& s : c.samples) {
      s.name = detail::renamed(what.samples, s.name);
      for (auto& m : s.modifiers) m.name = detail::renamed(what.modifiers, m.name);
    }
  }
  for (auto& o : out.observations) o.name = detail::renamed(what.channels, o.name);
  for (auto& m : out.measurements) {
    m.name = detail::renamed(what.measurements, m.name);
    m.poi = detail::renamed(what.modifiers, m.poi);
    for (auto& p : m.parameters) p.name = detail::renamed(what.modifiers, p.name);
  }
  validate(out);
  return out;
}

/// The workspace in pyhf's `Workspace.sorted` order: channels, samples, observations,
/// measurements and parameter configs by name, modifiers by name then type name (stable sorts,
/// so items of equal keys keep their order).
inline workspace sorted(workspace ws) {
  const auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::stable_sort(ws.channels.begin(), ws.channels.end(), by_name);
  for (auto& c : ws.channels) {
    std::stable_sort(c.samples.begin(), c.samples.end(), by_name);
    for (auto& s : c.samples)
      std::stable_sort(s.modifiers.begin(), s.modifiers.end(), [](const modifier& a, const modifier& b) {
        return std::make_pair(a.name, std::string(to_string(a.type))) < std::make_pair(b.name, std::string(to_string(b.type)));
      });
  }
  std::stable_sort(ws.measurements.begin(), ws.measurements.end(), by_name);
  for (auto& m : ws.measurements) std::stable_sort(m.parameters.begin(), m.parameters.end(), by_name);
  std::stable_sort(ws.observations.begin(), ws.observations.end(), by_name);
  return ws;
}

}  // namespace rein::likelihood
