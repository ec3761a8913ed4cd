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

/// Takes a batch callable's values at every node (pointers valid during the call only: a rate
/// written outside C++ hands over its own arrays, uncopied) and integrates them; returns whether
/// every integral is finite. A value that is not finite makes its bin's integral not finite, so a
/// caller looks for such values only when this says false.
using node_values = std::function<bool(const double* values)>;

/// σ1 at every node: rate(q2, θ, take) calls take(v) once with v[n] = σ1(q2[n]; θ), n < q2.size().
using batch_rate = std::function<void(const std::vector<double>& q2, const double* theta, const node_values& take)>;

/// ∂σ1/∂θ at every node: derivative(q2, θ, take) calls take(d) once with d[k·q2.size() + n] = ∂σ1/∂θ_k at q2[n].
using batch_derivative = std::function<void(const std::vector<double>& q2, const double* theta, const node_values& take)>;

/// σ1 and ∂σ1/∂θ at every node from one call, handed to take_rate and take_derivative as
/// batch_rate and batch_derivative hand them: a rate whose derivative shares its work (form
/// factors, kinematics) costs one call per point.
using batch_rate_and_derivative = std::function<void(const std::vector<double>& q2, const double* theta, const node_values& take_rate,
                                                     const node_values& take_derivative)>;

/// The bin integrals of a null (a plain callable) and of a batch-evaluated alternative with
/// `parameters` parameters. One call of the rate per parameter point evaluates every node of every
/// bin; the Jacobian comes from the same call (batch_rate_and_derivative), from one call of a
/// derivative, or from 2·parameters more calls (central differences with step
/// h_k = relative_step·max(1, |θ_k|)). The integrals (and Jacobians) of the last `kept_points`
/// points are kept: a likelihood evaluated again at the same rate parameters — a Hessian
/// differencing the other parameters, a fit's line search moving nuisance parameters only, a fit
/// returning to an earlier point — calls the rate not at all (the callables must be pure functions
/// of q² and θ; the same θ means the same bits). Thread-safe when the callables are.
class batch_rates final : public bin_rates {
 public:
  /// The points whose integrals are kept (a fit returns to a point a dozen evaluations later).
  static constexpr std::size_t kept_points = 16;

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

  /// The alternative and its derivative from one callable.
  /// @throws invalid_argument for bad edges or options (see bin_quadrature), or no callable
  batch_rates(const std::function<double(double)>& null, std::size_t parameters, batch_rate_and_derivative rate_and_derivative,
              const std::vector<double>& edges, const bin_integration_options& null_options,
              const bin_integration_options& alternative_options)
      : m_parameters(parameters), m_rate_and_derivative(std::move(rate_and_derivative)), m_rule(edges, alternative_options),
        m_null(bin_quadrature(edges, null_options).integrate(null)), m_step(0) {
    rein::detail::check(static_cast<bool>(m_rate_and_derivative), "rein::reweight::batch_rates: no rate-and-derivative callable");
  }

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_rule.edges(); }
  [[nodiscard]] std::size_t parameters() const override { return m_parameters; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }

  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    if (find_kept(theta, integrals, jacobian)) return;
    point p;
    p.theta.assign(theta, theta + m_parameters);
    p.integrals.resize(bins());
    // a combined callable gives the Jacobian at no extra call: keep it for the gradient that follows
    if (jacobian || m_rate_and_derivative) p.jacobian.resize(bins() * m_parameters);
    compute(theta, p.integrals.data(), p.jacobian.empty() ? nullptr : p.jacobian.data());
    std::copy(p.integrals.begin(), p.integrals.end(), integrals);
    if (jacobian) std::copy(p.jacobian.begin(), p.jacobian.end(), jacobian);
    keep(std::move(p));
  }

 private:
  // one point's rate parameters, bin integrals and (when computed) Jacobian, row-major bins × parameters
  struct point {
    std::vector<double> theta, integrals, jacobian;
  };

  // the integrals at θ, and the Jacobian when `jacobian` is not null
  void compute(const double* theta, double* integrals, double* jacobian) const {
    const std::size_t n = m_parameters, bins = m_null.size();
    if (m_rate_and_derivative) {
      bool rate_taken = false, derivative_taken = false;
      const node_values take_rate = [&](const double* values) {
        rate_taken = true;
        return integrate(values, integrals, 1);
      };
      const node_values take_derivative = [&](const double* derivatives) {
        derivative_taken = true;
        return integrate_rows(derivatives, jacobian);
      };
      m_rate_and_derivative(m_rule.nodes(), theta, take_rate, take_derivative);
      handed_over(rate_taken && derivative_taken, "rate-and-derivative");
      return;
    }
    rate_integrals(theta, integrals);
    if (!jacobian) return;
    if (m_derivative) {
      bool taken = false;
      m_derivative(m_rule.nodes(), theta, [&](const double* derivatives) {
        taken = true;
        return integrate_rows(derivatives, jacobian);
      });
      handed_over(taken, "derivative");
      return;
    }
    std::vector<double> shifted(theta, theta + n), up(bins), down(bins);
    for (std::size_t k = 0; k < n; ++k) {
      const double h = m_step * std::max(1.0, std::abs(theta[k]));
      shifted[k] = theta[k] + h;
      rate_integrals(shifted.data(), up.data());
      shifted[k] = theta[k] - h;
      rate_integrals(shifted.data(), down.data());
      shifted[k] = theta[k];
      for (std::size_t j = 0; j < bins; ++j) jacobian[j * n + k] = (up[j] - down[j]) / (2 * h);
    }
  }

  // the integrals of the rate (not the combined callable) at θ
  void rate_integrals(const double* theta, double* integrals) const {
    bool taken = false;
    m_rate(m_rule.nodes(), theta, [&](const double* values) {
      taken = true;
      return integrate(values, integrals, 1);
    });
    handed_over(taken, "rate");
  }

  // a callable that returned without handing over its values would leave the integrals unset
  static void handed_over(bool taken, const char* what) {
    rein::detail::check(taken, std::string("rein::reweight::batch_rates: the ") + what + " callable returned without handing over its values");
  }

  // the Jacobian (bins × parameters, row-major) of derivatives[k·nodes + node]; whether all finite
  bool integrate_rows(const double* derivatives, double* jacobian) const {
    bool finite = true;
    for (std::size_t k = 0; k < m_parameters; ++k)
      finite = integrate(derivatives + k * m_rule.nodes().size(), jacobian + k, m_parameters) && finite;
    return finite;
  }

  // Σ_k w_k v_k over each bin's nodes, in bin_quadrature::integrate's order, written to
  // integrals[j·stride] (a Jacobian's column: stride = parameters); whether all are finite
  bool integrate(const double* values, double* integrals, std::size_t stride) const {
    const auto& weights = m_rule.weights();
    bool finite = true;
    for (std::size_t j = 0; j < m_rule.bin_count(); ++j) {
      double sum = 0;
      for (std::size_t k = m_rule.offset(j); k < m_rule.offset(j + 1); ++k) sum += weights[k] * values[k];
      integrals[j * stride] = sum;
      finite = finite && std::isfinite(sum);
    }
    return finite;
  }

  // whether θ is p's θ, bit for bit (as the cache's contract says: 0 and -0 differ)
  bool same_bits(const double* theta, const point& p) const {
    return std::memcmp(theta, p.theta.data(), m_parameters * sizeof(double)) == 0;
  }

  // the kept results at θ (bit-equal), copied out; false when θ is not kept or lacks a Jacobian asked for
  bool find_kept(const double* theta, double* integrals, double* jacobian) const {
    const std::lock_guard<std::mutex> lock(m_kept_mutex);
    for (const auto& p : m_kept) {
      if ((jacobian && p.jacobian.empty()) || !same_bits(theta, p)) continue;
      std::copy(p.integrals.begin(), p.integrals.end(), integrals);
      if (jacobian) std::copy(p.jacobian.begin(), p.jacobian.end(), jacobian);
      return true;
    }
    return false;
  }

  // keeps `p` in place of the oldest of the kept points (or of a point at the same θ without a Jacobian)
  void keep(point p) const {
    const std::lock_guard<std::mutex> lock(m_kept_mutex);
    const auto same = std::find_if(m_kept.begin(), m_kept.end(), [&](const point& q) { return same_bits(p.theta.data(), q); });
    if (same != m_kept.end()) *same = std::move(p);
    else if (m_kept.size() < kept_points) m_kept.push_back(std::move(p));
    else m_kept[m_oldest++ % kept_points] = std::move(p);
  }

  std::size_t m_parameters;
  batch_rate m_rate;
  batch_derivative m_derivative;
  batch_rate_and_derivative m_rate_and_derivative;
  bin_quadrature m_rule;
  std::vector<double> m_null;
  double m_step;
  // the kept points' results (alternative_integrals is const and may run on several threads)
  mutable std::mutex m_kept_mutex;
  mutable std::vector<point> m_kept;
  mutable std::size_t m_oldest = 0;
};

}  // namespace rein::reweight
