#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/model/bin_function.hpp"
#include "rein/likelihood/model/interpolation.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/workspace/validate.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// How to compile a workspace: which measurement, and the interpolation code per modifier type
/// (pyhf's `modifier_settings`; pyhf's defaults are code4 for normsys and code4p for histosys).
struct model_options {
  std::optional<std::string> measurement;  ///< default: the first measurement
  /// The parameter of interest, overriding the measurement's (any parameter, custom ones too;
  /// empty: the model has none).
  std::optional<std::string> poi;
  interpolation_code normsys = interpolation_code::code4;
  interpolation_code histosys = interpolation_code::code4p;
  /// Parameters held at a value (the CLI's `--fix NAME=VALUE`): fixed, with the value as init.
  /// Applied after the measurement's settings, to custom modifiers' parameters too, so that every
  /// fit, limit, scan and sampler of the model holds them.
  std::vector<std::pair<std::string, double>> fixed;
  /// Parameters started at a value (the CLI's `--init NAME=VALUE`): their init, where every fit
  /// starts, within their bounds; free parameters only (a held one would move its held value:
  /// that is `fixed`). Applied after poi_bounds.
  std::vector<std::pair<std::string, double>> inits;
  /// Bounds [lo, hi] of the parameter of interest (the CLI's `--poi-bounds LO:HI`, pyhf's
  /// par_bounds); an init outside them moves to the nearer bound.
  std::optional<std::pair<double, double>> poi_bounds;
};

namespace detail {

struct parameter_set {
  std::string name;
  modifier_type type = modifier_type::normfactor;
  std::size_t size = 1;
  std::size_t first = 0;  ///< index of the set's first parameter in the layout
};

// pyhf orders parameter sets by modifier type name, then by first use, visiting channels and
// samples sorted by name. A name shared by normsys and histosys sorts as histosys.
inline std::vector<parameter_set> ordered_parameter_sets(const workspace& ws) {
  struct use {
    modifier_type type;
    std::size_t first;
  };
  std::vector<const channel*> channels;
  for (const auto& c : ws.channels) channels.push_back(&c);
  std::sort(channels.begin(), channels.end(), [](const channel* a, const channel* b) { return a->name < b->name; });
  std::map<std::string, use> uses;
  std::size_t count = 0;
  for (const auto* c : channels) {
    std::vector<const sample*> samples;
    for (const auto& s : c->samples) samples.push_back(&s);
    std::sort(samples.begin(), samples.end(), [](const sample* a, const sample* b) { return a->name < b->name; });
    for (const auto* s : samples)
      for (const auto& m : s->modifiers) {
        const auto found = uses.emplace(m.name, use{m.type, count++});
        if (std::string(to_string(m.type)) < to_string(found.first->second.type)) found.first->second.type = m.type;
      }
  }
  std::vector<std::pair<std::string, use>> order(uses.begin(), uses.end());
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    const std::string ta = to_string(a.second.type), tb = to_string(b.second.type);
    return ta != tb ? ta < tb : a.second.first < b.second.first;
  });
  const auto sizes = parameter_set_sizes(ws);
  std::vector<parameter_set> sets;
  std::size_t next = 0;
  for (const auto& [name, u] : order) {
    sets.push_back({name, u.type, sizes.at(name), next});
    next += sets.back().size;
  }
  return sets;
}

inline std::string indexed_name(const parameter_set& set, std::size_t i) {
  const bool scalar = set.type == modifier_type::normfactor || set.type == modifier_type::normsys ||
                      set.type == modifier_type::histosys || set.type == modifier_type::lumi;
  return scalar ? set.name : set.name + "[" + std::to_string(i) + "]";
}

// Channels covered by each staterror, sorted by name as pyhf concatenates them, and the bin
// offset of each covered channel inside the staterror's parameter set.
inline std::map<std::string, std::map<std::string, std::size_t>> staterror_offsets(const workspace& ws) {
  std::map<std::string, std::map<std::string, std::size_t>> covered;  // name -> channel -> bins
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers)
        if (m.type == modifier_type::staterror) covered[m.name][c.name] = s.data.size();
  for (auto& [name, channels] : covered) {
    std::size_t offset = 0;
    for (auto& [channel_name, bins] : channels) {
      const std::size_t size = bins;
      bins = offset;
      offset += size;
    }
  }
  return covered;
}

inline void apply_config(std::vector<parameter>& parameters, const parameter_set& set, const parameter_config& config) {
  for (std::size_t i = 0; i < set.size; ++i) {
    auto& p = parameters[set.first + i];
    if (config.inits) p.init = (*config.inits)[i];
    if (config.bounds) std::tie(p.lower, p.upper) = (*config.bounds)[i];
    if (config.auxdata) p.aux = (*config.auxdata)[i];
    if (config.sigmas) p.sigma = (*config.sigmas)[i];
    if (config.factors) p.factor = (*config.factors)[i];
    if (config.fixed) p.fixed = *config.fixed;
  }
}

inline std::string known_names(const std::vector<parameter>& parameters) {
  std::string names;
  for (std::size_t i = 0; i < parameters.size() && i < 12; ++i) names += (i ? ", '" : "'") + parameters[i].name + "'";
  return names + (parameters.size() > 12 ? ", ... (" + std::to_string(parameters.size()) + " in all)" : "");
}

// model_options::poi_bounds, ::inits and ::fixed, checked like the measurement's settings
inline void apply_overrides(std::vector<parameter>& parameters, const std::string& poi, const model_options& options) {
  const auto find = [&](const std::string& name, const std::string& option) -> parameter& {
    for (auto& p : parameters)
      if (p.name == name) return p;
    throw invalid_argument("rein::likelihood::make_model: " + option + ": the model has no parameter '" + name +
                           "'; its parameters: " + known_names(parameters));
  };
  if (options.poi_bounds) {
    const auto [lo, hi] = *options.poi_bounds;
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
      throw invalid_argument("rein::likelihood::make_model: poi bounds [" + rein::detail::format_value(lo) + ", " +
                             rein::detail::format_value(hi) + "] must be finite with lo < hi");
    if (poi.empty()) throw invalid_argument("rein::likelihood::make_model: poi bounds given, but the model has no parameter of interest");
    auto& p = find(poi, "poi bounds");
    p.lower = lo, p.upper = hi;
    p.init = std::fmin(std::fmax(p.init, lo), hi);
  }
  for (const auto& [name, value] : options.inits) {
    auto& p = find(name, "init '" + name + "'");
    if (p.fixed)
      throw invalid_argument("rein::likelihood::make_model: init '" + name + "': the parameter is fixed (by the measurement " +
                             "or its modifier); an init would change the value it is held at: use fixed (--fix) for that");
    if (!(std::isfinite(value) && p.lower <= value && value <= p.upper))
      throw invalid_argument("rein::likelihood::make_model: init '" + name + "' = " + rein::detail::format_value(value) +
                             " must be finite and within its bounds [" + rein::detail::format_value(p.lower) + ", " +
                             rein::detail::format_value(p.upper) + "]");
    p.init = value;
  }
  for (const auto& [name, value] : options.fixed) {
    auto& p = find(name, "fixed '" + name + "'");
    if (!(std::isfinite(value) && p.lower <= value && value <= p.upper))
      throw invalid_argument("rein::likelihood::make_model: fixed '" + name + "' = " + rein::detail::format_value(value) +
                             " must be finite and within its bounds [" + rein::detail::format_value(p.lower) + ", " +
                             rein::detail::format_value(p.upper) + "]");
    p.init = value, p.fixed = true;
  }
}

/// The parameter sets of a workspace by name.
using set_index = std::map<std::string, const parameter_set*>;

/// model_options' interpolation codes, checked against what each modifier type supports.
inline void check_interpolation_codes(const model_options& options) {
  if (options.normsys == interpolation_code::code4p)
    throw invalid_argument("rein::likelihood::make_model: normsys does not support code4p (use code0, code1, code2 or code4)");
  if (is_multiplicative(options.histosys))
    throw invalid_argument(std::string("rein::likelihood::make_model: histosys does not support ") +
                           to_string(options.histosys) + " (use code0, code2 or code4p)");
}

/// The measurement model_options names, else the workspace's first; `none` when it has none.
inline const measurement& chosen_measurement(const workspace& ws, const model_options& options, const measurement& none) {
  if (options.measurement) {
    const auto found = std::find_if(ws.measurements.begin(), ws.measurements.end(),
                                    [&](const measurement& m) { return m.name == *options.measurement; });
    if (found == ws.measurements.end())
      throw invalid_argument("rein::likelihood::make_model: no measurement named '" + *options.measurement + "'");
    return *found;
  }
  return ws.measurements.empty() ? none : ws.measurements.front();
}

/// Every parameter in layout order with pyhf's inits, bounds and constraint per modifier type
/// (docs/likelihood.md); the per-bin constraint widths come next (staterror_sigmas, shapesys_factors).
inline std::vector<parameter> default_parameters(const std::vector<parameter_set>& sets) {
  std::vector<parameter> parameters;
  for (const auto& set : sets)
    for (std::size_t i = 0; i < set.size; ++i) {
      parameter p;
      p.name = indexed_name(set, i);
      p.set = set.name;
      switch (set.type) {
        case modifier_type::normfactor:
        case modifier_type::shapefactor:
          p.init = 1, p.lower = 0, p.upper = 10;
          break;
        case modifier_type::normsys:
        case modifier_type::histosys:
          p.init = 0, p.lower = -5, p.upper = 5, p.constraint = constraint_kind::normal, p.aux = 0, p.sigma = 1;
          break;
        case modifier_type::lumi:
          p.init = 1, p.lower = 0, p.upper = 10, p.constraint = constraint_kind::normal, p.aux = 1;
          break;
        case modifier_type::staterror:
          p.init = 1, p.lower = 1e-10, p.upper = 10, p.constraint = constraint_kind::normal, p.aux = 1;
          break;
        case modifier_type::shapesys:
          p.init = 1, p.lower = 1e-10, p.upper = 10, p.constraint = constraint_kind::poisson;
          break;
      }
      parameters.push_back(p);
    }
  return parameters;
}

/// staterror: σ_b = sqrt(Σ_s δ_sb²) / Σ_s ν⁰_sb over the samples carrying it; σ = 0 fixes γ_b
/// (with σ set to 1 so its constant constraint term stays finite, as pyhf does).
inline void staterror_sigmas(const workspace& ws, const set_index& set_by_name,
                             const std::map<std::string, std::map<std::string, std::size_t>>& staterror_offset,
                             std::vector<parameter>& parameters) {
  std::map<std::string, std::vector<double>> staterror_variance;
  for (const auto& c : ws.channels) {
    const std::size_t bins = c.samples.front().data.size();
    std::map<std::string, std::vector<double>> total_nominal;
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers)
        if (m.type == modifier_type::staterror) {
          auto& total = total_nominal[m.name];
          total.resize(bins, 0.0);
          for (std::size_t b = 0; b < bins; ++b) total[b] += s.data[b];
        }
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers)
        if (m.type == modifier_type::staterror) {
          const auto& set = *set_by_name.at(m.name);
          auto& variance = staterror_variance[m.name];
          variance.resize(set.size, 0.0);
          const std::size_t offset = staterror_offset.at(m.name).at(c.name);
          for (std::size_t b = 0; b < bins; ++b) {
            const double total = total_nominal[m.name][b];
            if (total > 0) variance[offset + b] += (m.values[b] / total) * (m.values[b] / total);
          }
        }
  }
  for (const auto& [name, variance] : staterror_variance) {
    const auto& set = *set_by_name.at(name);
    for (std::size_t i = 0; i < set.size; ++i) {
      auto& p = parameters[set.first + i];
      p.sigma = std::sqrt(variance[i]);
      if (p.sigma == 0) p.fixed = true, p.sigma = 1;
    }
  }
}

/// shapesys: τ_b = (ν⁰_b / δ_b)²; bins with ν⁰_b = 0 or δ_b = 0 are fixed with τ = 1.
inline void shapesys_factors(const workspace& ws, const set_index& set_by_name, std::vector<parameter>& parameters) {
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers)
        if (m.type == modifier_type::shapesys) {
          const auto& set = *set_by_name.at(m.name);
          for (std::size_t b = 0; b < set.size; ++b) {
            auto& p = parameters[set.first + b];
            const bool valid = s.data[b] > 0 && m.values[b] > 0;
            const double tau = valid ? (s.data[b] / m.values[b]) * (s.data[b] / m.values[b]) : 1.0;
            p.aux = p.factor = tau;
            p.fixed = !valid;
          }
        }
}

/// The measurement's parameter configs over the defaults (a lumi's init defaults to its auxdatum),
/// then every init checked against its bounds.
inline void apply_measurement(const measurement& chosen, const set_index& set_by_name, std::vector<parameter>& parameters) {
  for (const auto& config : chosen.parameters) {
    const auto set = set_by_name.find(config.name);
    if (set == set_by_name.end()) continue;  // pyhf ignores configuration of parameters the model lacks
    apply_config(parameters, *set->second, config);
    if (set->second->type == modifier_type::lumi && !config.inits) parameters[set->second->first].init = (*config.auxdata)[0];
  }
  for (const auto& p : parameters)
    if (!(p.lower <= p.init && p.init <= p.upper))
      throw invalid_argument("rein::likelihood::make_model: parameter '" + p.name + "' init " +
                             rein::detail::format_value(p.init) + " lies outside its bounds [" +
                             rein::detail::format_value(p.lower) + ", " + rein::detail::format_value(p.upper) + "]");
}

/// The custom modifiers with their inputs as layout indices; their parameters are appended after
/// the workspace's, shared by name between custom modifiers (declared identically) but never with
/// the workspace.
inline std::vector<custom_modifier_info> compile_customs(const std::vector<custom_modifier>& customs,
                                                         std::vector<parameter>& parameters) {
  std::vector<custom_modifier_info> compiled_customs;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < parameters.size(); ++i) index[parameters[i].name] = i;
  const std::size_t standard = parameters.size();
  for (const auto& custom : customs) {
    const std::string where = "rein::likelihood::make_model: custom modifier '" + custom.name + "'";
    if (!custom.function) throw invalid_argument(where + " has no function");
    if (custom.parameters.size() != custom.function->inputs())
      throw invalid_argument(where + " declares " + std::to_string(custom.parameters.size()) +
                             " parameters, its function takes " + std::to_string(custom.function->inputs()));
    custom_modifier_info compiled{custom.name, custom.function, {}};
    for (const auto& p : custom.parameters) {
      const auto found = index.find(p.name);
      if (found == index.end()) {
        if (!(p.lower <= p.init && p.init <= p.upper))
          throw invalid_argument(where + ": parameter '" + p.name + "' init " + rein::detail::format_value(p.init) +
                                 " lies outside its bounds [" + rein::detail::format_value(p.lower) + ", " +
                                 rein::detail::format_value(p.upper) + "]");
        index[p.name] = parameters.size();
        compiled.inputs.push_back(parameters.size());
        parameters.push_back(p);
      } else if (found->second < standard) {
        throw invalid_argument(where + ": parameter '" + p.name + "' is already a parameter of the workspace");
      } else {
        const auto& q = parameters[found->second];
        if (q.init != p.init || q.lower != p.lower || q.upper != p.upper || q.constraint != p.constraint ||
            q.aux != p.aux || q.sigma != p.sigma || q.factor != p.factor || q.fixed != p.fixed)
          throw invalid_argument(where + ": parameter '" + p.name + "' is declared differently by another custom modifier");
        compiled.inputs.push_back(found->second);
      }
    }
    compiled_customs.push_back(std::move(compiled));
  }
  return compiled_customs;
}

/// One HistFactory modifier of sample `s` in channel `ch` compiled into `compiled`: a scalar
/// factor (normfactor, lumi, normsys), an additive shift (histosys) or a per-bin factor.
inline void compile_modifier(const modifier& m, const sample& s, const channel& ch, const set_index& set_by_name,
                             const std::map<std::string, std::map<std::string, std::size_t>>& staterror_offset,
                             const model_options& options, compiled_sample& compiled) {
  const auto& set = *set_by_name.at(m.name);
  switch (m.type) {
    case modifier_type::normfactor:
    case modifier_type::lumi:
      compiled.scalars.push_back({set.first, false, false, {}});
      break;
    case modifier_type::normsys:
      compiled.scalars.push_back({set.first, true, !is_multiplicative(options.normsys), interpolation(options.normsys, m.lo, 1.0, m.hi)});
      break;
    case modifier_type::histosys: {
      additive_shift shift{set.first, options.histosys, {}, {}};
      for (std::size_t b = 0; b < s.data.size(); ++b) {
        const auto [p, q] = additive_constants(options.histosys, m.lo_data[b], s.data[b], m.hi_data[b]);
        shift.p.push_back(p);
        shift.q.push_back(q);
      }
      compiled.shifts.push_back(std::move(shift));
      break;
    }
    case modifier_type::staterror:
    case modifier_type::shapesys:
    case modifier_type::shapefactor: {
      const std::size_t first = set.first + (m.type == modifier_type::staterror ? staterror_offset.at(m.name).at(ch.name) : 0);
      bin_factor factor;
      for (std::size_t b = 0; b < s.data.size(); ++b) factor.parameters.push_back(first + b);
      compiled.bin_factors.push_back(std::move(factor));
      break;
    }
  }
}

/// The custom modifiers' outputs that multiply sample `s` of channel `ch`, checked against its bins.
inline void attach_customs(const std::vector<custom_modifier>& customs, const sample& s, const channel& ch,
                           compiled_sample& compiled) {
  for (std::size_t c = 0; c < customs.size(); ++c)
    for (const auto& t : customs[c].targets)
      if (t.channel == ch.name && t.sample == s.name) {
        if (t.bins != 0 && t.bins != s.data.size())
          throw invalid_argument("rein::likelihood::make_model: custom modifier '" + customs[c].name + "' has " +
                                 std::to_string(t.bins) + " outputs for sample '" + s.name + "' of channel '" + ch.name +
                                 "', which has " + std::to_string(s.data.size()) + " bins (one output per bin)");
        if (t.offset + s.data.size() > customs[c].function->outputs())
          throw invalid_argument("rein::likelihood::make_model: custom modifier '" + customs[c].name + "' maps outputs [" +
                                 std::to_string(t.offset) + ", " + std::to_string(t.offset + s.data.size()) +
                                 ") to sample '" + s.name + "' of channel '" + ch.name + "', but has " +
                                 std::to_string(customs[c].function->outputs()) + " outputs");
        compiled.customs.push_back({c, t.offset});
      }
}

/// Every custom modifier's targets are samples of the workspace.
inline void check_custom_targets(const std::vector<custom_modifier>& customs, const std::vector<compiled_sample>& samples) {
  for (const auto& custom : customs)
    for (const auto& t : custom.targets) {
      const bool found = std::any_of(samples.begin(), samples.end(), [&](const compiled_sample& s) {
        return s.channel == t.channel && s.name == t.sample;
      });
      if (!found)
        throw invalid_argument("rein::likelihood::make_model: custom modifier '" + custom.name + "' targets sample '" +
                               t.sample + "' of channel '" + t.channel + "', which the workspace does not have");
    }
}

/// The observed data: the observations in channel order, and the auxiliary data of the
/// constrained parameters in layout order.
inline dataset observed_data(const workspace& ws, const std::vector<channel_layout>& channels, std::size_t main_bins,
                             const std::vector<parameter>& parameters) {
  dataset observed;
  observed.main.resize(static_cast<Eigen::Index>(main_bins));
  for (const auto& c : channels)
    for (const auto& o : ws.observations)
      if (o.name == c.name)
        for (std::size_t b = 0; b < c.bins; ++b) observed.main[static_cast<Eigen::Index>(c.offset + b)] = o.data[b];
  std::vector<double> aux;
  for (const auto& p : parameters)
    if (p.constraint != constraint_kind::none) aux.push_back(p.aux);
  observed.aux = Eigen::Map<const Eigen::VectorXd>(aux.data(), static_cast<Eigen::Index>(aux.size()));
  return observed;
}

}  // namespace detail

/// Compiles a workspace into a model with pyhf's parameter conventions: inits, bounds and
/// constraints per modifier type (docs/likelihood.md), then the measurement's overrides.
/// @throws workspace_error (an invalid_argument) for an invalid workspace, naming the JSON pointer.
/// @throws invalid_argument for an unknown measurement or an interpolation code the modifier type
///         does not support (normsys: code0, code1, code2, code4; histosys: code0, code2, code4p).
/// @param customs multiplicative modifiers defined in code (see bin_function); their parameters
///        follow the workspace's, shared by name between custom modifiers.
/// @throws invalid_argument for a custom modifier whose target, output range or parameters do not
///         fit the workspace.
inline model make_model(const workspace& ws, const model_options& options = {},
                        const std::vector<custom_modifier>& customs = {}) {
  validate(ws);
  detail::check_interpolation_codes(options);
  const measurement none;
  const measurement& chosen = detail::chosen_measurement(ws, options, none);

  // the parameters: pyhf's defaults, per-bin constraint widths, the measurement, custom modifiers'
  const auto sets = detail::ordered_parameter_sets(ws);
  detail::set_index set_by_name;
  for (const auto& set : sets) set_by_name[set.name] = &set;
  const auto staterror_offset = detail::staterror_offsets(ws);
  std::vector<parameter> parameters = detail::default_parameters(sets);
  detail::staterror_sigmas(ws, set_by_name, staterror_offset, parameters);
  detail::shapesys_factors(ws, set_by_name, parameters);
  detail::apply_measurement(chosen, set_by_name, parameters);
  auto compiled_customs = detail::compile_customs(customs, parameters);

  // the channels and their samples, main bins in channel order
  std::vector<channel_layout> channels;
  std::vector<detail::compiled_sample> samples;
  std::size_t offset = 0;
  for (const auto& ch : ws.channels) {
    channel_layout layout{ch.name, offset, ch.samples.front().data.size(), {}};
    for (const auto& s : ch.samples) {
      layout.samples.push_back(s.name);
      detail::compiled_sample compiled;
      compiled.channel = ch.name;
      compiled.name = s.name;
      compiled.offset = offset;
      compiled.nominal = s.data;
      for (const auto& m : s.modifiers) detail::compile_modifier(m, s, ch, set_by_name, staterror_offset, options, compiled);
      detail::attach_customs(customs, s, ch, compiled);
      samples.push_back(std::move(compiled));
    }
    offset += layout.bins;
    channels.push_back(std::move(layout));
  }
  detail::check_custom_targets(customs, samples);

  dataset observed = detail::observed_data(ws, channels, offset, parameters);
  const std::string poi = options.poi ? *options.poi : chosen.poi;
  detail::apply_overrides(parameters, poi, options);
  return detail::model_access::make(parameter_layout(std::move(parameters), poi.empty() ? std::nullopt : std::optional<std::string>(poi)),
                                    std::move(channels), std::move(samples), std::move(observed), std::move(compiled_customs));
}

}  // namespace rein::likelihood
