#pragma once

// Two-dimensional HEPData tables (the HEPData YAML table format, converted to JSON) read into a
// matrix with bin edges: rows = fit bins, columns = kinematic bins, as for number densities.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rein::io {

/// A qualifier of a HEPData dependent variable (e.g. {"name": "SQRT(S)", "units": "GeV", "value": 13000}).
struct hepdata_qualifier {
  std::string name;
  /// The value as text: a JSON string as is, a number in JSON notation.
  std::string value;
  std::string units;
};

/// A 2-D HEPData table as a matrix.
struct hepdata_table {
  /// values(r, c): the dependent variable at fit bin first_row_index + r and kinematic bin c.
  Eigen::MatrixXd values;
  /// Header of independent variable 0 (the fit-bin index).
  std::string row_name, row_units;
  /// The smallest fit-bin index in the table (row 0); rows are consecutive indices.
  long first_row_index = 0;
  /// Header of independent variable 1 (the kinematic variable, e.g. q²).
  std::string column_name, column_units;
  /// Edges of the kinematic bins, strictly increasing (values.cols() + 1 entries).
  std::vector<double> column_edges;
  /// Header of the dependent variable read.
  std::string value_name, value_units;
  /// Its qualifiers, in file order.
  std::vector<hepdata_qualifier> qualifiers;
};

namespace detail {

class hepdata_reader {
 public:
  explicit hepdata_reader(std::string source) : m_source(std::move(source)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
    throw io_error("rein::io::read_hepdata_table: '" + m_source + "' " + (pointer.empty() ? "/" : pointer) + ": " +
                   problem);
  }

  const nlohmann::json& member(const nlohmann::json& object, const std::string& pointer, const char* key) const {
    if (!object.is_object()) fail(pointer, std::string("expected an object, found ") + object.type_name());
    const auto found = object.find(key);
    if (found == object.end()) fail(pointer, std::string("missing required key '") + key + "'");
    return *found;
  }

  const nlohmann::json& array(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_array()) fail(pointer, std::string("expected an array, found ") + value.type_name());
    return value;
  }

  double number(const nlohmann::json& value, const std::string& pointer) const {
    if (!value.is_number()) fail(pointer, std::string("expected a number, found ") + value.type_name());
    const double x = value.get<double>();
    if (!std::isfinite(x)) fail(pointer, "value " + rein::detail::format_value(x) + " is not finite");
    return x;
  }

  /// header.name and header.units ("" if units is absent).
  std::pair<std::string, std::string> header(const nlohmann::json& variable, const std::string& pointer) const {
    const auto& h = member(variable, pointer, "header");
    const auto& name = member(h, pointer + "/header", "name");
    if (!name.is_string()) fail(pointer + "/header/name", std::string("expected a string, found ") + name.type_name());
    std::string units;
    const auto found = h.find("units");
    if (found != h.end()) {
      if (!found->is_string()) fail(pointer + "/header/units", std::string("expected a string, found ") + found->type_name());
      units = found->get<std::string>();
    }
    return {name.get<std::string>(), units};
  }

 private:
  std::string m_source;
};

}  // namespace detail

/// Reads a 2-D HEPData table (JSON form of the HEPData YAML table format) into a matrix.
///
/// Expected layout (P points, each one cell of the matrix):
/// - `independent_variables`: exactly 2 entries, each {"header": {"name", "units"?}, "values": [P entries]};
///   - [0] the fit bin: every value {"value": i} with i an integer; the indices present must be
///     consecutive (first_row_index, ..., first_row_index + n_x − 1) and give the rows in order;
///   - [1] the kinematic bin: every value {"low": a, "high": b}, a < b; the distinct bins, sorted
///     by `low`, must be contiguous (high of one = low of the next) and give the columns and edges.
/// - `dependent_variables`: entry `dependent` is read: {"header", "qualifiers"? (list of
///   {"name", "value", "units"?}), "values": [P entries {"value": number, "errors"?: ignored}]}.
/// Every (row, column) cell must be given exactly once; the order of the points is free.
/// @param document   the parsed JSON table
/// @param source     file name for messages
/// @param dependent  which dependent variable to read (default 0)
/// @throws rein::io_error naming `source` and the JSON pointer for: missing keys, wrong types,
///         non-finite numbers, value lists of different lengths, non-integer or non-consecutive
///         row indices, overlapping or non-contiguous kinematic bins, a cell given twice or missing
inline hepdata_table hepdata_table_from_json(const nlohmann::json& document, const std::string& source = "<json>",
                                             std::size_t dependent = 0) {
  const detail::hepdata_reader r(source);
  hepdata_table table;
  const auto& independent = r.array(r.member(document, "", "independent_variables"), "/independent_variables");
  if (independent.size() != 2)
    r.fail("/independent_variables", "has " + std::to_string(independent.size()) +
                                         " entries, expected 2 (fit-bin index, kinematic bin)");
  const auto& dependents = r.array(r.member(document, "", "dependent_variables"), "/dependent_variables");
  if (dependent >= dependents.size())
    r.fail("/dependent_variables", "has " + std::to_string(dependents.size()) + " entries, entry " +
                                       std::to_string(dependent) + " was requested");
  const std::string p0 = "/independent_variables/0", p1 = "/independent_variables/1";
  const std::string pd = "/dependent_variables/" + std::to_string(dependent);
  std::tie(table.row_name, table.row_units) = r.header(independent[0], p0);
  std::tie(table.column_name, table.column_units) = r.header(independent[1], p1);
  std::tie(table.value_name, table.value_units) = r.header(dependents[dependent], pd);
  const auto& rows = r.array(r.member(independent[0], p0, "values"), p0 + "/values");
  const auto& cols = r.array(r.member(independent[1], p1, "values"), p1 + "/values");
  const auto& vals = r.array(r.member(dependents[dependent], pd, "values"), pd + "/values");
  const std::size_t points = vals.size();
  if (rows.size() != points || cols.size() != points)
    r.fail("", "value lists differ in length: " + std::to_string(rows.size()) + " fit-bin indices, " +
                   std::to_string(cols.size()) + " kinematic bins, " + std::to_string(points) + " values");
  if (points == 0) r.fail(pd + "/values", "is empty");

  const auto qualifiers = dependents[dependent].find("qualifiers");
  if (qualifiers != dependents[dependent].end()) {
    r.array(*qualifiers, pd + "/qualifiers");
    for (std::size_t q = 0; q < qualifiers->size(); ++q) {
      const std::string pq = pd + "/qualifiers/" + std::to_string(q);
      const auto& entry = (*qualifiers)[q];
      hepdata_qualifier out;
      const auto& name = r.member(entry, pq, "name");
      if (!name.is_string()) r.fail(pq + "/name", std::string("expected a string, found ") + name.type_name());
      out.name = name.get<std::string>();
      const auto& value = r.member(entry, pq, "value");
      out.value = value.is_string() ? value.get<std::string>() : value.dump();
      const auto units = entry.find("units");
      if (units != entry.end() && units->is_string()) out.units = units->get<std::string>();
      table.qualifiers.push_back(std::move(out));
    }
  }

  // Rows: integer indices, consecutive.
  std::vector<long> index(points);
  for (std::size_t k = 0; k < points; ++k) {
    const std::string pk = p0 + "/values/" + std::to_string(k);
    const double x = r.number(r.member(rows[k], pk, "value"), pk + "/value");
    if (!(std::abs(x) < 1e15) || x != std::floor(x))
      r.fail(pk + "/value", "fit-bin index " + rein::detail::format_value(x) + " is not an integer");
    index[k] = static_cast<long>(x);
  }
  const long first = *std::min_element(index.begin(), index.end());
  const long last = *std::max_element(index.begin(), index.end());
  const std::size_t n_rows = static_cast<std::size_t>(last - first) + 1;
  std::vector<bool> row_seen(n_rows, false);
  for (const long i : index) row_seen[static_cast<std::size_t>(i - first)] = true;
  for (std::size_t i = 0; i < n_rows; ++i)
    if (!row_seen[i])
      r.fail(p0 + "/values", "fit-bin indices run from " + std::to_string(first) + " to " + std::to_string(last) +
                                 " but " + std::to_string(first + static_cast<long>(i)) + " is missing");

  // Columns: distinct contiguous bins.
  std::vector<std::pair<double, double>> bin(points);
  for (std::size_t k = 0; k < points; ++k) {
    const std::string pk = p1 + "/values/" + std::to_string(k);
    bin[k].first = r.number(r.member(cols[k], pk, "low"), pk + "/low");
    bin[k].second = r.number(r.member(cols[k], pk, "high"), pk + "/high");
    if (!(bin[k].first < bin[k].second))
      r.fail(pk, "low = " + rein::detail::format_value(bin[k].first) + " is not below high = " +
                     rein::detail::format_value(bin[k].second));
  }
  std::vector<std::pair<double, double>> distinct = bin;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (std::size_t j = 1; j < distinct.size(); ++j)
    if (distinct[j].first != distinct[j - 1].second)
      r.fail(p1 + "/values", "kinematic bins [" + rein::detail::format_value(distinct[j - 1].first) + ", " +
                                 rein::detail::format_value(distinct[j - 1].second) + "] and [" +
                                 rein::detail::format_value(distinct[j].first) + ", " +
                                 rein::detail::format_value(distinct[j].second) +
                                 "] are not contiguous (high of one must equal low of the next)");
  table.column_edges.push_back(distinct.front().first);
  for (const auto& b : distinct) table.column_edges.push_back(b.second);
  const std::size_t n_cols = distinct.size();

  table.first_row_index = first;
  table.values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_rows), static_cast<Eigen::Index>(n_cols));
  std::vector<std::size_t> cell_point(n_rows * n_cols, points);
  for (std::size_t k = 0; k < points; ++k) {
    const std::string pk = pd + "/values/" + std::to_string(k);
    const double v = r.number(r.member(vals[k], pk, "value"), pk + "/value");
    const std::size_t i = static_cast<std::size_t>(index[k] - first);
    const std::size_t j = static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), bin[k]) - distinct.begin());
    std::size_t& owner = cell_point[i * n_cols + j];
    if (owner != points)
      r.fail(pk, "cell (fit bin " + std::to_string(index[k]) + ", kinematic bin " + std::to_string(j) +
                     ") is also given by point " + std::to_string(owner));
    owner = k;
    table.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
  }
  for (std::size_t c = 0; c < cell_point.size(); ++c)
    if (cell_point[c] == points)
      r.fail(pd + "/values", "no value for cell (fit bin " + std::to_string(first + static_cast<long>(c / n_cols)) +
                                 ", kinematic bin " + std::to_string(c % n_cols) + " [" +
                                 rein::detail::format_value(distinct[c % n_cols].first) + ", " +
                                 rein::detail::format_value(distinct[c % n_cols].second) + "])");
  return table;
}

/// Reads a 2-D HEPData table from a JSON file (see hepdata_table_from_json for the layout).
/// @throws rein::io_error if the file cannot be read or is not valid JSON, or as hepdata_table_from_json
inline hepdata_table read_hepdata_table(const std::string& path, std::size_t dependent = 0) {
  return hepdata_table_from_json(read_json(path), path, dependent);
}

}  // namespace rein::io
