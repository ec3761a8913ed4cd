#pragma once

// Weighted n-dimensional histograms over a rein::binning (row-major, first axis slowest).
#include "rein/config.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace rein {

/// Sums of the entries that were not put into a bin.
struct flow_sums {
  double sum_weights = 0.0;          ///< Σ w
  double sum_weights_squared = 0.0;  ///< Σ w²
  std::size_t entries = 0;           ///< number of fill calls
};

/// A weighted histogram: per bin Σ w (value) and Σ w² (variance of the value for independent
/// weighted entries), stored flat in the order of its binning (row-major, first axis slowest).
///
/// Entries outside the binning follow the flow_policy: `drop` keeps them out of the bins and adds
/// them to outside(); `clamp` puts them into the edge bins; `error` throws. NaN coordinates are
/// never binned: they go to invalid() (drop, clamp) or throw (error).
class histogram {
 public:
  /// @param bins    the binning (copied)
  /// @param policy  treatment of under- and overflow
  explicit histogram(rein::binning bins, flow_policy policy = flow_policy::drop)
      : m_binning(std::move(bins)),
        m_policy(policy),
        m_values(m_binning.size(), 0.0),
        m_variances(m_binning.size(), 0.0) {}

  /// Fills a one-dimensional histogram.
  /// @param x       coordinate
  /// @param weight  entry weight (finite)
  /// @throws rein::invalid_argument if the histogram is not one-dimensional or weight is not finite
  /// @throws rein::domain_error with flow_policy::error, if x is NaN or outside the axis
  void fill(double x, double weight = 1.0) {
    m_binning.check_coordinate_count(1, "rein::histogram::fill");
    fill(&x, weight);
  }

  /// Fills an n-dimensional histogram at x (one value per axis, first axis first).
  /// @throws rein::invalid_argument if x.size() is not the dimension or weight is not finite
  /// @throws rein::domain_error with flow_policy::error, if a coordinate is NaN or out of range
  void fill(std::initializer_list<double> x, double weight = 1.0) {
    m_binning.check_coordinate_count(x.size(), "rein::histogram::fill");
    fill(x.begin(), weight);
  }

  /// Fills at the d coordinates x[0..d-1] (the count is not checked).
  /// @throws rein::invalid_argument if weight is not finite
  /// @throws rein::domain_error with flow_policy::error, if a coordinate is NaN or out of range
  void fill(const double* x, double weight) {
    if (!std::isfinite(weight)) detail::check_finite(weight, "rein::histogram::fill: weight");
    const auto bin = m_binning.locate(x, m_policy);
    if (bin) {
      m_values[*bin] += weight;
      m_variances[*bin] += weight * weight;
      return;
    }
    bool is_nan = false;
    for (std::size_t k = 0; k < m_binning.dimension(); ++k)
      if (x[k] != x[k]) is_nan = true;
    flow_sums& sums = is_nan ? m_invalid : m_outside;
    sums.sum_weights += weight;
    sums.sum_weights_squared += weight * weight;
    ++sums.entries;
  }

  /// The binning.
  [[nodiscard]] const rein::binning& bins() const noexcept { return m_binning; }
  /// The flow policy.
  [[nodiscard]] flow_policy policy() const noexcept { return m_policy; }
  /// Σ w per bin, flat (row-major, first axis slowest).
  [[nodiscard]] const std::vector<double>& values() const noexcept { return m_values; }
  /// Σ w² per bin, flat.
  [[nodiscard]] const std::vector<double>& variances() const noexcept { return m_variances; }
  /// Σ w of flat bin i (checked).
  /// @throws rein::invalid_argument if i ≥ size
  [[nodiscard]] double value(std::size_t i) const { return m_values[checked(i, "value")]; }
  /// Σ w² of flat bin i (checked).
  /// @throws rein::invalid_argument if i ≥ size
  [[nodiscard]] double variance(std::size_t i) const { return m_variances[checked(i, "variance")]; }
  /// Σ w of the bin with per-axis indices `indices`.
  /// @throws rein::invalid_argument for a wrong count or an index out of range
  [[nodiscard]] double at(const std::vector<std::size_t>& indices) const {
    return m_values[m_binning.flat_index(indices)];
  }
  /// Sum of Σ w over all bins (excluding outside() and invalid()).
  [[nodiscard]] double total() const noexcept {
    double sum = 0.0;
    for (double v : m_values) sum += v;
    return sum;
  }
  /// Entries that fell outside the binning (flow_policy::drop only).
  [[nodiscard]] const flow_sums& outside() const noexcept { return m_outside; }
  /// Entries with a NaN coordinate.
  [[nodiscard]] const flow_sums& invalid() const noexcept { return m_invalid; }

  /// Adds another histogram bin by bin (and its outside/invalid sums).
  /// @throws rein::invalid_argument if the binnings differ
  histogram& operator+=(const histogram& other) {
    detail::check(m_binning == other.m_binning,
                  "rein::histogram::operator+=: the binnings differ, histograms can only be added bin by bin");
    for (std::size_t i = 0; i < m_values.size(); ++i) {
      m_values[i] += other.m_values[i];
      m_variances[i] += other.m_variances[i];
    }
    for (auto [mine, theirs] : {std::pair{&m_outside, &other.m_outside}, std::pair{&m_invalid, &other.m_invalid}}) {
      mine->sum_weights += theirs->sum_weights;
      mine->sum_weights_squared += theirs->sum_weights_squared;
      mine->entries += theirs->entries;
    }
    return *this;
  }

  /// Multiplies every value (and the outside/invalid sums of weights) by c and every variance by c².
  /// @throws rein::invalid_argument if c is not finite
  histogram& scale(double c) {
    detail::check_finite(c, "rein::histogram::scale: c");
    for (std::size_t i = 0; i < m_values.size(); ++i) {
      m_values[i] *= c;
      m_variances[i] *= c * c;
    }
    for (flow_sums* sums : {&m_outside, &m_invalid}) {
      sums->sum_weights *= c;
      sums->sum_weights_squared *= c * c;
    }
    return *this;
  }

 private:
  std::size_t checked(std::size_t i, const char* what) const {
    if (!(i < m_values.size()))
      throw invalid_argument(std::string("rein::histogram::") + what + ": bin " + std::to_string(i) +
                             ", the histogram has " + std::to_string(m_values.size()) + " bins");
    return i;
  }

  rein::binning m_binning;
  flow_policy m_policy;
  std::vector<double> m_values;
  std::vector<double> m_variances;
  flow_sums m_outside;
  flow_sums m_invalid;
};

}  // namespace rein
