#pragma once

// Pieces shared by rein's HDF5 formats: the root `format`/`format_version` attributes, kinematic
// binnings stored as `edges_<k>` datasets plus `variables`/`units`/`upper_edge` attributes, and
// writing a whole file or none of it.
#include "rein/config.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/error.hpp"
#include "rein/io/hdf5/file.hpp"

#include <cstddef>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace rein::io::hdf5::detail {

/// The only format_version this code writes and reads.
inline constexpr const char* format_version = "1";

/// Writes the root attributes `format` and `format_version`.
inline void write_format(file& f, const std::string& format) {
  f.write_string("/", "format", format);
  f.write_string("/", "format_version", format_version);
}

/// Checks the root attributes: `format` must equal `expected`, `format_version` must be "1".
/// @throws rein::io_error naming the file, the attribute, the expected and the found value
inline void check_format(const file& f, const std::string& expected) {
  if (!f.has_attribute("/", "format"))
    f.fail(file::attribute("/", "format"), "is missing, expected '" + expected + "' (not a rein " + expected + " file)");
  const std::string found = f.read_string("/", "format");
  if (found != expected) f.fail(file::attribute("/", "format"), "expected '" + expected + "', found '" + found + "'");
  const std::string version = f.read_string("/", "format_version");
  if (version != format_version)
    f.fail(file::attribute("/", "format_version"),
           "expected '" + std::string(format_version) + "', found '" + version + "' (unsupported version)");
}

/// Creates `path`, runs `body(file&)`, closes the file; on any exception the partial file is
/// removed and the exception propagates.
template <class Body>
void write_whole_file(const std::string& path, const std::string& function, Body&& body) {
  try {
    file f = file::create(path, function);
    body(f);
    f.close();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
}

/// Name of the edges dataset of axis k: "edges_<k>".
inline std::string edges_name(std::size_t k) { return "edges_" + std::to_string(k); }

/// Writes a binning under `group`: datasets edges_<k> (float64, n_k + 1) and the string-array
/// attributes `variables` (axis names), `units` and `upper_edge` ("excluded" / "included").
inline void write_binning(file& f, const std::string& group, const rein::binning& bins,
                          const std::vector<std::string>& units) {
  std::vector<std::string> variables, upper;
  for (std::size_t k = 0; k < bins.dimension(); ++k) {
    const rein::axis& a = bins.axis(k);
    variables.push_back(a.name());
    upper.push_back(a.upper() == upper_edge::included ? "included" : "excluded");
    f.write_doubles(group + "/" + edges_name(k), {a.edges().size()}, a.edges());
  }
  f.write_strings(group, "variables", variables);
  f.write_strings(group, "units", units);
  f.write_strings(group, "upper_edge", upper);
}

/// A binning and its units as read from a group.
struct binning_record {
  rein::binning bins;
  std::vector<std::string> units;
};

/// Reads what write_binning wrote. `upper_edge` may be absent (then every axis is "excluded").
/// @throws rein::io_error naming the file and the dataset or attribute: missing or ill-typed
///         objects, a count of units/upper_edge entries different from the number of variables,
///         an edges dataset that is not 1-D, or edges that are not finite and strictly increasing
///         (the message names the edge index and value)
inline binning_record read_binning(const file& f, const std::string& group) {
  const std::vector<std::string> variables = f.read_strings(group, "variables");
  const std::size_t d = variables.size();
  if (d == 0) f.fail(file::attribute(group, "variables"), "is empty, at least one kinematic axis is needed");
  std::vector<std::string> units = f.read_strings(group, "units");
  if (units.size() != d)
    f.fail(file::attribute(group, "units"), "has " + std::to_string(units.size()) + " entries, expected " +
                                                std::to_string(d) + " (one per variable)");
  std::vector<std::string> upper(d, "excluded");
  if (f.has_attribute(group, "upper_edge")) {
    upper = f.read_strings(group, "upper_edge");
    if (upper.size() != d)
      f.fail(file::attribute(group, "upper_edge"), "has " + std::to_string(upper.size()) + " entries, expected " +
                                                       std::to_string(d) + " (one per variable)");
  }
  std::vector<rein::axis> axes;
  for (std::size_t k = 0; k < d; ++k) {
    if (upper[k] != "excluded" && upper[k] != "included")
      f.fail(file::attribute(group, "upper_edge"),
             "entry " + std::to_string(k) + " is '" + upper[k] + "', expected 'excluded' or 'included'");
    const std::string path = group + "/" + edges_name(k);
    double_array edges = f.read_doubles(path);
    if (edges.shape.size() != 1)
      f.fail(file::dataset(path), "expected rank 1 (n_" + std::to_string(k) + " + 1 edges), found rank " +
                                      std::to_string(edges.shape.size()));
    try {
      axes.emplace_back(std::move(edges.values), variables[k],
                        upper[k] == "included" ? upper_edge::included : upper_edge::excluded);
    } catch (const invalid_argument& e) {
      f.fail(file::dataset(path), e.what());
    }
  }
  return {rein::binning(std::move(axes)), std::move(units)};
}

/// Checks that `name` can be a link name (non-empty, no '/', not "." or "..") and is not in `seen`.
/// @throws rein::invalid_argument naming the function, the index and the name
inline void check_entry_name(const std::string& function, const std::string& name, std::size_t index,
                             std::vector<std::string>& seen) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw invalid_argument(function + ": entry " + std::to_string(index) + " has name '" + name +
                           "', must be non-empty, without '/', not '.' or '..'");
  for (const auto& s : seen)
    if (s == name)
      throw invalid_argument(function + ": entry " + std::to_string(index) + " repeats the name '" + name + "'");
  seen.push_back(name);
}

}  // namespace rein::io::hdf5::detail
