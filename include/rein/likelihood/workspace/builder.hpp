#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/likelihood/workspace/validate.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// Builds a `workspace` in code, checking each call as it is made.
///
/// The builder keeps a cursor: `channel` opens a channel, `sample` adds a sample to the open
/// channel, and the modifier calls (`normfactor`, `normsys`, ...) add to the open sample;
/// `measurement` opens a measurement and the configuration calls (`bounds`, `inits`, ...) add to
/// it. `select` reopens an earlier channel or sample. Up variations come first everywhere, as in
/// pyhf's JSON (`hi`, `lo`; `hi_data`, `lo_data`).
///
/// Errors are `rein::invalid_argument`, thrown by the call that caused them and naming the
/// channel, sample, modifier, index and value. What can only be judged on the whole workspace
/// (every channel observed, the POI exists, parameter-config sizes, lumi configs, staterror
/// coverage) is checked by `build` through `validate`.
///
/// ```cpp
/// auto ws = workspace_builder()
///               .channel("SR", 2)
///               .sample("signal", {5, 10}).normfactor("mu")
///               .sample("background", {50, 52}).normsys("bkg_norm", 1.1, 0.9).staterror("stat", {3, 4})
///               .observation("SR", {55, 60})
///               .measurement("meas", "mu").bounds("mu", 0, 5)
///               .build();
/// ```
class workspace_builder {
 public:
  /// @param context prefixes every error message (the caller's function name).
  explicit workspace_builder(std::string context = "rein::likelihood::workspace_builder")
      : m_context(std::move(context)) {}

  /// Adds a channel of `bins` bins and opens it.
  /// @throws invalid_argument for an empty name, zero bins or a channel name already used.
  workspace_builder& channel(const std::string& name, std::size_t bins) {
    if (name.empty()) fail("channel name is empty");
    if (bins == 0) fail("channel '" + name + "' has 0 bins, needs at least 1");
    if (find_channel(name)) fail("channel '" + name + "' already exists");
    m_ws.channels.push_back({name, {}});
    m_bins.push_back(bins);
    m_channel = m_ws.channels.size() - 1;
    m_sample.reset();
    return *this;
  }

  /// Adds a sample with nominal yields `data` (one per bin) to the open channel and opens it.
  /// @throws invalid_argument with no open channel, for an empty or repeated sample name, a bin
  ///         count other than the channel's, or a yield that is negative or not finite.
  workspace_builder& sample(const std::string& name, std::vector<double> data) {
    if (!m_channel) fail("sample '" + name + "' added before any channel");
    auto& c = m_ws.channels[*m_channel];
    if (name.empty()) fail("sample name in channel '" + c.name + "' is empty");
    for (const auto& s : c.samples)
      if (s.name == name) fail("sample '" + name + "' already exists in channel '" + c.name + "'");
    const std::string what = "sample '" + name + "' in channel '" + c.name + "'";
    check_bins(data.size(), what, "bins", "the channel");
    check_yields(data, what + " data");
    c.samples.push_back({name, std::move(data), {}});
    m_sample = c.samples.size() - 1;
    return *this;
  }

  /// Reopens channel `name` (for more samples); no sample is open afterwards.
  /// @throws invalid_argument if there is no such channel.
  workspace_builder& select(const std::string& channel_name) {
    const auto ci = find_channel(channel_name);
    if (!ci) fail("no channel named '" + channel_name + "'");
    m_channel = *ci;
    m_sample.reset();
    return *this;
  }

  /// Reopens sample `sample_name` of channel `channel_name` (for more modifiers).
  /// @throws invalid_argument if there is no such channel or sample.
  workspace_builder& select(const std::string& channel_name, const std::string& sample_name) {
    select(channel_name);
    const auto& c = m_ws.channels[*m_channel];
    for (std::size_t si = 0; si < c.samples.size(); ++si)
      if (c.samples[si].name == sample_name) {
        m_sample = si;
        return *this;
      }
    fail("channel '" + channel_name + "' has no sample named '" + sample_name + "'");
  }

  /// A free normalisation factor (init 1, bounds [0, 10]) on the open sample.
  workspace_builder& normfactor(const std::string& name) { return add(make(name, modifier_type::normfactor)); }

  /// A normalisation uncertainty on the open sample: factors `hi` at α = +1 and `lo` at α = −1.
  /// @throws invalid_argument unless both are finite and > 0.
  workspace_builder& normsys(const std::string& name, double hi, double lo) {
    auto m = make(name, modifier_type::normsys);
    if (!(hi > 0) || !std::isfinite(hi)) fail(where(m) + " hi = " + rein::detail::format_value(hi) + ", must be finite and > 0");
    if (!(lo > 0) || !std::isfinite(lo)) fail(where(m) + " lo = " + rein::detail::format_value(lo) + ", must be finite and > 0");
    m.hi = hi;
    m.lo = lo;
    return add(std::move(m));
  }

  /// A correlated shape uncertainty on the open sample: yields `hi_data` at α = +1 and `lo_data`
  /// at α = −1. A normsys of the same name shares its α (pyhf's rule).
  /// @throws invalid_argument for a length other than the sample's bins or a bad yield.
  workspace_builder& histosys(const std::string& name, std::vector<double> hi_data, std::vector<double> lo_data) {
    auto m = make(name, modifier_type::histosys);
    check_bins(hi_data.size(), where(m) + " hi_data", "entries", "the sample");
    check_bins(lo_data.size(), where(m) + " lo_data", "entries", "the sample");
    check_yields(hi_data, where(m) + " hi_data");
    check_yields(lo_data, where(m) + " lo_data");
    m.hi_data = std::move(hi_data);
    m.lo_data = std::move(lo_data);
    return add(std::move(m));
  }

  /// Uncorrelated bin-by-bin uncertainties (absolute, one per bin) with Poisson constraints on
  /// the open sample; a shapesys cannot be shared with another sample.
  /// @throws invalid_argument for a wrong length, a bad value or a name used by another shapesys.
  workspace_builder& shapesys(const std::string& name, std::vector<double> uncertainties) {
    auto m = make(name, modifier_type::shapesys);
    const auto known = m_uses.find(name);
    if (known != m_uses.end() && known->second.type == modifier_type::shapesys)
      fail(where(m) + ": shapesys parameters cannot be shared, '" + name + "' is already used by " + known->second.where);
    check_bins(uncertainties.size(), where(m) + " data", "entries", "the sample");
    check_yields(uncertainties, where(m) + " data");
    m.values = std::move(uncertainties);
    return add(std::move(m));
  }

  /// Statistical uncertainties of the simulation (absolute, one per bin) on the open sample,
  /// combined over the samples carrying the same name (Barlow-Beeston lite).
  /// @throws invalid_argument for a wrong length or a bad value.
  workspace_builder& staterror(const std::string& name, std::vector<double> uncertainties) {
    auto m = make(name, modifier_type::staterror);
    check_bins(uncertainties.size(), where(m) + " data", "entries", "the sample");
    check_yields(uncertainties, where(m) + " data");
    m.values = std::move(uncertainties);
    return add(std::move(m));
  }

  /// A luminosity factor on the open sample; its measurement needs `lumi_constraint`.
  workspace_builder& lumi(const std::string& name) { return add(make(name, modifier_type::lumi)); }

  /// A free factor per bin on the open sample, shared bin by bin with samples of other channels.
  /// @throws invalid_argument if the name is used by a shapefactor on a different number of bins.
  workspace_builder& shapefactor(const std::string& name) {
    auto m = make(name, modifier_type::shapefactor);
    const auto known = m_uses.find(name);
    if (known != m_uses.end() && known->second.type == modifier_type::shapefactor && known->second.bins != current_bins())
      fail(where(m) + " acts on " + std::to_string(current_bins()) + " bins, but on " +
           std::to_string(known->second.bins) + " bins in " + known->second.where);
    return add(std::move(m));
  }

  /// The observed counts of channel `channel_name`.
  /// @throws invalid_argument for an unknown or already observed channel, a wrong length, or a
  ///         count that is negative or not finite.
  workspace_builder& observation(const std::string& channel_name, std::vector<double> counts) {
    const auto ci = find_channel(channel_name);
    if (!ci) fail("observation for unknown channel '" + channel_name + "'");
    for (const auto& o : m_ws.observations)
      if (o.name == channel_name) fail("channel '" + channel_name + "' is already observed");
    const std::string what = "observation of channel '" + channel_name + "'";
    if (counts.size() != m_bins[*ci])
      fail(what + " has " + std::to_string(counts.size()) + " entries, the channel has " + std::to_string(m_bins[*ci]) +
           " bins");
    check_yields(counts, what + " data");
    m_ws.observations.push_back({channel_name, std::move(counts)});
    return *this;
  }

  /// Adds a measurement with parameter of interest `poi` (empty: none) and opens it. The POI is
  /// checked by `build`, as its modifier may be added later.
  /// @throws invalid_argument for an empty or repeated measurement name.
  workspace_builder& measurement(const std::string& name, const std::string& poi) {
    if (name.empty()) fail("measurement name is empty");
    for (const auto& m : m_ws.measurements)
      if (m.name == name) fail("measurement '" + name + "' already exists");
    m_ws.measurements.push_back({name, poi, {}});
    m_measurement = m_ws.measurements.size() - 1;
    return *this;
  }

  /// Initial values of parameter set `set_name` in the open measurement (one per parameter).
  /// @throws invalid_argument with no open measurement, for a field set twice or a value not finite.
  workspace_builder& inits(const std::string& set_name, std::vector<double> values) {
    check_finite(values, set_name, "inits");
    set(config(set_name).inits, std::move(values), set_name, "inits");
    return *this;
  }
  /// `inits(set_name, {value})` for a one-parameter set.
  workspace_builder& init(const std::string& set_name, double value) { return inits(set_name, {value}); }

  /// Bounds [lower, upper] of parameter set `set_name`, one pair per parameter.
  /// @throws invalid_argument with no open measurement, for a field set twice or a pair that is
  ///         not ordered (lower <= upper; NaN fails).
  workspace_builder& bounds(const std::string& set_name, std::vector<std::pair<double, double>> values) {
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!(values[k].first <= values[k].second))
        fail(config_where(set_name) + " bounds[" + std::to_string(k) + "] = [" +
             rein::detail::format_value(values[k].first) + ", " + rein::detail::format_value(values[k].second) +
             "] are not ordered");
    set(config(set_name).bounds, std::move(values), set_name, "bounds");
    return *this;
  }
  /// `bounds(set_name, {{lower, upper}})` for a one-parameter set.
  workspace_builder& bounds(const std::string& set_name, double lower, double upper) {
    return bounds(set_name, std::vector<std::pair<double, double>>{{lower, upper}});
  }

  /// Fixes (or frees) parameter set `set_name` in the open measurement.
  /// @throws invalid_argument with no open measurement or if set twice.
  workspace_builder& fixed(const std::string& set_name, bool value = true) {
    set(config(set_name).fixed, value, set_name, "fixed");
    return *this;
  }

  /// Auxiliary data (constraint centres) of parameter set `set_name`.
  /// @throws invalid_argument with no open measurement, if set twice or a value is not finite.
  workspace_builder& auxdata(const std::string& set_name, std::vector<double> values) {
    check_finite(values, set_name, "auxdata");
    set(config(set_name).auxdata, std::move(values), set_name, "auxdata");
    return *this;
  }

  /// Constraint widths of parameter set `set_name`.
  /// @throws invalid_argument with no open measurement, if set twice or a width is not finite and > 0.
  workspace_builder& sigmas(const std::string& set_name, std::vector<double> values) {
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!(values[k] > 0) || !std::isfinite(values[k]))
        fail(config_where(set_name) + " sigmas[" + std::to_string(k) + "] = " + rein::detail::format_value(values[k]) +
             ", must be finite and > 0");
    set(config(set_name).sigmas, std::move(values), set_name, "sigmas");
    return *this;
  }

  /// Poisson constraint factors τ of parameter set `set_name` (shapesys).
  /// @throws invalid_argument with no open measurement, if set twice or a value is not finite.
  workspace_builder& factors(const std::string& set_name, std::vector<double> values) {
    check_finite(values, set_name, "factors");
    set(config(set_name).factors, std::move(values), set_name, "factors");
    return *this;
  }

  /// The Gaussian constraint of a lumi parameter: `auxdata({auxdatum})` and `sigmas({sigma})`.
  workspace_builder& lumi_constraint(const std::string& set_name, double auxdatum, double sigma) {
    return auxdata(set_name, {auxdatum}).sigmas(set_name, {sigma});
  }

  /// The workspace so far, unvalidated.
  [[nodiscard]] const workspace& peek() const { return m_ws; }

  /// The workspace, checked whole by `validate`.
  /// @throws workspace_error (an invalid_argument) naming the JSON pointer of the first problem:
  ///         a channel without samples or observation, an unknown POI, a parameter config of the
  ///         wrong size, a lumi without auxdata and sigmas, a staterror covering different
  ///         channels for different samples.
  [[nodiscard]] workspace build() const {
    validate(m_ws);
    return m_ws;
  }

 private:
  struct use {
    modifier_type type;
    std::size_t bins;
    std::string where;
  };

  [[noreturn]] void fail(const std::string& problem) const { throw invalid_argument(m_context + ": " + problem); }

  [[nodiscard]] std::optional<std::size_t> find_channel(const std::string& name) const {
    for (std::size_t ci = 0; ci < m_ws.channels.size(); ++ci)
      if (m_ws.channels[ci].name == name) return ci;
    return std::nullopt;
  }

  [[nodiscard]] std::size_t current_bins() const { return m_bins[*m_channel]; }

  [[nodiscard]] std::string sample_where() const {
    const auto& c = m_ws.channels[*m_channel];
    return "sample '" + c.samples[*m_sample].name + "' in channel '" + c.name + "'";
  }

  [[nodiscard]] std::string where(const modifier& m) const {
    return std::string(to_string(m.type)) + " '" + m.name + "' of " + sample_where();
  }

  // "<what> has 3 entries, the sample has 2 bins"
  void check_bins(std::size_t size, const std::string& what, const char* unit, const char* reference) const {
    if (size != current_bins())
      fail(what + " has " + std::to_string(size) + " " + unit + ", " + reference + " has " + std::to_string(current_bins()) +
           " bins");
  }

  void check_yields(const std::vector<double>& values, const std::string& what) const {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!(values[i] >= 0) || !std::isfinite(values[i]))
        fail(what + "[" + std::to_string(i) + "] = " + rein::detail::format_value(values[i]) + ", must be finite and >= 0");
  }

  // A modifier for the open sample, checked for a name, a repeat in the sample and a type that
  // conflicts with an earlier use of the name (normsys and histosys may share one).
  modifier make(const std::string& name, modifier_type type) const {
    if (!m_sample) fail(std::string(to_string(type)) + " '" + name + "' added before any sample");
    modifier m;
    m.name = name;
    m.type = type;
    if (name.empty()) fail(std::string(to_string(type)) + " modifier name of " + sample_where() + " is empty");
    for (const auto& other : m_ws.channels[*m_channel].samples[*m_sample].modifiers)
      if (other.name == name && other.type == type) fail(where(m) + " is already there");
    const auto known = m_uses.find(name);
    if (known != m_uses.end() && detail::parameter_kind(known->second.type) != detail::parameter_kind(type))
      fail(where(m) + " conflicts with " + to_string(known->second.type) + " '" + name + "' of " + known->second.where +
           " (one name, one parameter type; only normsys and histosys may share a name)");
    return m;
  }

  workspace_builder& add(modifier m) {
    m_uses.emplace(m.name, use{m.type, current_bins(), sample_where()});  // keeps the first use
    m_ws.channels[*m_channel].samples[*m_sample].modifiers.push_back(std::move(m));
    return *this;
  }

  likelihood::measurement& current_measurement() {
    if (!m_measurement) fail("parameter configuration before any measurement");
    return m_ws.measurements[*m_measurement];
  }

  // "measurement 'meas': parameter 'mu'", failing first if no measurement is open
  std::string config_where(const std::string& set_name) {
    const auto& m = current_measurement();
    if (set_name.empty()) fail("measurement '" + m.name + "': parameter configuration for an empty name");
    return "measurement '" + m.name + "': parameter '" + set_name + "'";
  }

  parameter_config& config(const std::string& set_name) {
    config_where(set_name);
    auto& m = current_measurement();
    for (auto& p : m.parameters)
      if (p.name == set_name) return p;
    m.parameters.push_back({});
    m.parameters.back().name = set_name;
    return m.parameters.back();
  }

  template <class T>
  void set(std::optional<T>& field, T value, const std::string& set_name, const char* field_name) {
    if (field) fail(config_where(set_name) + " " + field_name + " is already set");
    field = std::move(value);
  }

  void check_finite(const std::vector<double>& values, const std::string& set_name, const char* field_name) {
    for (std::size_t k = 0; k < values.size(); ++k)
      if (!std::isfinite(values[k]))
        fail(config_where(set_name) + " " + field_name + "[" + std::to_string(k) + "] = " +
             rein::detail::format_value(values[k]) + ", must be finite");
    config_where(set_name);
  }

  std::string m_context;
  workspace m_ws;
  std::vector<std::size_t> m_bins;  ///< declared bins per channel
  std::optional<std::size_t> m_channel;
  std::optional<std::size_t> m_sample;
  std::optional<std::size_t> m_measurement;
  std::map<std::string, use> m_uses;  ///< modifier name -> its first use
};

}  // namespace rein::likelihood
