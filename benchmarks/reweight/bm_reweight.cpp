// Reweighting throughput on the Belle II B+→K+νν̄ WET model (benchmarks/support/belle2_wet.hpp):
// 239 parameters (228 of the workspace, cvl, csl, ctl and 8 decorrelated form-factor
// parameters), 18 reweighted bins × 102 q² bins. Counter "evaluations/s": calls per second.
//
// - bm_reweight_function: the reweighting bin function alone (R and ∂R/∂x, 18 × 11).
// - bm_reweight_nll_and_gradient: nll_and_gradient, each call at a new WET point (the
//   reweighting parameters change every call, as in a scan or a sampler).
// - bm_reweight_nll_and_gradient_nuisance_only: nll_and_gradient where consecutive calls differ
//   only in one workspace nuisance parameter (the WET point is fixed, as inside a profile fit
//   of the nuisances).
// - bm_reweight_nll_only: nll without gradient at new WET points.
// - bm_reweight_hessian: fit::hessian at one point, central differences of the gradient (two
//   gradient calls per free parameter; 228 of the 239 steps leave the reweighting inputs as
//   they are). Counter "hessians/s".
// - bm_workspace_nll_and_gradient: the same workspace without reweighting, for comparison.
#include "../support/belle2_wet.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/maximum_likelihood.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <vector>

namespace {

const rein::likelihood::model& wet_model() {
  static const auto m = rein::bench::belle2_wet_model();
  return m;
}

// 64 parameter points: the inits with the nuisances moved off them and the WET parameters on a
// fixed pattern around the SM (cvl ≈ 6.6, csl = ctl = 0 in this model's convention).
std::vector<Eigen::VectorXd> wet_points(const rein::likelihood::model& m) {
  const auto& layout = m.parameters();
  Eigen::VectorXd base = layout.inits();
  for (Eigen::Index i = 0; i < base.size(); ++i) base[i] += 1e-3 * static_cast<double>(i % 7);
  std::vector<Eigen::VectorXd> points;
  for (int k = 0; k < 64; ++k) {
    Eigen::VectorXd theta = base;
    theta[static_cast<Eigen::Index>(layout.index("cvl"))] = 4.0 + 0.1 * k;
    theta[static_cast<Eigen::Index>(layout.index("csl"))] = 0.05 * (k % 9);
    theta[static_cast<Eigen::Index>(layout.index("ctl"))] = 0.03 * (k % 5);
    for (int f = 0; f < 8; ++f)
      theta[static_cast<Eigen::Index>(layout.index("FFK_decorrelated[" + std::to_string(f) + "]"))] =
          0.1 * ((k + f) % 7 - 3);
    points.push_back(theta);
  }
  return points;
}

void rate(benchmark::State& state) {
  state.counters["evaluations/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void bm_reweight_function(benchmark::State& state) {
  const auto& m = wet_model();
  const auto& custom = m.custom_modifiers().at(0);
  const auto& f = *custom.function;
  const auto points = wet_points(m);
  std::vector<std::vector<double>> inputs;
  for (const auto& theta : points) {
    std::vector<double> x;
    for (std::size_t i : custom.inputs) x.push_back(theta[static_cast<Eigen::Index>(i)]);
    inputs.push_back(x);
  }
  std::vector<double> factors(f.outputs()), jacobian(f.outputs() * f.inputs());
  std::size_t k = 0;
  for (auto _ : state) {
    f.evaluate(inputs[k].data(), factors.data(), jacobian.data());
    benchmark::ClobberMemory();
    k = (k + 1) % inputs.size();
  }
  rate(state);
  state.counters["outputs"] = static_cast<double>(f.outputs());
  state.counters["inputs"] = static_cast<double>(f.inputs());
}
BENCHMARK(bm_reweight_function);

// nll_and_gradient at each point in turn, as evaluations per second.
void cycle_nll_and_gradient(benchmark::State& state, const rein::likelihood::model& m,
                            const std::vector<Eigen::VectorXd>& points) {
  Eigen::VectorXd gradient;
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.nll_and_gradient(points[k], m.observed(), gradient));
    benchmark::ClobberMemory();
    k = (k + 1) % points.size();
  }
  rate(state);
}

void bm_reweight_nll_and_gradient(benchmark::State& state) {
  const auto& m = wet_model();
  const auto points = wet_points(m);
  cycle_nll_and_gradient(state, m, points);
  state.counters["parameters"] = static_cast<double>(m.parameters().size());
}
BENCHMARK(bm_reweight_nll_and_gradient);

void bm_reweight_nll_and_gradient_nuisance_only(benchmark::State& state) {
  const auto& m = wet_model();
  const Eigen::VectorXd base = wet_points(m)[0];
  // a normsys nuisance shared by the signal samples: every call moves it, the WET point stays
  const auto nuisance = static_cast<Eigen::Index>(m.parameters().index("corr_pid_c1"));
  std::vector<Eigen::VectorXd> points;
  for (int k = 0; k < 64; ++k) {
    Eigen::VectorXd theta = base;
    theta[nuisance] = 0.01 * (k - 32);
    points.push_back(theta);
  }
  cycle_nll_and_gradient(state, m, points);
}
BENCHMARK(bm_reweight_nll_and_gradient_nuisance_only);

void bm_reweight_nll_only(benchmark::State& state) {
  const auto& m = wet_model();
  const auto points = wet_points(m);
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.nll(points[k]));
    k = (k + 1) % points.size();
  }
  rate(state);
}
BENCHMARK(bm_reweight_nll_only);

void bm_reweight_hessian(benchmark::State& state) {
  const auto& m = wet_model();
  const Eigen::VectorXd theta = wet_points(m)[0];
  const auto f = rein::fit::nll_objective(m, m.observed());
  const auto& layout = m.parameters();
  for (auto _ : state)
    benchmark::DoNotOptimize(rein::fit::hessian(f, theta, layout.lower_bounds(), layout.upper_bounds(), layout.fixed()));
  state.counters["hessians/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_reweight_hessian)->Unit(benchmark::kMillisecond);

void bm_workspace_nll_and_gradient(benchmark::State& state) {
  static const auto m = rein::bench::belle2_wet_workspace_model();
  Eigen::VectorXd theta = m.parameters().inits();
  for (Eigen::Index i = 0; i < theta.size(); ++i) theta[i] += 1e-3 * static_cast<double>(i % 7);
  Eigen::VectorXd gradient;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.nll_and_gradient(theta, m.observed(), gradient));
    benchmark::ClobberMemory();
  }
  rate(state);
  state.counters["parameters"] = static_cast<double>(m.parameters().size());
}
BENCHMARK(bm_workspace_nll_and_gradient);

}  // namespace
