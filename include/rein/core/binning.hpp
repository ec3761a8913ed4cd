#pragma once

// Binnings with explicit edges and an explicit, documented flattening order.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein {

/// Whether the upper edge of an axis belongs to its last bin.
///
/// Bins are half-open, [e_i, e_{i+1}). With `included`, the last bin is closed, [e_{n-1}, e_n], so
/// that a value exactly on the upper edge of a published range (a kinematic endpoint) is counted.
enum class upper_edge { excluded, included };

/// What happens to a value below the first or above the last edge of an axis.
///
/// - `drop`:  the value is in no bin (histograms count it in their `outside()` sums).
/// - `clamp`: underflow goes into the first bin and overflow into the last bin of that axis.
/// - `error`: throws rein::domain_error naming the axis and the value.
/// NaN is never placed in a bin: with `drop` and `clamp` it is counted separately (`invalid()`
/// in histograms), with `error` it throws.
enum class flow_policy { drop, clamp, error };

/// The policy as a lower-case word: "drop", "clamp", "error".
inline const char* to_string(flow_policy policy) noexcept {
  switch (policy) {
    case flow_policy::drop: return "drop";
    case flow_policy::clamp: return "clamp";
    case flow_policy::error: return "error";
  }
  return "unknown";
}

/// Every flow policy, in the order of the enumeration (for enum_from_name, enum_names).
inline constexpr flow_policy all_flow_policies[] = {flow_policy::drop, flow_policy::clamp, flow_policy::error};

/// One binned axis: strictly increasing, finite edges e_0 < e_1 < ... < e_n (n ≥ 1 bins).
class axis {
 public:
  /// Position of a value relative to the axis: `underflow` (x < e_0), `overflow` (x ≥ e_n, or
  /// x > e_n with upper_edge::included), `nan`, or `inside` with the bin index.
  enum class position { inside, underflow, overflow, nan };

  /// Result of locating a value: where it is and, for `inside`, the bin index.
  struct location {
    position where;
    std::size_t bin;
  };

  /// Builds an axis from explicit edges.
  /// @param edges  bin edges, at least two, finite and strictly increasing
  /// @param name   label of the axis (used in error messages and by file formats)
  /// @param upper  whether the last edge belongs to the last bin
  /// @throws rein::invalid_argument if there are fewer than two edges, an edge is not finite, or
  ///         the edges are not strictly increasing (the message names the edge index and value)
  explicit axis(std::vector<double> edges, std::string name = {}, upper_edge upper = upper_edge::excluded)
      : m_edges(std::move(edges)), m_name(std::move(name)), m_upper(upper) {
    const std::string where = "rein::axis" + (m_name.empty() ? std::string() : " '" + m_name + "'");
    detail::check(m_edges.size() >= 2, where + ": edges has " + std::to_string(m_edges.size()) +
                                           " entries, at least 2 are needed");
    for (std::size_t i = 0; i < m_edges.size(); ++i) {
      detail::check_finite(m_edges[i], where + ": edges[" + std::to_string(i) + "]");
      if (i > 0)
        detail::check(m_edges[i] > m_edges[i - 1],
                      where + ": edges[" + std::to_string(i) + "] = " + detail::format_value(m_edges[i]) +
                          " is not greater than edges[" + std::to_string(i - 1) +
                          "] = " + detail::format_value(m_edges[i - 1]) + ", edges must be strictly increasing");
    }
  }

  /// Number of bins n.
  [[nodiscard]] std::size_t size() const noexcept { return m_edges.size() - 1; }
  /// The n + 1 edges.
  [[nodiscard]] const std::vector<double>& edges() const noexcept { return m_edges; }
  /// Label of the axis (may be empty).
  [[nodiscard]] const std::string& name() const noexcept { return m_name; }
  /// Whether the upper edge belongs to the last bin.
  [[nodiscard]] upper_edge upper() const noexcept { return m_upper; }
  /// Lower edge of bin i (unchecked index).
  [[nodiscard]] double lower(std::size_t i) const noexcept { return m_edges[i]; }
  /// Upper edge of bin i (unchecked index).
  [[nodiscard]] double upper(std::size_t i) const noexcept { return m_edges[i + 1]; }
  /// Width of bin i (unchecked index).
  [[nodiscard]] double width(std::size_t i) const noexcept { return m_edges[i + 1] - m_edges[i]; }
  /// Centre of bin i (unchecked index).
  [[nodiscard]] double center(std::size_t i) const noexcept { return 0.5 * (m_edges[i] + m_edges[i + 1]); }

  /// Locates x: bins are [e_i, e_{i+1}); the last is [e_{n-1}, e_n] with upper_edge::included.
  /// @param x  value (NaN gives position::nan)
  /// @return where x is and, if inside, its bin (binary search, O(log n))
  [[nodiscard]] location locate(double x) const noexcept {
    if (std::isnan(x)) return {position::nan, 0};
    if (x < m_edges.front()) return {position::underflow, 0};
    const double last = m_edges.back();
    if (x > last || (x == last && m_upper == upper_edge::excluded)) return {position::overflow, size() - 1};
    if (x == last) return {position::inside, size() - 1};
    const auto it = std::upper_bound(m_edges.begin(), m_edges.end(), x);
    return {position::inside, static_cast<std::size_t>(it - m_edges.begin()) - 1};
  }

  /// Two axes are equal when their edges, name and upper-edge convention are identical.
  friend bool operator==(const axis& a, const axis& b) noexcept {
    return a.m_edges == b.m_edges && a.m_name == b.m_name && a.m_upper == b.m_upper;
  }
  friend bool operator!=(const axis& a, const axis& b) noexcept { return !(a == b); }

 private:
  std::vector<double> m_edges;
  std::string m_name;
  upper_edge m_upper;
};

/// Builds an axis of n equal bins on [lower, upper]; edge i is lower + i (upper − lower)/n, and
/// the last edge is exactly `upper`.
/// @throws rein::invalid_argument if n == 0, a bound is not finite, or lower ≥ upper
inline axis make_uniform_axis(std::size_t n, double lower, double upper, std::string name = {},
                              upper_edge upper_convention = upper_edge::excluded) {
  detail::check(n >= 1, "rein::make_uniform_axis: n = 0, at least one bin is needed");
  detail::check_finite(lower, "rein::make_uniform_axis: lower");
  detail::check_finite(upper, "rein::make_uniform_axis: upper");
  detail::check(lower < upper, "rein::make_uniform_axis: lower = " + detail::format_value(lower) +
                                   " is not below upper = " + detail::format_value(upper));
  std::vector<double> edges(n + 1);
  const double step = (upper - lower) / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) edges[i] = lower + static_cast<double>(i) * step;
  edges[n] = upper;
  return axis(std::move(edges), std::move(name), upper_convention);
}

/// An n-dimensional binning: the product of its axes, flattened row-major with the FIRST axis
/// SLOWEST (C order): flat = ((i_0 · n_1 + i_1) · n_2 + i_2) · ... , i.e. flat = Σ_k i_k · s_k with
/// strides s_{d-1} = 1 and s_k = s_{k+1} · n_{k+1}.
class binning {
 public:
  /// @param axes  at least one axis
  /// @throws rein::invalid_argument if `axes` is empty
  explicit binning(std::vector<rein::axis> axes) : m_axes(std::move(axes)) {
    detail::check(!m_axes.empty(), "rein::binning: axes is empty, at least one axis is needed");
    m_strides.assign(m_axes.size(), 1);
    for (std::size_t k = m_axes.size() - 1; k > 0; --k) m_strides[k - 1] = m_strides[k] * m_axes[k].size();
    m_size = m_strides.front() * m_axes.front().size();
  }

  /// A one-dimensional binning.
  explicit binning(rein::axis single) : binning(std::vector<rein::axis>{std::move(single)}) {}

  /// Number of axes d.
  [[nodiscard]] std::size_t dimension() const noexcept { return m_axes.size(); }
  /// Total number of bins Π n_k.
  [[nodiscard]] std::size_t size() const noexcept { return m_size; }
  /// Axis k (unchecked index).
  [[nodiscard]] const rein::axis& axis(std::size_t k) const noexcept { return m_axes[k]; }
  /// All axes, first (slowest) first.
  [[nodiscard]] const std::vector<rein::axis>& axes() const noexcept { return m_axes; }
  /// Row-major strides, first axis slowest; the last stride is 1.
  [[nodiscard]] const std::vector<std::size_t>& strides() const noexcept { return m_strides; }

  /// Flat index of the bin with per-axis indices `indices` (first axis slowest).
  /// @throws rein::invalid_argument if the number of indices is not the dimension or an index is
  ///         out of range (the message names the axis, the index and the number of bins)
  [[nodiscard]] std::size_t flat_index(const std::vector<std::size_t>& indices) const {
    if (indices.size() != m_axes.size())
      throw invalid_argument("rein::binning::flat_index: " + std::to_string(indices.size()) +
                             " indices given, the binning has " + std::to_string(m_axes.size()) + " axes");
    std::size_t flat = 0;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      if (!(indices[k] < m_axes[k].size()))
        throw invalid_argument("rein::binning::flat_index: index[" + std::to_string(k) + "] = " +
                               std::to_string(indices[k]) + ", axis " + std::to_string(k) + " has " +
                               std::to_string(m_axes[k].size()) + " bins");
      flat += indices[k] * m_strides[k];
    }
    return flat;
  }

  /// Per-axis indices of flat bin `flat` (inverse of flat_index).
  /// @throws rein::invalid_argument if flat ≥ size()
  [[nodiscard]] std::vector<std::size_t> unflatten(std::size_t flat) const {
    if (!(flat < m_size))
      throw invalid_argument("rein::binning::unflatten: flat = " + std::to_string(flat) + ", the binning has " +
                             std::to_string(m_size) + " bins");
    std::vector<std::size_t> indices(m_axes.size());
    for (std::size_t k = 0; k < m_axes.size(); ++k) {
      indices[k] = flat / m_strides[k];
      flat -= indices[k] * m_strides[k];
    }
    return indices;
  }

  /// Flat bin of the point x (x[k] on axis k), or nullopt when the point is in no bin.
  ///
  /// With flow_policy::drop a point outside any axis gives nullopt; with clamp it is moved into
  /// the edge bin of each axis it leaves; with error it throws. A NaN coordinate gives nullopt
  /// (drop, clamp) or throws (error).
  /// @param x       d coordinates (unchecked count: d values are read)
  /// @param policy  what to do with values outside the axes
  /// @throws rein::domain_error with flow_policy::error, for a NaN or out-of-range coordinate
  [[nodiscard]] std::optional<std::size_t> locate(const double* x, flow_policy policy) const {
    std::size_t flat = 0;
    bool missing = false;
    for (std::size_t k = 0; k < m_axes.size(); ++k) {
      const auto loc = m_axes[k].locate(x[k]);
      switch (loc.where) {
        case rein::axis::position::inside:
          flat += loc.bin * m_strides[k];
          break;
        case rein::axis::position::nan:
          if (policy == flow_policy::error) throw_outside(k, x[k], "is NaN");
          missing = true;
          break;
        case rein::axis::position::underflow:
        case rein::axis::position::overflow:
          if (policy == flow_policy::error)
            throw_outside(k, x[k], loc.where == rein::axis::position::underflow ? "is below the first edge" : "is above the last edge");
          if (policy == flow_policy::drop) missing = true;
          flat += loc.bin * m_strides[k];
          break;
      }
    }
    if (missing) return std::nullopt;
    return flat;
  }

  /// Same as locate(const double*, flow_policy), checking the number of coordinates.
  /// @throws rein::invalid_argument if x.size() is not the dimension
  [[nodiscard]] std::optional<std::size_t> locate(std::initializer_list<double> x, flow_policy policy) const {
    check_coordinate_count(x.size(), "rein::binning::locate");
    return locate(x.begin(), policy);
  }

  /// Throws invalid_argument unless n equals the dimension; `function` names the caller.
  void check_coordinate_count(std::size_t n, const char* function) const {
    if (n != m_axes.size())
      throw invalid_argument(std::string(function) + ": " + std::to_string(n) +
                             " coordinates given, the binning has " + std::to_string(m_axes.size()) + " axes");
  }

  friend bool operator==(const binning& a, const binning& b) noexcept { return a.m_axes == b.m_axes; }
  friend bool operator!=(const binning& a, const binning& b) noexcept { return !(a == b); }

 private:
  [[noreturn]] void throw_outside(std::size_t k, double value, const char* what) const {
    const std::string& name = m_axes[k].name();
    throw domain_error("rein::binning::locate: coordinate[" + std::to_string(k) + "]" +
                       (name.empty() ? std::string() : " ('" + name + "')") + " = " + detail::format_value(value) +
                       " " + what + " of [" + detail::format_value(m_axes[k].edges().front()) + ", " +
                       detail::format_value(m_axes[k].edges().back()) + "], flow_policy::error forbids it");
  }

  std::vector<rein::axis> m_axes;
  std::vector<std::size_t> m_strides;
  std::size_t m_size = 0;
};

}  // namespace rein
