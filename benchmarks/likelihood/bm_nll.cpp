// nll_and_gradient throughput on the real Belle II B+→K+νν̄ likelihood and on a synthetic
// 100-channel × 50-bin model. Counter "bin_modifiers/s": main bins × modifier applications per second.
#include "../support/synthetic.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"

#include <benchmark/benchmark.h>

namespace {

double modifier_bin_count(const rein::likelihood::model& m) {
  double count = 0;
  for (const auto& s : m.samples())
    count += static_cast<double>(s.nominal.size() * (s.scalar_parameters.size() + s.shift_parameters.size() + s.bin_parameters.size()));
  return count;
}

void run(benchmark::State& state, const rein::likelihood::model& m) {
  Eigen::VectorXd theta = m.parameters().inits();
  for (Eigen::Index i = 0; i < theta.size(); ++i) theta[i] += 1e-3 * static_cast<double>(i % 7);  // off the inits
  Eigen::VectorXd gradient;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.nll_and_gradient(theta, m.observed(), gradient));
    benchmark::ClobberMemory();
  }
  state.counters["bin_modifiers/s"] =
      benchmark::Counter(modifier_bin_count(m) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["parameters"] = static_cast<double>(m.parameters().size());
}

void bm_nll_and_gradient_belle2(benchmark::State& state) {
  static const auto m = rein::likelihood::make_model(
      rein::io::read_workspace(std::string(REIN_DATA_DIR) + "/belle2-knunu/combined_likelihood.json"));
  run(state, m);
}
BENCHMARK(bm_nll_and_gradient_belle2);

void bm_nll_and_gradient_synthetic_100x50(benchmark::State& state) {
  static const auto m = rein::likelihood::make_model(rein::bench::synthetic_workspace(100, 50));
  run(state, m);
}
BENCHMARK(bm_nll_and_gradient_synthetic_100x50);

void bm_nll_only_belle2(benchmark::State& state) {
  static const auto m = rein::likelihood::make_model(
      rein::io::read_workspace(std::string(REIN_DATA_DIR) + "/belle2-knunu/combined_likelihood.json"));
  const Eigen::VectorXd theta = m.parameters().inits();
  for (auto _ : state) benchmark::DoNotOptimize(m.nll(theta));
}
BENCHMARK(bm_nll_only_belle2);

}  // namespace
