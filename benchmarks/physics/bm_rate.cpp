// Benchmarks of the B→Kνν̄ rates and of Belle II's 101 reweighting bin weights with gradients.
//
// The weights: bins [−1, 0] + 100 uniform bins on [0, 22.885] GeV², w_j = ∫_j alt / ∫_j null with
// the HPQCD null and the WET alternative at the Belle II FF mean (data/belle2-knunu), w = 1 in the
// underflow bin; the gradient of every w_j with respect to θ = (cvl, csl, ctl, FFK[0..7]).
// Target: all 101 weights with gradients in under 50 µs.
#include "rein/core/dual.hpp"
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/callables.hpp"
#include "rein/physics/constants.hpp"
#include "rein/reweight/bin_integration.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <vector>

namespace {

using rein::physics::b_to_k_nunu_alternative;
using rein::physics::b_to_k_nunu_kernel;
using rein::physics::b_to_k_nunu_null;
using d11 = rein::dual<11>;
using theta_type = std::array<double, 11>;

std::vector<double> belle2_edges() {
  std::vector<double> edges{-1.0};
  for (int i = 0; i < 100; ++i) edges.push_back(i * (22.885 / 100.0));
  edges.push_back(22.885);
  return edges;
}

theta_type sm_theta() {
  theta_type t{rein::physics::c_vl_sm, 0.0, 0.0};
  for (std::size_t i = 0; i < 8; ++i) t[3 + i] = rein::physics::bsz2015_belle2_mean[i];
  return t;
}

std::vector<double> q2_grid() {
  std::vector<double> q2;
  for (int i = 0; i < 256; ++i) q2.push_back(22.9 * (i + 0.5) / 256.0);
  return q2;
}

/// The weights and their gradients: w[j], dw[j][i].
struct weights_result {
  std::vector<double> w;
  std::vector<theta_type> dw;
};

void BM_alternative_rate_double(benchmark::State& state) {
  const b_to_k_nunu_alternative alternative;
  const auto q2 = q2_grid();
  const theta_type theta = sm_theta();
  for (auto _ : state)
    for (const double q : q2) benchmark::DoNotOptimize(alternative(q, theta));
  state.counters["rates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(q2.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_alternative_rate_double);

void BM_alternative_rate_dual11(benchmark::State& state) {
  const b_to_k_nunu_alternative alternative;
  const auto q2 = q2_grid();
  const theta_type theta = sm_theta();
  std::array<d11, 11> vars;
  for (std::size_t i = 0; i < 11; ++i) vars[i] = d11::variable(theta[i], i);
  for (auto _ : state)
    for (const double q : q2) benchmark::DoNotOptimize(alternative(q, vars));
  state.counters["rates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(q2.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_alternative_rate_dual11);

void BM_null_rate(benchmark::State& state) {
  const b_to_k_nunu_null null;
  const auto q2 = q2_grid();
  for (auto _ : state)
    for (const double q : q2) benchmark::DoNotOptimize(null(q < null.q2_max() ? q : null.q2_max()));
  state.counters["rates/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(q2.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_null_rate);

/// Setup shared by the weight benchmarks: the null bin integrals (independent of θ) and the
/// alternative's quadrature rule, both with the default endpoint-adapted 16-point rule.
struct weights_setup {
  b_to_k_nunu_null null;
  b_to_k_nunu_alternative alternative;
  std::vector<double> edges = belle2_edges();
  std::vector<double> null_bins;
  rein::reweight::bin_quadrature alt_rule;

  static rein::reweight::bin_integration_options options(double endpoint) {
    rein::reweight::bin_integration_options o;
    o.lower_limit = 0.0;
    o.endpoint = endpoint;
    return o;
  }
  weights_setup()
      : null_bins(rein::reweight::bin_quadrature(edges, options(null.q2_max())).integrate(null)),
        alt_rule(edges, options(alternative.q2_max())) {}
};

/// Generic path: evaluate the alternative with dual<11> at every node of every bin, each call.
void BM_weights_dual_quadrature(benchmark::State& state) {
  const weights_setup s;
  const theta_type theta = sm_theta();
  weights_result r{std::vector<double>(101), std::vector<theta_type>(101)};
  for (auto _ : state) {
    std::array<d11, 11> vars;
    for (std::size_t i = 0; i < 11; ++i) vars[i] = d11::variable(theta[i], i);
    const auto alt = s.alt_rule.integrate([&](double q2) { return s.alternative(q2, vars); });
    for (std::size_t j = 0; j < 101; ++j) {
      if (s.null_bins[j] == 0.0) {
        r.w[j] = 1.0;
        r.dw[j].fill(0.0);
        continue;
      }
      const double inv = 1.0 / s.null_bins[j];
      r.w[j] = alt[j].value * inv;
      for (std::size_t i = 0; i < 11; ++i) r.dw[j][i] = alt[j].derivatives[i] * inv;
    }
    benchmark::DoNotOptimize(r.w.data());
    benchmark::DoNotOptimize(r.dw.data());
    benchmark::ClobberMemory();
  }
  state.counters["weight_sets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_weights_dual_quadrature)->Unit(benchmark::kMicrosecond);

/// Kernel path: the rate is a quadratic form in the FF parameters weighted by |C|², so its bin
/// integrals are contractions of per-bin kernels integrated once (outside the loop).
void BM_weights_kernel(benchmark::State& state) {
  const weights_setup s;
  const auto kernels = s.alt_rule.integrate([&](double q2) { return s.alternative.kernel(q2); });
  const theta_type theta = sm_theta();
  weights_result r{std::vector<double>(101), std::vector<theta_type>(101)};
  std::vector<double> inverse_null(101, 0.0);
  for (std::size_t j = 0; j < 101; ++j) inverse_null[j] = s.null_bins[j] == 0.0 ? 0.0 : 1.0 / s.null_bins[j];
  for (auto _ : state) {
    for (std::size_t j = 0; j < 101; ++j) {
      if (inverse_null[j] == 0.0) {
        r.w[j] = 1.0;
        r.dw[j].fill(0.0);
        continue;
      }
      theta_type gradient;
      r.w[j] = kernels[j].contract_with_gradient(theta, gradient) * inverse_null[j];
      for (std::size_t i = 0; i < 11; ++i) r.dw[j][i] = gradient[i] * inverse_null[j];
    }
    benchmark::DoNotOptimize(r.w.data());
    benchmark::DoNotOptimize(r.dw.data());
    benchmark::ClobberMemory();
  }
  state.counters["weight_sets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_weights_kernel)->Unit(benchmark::kMicrosecond);

/// One-time cost of the kernel path: integrating the 101 kernels (16 nodes per bin).
void BM_weights_kernel_setup(benchmark::State& state) {
  const weights_setup s;
  for (auto _ : state) {
    auto kernels = s.alt_rule.integrate([&](double q2) { return s.alternative.kernel(q2); });
    benchmark::DoNotOptimize(kernels.data());
  }
}
BENCHMARK(BM_weights_kernel_setup)->Unit(benchmark::kMicrosecond);

/// One-time cost of building the 101-bin quadrature rule (nodes and weights).
void BM_bin_quadrature_build(benchmark::State& state) {
  const auto edges = belle2_edges();
  rein::reweight::bin_integration_options o;
  o.lower_limit = 0.0;
  o.endpoint = 22.90257;
  for (auto _ : state) {
    rein::reweight::bin_quadrature q(edges, o);
    benchmark::DoNotOptimize(q.nodes().data());
  }
}
BENCHMARK(BM_bin_quadrature_build)->Unit(benchmark::kMicrosecond);

}  // namespace
