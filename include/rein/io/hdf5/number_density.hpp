#pragma once

// Number densities in HDF5 (format "rein-number-density", version 1; layout in docs/formats.md):
//   /                                attributes format = "rein-number-density", format_version = "1"
//   /number_densities/<name>/density n_x × n_q float64 (rows = fit bins, columns = kinematic bins)
//   /number_densities/<name>/edges_k n_k + 1 float64 (axis k; columns flattened first axis slowest)
//   /number_densities/<name>         attributes channel, sample, normalisation, source (strings),
//                                    variables, units, upper_edge (string arrays, one per axis)
#include "rein/config.hpp"
#include "rein/core/error.hpp"
#include "rein/io/hdf5/detail/layout.hpp"
#include "rein/io/hdf5/file.hpp"
#include "rein/reweight/number_density.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::io::hdf5 {

/// Value of the root attribute `format` of a number-density file.
inline constexpr const char* number_density_format = "rein-number-density";

namespace detail {

inline const std::string number_density_root = "/number_densities";

inline reweight::number_density read_number_density_group(const file& f, const std::string& name) {
  const std::string group = number_density_root + "/" + name;
  reweight::number_density_labels labels;
  labels.name = name;
  labels.channel = f.read_string(group, "channel");
  labels.sample = f.read_string(group, "sample");
  labels.normalisation = f.read_string(group, "normalisation");
  labels.source = f.read_string(group, "source");
  binning_record binning = read_binning(f, group);
  labels.units = std::move(binning.units);

  const std::string path = group + "/density";
  const double_array density = f.read_doubles(path);
  if (density.shape.size() != 2)
    f.fail(file::dataset(path), "expected rank 2 (n_x fit bins × n_q kinematic bins), found rank " +
                                    std::to_string(density.shape.size()));
  const std::size_t rows = density.shape[0], cols = density.shape[1];
  if (cols != binning.bins.size())
    f.fail(file::dataset(path), "has " + std::to_string(cols) + " columns, the edges_<k> datasets define " +
                                    std::to_string(binning.bins.size()) + " kinematic bins");
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = density.values[i * cols + j];
  try {
    return reweight::number_density(std::move(matrix), std::move(binning.bins), std::move(labels));
  } catch (const invalid_argument& e) {
    f.fail(file::dataset(path), e.what());
  }
}

}  // namespace detail

/// Writes number densities to a new HDF5 file (an existing file of that name is replaced), one
/// group /number_densities/<name> per density, in the given order (the group tracks creation
/// order, and the readers return that order). No time stamps are written: the same input gives
/// a byte-identical file.
/// @param path       output file
/// @param densities  the densities; names must be distinct
/// @throws rein::invalid_argument if two densities share a name
/// @throws rein::io_error if the file cannot be written (no partial file is left behind)
inline void write_number_densities(const std::string& path, const std::vector<reweight::number_density>& densities) {
  const std::string function = "rein::io::hdf5::write_number_densities";
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < densities.size(); ++i) detail::check_entry_name(function, densities[i].name(), i, seen);
  detail::write_whole_file(path, function, [&](file& f) {
    detail::write_format(f, number_density_format);
    f.create_group(detail::number_density_root, true);
    for (const auto& nd : densities) {
      const std::string group = detail::number_density_root + "/" + nd.name();
      f.create_group(group);
      f.write_string(group, "channel", nd.channel());
      f.write_string(group, "sample", nd.sample());
      f.write_string(group, "normalisation", nd.labels().normalisation);
      f.write_string(group, "source", nd.labels().source);
      const Eigen::MatrixXd& m = nd.density();
      std::vector<double> values;
      values.reserve(static_cast<std::size_t>(m.size()));
      for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) values.push_back(m(i, j));
      f.write_doubles(group + "/density", {nd.rows(), nd.columns()}, values);
      detail::write_binning(f, group, nd.kinematic_bins(), nd.labels().units);
    }
  });
}

/// Names of the number densities in a file, in stored order (creation order when the file
/// tracks it, as rein's writer does; otherwise name order).
/// @throws rein::io_error if the file cannot be opened, is not a version-1 number-density file,
///         or has no /number_densities group
inline std::vector<std::string> number_density_names(const std::string& path) {
  const file f = file::open(path, "rein::io::hdf5::number_density_names", file::group(detail::number_density_root));
  detail::check_format(f, number_density_format);
  return f.members(detail::number_density_root);
}

/// Reads every number density of a file, in stored order (see number_density_names).
/// @throws rein::io_error naming the file and the dataset or attribute for: a file that is
///         missing, not HDF5, truncated or corrupt; a wrong `format`/`format_version`; a missing
///         dataset or attribute; a dataset that is not float64 or has the wrong rank or shape;
///         edges that are not strictly increasing; a density entry that is NaN, infinite or
///         negative (the message names the row and column)
inline std::vector<reweight::number_density> read_number_densities(const std::string& path) {
  const file f = file::open(path, "rein::io::hdf5::read_number_densities", file::group(detail::number_density_root));
  detail::check_format(f, number_density_format);
  std::vector<reweight::number_density> out;
  for (const auto& name : f.members(detail::number_density_root))
    out.push_back(detail::read_number_density_group(f, name));
  return out;
}

/// Reads the number density /number_densities/<name> of a file.
/// @throws rein::io_error as read_number_densities, and if the file has no density `name` (the
///         message lists the names it has)
inline reweight::number_density read_number_density(const std::string& path, const std::string& name) {
  const std::string group = detail::number_density_root + "/" + name;
  const file f = file::open(path, "rein::io::hdf5::read_number_density", file::group(group));
  detail::check_format(f, number_density_format);
  if (name.empty() || name.find('/') != std::string::npos || !f.exists(group)) {
    std::string names;
    if (f.exists(detail::number_density_root))
      for (const auto& n : f.members(detail::number_density_root)) names += (names.empty() ? "'" : ", '") + n + "'";
    f.fail(file::group(group), "is missing; the file has " + (names.empty() ? std::string("no number densities")
                                                                            : "the number densities " + names));
  }
  return detail::read_number_density_group(f, name);
}

}  // namespace rein::io::hdf5
