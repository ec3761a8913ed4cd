#pragma once

// A user's rate given as a table (q², dΓ/dq²) — from a paper, a plot digitised or another code —
// as a null rate for the registry, or as an alternative with one parameter `scale`: linear between
// the points, zero outside them.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/models/rate_entry.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rein::models {

namespace detail {

inline void check_table(const std::string& where, const std::vector<double>& q2, const std::vector<double>& rate) {
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
}

// ∫_a^b of the linear interpolant of (x, y), zero outside [x.front(), x.back()]: exact, segment by
// segment (the trapezoid of each overlap)
inline double integrate_table(const std::vector<double>& x, const std::vector<double>& y, double a, double b) {
  double sum = 0;
  for (std::size_t k = 0; k + 1 < x.size(); ++k) {
    const double lo = std::max(a, x[k]), hi = std::min(b, x[k + 1]);
    if (!(lo < hi)) continue;
    const auto at = [&](double q) { return y[k] + (q - x[k]) / (x[k + 1] - x[k]) * (y[k + 1] - y[k]); };
    sum += 0.5 * (at(lo) + at(hi)) * (hi - lo);
  }
  return sum;
}

}  // namespace detail

/// The null rate `name` that interpolates (q2[i], rate[i]) linearly, supported on [q2.front(),
/// q2.back()]; add it with add_null to use it by name.
/// @throws invalid_argument unless there are ≥ 2 points, q2 strictly increasing and finite, and
///         every rate finite and ≥ 0 (naming the index and the value)
inline null_rate tabulated_null(std::string name, std::vector<double> q2, std::vector<double> rate,
                                std::string description = "tabulated") {
  detail::check_table("rein::models::tabulated_null '" + name + "': ", q2, rate);
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

/// The bin integrals of the null (by quadrature on its support) and of σ1 = scale · T(q²), T the
/// linear interpolant of a table (integrated exactly); θ = (scale).
class scaled_table_rates final : public reweight::bin_rates {
 public:
  scaled_table_rates(const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule,
                     const std::vector<double>& q2, const std::vector<double>& rate)
      : m_edges(edges),
        m_null(reweight::bin_quadrature(edges, support_options(null.q2_min, null.q2_max, rule)).integrate(null.rate)) {
    for (std::size_t j = 0; j + 1 < edges.size(); ++j) m_table.push_back(detail::integrate_table(q2, rate, edges[j], edges[j + 1]));
  }
  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_edges; }
  [[nodiscard]] std::size_t parameters() const override { return 1; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }
  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    for (std::size_t j = 0; j < m_table.size(); ++j) {
      integrals[j] = theta[0] * m_table[j];
      if (jacobian) jacobian[j] = m_table[j];
    }
  }

 private:
  std::vector<double> m_edges, m_null, m_table;
};

/// The alternative `name`: σ1(q²) = scale · T(q²), T the linear interpolant of (q2[i], rate[i])
/// (zero outside the table), the full rate of the model (the SM part included when it has one),
/// in the null's units; parameter `scale` (init 1, bounds [0, 100]). Add it with add_alternative.
/// @throws invalid_argument as tabulated_null
inline alternative_rate tabulated_alternative(std::string name, std::vector<double> q2, std::vector<double> rate,
                                              std::string description = "tabulated, times scale") {
  detail::check_table("rein::models::tabulated_alternative '" + name + "': ", q2, rate);
  auto make_rates = [x = std::move(q2), y = std::move(rate)](const null_rate& null, const std::vector<double>& edges,
                                                              reweight::quadrature_rule rule) -> std::shared_ptr<const reweight::bin_rates> {
    return std::make_shared<scaled_table_rates>(null, edges, rule, x, y);
  };
  return {std::move(name), std::move(description), {{"scale", 1.0, 0.0, 100.0}}, std::move(make_rates)};
}

}  // namespace rein::models
