#pragma once

// Efficiency maps in HDF5 (format "rein-efficiency-map", version 1; layout in docs/formats.md):
//   /                                 attributes format = "rein-efficiency-map", format_version = "1"
//   /efficiency_maps/<name>/efficiency  n_0 × n_1 × ... float64 in [0, 1] (rank = number of axes, C order)
//   /efficiency_maps/<name>/uncertainty same shape, finite and ≥ 0 (optional on reading: zeros)
//   /efficiency_maps/<name>/edges_k     n_k + 1 float64
//   /efficiency_maps/<name>           attributes source, outside (strings); variables, units,
//                                      upper_edge (string arrays, one per axis)
#include "rein/config.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"
#include "rein/io/hdf5/detail/layout.hpp"
#include "rein/io/hdf5/file.hpp"
#include "rein/kinematics/efficiency_map.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::io::hdf5 {

/// Value of the root attribute `format` of an efficiency-map file.
inline constexpr const char* efficiency_map_format = "rein-efficiency-map";

/// An efficiency map with what a file records about it.
struct named_efficiency_map {
  /// Group name under /efficiency_maps (non-empty, no '/', not "." or "..").
  std::string name;
  /// The map: binning (axis names = variables), ε and σ_ε per bin, flattened first axis slowest,
  /// and the lookup policy outside the binning.
  kinematics::efficiency_map map;
  /// Units of each axis, one entry per axis ("" for dimensionless).
  std::vector<std::string> units;
  /// Provenance.
  std::string source;
};

namespace detail {

inline const std::string efficiency_map_root = "/efficiency_maps";

/// Reads a dataset that must have the shape of `bins` (rank d, extents n_0, ..., n_{d-1}).
inline std::vector<double> read_binned_values(const file& f, const std::string& path, const rein::binning& bins) {
  double_array a = f.read_doubles(path);
  std::vector<std::size_t> expected;
  for (const auto& ax : bins.axes()) expected.push_back(ax.size());
  if (a.shape != expected) {
    auto show = [](const std::vector<std::size_t>& s) {
      std::string t = "(";
      for (std::size_t k = 0; k < s.size(); ++k) t += (k ? ", " : "") + std::to_string(s[k]);
      return t + ")";
    };
    f.fail(file::dataset(path), "expected shape " + show(expected) + " from the edges_<k> datasets, found " + show(a.shape));
  }
  return std::move(a.values);
}

inline named_efficiency_map read_efficiency_map_group(const file& f, const std::string& name) {
  const std::string group = efficiency_map_root + "/" + name;
  const std::string source = f.read_string(group, "source");
  const std::string policy = f.read_string(group, "outside");
  const auto found = enum_from_name(policy, all_flow_policies);
  if (!found) f.fail(file::attribute(group, "outside"), "is '" + policy + "', expected 'drop', 'clamp' or 'error'");
  const flow_policy outside = *found;  // fail throws
  binning_record binning = read_binning(f, group);
  const std::string eff_path = group + "/efficiency";
  std::vector<double> efficiency = read_binned_values(f, eff_path, binning.bins);
  std::vector<double> uncertainty;
  const std::string unc_path = group + "/uncertainty";
  if (f.exists(unc_path)) uncertainty = read_binned_values(f, unc_path, binning.bins);
  for (std::size_t i = 0; i < efficiency.size(); ++i)
    if (!(efficiency[i] >= 0.0 && efficiency[i] <= 1.0))
      f.fail(file::dataset(eff_path), "flat entry " + std::to_string(i) + " = " + rein::detail::format_value(efficiency[i]) +
                                          ", must be in [0, 1]");
  for (std::size_t i = 0; i < uncertainty.size(); ++i)
    if (!(uncertainty[i] >= 0.0) || !std::isfinite(uncertainty[i]))
      f.fail(file::dataset(unc_path), "flat entry " + std::to_string(i) + " = " +
                                          rein::detail::format_value(uncertainty[i]) + ", must be finite and >= 0");
  try {
    return {name, kinematics::efficiency_map(std::move(binning.bins), std::move(efficiency), std::move(uncertainty), outside),
            std::move(binning.units), source};
  } catch (const invalid_argument& e) {
    f.fail(file::group(group), e.what());
  }
}

}  // namespace detail

/// Writes efficiency maps to a new HDF5 file (replacing any file of that name), one group
/// /efficiency_maps/<name> each, in the given order; no time stamps (reproducible bytes).
/// @throws rein::invalid_argument if names repeat or are not usable as link names, or an entry's
///         units do not have one value per axis or an axis has no name
/// @throws rein::io_error if the file cannot be written (no partial file is left behind)
inline void write_efficiency_maps(const std::string& path, const std::vector<named_efficiency_map>& maps) {
  const std::string function = "rein::io::hdf5::write_efficiency_maps";
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    detail::check_entry_name(function, maps[i].name, i, seen);
    const std::size_t d = maps[i].map.bins().dimension();
    if (maps[i].units.size() != d)
      throw invalid_argument(function + ": map '" + maps[i].name + "' has " + std::to_string(maps[i].units.size()) +
                             " units, its binning has " + std::to_string(d) + " axes");
    for (std::size_t k = 0; k < d; ++k)
      if (maps[i].map.bins().axis(k).name().empty())
        throw invalid_argument(function + ": map '" + maps[i].name + "': axis " + std::to_string(k) +
                               " has no name, every axis needs its variable name");
  }
  detail::write_whole_file(path, function, [&](file& f) {
    detail::write_format(f, efficiency_map_format);
    f.create_group(detail::efficiency_map_root, true);
    for (const auto& m : maps) {
      const std::string group = detail::efficiency_map_root + "/" + m.name;
      f.create_group(group);
      f.write_string(group, "source", m.source);
      f.write_string(group, "outside", to_string(m.map.policy()));
      std::vector<std::size_t> shape;
      for (const auto& ax : m.map.bins().axes()) shape.push_back(ax.size());
      f.write_doubles(group + "/efficiency", shape, m.map.efficiencies());
      f.write_doubles(group + "/uncertainty", shape, m.map.uncertainties());
      detail::write_binning(f, group, m.map.bins(), m.units);
    }
  });
}

/// Reads every efficiency map of a file, in stored order.
/// @throws rein::io_error naming the file and the dataset or attribute: file missing, not HDF5,
///         truncated or corrupt; wrong format/version; missing or non-float64 datasets; shapes that
///         do not match the edges; edges not strictly increasing; ε outside [0, 1] or NaN;
///         negative or non-finite uncertainties (the message names the flat bin)
inline std::vector<named_efficiency_map> read_efficiency_maps(const std::string& path) {
  const file f = file::open(path, "rein::io::hdf5::read_efficiency_maps", file::group(detail::efficiency_map_root));
  detail::check_format(f, efficiency_map_format);
  std::vector<named_efficiency_map> out;
  for (const auto& name : f.members(detail::efficiency_map_root)) out.push_back(detail::read_efficiency_map_group(f, name));
  return out;
}

/// Reads the efficiency map /efficiency_maps/<name> of a file.
/// @throws rein::io_error as read_efficiency_maps, and if there is no map `name`
inline named_efficiency_map read_efficiency_map(const std::string& path, const std::string& name) {
  const std::string group = detail::efficiency_map_root + "/" + name;
  const file f = file::open(path, "rein::io::hdf5::read_efficiency_map", file::group(group));
  detail::check_format(f, efficiency_map_format);
  if (name.empty() || name.find('/') != std::string::npos || !f.exists(group))
    f.fail(file::group(group), "is missing");
  return detail::read_efficiency_map_group(f, name);
}

}  // namespace rein::io::hdf5
