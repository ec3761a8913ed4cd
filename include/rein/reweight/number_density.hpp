#pragma once

// Joint number densities M[i][j]: expected (efficiency-weighted) counts of one sample in
// reconstructed fit bin i of a channel and generator-level kinematic bin j (e.g. true q²).
#include "rein/config.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rein::reweight {

/// What a number density maps to and what it counts (everything but the numbers and the bins).
struct number_density_labels {
  /// Identifier, e.g. "regA": the HDF5 group name and the name of the reweighting modifier.
  /// Non-empty, without '/', not "." or "..".
  std::string name;
  /// The pyhf channel whose bins are the rows (row i = bin i of the channel, in workspace order).
  std::string channel;
  /// The sample of that channel whose yields the density describes.
  std::string sample;
  /// Units of each kinematic axis, one entry per axis (e.g. {"GeV^2"}; "" for dimensionless).
  std::vector<std::string> units;
  /// What an entry counts, e.g. "expected signal events".
  std::string normalisation;
  /// Provenance (publication, record, file, commit).
  std::string source;
};

/// A joint number density M (n_x × n_q): M(i, j) counts the events of one sample that are
/// reconstructed in fit bin i of a channel and generated in kinematic bin j.
///
/// The kinematic bins are a rein::binning (explicit edges, one axis per variable; the axis names
/// are the variable names). An n-D kinematic binning is flattened row-major with the FIRST axis
/// SLOWEST: column j = Σ_k i_k s_k with s_{d−1} = 1, s_k = s_{k+1} n_{k+1} (rein::binning's order).
/// Row sums Σ_j M(i, j) are the nominal yields of the sample in the channel's bins, and a model
/// with bin weights w_j(θ) predicts R_i(θ) = Σ_j M(i, j) w_j(θ) / Σ_j M(i, j).
///
/// Invariants (checked by the constructor, so every object is valid): at least one row and one
/// column; every entry finite and ≥ 0; columns = number of kinematic bins; one unit per axis;
/// axis names non-empty and distinct; name, channel and sample non-empty; name usable as an HDF5
/// link name. Entries must be ≥ 0 because they count events: the Belle II B→Kνν̄ maps
/// (data/belle2-knunu) have no negative entry (their minimum is exactly 0).
class number_density {
 public:
  /// @param density         n_x × n_q matrix, rows = fit bins, columns = flattened kinematic bins
  /// @param kinematic_bins  the kinematic binning (axis names = variables, e.g. "q2")
  /// @param labels          name, channel, sample, units (one per axis), normalisation, source
  /// @throws rein::invalid_argument if an invariant above is broken; the message names the
  ///         density, the offending row and column (or axis) and the value
  number_density(Eigen::MatrixXd density, rein::binning kinematic_bins, number_density_labels labels)
      : m_density(std::move(density)), m_bins(std::move(kinematic_bins)), m_labels(std::move(labels)) {
    const std::string where = "rein::reweight::number_density '" + m_labels.name + "'";
    rein::detail::check(!m_labels.name.empty(), "rein::reweight::number_density: name is empty");
    rein::detail::check(m_labels.name.find('/') == std::string::npos && m_labels.name != "." && m_labels.name != "..",
                  where + ": name must not contain '/' or be '.' or '..'");
    rein::detail::check(!m_labels.channel.empty(), where + ": channel is empty");
    rein::detail::check(!m_labels.sample.empty(), where + ": sample is empty");
    const std::size_t d = m_bins.dimension();
    rein::detail::check(m_labels.units.size() == d, where + ": units has " + std::to_string(m_labels.units.size()) +
                                                  " entries, the kinematic binning has " + std::to_string(d) +
                                                  " axes (one unit per axis)");
    std::set<std::string> seen;
    for (std::size_t k = 0; k < d; ++k) {
      const std::string& variable = m_bins.axis(k).name();
      rein::detail::check(!variable.empty(), where + ": kinematic axis " + std::to_string(k) +
                                           " has no name, every axis needs its variable name");
      rein::detail::check(seen.insert(variable).second,
                    where + ": kinematic axis " + std::to_string(k) + " repeats the variable '" + variable + "'");
    }
    rein::detail::check(m_density.rows() >= 1, where + ": density has no rows");
    rein::detail::check(static_cast<std::size_t>(m_density.cols()) == m_bins.size(),
                  where + ": density has " + std::to_string(m_density.cols()) + " columns, the kinematic binning has " +
                      std::to_string(m_bins.size()) + " bins");
    for (Eigen::Index i = 0; i < m_density.rows(); ++i)
      for (Eigen::Index j = 0; j < m_density.cols(); ++j) {
        const double value = m_density(i, j);
        if (!std::isfinite(value) || !(value >= 0.0))
          throw invalid_argument(where + ": density(" + std::to_string(i) + ", " + std::to_string(j) +
                                 ") = " + rein::detail::format_value(value) + ", must be finite and >= 0");
      }
    // finite entries can still sum to infinity, the sample's nominal yield in that bin
    for (Eigen::Index i = 0; i < m_density.rows(); ++i)
      if (!std::isfinite(m_density.row(i).sum()))
        throw invalid_argument(where + ": row " + std::to_string(i) + " sums to " +
                               rein::detail::format_value(m_density.row(i).sum()) +
                               " (the sample's yield in that bin), must be finite");
  }

  /// The n_x × n_q matrix (rows = fit bins, columns = flattened kinematic bins).
  [[nodiscard]] const Eigen::MatrixXd& density() const noexcept { return m_density; }
  /// The kinematic binning.
  [[nodiscard]] const rein::binning& kinematic_bins() const noexcept { return m_bins; }
  /// Name, channel, sample, units, normalisation and source.
  [[nodiscard]] const number_density_labels& labels() const noexcept { return m_labels; }
  /// Identifier (HDF5 group, modifier name).
  [[nodiscard]] const std::string& name() const noexcept { return m_labels.name; }
  /// The channel whose bins are the rows.
  [[nodiscard]] const std::string& channel() const noexcept { return m_labels.channel; }
  /// The sample the density describes.
  [[nodiscard]] const std::string& sample() const noexcept { return m_labels.sample; }
  /// Number of fit bins n_x (rows).
  [[nodiscard]] std::size_t rows() const noexcept { return static_cast<std::size_t>(m_density.rows()); }
  /// Number of flattened kinematic bins n_q (columns).
  [[nodiscard]] std::size_t columns() const noexcept { return static_cast<std::size_t>(m_density.cols()); }

  /// The kinematic variable names, first (slowest) axis first.
  [[nodiscard]] std::vector<std::string> variables() const {
    std::vector<std::string> names;
    for (const auto& a : m_bins.axes()) names.push_back(a.name());
    return names;
  }

  /// The edges of each kinematic axis, first (slowest) axis first.
  [[nodiscard]] std::vector<std::vector<double>> edges() const {
    std::vector<std::vector<double>> all;
    for (const auto& a : m_bins.axes()) all.push_back(a.edges());
    return all;
  }

  /// Row sums Σ_j M(i, j): the nominal yield of the sample in each fit bin.
  [[nodiscard]] Eigen::VectorXd row_sums() const { return m_density.rowwise().sum(); }

  /// Checks that the density has as many rows as the channel it is applied to has bins.
  /// @param expected  number of bins of the channel
  /// @param context   names where `expected` comes from, e.g. "channel 'SR' of workspace.json"
  /// @throws rein::invalid_argument if rows() != expected (the message names the density, its
  ///         channel and sample, both counts and `context`)
  void check_rows(std::size_t expected, const std::string& context) const {
    rein::detail::check(rows() == expected, "rein::reweight::number_density::check_rows: density '" + m_labels.name +
                                          "' (channel '" + m_labels.channel + "', sample '" + m_labels.sample +
                                          "') has " + std::to_string(rows()) + " rows (fit bins), " + context +
                                          " has " + std::to_string(expected) + " bins");
  }

  /// Identical numbers (compared with ==), binnings and labels.
  friend bool operator==(const number_density& a, const number_density& b) {
    const auto& la = a.m_labels;
    const auto& lb = b.m_labels;
    return la.name == lb.name && la.channel == lb.channel && la.sample == lb.sample && la.units == lb.units &&
           la.normalisation == lb.normalisation && la.source == lb.source && a.m_bins == b.m_bins &&
           a.m_density.rows() == b.m_density.rows() && a.m_density.cols() == b.m_density.cols() &&
           a.m_density == b.m_density;
  }
  friend bool operator!=(const number_density& a, const number_density& b) { return !(a == b); }

 private:
  Eigen::MatrixXd m_density;
  rein::binning m_bins;
  number_density_labels m_labels;
};

/// Builds a number density from plain edge vectors (one per axis, first axis slowest).
/// @param density    n_x × n_q matrix, n_q = Π_k (edges[k].size() − 1)
/// @param edges      edges of each kinematic axis, each finite and strictly increasing
/// @param variables  name of each axis, e.g. {"q2"}
/// @param labels     name, channel, sample, units, normalisation, source
/// @throws rein::invalid_argument if edges and variables differ in length or are empty, an edge
///         vector is invalid (the message names the axis, the edge index and the value), or the
///         number_density constructor rejects the input
inline number_density make_number_density(Eigen::MatrixXd density, const std::vector<std::vector<double>>& edges,
                                          const std::vector<std::string>& variables, number_density_labels labels) {
  const std::string where = "rein::reweight::make_number_density '" + labels.name + "'";
  rein::detail::check(!edges.empty(), where + ": edges is empty, at least one kinematic axis is needed");
  rein::detail::check(edges.size() == variables.size(), where + ": " + std::to_string(edges.size()) + " edge vectors but " +
                                                      std::to_string(variables.size()) + " variable names");
  std::vector<rein::axis> axes;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    try {
      axes.emplace_back(edges[k], variables[k]);
    } catch (const invalid_argument& e) {
      throw invalid_argument(where + ": kinematic axis " + std::to_string(k) + ": " + e.what());
    }
  }
  return number_density(std::move(density), rein::binning(std::move(axes)), std::move(labels));
}

}  // namespace rein::reweight
