#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace rein::likelihood {

/// A workspace that breaks the pyhf schema or its semantics. `pointer()` is the JSON pointer of
/// the offending element in the workspace's JSON form, so readers can name file and location.
class workspace_error : public invalid_argument {
 public:
  workspace_error(std::string pointer, const std::string& what)
      : invalid_argument("rein::likelihood::validate: " + pointer + ": " + what), m_pointer(std::move(pointer)),
        m_what(what) {}
  [[nodiscard]] const std::string& pointer() const { return m_pointer; }
  /// The problem without the location.
  [[nodiscard]] const std::string& problem() const { return m_what; }

 private:
  std::string m_pointer;
  std::string m_what;
};

namespace detail {

inline std::string at(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

inline void check_yields(const std::vector<double>& values, const std::string& pointer, const char* what) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0) || !std::isfinite(values[i]))
      throw workspace_error(at(pointer, i), std::string(what) + " = " + rein::detail::format_value(values[i]) +
                                                ", must be finite and >= 0");
}

inline void check_length(const std::vector<double>& values, std::size_t bins, const std::string& pointer,
                         const std::string& what) {
  if (values.size() != bins)
    throw workspace_error(pointer, what + " has " + std::to_string(values.size()) + " entries, the channel has " +
                                       std::to_string(bins) + " bins");
}

/// Parameter sets that may share one name: normsys and histosys share an α.
inline int parameter_kind(modifier_type type) {
  return type == modifier_type::histosys ? static_cast<int>(modifier_type::normsys) : static_cast<int>(type);
}

}  // namespace detail

/// Number of parameters in each parameter set of a valid workspace, by set name: one for
/// normfactor, normsys, histosys and lumi; the channel's bins for shapesys and shapefactor; the
/// bins of every channel it appears in for staterror.
inline std::map<std::string, std::size_t> parameter_set_sizes(const workspace& ws) {
  std::map<std::string, std::size_t> sizes;
  for (const auto& c : ws.channels) {
    std::set<std::string> staterrors_here;
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) {
        if (m.type == modifier_type::staterror) {
          if (staterrors_here.insert(m.name).second) sizes[m.name] += s.data.size();
        } else if (m.type == modifier_type::shapesys || m.type == modifier_type::shapefactor) {
          sizes[m.name] = s.data.size();
        } else {
          sizes[m.name] = 1;
        }
      }
  }
  return sizes;
}

/// Names of the observations whose channel the workspace does not have, in file order. pyhf
/// ignores them, and so do `validate` and `make_model`: the signal patches of published
/// likelihoods (ATLAS sbottom, HEPData ins1748602) remove validation channels but leave their
/// observations. Front ends report them on request.
inline std::vector<std::string> unused_observations(const workspace& ws) {
  std::set<std::string> channels;
  for (const auto& c : ws.channels) channels.insert(c.name);
  std::vector<std::string> unused;
  for (const auto& o : ws.observations)
    if (channels.count(o.name) == 0) unused.push_back(o.name);
  return unused;
}

namespace detail {

/// What validate remembers of the modifiers seen so far, to check later uses against the first.
struct modifier_uses {
  std::map<std::string, int> kind_of;            ///< modifier name -> parameter kind
  std::map<std::string, std::string> first_use;  ///< modifier name -> pointer of first use
  std::map<std::string, std::size_t> shapefactor_bins;
  std::map<std::string, std::set<std::string>> staterror_channels_by_sample;  ///< "name\tsample" -> channels
  std::map<std::string, std::set<std::string>> staterror_samples;
  std::set<std::string> shapesys_names;
};

/// One named modifier at pointer `mp` of sample `s` in channel `c` (`bins` bins): a type that
/// agrees with the name's earlier uses, and its data per its type.
inline void validate_modifier(const modifier& m, const std::string& mp, const sample& s, const channel& c, std::size_t bins,
                              modifier_uses& uses) {
  const int kind = parameter_kind(m.type);
  const auto known = uses.kind_of.find(m.name);
  if (known != uses.kind_of.end() && known->second != kind)
    throw workspace_error(mp + "/type", "modifier '" + m.name + "' has type " + to_string(m.type) +
                                            " here but a conflicting type at " + uses.first_use[m.name]);
  if (known == uses.kind_of.end()) {
    uses.kind_of[m.name] = kind;
    uses.first_use[m.name] = mp;
  }
  switch (m.type) {
    case modifier_type::normsys:
      if (!(m.hi > 0) || !std::isfinite(m.hi))
        throw workspace_error(mp + "/data/hi", "normsys hi = " + rein::detail::format_value(m.hi) + ", must be finite and > 0");
      if (!(m.lo > 0) || !std::isfinite(m.lo))
        throw workspace_error(mp + "/data/lo", "normsys lo = " + rein::detail::format_value(m.lo) + ", must be finite and > 0");
      break;
    case modifier_type::histosys:
      check_length(m.hi_data, bins, mp + "/data/hi_data", "histosys '" + m.name + "' hi_data");
      check_length(m.lo_data, bins, mp + "/data/lo_data", "histosys '" + m.name + "' lo_data");
      check_yields(m.hi_data, mp + "/data/hi_data", "hi_data");
      check_yields(m.lo_data, mp + "/data/lo_data", "lo_data");
      break;
    case modifier_type::shapesys:
      if (!uses.shapesys_names.insert(m.name).second)
        throw workspace_error(mp + "/name", "shapesys '" + m.name + "' is used by more than one sample; "
                                            "shapesys parameters cannot be shared (first use " + uses.first_use[m.name] + ")");
      check_length(m.values, bins, mp + "/data", "shapesys '" + m.name + "' data");
      check_yields(m.values, mp + "/data", "uncertainty");
      break;
    case modifier_type::staterror:
      check_length(m.values, bins, mp + "/data", "staterror '" + m.name + "' data");
      check_yields(m.values, mp + "/data", "uncertainty");
      uses.staterror_channels_by_sample[m.name + '\t' + s.name].insert(c.name);
      uses.staterror_samples[m.name].insert(s.name);
      break;
    case modifier_type::shapefactor: {
      const auto found = uses.shapefactor_bins.emplace(m.name, bins);
      if (!found.second && found.first->second != bins)
        throw workspace_error(mp, "shapefactor '" + m.name + "' acts on " + std::to_string(bins) + " bins here but on " +
                                      std::to_string(found.first->second) + " bins at " + uses.first_use[m.name]);
      break;
    }
    case modifier_type::lumi:
      // pyhf's schema: {"name": {"const": "lumi"}} (one luminosity parameter per workspace)
      if (m.name != "lumi")
        throw workspace_error(mp + "/name", "lumi modifier is named '" + m.name + "'; pyhf's schema requires the name 'lumi'");
      break;
    case modifier_type::normfactor:
      break;
  }
}

/// The channels and their samples: names unique and not empty, one bin count per channel, yields
/// finite and ≥ 0, every modifier (validate_modifier). Returns each channel's bin count.
inline std::map<std::string, std::size_t> validate_channels(const workspace& ws, modifier_uses& uses) {
  std::map<std::string, std::size_t> channel_bins;
  for (std::size_t ci = 0; ci < ws.channels.size(); ++ci) {
    const auto& c = ws.channels[ci];
    const std::string cp = at("/channels", ci);
    if (c.name.empty()) throw workspace_error(cp + "/name", "channel name is empty");
    if (c.samples.empty()) throw workspace_error(cp + "/samples", "channel '" + c.name + "' has no samples");
    if (channel_bins.count(c.name) != 0) throw workspace_error(cp + "/name", "channel name '" + c.name + "' appears twice");
    const std::size_t bins = c.samples.front().data.size();
    if (bins == 0) throw workspace_error(at(cp + "/samples", 0) + "/data", "sample data is empty");
    channel_bins[c.name] = bins;

    std::set<std::string> sample_names;
    for (std::size_t si = 0; si < c.samples.size(); ++si) {
      const auto& s = c.samples[si];
      const std::string sp = at(cp + "/samples", si);
      if (!sample_names.insert(s.name).second)
        throw workspace_error(sp + "/name", "sample name '" + s.name + "' appears twice in channel '" + c.name + "'");
      check_length(s.data, bins, sp + "/data", "sample '" + s.name + "' data");
      check_yields(s.data, sp + "/data", "yield");
      std::set<std::pair<std::string, int>> seen_here;
      for (std::size_t mi = 0; mi < s.modifiers.size(); ++mi) {
        const auto& m = s.modifiers[mi];
        const std::string mp = at(sp + "/modifiers", mi);
        if (m.name.empty()) throw workspace_error(mp + "/name", "modifier name is empty");
        if (!seen_here.insert({m.name, static_cast<int>(m.type)}).second)
          throw workspace_error(mp, std::string(to_string(m.type)) + " modifier '" + m.name + "' appears twice in sample '" +
                                        s.name + "'");
        validate_modifier(m, mp, s, c, bins, uses);
      }
    }
  }
  return channel_bins;
}

/// pyhf needs every sample carrying a staterror to carry it in the same channels.
inline void validate_staterror_coverage(modifier_uses& uses) {
  for (const auto& [name, samples] : uses.staterror_samples) {
    const std::set<std::string>* reference = nullptr;
    for (const auto& sample_name : samples) {
      const auto& channels = uses.staterror_channels_by_sample[name + '\t' + sample_name];
      if (reference != nullptr && channels != *reference)
        throw workspace_error(uses.first_use[name], "staterror '" + name +
                                                        "' covers different channels for different samples (pyhf requires one set)");
      reference = &channels;
    }
  }
}

/// The observations: each channel observed once, counts finite and ≥ 0, one per bin of its
/// channel; observations of channels the workspace lacks are allowed (unused_observations).
inline void validate_observations(const workspace& ws, const std::map<std::string, std::size_t>& channel_bins) {
  std::set<std::string> observed;
  for (std::size_t oi = 0; oi < ws.observations.size(); ++oi) {
    const auto& o = ws.observations[oi];
    const std::string op = at("/observations", oi);
    if (!observed.insert(o.name).second) throw workspace_error(op + "/name", "channel '" + o.name + "' is observed twice");
    if (o.data.empty()) throw workspace_error(op + "/data", "observation of '" + o.name + "' is empty");
    check_yields(o.data, op + "/data", "observed count");
    // pyhf ignores observations of channels the workspace lacks (published patches remove
    // validation channels and leave their observations): see unused_observations
    const auto found = channel_bins.find(o.name);
    if (found != channel_bins.end()) check_length(o.data, found->second, op + "/data", "observation of '" + o.name + "'");
  }
  for (std::size_t ci = 0; ci < ws.channels.size(); ++ci)
    if (observed.count(ws.channels[ci].name) == 0)
      throw workspace_error("/observations", "channel '" + ws.channels[ci].name + "' (" + at("/channels", ci) +
                                                 ") has no observation");
}

/// One parameter configuration at pointer `pp`: no empty field, and for a parameter set of the
/// workspace, one entry per parameter, ordered bounds and positive sigmas.
inline void validate_parameter_config(const parameter_config& p, const std::string& pp,
                                      const std::map<std::string, std::size_t>& sizes) {
  const auto check_not_empty = [&](std::size_t n, const char* field) {
    if (n == 0) throw workspace_error(pp + "/" + field, std::string(field) + " is empty; pyhf's schema needs at least one entry");
  };
  if (p.inits) check_not_empty(p.inits->size(), "inits");
  if (p.bounds) check_not_empty(p.bounds->size(), "bounds");
  if (p.auxdata) check_not_empty(p.auxdata->size(), "auxdata");
  if (p.factors) check_not_empty(p.factors->size(), "factors");
  if (p.sigmas) check_not_empty(p.sigmas->size(), "sigmas");
  const auto size = sizes.find(p.name);
  if (size == sizes.end()) return;  // pyhf ignores configuration of parameters the model lacks
  const auto check_size = [&](std::size_t n, const char* field) {
    if (n != size->second)
      throw workspace_error(pp + "/" + field, std::string(field) + " has " + std::to_string(n) + " entries, parameter set '" +
                                                  p.name + "' has " + std::to_string(size->second));
  };
  if (p.inits) check_size(p.inits->size(), "inits");
  if (p.bounds) {
    check_size(p.bounds->size(), "bounds");
    for (std::size_t k = 0; k < p.bounds->size(); ++k) {
      const auto [lo, hi] = (*p.bounds)[k];
      if (!(lo <= hi))
        throw workspace_error(at(pp + "/bounds", k), "bounds [" + rein::detail::format_value(lo) + ", " +
                                                         rein::detail::format_value(hi) + "] are not ordered");
    }
  }
  if (p.auxdata) check_size(p.auxdata->size(), "auxdata");
  if (p.sigmas) {
    check_size(p.sigmas->size(), "sigmas");
    for (std::size_t k = 0; k < p.sigmas->size(); ++k)
      if (!((*p.sigmas)[k] > 0))
        throw workspace_error(at(pp + "/sigmas", k), "sigma = " + rein::detail::format_value((*p.sigmas)[k]) + ", must be > 0");
  }
  if (p.factors) check_size(p.factors->size(), "factors");
}

/// The measurements: unique names, a POI that is a modifier, each parameter configured once
/// (validate_parameter_config), and a lumi constraint (auxdata and sigmas) when a lumi is used.
inline void validate_measurements(const workspace& ws, const modifier_uses& uses) {
  const auto sizes = parameter_set_sizes(ws);
  std::set<std::string> measurement_names;
  for (std::size_t mi = 0; mi < ws.measurements.size(); ++mi) {
    const auto& m = ws.measurements[mi];
    const std::string mp = at("/measurements", mi);
    if (!measurement_names.insert(m.name).second)
      throw workspace_error(mp + "/name", "measurement name '" + m.name + "' appears twice");
    if (!m.poi.empty() && sizes.count(m.poi) == 0)
      throw workspace_error(mp + "/config/poi", "parameter of interest '" + m.poi + "' is not a modifier of the workspace");
    std::set<std::string> configured;
    for (std::size_t pi = 0; pi < m.parameters.size(); ++pi) {
      const auto& p = m.parameters[pi];
      const std::string pp = at(mp + "/config/parameters", pi);
      if (!configured.insert(p.name).second)
        throw workspace_error(pp + "/name", "parameter '" + p.name + "' is configured twice");
      validate_parameter_config(p, pp, sizes);
    }
    for (const auto& [name, kind] : uses.kind_of)
      if (kind == static_cast<int>(modifier_type::lumi)) {
        const auto config = std::find_if(m.parameters.begin(), m.parameters.end(),
                                         [&lumi = name](const parameter_config& p) { return p.name == lumi; });
        if (config == m.parameters.end() || !config->sigmas || !config->auxdata)
          throw workspace_error(mp + "/config/parameters", "lumi modifier '" + name +
                                                               "' needs a parameter config with auxdata and sigmas");
      }
  }
}

}  // namespace detail

/// Checks a workspace against the pyhf schema 1.0.0 and pyhf's semantics, in the order of the
/// JSON: version, channels (samples, modifiers), staterror coverage, observations, measurements.
/// @throws workspace_error naming the JSON pointer of the first problem found.
inline void validate(const workspace& ws) {
  if (ws.version != "1.0.0") throw workspace_error("/version", "version '" + ws.version + "' is not supported, expected '1.0.0'");
  if (ws.channels.empty()) throw workspace_error("/channels", "a workspace needs at least one channel");
  detail::modifier_uses uses;
  const auto channel_bins = detail::validate_channels(ws, uses);
  detail::validate_staterror_coverage(uses);
  detail::validate_observations(ws, channel_bins);
  detail::validate_measurements(ws, uses);
}

}  // namespace rein::likelihood
