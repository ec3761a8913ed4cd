#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/dual.hpp"
#include "rein/core/error.hpp"
#include "rein/reweight/bin_integration.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rein::reweight {

/// The bin integrals of a null rate σ0 (fixed) and of an alternative rate σ1(θ) with its Jacobian
/// ∂/∂θ_k: the inputs of the weights w_j(θ) = ∫_j σ1 / ∫_j σ0. Implementations are thread-safe.
class bin_rates {
 public:
  virtual ~bin_rates() = default;
  /// Number of kinematic bins.
  [[nodiscard]] virtual std::size_t bins() const = 0;
  /// The kinematic bin edges (bins() + 1 values).
  [[nodiscard]] virtual const std::vector<double>& edges() const = 0;
  /// Number of parameters θ of the alternative.
  [[nodiscard]] virtual std::size_t parameters() const = 0;
  /// ∫_j σ0 for every bin.
  [[nodiscard]] virtual const std::vector<double>& null_integrals() const = 0;
  /// ∫_j σ1(θ) into `integrals` (bins() values) and, when `jacobian` is not null, ∂/∂θ_k into
  /// jacobian[j·parameters() + k].
  virtual void alternative_integrals(const double* theta, double* integrals, double* jacobian) const = 0;
};

/// bin_rates for any alternative written as a template on its scalar: σ1(q², θ) is evaluated with
/// rein::dual<N> at every quadrature node, so the Jacobian is exact. General, and slower than
/// kernel_rates for rates that are quadratic forms.
/// `Alternative` is callable as alternative(q², const std::array<Scalar, N>& θ) → Scalar.
template <std::size_t N, class Alternative>
class callable_rates final : public bin_rates {
 public:
  /// @param null σ0(q²), integrated once with `null_options` (its support: lower_limit, endpoint)
  /// @param alternative σ1(q², θ), integrated with `alternative_options`
  /// @param edges the kinematic bin edges
  /// @throws invalid_argument for bad edges or options (see bin_quadrature)
  callable_rates(const std::function<double(double)>& null, Alternative alternative, const std::vector<double>& edges,
                 const bin_integration_options& null_options, const bin_integration_options& alternative_options)
      : m_alternative(std::move(alternative)), m_rule(edges, alternative_options),
        m_null(bin_quadrature(edges, null_options).integrate(null)) {}

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_rule.edges(); }
  [[nodiscard]] std::size_t parameters() const override { return N; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }

  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    std::array<dual<N>, N> x;
    for (std::size_t k = 0; k < N; ++k) x[k] = dual<N>::variable(theta[k], k);
    const auto result = m_rule.integrate([&](double q2) { return m_alternative(q2, x); });
    for (std::size_t j = 0; j < result.size(); ++j) {
      integrals[j] = value_of(result[j]);
      if (jacobian)
        for (std::size_t k = 0; k < N; ++k) jacobian[j * N + k] = result[j].derivatives[k];
    }
  }

 private:
  Alternative m_alternative;
  bin_quadrature m_rule;
  std::vector<double> m_null;
};

/// bin_rates for an alternative that is a fixed kernel contracted with θ (for example
/// rein::physics::b_to_k_nunu_kernel, a quadratic form in the form-factor parameters): the kernel
/// is integrated over each bin once, and each parameter point costs one contraction per bin.
/// `KernelAt` is callable as kernel_at(q²) → Kernel; Kernel supports `+=`, `double·Kernel` and
/// contract_with_gradient(const std::array<double, N>&, std::array<double, N>&) → double.
template <std::size_t N, class KernelAt>
class kernel_rates final : public bin_rates {
 public:
  /// @throws invalid_argument for bad edges or options (see bin_quadrature)
  kernel_rates(const std::function<double(double)>& null, const KernelAt& kernel_at, const std::vector<double>& edges,
               const bin_integration_options& null_options, const bin_integration_options& alternative_options)
      : m_edges(edges), m_kernels(bin_quadrature(edges, alternative_options).integrate(kernel_at)),
        m_null(bin_quadrature(edges, null_options).integrate(null)) {}

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_edges; }
  [[nodiscard]] std::size_t parameters() const override { return N; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }

  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    std::array<double, N> x, gradient;
    for (std::size_t k = 0; k < N; ++k) x[k] = theta[k];
    for (std::size_t j = 0; j < m_kernels.size(); ++j) {
      integrals[j] = m_kernels[j].contract_with_gradient(x, gradient);
      if (jacobian)
        for (std::size_t k = 0; k < N; ++k) jacobian[j * N + k] = gradient[k];
    }
  }

 private:
  std::vector<double> m_edges;
  std::vector<std::decay_t<decltype(std::declval<KernelAt>()(0.0))>> m_kernels;
  std::vector<double> m_null;
};

}  // namespace rein::reweight
