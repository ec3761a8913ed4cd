#pragma once

// bin_rates for an alternative rate evaluated at many q² at once — a vectorised rate written
// outside C++ (a Python function in the rein package) — integrated with the same bin_quadrature
// as the built-in rates; its Jacobian from a user's derivative or from central finite differences.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rein::reweight {

/// σ1 at every node: rate(q2, θ, out) writes σ1(q2[n]; θ) to out[n] for n < q2.size().
using batch_rate = std::function<void(const std::vector<double>& q2, const double* theta, double* out)>;

/// ∂σ1/∂θ_k at every node: derivative(q2, θ, out) writes it to out[k·q2.size() + n].
using batch_derivative = std::function<void(const std::vector<double>& q2, const double* theta, double* out)>;

/// The bin integrals of a null (a plain callable) and of a batch-evaluated alternative with
/// `parameters` parameters. One call of the rate per parameter point evaluates every node of every
/// bin; without a derivative, the Jacobian takes 2·parameters more calls (central differences with
/// step h_k = relative_step·max(1, |θ_k|)). The last point's integrals (and Jacobian) are kept:
/// a likelihood evaluated again at the same rate parameters — a Hessian differencing the other
/// parameters, a fit's line search moving nuisance parameters only — calls the rate not at all
/// (the callables must be pure functions of q² and θ; the same θ means the same bits). Thread-safe when the callables are.
class batch_rates final : public bin_rates {
 public:
  /// @param relative_step finite-difference step relative to max(1, |θ_k|), > 0 (default ∛ε: the
  ///        step that balances truncation and rounding errors of central differences)
  /// @throws invalid_argument for bad edges or options (see bin_quadrature), no rate, or a step ≤ 0
  batch_rates(const std::function<double(double)>& null, std::size_t parameters, batch_rate rate, batch_derivative derivative,
              const std::vector<double>& edges, const bin_integration_options& null_options,
              const bin_integration_options& alternative_options, double relative_step = 6.0554544523933395e-06)
      : m_parameters(parameters), m_rate(std::move(rate)), m_derivative(std::move(derivative)), m_rule(edges, alternative_options),
        m_null(bin_quadrature(edges, null_options).integrate(null)), m_step(relative_step) {
    rein::detail::check(static_cast<bool>(m_rate), "rein::reweight::batch_rates: no rate callable");
    rein::detail::check(m_step > 0, "rein::reweight::batch_rates: relative_step = " + rein::detail::format_value(m_step) +
                                        ", must be > 0");
  }

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_rule.edges(); }
  [[nodiscard]] std::size_t parameters() const override { return m_parameters; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }

  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    const std::size_t n = m_parameters, bins = m_null.size();
    {
      const std::lock_guard<std::mutex> lock(m_last.mutex);
      if (m_last.valid && (!jacobian || m_last.with_jacobian) && std::memcmp(theta, m_last.theta.data(), n * sizeof(double)) == 0) {
        std::copy(m_last.integrals.begin(), m_last.integrals.end(), integrals);
        if (jacobian) std::copy(m_last.jacobian.begin(), m_last.jacobian.end(), jacobian);
        return;
      }
    }
    compute(theta, integrals, jacobian);
    const std::lock_guard<std::mutex> lock(m_last.mutex);
    m_last.valid = true;
    m_last.with_jacobian = jacobian != nullptr;
    m_last.theta.assign(theta, theta + n);
    m_last.integrals.assign(integrals, integrals + bins);
    if (jacobian) m_last.jacobian.assign(jacobian, jacobian + bins * n);
  }

 private:
  void compute(const double* theta, double* integrals, double* jacobian) const {
    const auto& nodes = m_rule.nodes();
    std::vector<double> values(nodes.size());
    m_rate(nodes, theta, values.data());
    integrate(values.data(), integrals);
    if (!jacobian) return;
    const std::size_t n = m_parameters, bins = m_null.size();
    std::vector<double> column(bins);
    if (m_derivative) {
      std::vector<double> derivatives(n * nodes.size());
      m_derivative(nodes, theta, derivatives.data());
      for (std::size_t k = 0; k < n; ++k) {
        integrate(derivatives.data() + k * nodes.size(), column.data());
        for (std::size_t j = 0; j < bins; ++j) jacobian[j * n + k] = column[j];
      }
      return;
    }
    std::vector<double> shifted(theta, theta + n), up(bins), down(bins);
    for (std::size_t k = 0; k < n; ++k) {
      const double h = m_step * std::max(1.0, std::abs(theta[k]));
      shifted[k] = theta[k] + h;
      m_rate(nodes, shifted.data(), values.data());
      integrate(values.data(), up.data());
      shifted[k] = theta[k] - h;
      m_rate(nodes, shifted.data(), values.data());
      integrate(values.data(), down.data());
      shifted[k] = theta[k];
      for (std::size_t j = 0; j < bins; ++j) jacobian[j * n + k] = (up[j] - down[j]) / (2 * h);
    }
  }

  // Σ_k w_k v_k per bin, in bin_quadrature::integrate's order
  void integrate(const double* values, double* integrals) const {
    const auto& weights = m_rule.weights();
    for (std::size_t j = 0; j < m_rule.bin_count(); ++j) {
      double sum = 0;
      for (std::size_t k = m_rule.offset(j); k < m_rule.offset(j + 1); ++k) sum += weights[k] * values[k];
      integrals[j] = sum;
    }
  }

  std::size_t m_parameters;
  batch_rate m_rate;
  batch_derivative m_derivative;
  bin_quadrature m_rule;
  std::vector<double> m_null;
  double m_step;
  // the last point's results (alternative_integrals is const and may run on several threads)
  struct last_point {
    std::mutex mutex;
    bool valid = false, with_jacobian = false;
    std::vector<double> theta, integrals, jacobian;
  };
  mutable last_point m_last;
};

}  // namespace rein::reweight
