// rein's side of a batch-evaluated rate (reweight::batch_rates, the path of a rate written in
// Python): the bin integrals and Jacobian at a new parameter point, on the Belle II WET binning
// (100 q² bins × 16 nodes = 1,600 nodes, 11 parameters), with a callable that hands over arrays it
// already holds, so that only the integration and the bookkeeping are timed (a Python rate adds its
// own arithmetic and the call). Counter "points/s".
//
// - bm_batch_rates_combined: rate and derivative from one callable (derivative=True in Python).
// - bm_batch_rates_separate: a rate and a derivative callable.
#include "rein/reweight/batch_rates.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

namespace {

constexpr std::size_t parameters = 11;

// Belle II's WET q² binning: 100 bins on [0, 22.885] GeV² (the kinematic endpoint)
std::vector<double> edges() {
  std::vector<double> e;
  for (int j = 0; j <= 100; ++j) e.push_back(22.885 * j / 100.0);
  return e;
}

rein::reweight::bin_integration_options support() {
  rein::reweight::bin_integration_options o;
  o.lower_limit = 0.0;
  o.endpoint = 22.885;
  return o;
}

// smooth stand-ins for σ1 and ∂σ1/∂θ_k at every node, made once
struct node_arrays {
  std::vector<double> values, derivatives;
  explicit node_arrays(const std::vector<double>& q2) : values(q2.size()), derivatives(parameters * q2.size()) {
    for (std::size_t n = 0; n < q2.size(); ++n) {
      values[n] = std::sqrt(22.885 - q2[n]) * (1 + 0.1 * q2[n]);
      for (std::size_t k = 0; k < parameters; ++k) derivatives[k * q2.size() + n] = values[n] * static_cast<double>(k + 1) / 11.0;
    }
  }
};

void run(benchmark::State& state, const rein::reweight::batch_rates& rates) {
  std::vector<double> theta(parameters, 0.5), integrals(rates.bins()), jacobian(rates.bins() * parameters);
  for (auto _ : state) {
    theta[0] += 1e-9;  // a new point every call: nothing kept applies
    rates.alternative_integrals(theta.data(), integrals.data(), jacobian.data());
    benchmark::DoNotOptimize(jacobian.data());
  }
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

const auto null = [](double) { return 1.0; };

void bm_batch_rates_combined(benchmark::State& state) {
  std::unique_ptr<node_arrays> arrays;
  const rein::reweight::batch_rates rates(
      null, parameters,
      [&](const std::vector<double>& q2, const double*, const rein::reweight::node_values& take_rate,
          const rein::reweight::node_values& take_derivative) {
        if (!arrays) arrays = std::make_unique<node_arrays>(q2);
        take_rate(arrays->values.data());
        take_derivative(arrays->derivatives.data());
      },
      edges(), support(), support());
  run(state, rates);
}
BENCHMARK(bm_batch_rates_combined);

void bm_batch_rates_separate(benchmark::State& state) {
  std::unique_ptr<node_arrays> arrays;
  const auto make = [&](const std::vector<double>& q2) -> const node_arrays& {
    if (!arrays) arrays = std::make_unique<node_arrays>(q2);
    return *arrays;
  };
  const rein::reweight::batch_rates rates(
      null, parameters,
      [&](const std::vector<double>& q2, const double*, const rein::reweight::node_values& take) { take(make(q2).values.data()); },
      [&](const std::vector<double>& q2, const double*, const rein::reweight::node_values& take) { take(make(q2).derivatives.data()); },
      edges(), support(), support());
  run(state, rates);
}
BENCHMARK(bm_batch_rates_separate);

}  // namespace
