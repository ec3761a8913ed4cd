// Full maximum-likelihood fits of the real Belle II B+→K+νν̄ combined likelihood (232 parameters):
// the free fit with and without Hessian errors, and the conditional fit at μ = 0.
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

const rein::likelihood::model& belle2() {
  static const auto m = rein::likelihood::make_model(
      rein::io::read_workspace(std::string(REIN_DATA_DIR) + "/belle2-knunu/combined_likelihood.json"));
  return m;
}

void run(benchmark::State& state, const rein::fit::fit_options& options) {
  const auto& m = belle2();
  int evaluations = 0;
  for (auto _ : state) {
    const auto r = rein::fit::fit(m, options);
    if (!r.ok()) state.SkipWithError("fit did not converge");
    evaluations = r.evaluations;
    benchmark::DoNotOptimize(r.twice_nll);
  }
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["evaluations"] = evaluations;
}

void BM_fit_belle2_with_errors(benchmark::State& state) { run(state, {}); }
BENCHMARK(BM_fit_belle2_with_errors)->Unit(benchmark::kMillisecond);

void BM_fit_belle2(benchmark::State& state) {
  rein::fit::fit_options options;
  options.errors = false;
  run(state, options);
}
BENCHMARK(BM_fit_belle2)->Unit(benchmark::kMillisecond);

void BM_fit_belle2_mu0(benchmark::State& state) {
  rein::fit::fit_options options;
  options.errors = false;
  options.fixed = {{"mu", 0.0}};
  run(state, options);
}
BENCHMARK(BM_fit_belle2_mu0)->Unit(benchmark::kMillisecond);

}  // namespace
