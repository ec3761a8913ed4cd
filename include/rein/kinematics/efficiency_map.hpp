#pragma once

// Efficiency maps ε(kinematics): per-bin efficiencies on an n-D binning, with lookup.
#include "rein/config.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/histogram.hpp"

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::kinematics {

/// A binned efficiency ε(x) and its uncertainty, flat in the order of its binning (row-major,
/// first axis slowest). Lookup is piecewise constant (the bin's value); a point outside the
/// binning follows the flow_policy given at construction: drop → ε = 0, clamp → edge bin,
/// error → throws. A NaN coordinate gives ε = 0 (drop, clamp) or throws (error).
class efficiency_map {
 public:
  /// @param bins           binning of the map
  /// @param efficiencies   one value per bin, each in [0, 1]
  /// @param uncertainties  one value per bin, each finite and ≥ 0 (empty: all zero)
  /// @param outside        lookup policy outside the binning
  /// @throws rein::invalid_argument if a size does not match the number of bins, or an entry is
  ///         outside [0, 1] / negative / NaN (the message names the flat bin and the value)
  efficiency_map(rein::binning bins, std::vector<double> efficiencies, std::vector<double> uncertainties = {},
                 flow_policy outside = flow_policy::drop)
      : m_binning(std::move(bins)),
        m_efficiencies(std::move(efficiencies)),
        m_uncertainties(std::move(uncertainties)),
        m_policy(outside) {
    const std::string function = "rein::kinematics::efficiency_map";
    const std::size_t n = m_binning.size();
    if (m_uncertainties.empty()) m_uncertainties.assign(n, 0.0);
    rein::detail::check(m_efficiencies.size() == n, function + ": efficiencies has " +
                                                        std::to_string(m_efficiencies.size()) +
                                                        " entries, the binning has " + std::to_string(n) + " bins");
    rein::detail::check(m_uncertainties.size() == n, function + ": uncertainties has " +
                                                         std::to_string(m_uncertainties.size()) +
                                                         " entries, the binning has " + std::to_string(n) + " bins");
    for (std::size_t i = 0; i < n; ++i) {
      if (!(m_efficiencies[i] >= 0.0 && m_efficiencies[i] <= 1.0))
        throw invalid_argument(function + ": efficiencies[" + std::to_string(i) +
                               "] = " + rein::detail::format_value(m_efficiencies[i]) + ", must be in [0, 1]");
      if (!(m_uncertainties[i] >= 0.0) || !std::isfinite(m_uncertainties[i]))
        throw invalid_argument(function + ": uncertainties[" + std::to_string(i) +
                               "] = " + rein::detail::format_value(m_uncertainties[i]) +
                               ", must be finite and non-negative");
    }
  }

  /// ε = passed/generated per bin from two histograms with the same binning (passed ⊂ generated),
  /// with the normal-approximation variance for weighted events
  /// σ² = [(1 − 2ε) Σw²_pass + ε² Σw²_gen] / (Σw_gen)², which is ε(1 − ε)/N for unit weights.
  /// Bins with Σw_gen = 0 get ε = 0 and σ = 0.
  /// @throws rein::invalid_argument if the binnings differ, or a bin has passed > generated or a
  ///         negative sum (named by flat bin)
  [[nodiscard]] static efficiency_map from_histograms(const histogram& passed, const histogram& generated,
                                                      flow_policy outside = flow_policy::drop) {
    const std::string function = "rein::kinematics::efficiency_map::from_histograms";
    rein::detail::check(passed.bins() == generated.bins(),
                        function + ": passed and generated have different binnings");
    const std::size_t n = passed.bins().size();
    std::vector<double> eff(n, 0.0), unc(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double k = passed.values()[i], g = generated.values()[i];
      if (!(k >= 0.0) || !(g >= k))
        throw invalid_argument(function + ": bin " + std::to_string(i) + " has passed = " +
                               rein::detail::format_value(k) + ", generated = " + rein::detail::format_value(g) +
                               ", must have 0 <= passed <= generated");
      if (g == 0.0) continue;
      const double e = k / g;
      const double var = ((1.0 - 2.0 * e) * passed.variances()[i] + e * e * generated.variances()[i]) / (g * g);
      eff[i] = e;
      unc[i] = var > 0.0 ? std::sqrt(var) : 0.0;
    }
    return efficiency_map(passed.bins(), std::move(eff), std::move(unc), outside);
  }

  /// ε at the point x (one coordinate per axis, first axis first).
  /// @throws rein::invalid_argument if x.size() is not the dimension
  /// @throws rein::domain_error with flow_policy::error, for a NaN or out-of-range coordinate
  [[nodiscard]] double efficiency(std::initializer_list<double> x) const {
    m_binning.check_coordinate_count(x.size(), "rein::kinematics::efficiency_map::efficiency");
    return efficiency(x.begin());
  }
  /// ε at the d coordinates x[0..d-1].
  [[nodiscard]] double efficiency(const double* x) const {
    const auto bin = m_binning.locate(x, m_policy);
    return bin ? m_efficiencies[*bin] : 0.0;
  }
  /// Uncertainty of ε at x (0 where efficiency() returns 0 for a point outside).
  [[nodiscard]] double uncertainty(std::initializer_list<double> x) const {
    m_binning.check_coordinate_count(x.size(), "rein::kinematics::efficiency_map::uncertainty");
    const auto bin = m_binning.locate(x.begin(), m_policy);
    return bin ? m_uncertainties[*bin] : 0.0;
  }

  [[nodiscard]] const rein::binning& bins() const noexcept { return m_binning; }
  [[nodiscard]] const std::vector<double>& efficiencies() const noexcept { return m_efficiencies; }
  [[nodiscard]] const std::vector<double>& uncertainties() const noexcept { return m_uncertainties; }
  [[nodiscard]] flow_policy policy() const noexcept { return m_policy; }

 private:
  rein::binning m_binning;
  std::vector<double> m_efficiencies;
  std::vector<double> m_uncertainties;
  flow_policy m_policy;
};

}  // namespace rein::kinematics
