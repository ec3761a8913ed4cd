#pragma once

// Fit diagnostics as HDF5 (`rein fit --diagnostics --hdf5 FILE.h5`, docs/diagnostics.md): for models
// whose correlation matrix and yield tables are too large to read comfortably as JSON. The numbers
// are those of io::to_json(diagnostics_result) with NaN where the JSON has null.
//
// Layout (format "rein-fit-diagnostics", format_version "1"):
//   /fit         attribute `parameters` (names, the model's order), `status`; datasets `values`,
//                `errors` (n), `twice_nll` (1)
//   /correlation attribute `parameters` (the free ones); dataset `matrix` (k × k)
//   /pulls       attribute `parameters`; datasets `value`, `error`, `prefit_center`,
//                `prefit_sigma`, `pull`, `constraint` (one per pull)
//   /prefit/channel_<i>, /postfit/channel_<i> (i in the model's channel order)
//                attributes `name`, `masked` ("true" / "false"), `samples` (names);
//                datasets `yields`, `uncertainties` (samples × bins), `total`,
//                `total_uncertainties`, `data` (bins), `sums` (samples × 2: sum, its uncertainty),
//                `totals` (3: total_sum, total_sum_uncertainty, data_sum)
#include "rein/core/error.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/infer/diagnostics.hpp"
#include "rein/io/hdf5/detail/layout.hpp"
#include "rein/io/hdf5/file.hpp"
#include "rein/likelihood/model.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::io::hdf5 {

/// Value of the root attribute `format` of a diagnostics file.
inline const std::string diagnostics_format = "rein-fit-diagnostics";

namespace detail {

inline std::vector<double> values_of(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

inline void write_yield_tables(file& f, const std::string& group, const std::vector<infer::channel_yield_table>& tables) {
  f.create_group(group, true);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto& t = tables[i];
    const std::string g = group + "/channel_" + std::to_string(i);
    f.create_group(g);
    f.write_string(g, "name", t.name);
    f.write_string(g, "masked", t.masked ? "true" : "false");
    const auto bins = static_cast<std::size_t>(t.total.size());
    std::vector<std::string> names;
    std::vector<double> yields, uncertainties, sums;
    for (const auto& s : t.samples) {
      names.push_back(s.name);
      const auto y = values_of(s.yields), u = values_of(s.uncertainties);
      yields.insert(yields.end(), y.begin(), y.end());
      uncertainties.insert(uncertainties.end(), u.begin(), u.end());
      sums.push_back(s.sum), sums.push_back(s.sum_uncertainty);
    }
    f.write_strings(g, "samples", names);
    f.write_doubles(g + "/yields", {t.samples.size(), bins}, yields);
    f.write_doubles(g + "/uncertainties", {t.samples.size(), bins}, uncertainties);
    f.write_doubles(g + "/sums", {t.samples.size(), 2}, sums);
    f.write_doubles(g + "/total", {bins}, values_of(t.total));
    f.write_doubles(g + "/total_uncertainties", {bins}, values_of(t.total_uncertainties));
    f.write_doubles(g + "/data", {bins}, values_of(t.data));
    f.write_doubles(g + "/totals", {3}, {t.total_sum, t.total_sum_uncertainty, t.data_sum});
  }
}

}  // namespace detail

/// Writes `r` (of infer::diagnostics on `model`) to a new HDF5 file at `path` in the layout above
/// (replacing any file of that name; no time stamps).
/// @throws rein::io_error if the file cannot be written (no partial file is left behind)
inline void write_diagnostics(const std::string& path, const infer::diagnostics_result& r, const likelihood::model& model) {
  detail::write_whole_file(path, "rein::io::hdf5::write_diagnostics", [&](file& f) {
    detail::write_format(f, diagnostics_format);
    std::vector<std::string> names;
    for (const auto& p : model.parameters().all()) names.push_back(p.name);
    f.create_group("/fit");
    f.write_strings("/fit", "parameters", names);
    f.write_string("/fit", "status", fit::to_string(r.fit.status));
    f.write_doubles("/fit/values", {names.size()}, detail::values_of(r.fit.values));
    f.write_doubles("/fit/errors", {names.size()}, detail::values_of(r.fit.errors));
    f.write_doubles("/fit/twice_nll", {1}, {r.fit.twice_nll});
    f.create_group("/correlation");
    f.write_strings("/correlation", "parameters", r.correlation.parameters);
    const auto k = static_cast<std::size_t>(r.correlation.matrix.rows());
    std::vector<double> matrix;
    for (Eigen::Index i = 0; i < r.correlation.matrix.rows(); ++i)
      for (Eigen::Index j = 0; j < r.correlation.matrix.cols(); ++j) matrix.push_back(r.correlation.matrix(i, j));
    f.write_doubles("/correlation/matrix", {k, k}, matrix);
    f.create_group("/pulls");
    std::vector<std::string> pulled;
    std::vector<double> value, error, center, sigma, pull, constraint;
    for (const auto& p : r.pulls) {
      pulled.push_back(p.name);
      value.push_back(p.value), error.push_back(p.error), center.push_back(p.prefit_center);
      sigma.push_back(p.prefit_sigma), pull.push_back(p.pull), constraint.push_back(p.constraint);
    }
    f.write_strings("/pulls", "parameters", pulled);
    for (const auto& [dataset, column] : {std::pair<const char*, const std::vector<double>*>{"value", &value},
                                          {"error", &error}, {"prefit_center", &center}, {"prefit_sigma", &sigma},
                                          {"pull", &pull}, {"constraint", &constraint}})
      f.write_doubles(std::string("/pulls/") + dataset, {r.pulls.size()}, *column);
    detail::write_yield_tables(f, "/prefit", r.prefit);
    detail::write_yield_tables(f, "/postfit", r.postfit);
  });
}

}  // namespace rein::io::hdf5
