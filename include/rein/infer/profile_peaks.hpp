#pragma once

// The separated peaks of a likelihood in one parameter (a resonance's mass: one peak per
// fluctuation of the data), found on a grid: where bayes::sample_multistart starts its chains.
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/scan.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace rein::infer {

/// One peak of the profile likelihood: the grid value and the conditional fit there.
struct profile_peak {
  double value = 0;      ///< the scanned parameter's grid value
  double twice_nll = 0;  ///< 2 nll of the conditional fit
  Eigen::VectorXd theta;  ///< every parameter at that fit (the scanned one at `value`)
};

/// The local minima of the profile of 2 nll in `parameter` on `grid` (a point lower than both
/// neighbours; an end point lower than its one neighbour; the last point of a flat run), deepest
/// first, at most `most` of them. Each grid point is a conditional fit as in profile_scan_points;
/// points whose fit failed are not peaks and do not separate two.
/// @throws invalid_argument when most is 0, as profile_scan_points (unknown or fixed parameter,
///         grid outside its bounds or not increasing), and when no grid point's fit converged
[[nodiscard]] inline std::vector<profile_peak> profile_peaks(const likelihood::model& model, const likelihood::dataset& data,
                                                             const std::string& parameter, const std::vector<double>& grid,
                                                             std::size_t most, const fit::fit_options& options = {}) {
  if (most == 0) throw invalid_argument("rein::infer::profile_peaks: asked for 0 peaks; need at least 1");
  const std::size_t index = detail::scanned_parameter(model, parameter, grid, options);
  fit::fit_options free_options = options;
  free_options.errors = false;
  const auto free = fit::fit(model, data, free_options);
  std::vector<profile_peak> converged;
  for (const double x : grid) {
    auto r = detail::conditional_fit(model, data, index, x, options, &free);
    if (r.ok()) converged.push_back({x, r.twice_nll, std::move(r.values)});
  }
  if (converged.empty())
    throw invalid_argument("rein::infer::profile_peaks: no conditional fit in '" + parameter + "' converged on the grid");
  std::vector<profile_peak> peaks;
  for (std::size_t k = 0; k < converged.size(); ++k) {
    const bool below_left = k == 0 || converged[k].twice_nll <= converged[k - 1].twice_nll;
    const bool below_right = k + 1 == converged.size() || converged[k].twice_nll < converged[k + 1].twice_nll;
    if (below_left && below_right) peaks.push_back(converged[k]);
  }
  std::stable_sort(peaks.begin(), peaks.end(), [](const profile_peak& a, const profile_peak& b) { return a.twice_nll < b.twice_nll; });
  if (peaks.size() > most) peaks.resize(most);
  return peaks;
}

}  // namespace rein::infer
