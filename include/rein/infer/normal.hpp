#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <cmath>

namespace rein::infer {

/// Φ(x), the standard normal CDF, accurate far into both tails (erfc, never 1 − Φ).
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / 1.41421356237309504880); }

/// 1 − Φ(x) = Φ(−x), accurate for large x.
inline double normal_survival(double x) { return 0.5 * std::erfc(x / 1.41421356237309504880); }

/// Φ⁻¹(p).
/// @throws domain_error unless 0 < p < 1.
inline double normal_quantile(double p) {
  if (!(p > 0 && p < 1))
    throw domain_error("rein::infer::normal_quantile: p = " + rein::detail::format_value(p) + ", must lie in (0, 1)");
  return -1.41421356237309504880 * boost::math::erfc_inv(2 * p);
}

/// The significance Z = Φ⁻¹(1 − p) of a p-value, computed as −Φ⁻¹(p) to stay exact for small p.
/// @throws domain_error unless 0 < p < 1.
inline double significance_of(double p) { return -normal_quantile(p); }

}  // namespace rein::infer
