#pragma once

// A user's rate given as a table (q², dΓ/dq²) — from a paper, a plot digitised or another code —
// as a null rate for the registry: linear between the points, zero outside them.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/models/rate_entry.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::models {

/// The null rate `name` that interpolates (q2[i], rate[i]) linearly, supported on [q2.front(),
/// q2.back()]; add it with add_null to use it by name.
/// @throws invalid_argument unless there are ≥ 2 points, q2 strictly increasing and finite, and
///         every rate finite and ≥ 0 (naming the index and the value)
inline null_rate tabulated_null(std::string name, std::vector<double> q2, std::vector<double> rate,
                                std::string description = "tabulated") {
  const std::string where = "rein::models::tabulated_null '" + name + "': ";
  if (q2.size() < 2 || q2.size() != rate.size())
    throw invalid_argument(where + "needs at least 2 points and one rate per q2, found " + std::to_string(q2.size()) +
                           " q2 values and " + std::to_string(rate.size()) + " rates");
  for (std::size_t i = 0; i < q2.size(); ++i) {
    if (!std::isfinite(q2[i]) || (i > 0 && !(q2[i] > q2[i - 1])))
      throw invalid_argument(where + "q2[" + std::to_string(i) + "] = " + rein::detail::format_value(q2[i]) +
                             " must be finite and greater than the previous point");
    if (!std::isfinite(rate[i]) || rate[i] < 0)
      throw invalid_argument(where + "rate[" + std::to_string(i) + "] = " + rein::detail::format_value(rate[i]) +
                             " must be finite and >= 0");
  }
  const double lo = q2.front(), hi = q2.back();
  auto interpolate = [x = std::move(q2), y = std::move(rate)](double q) {
    if (!(q >= x.front() && q <= x.back())) return 0.0;
    const auto k = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), q) - x.begin());
    if (k >= x.size()) return y.back();
    const double t = (q - x[k - 1]) / (x[k] - x[k - 1]);
    return y[k - 1] + t * (y[k] - y[k - 1]);
  };
  return {std::move(name), std::move(description), std::move(interpolate), lo, hi};
}

}  // namespace rein::models
