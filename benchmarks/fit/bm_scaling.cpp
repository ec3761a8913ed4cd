// Free maximum-likelihood fits of issue #15's scaling model at N total bins: N/10 channels of 10
// bins; per channel a signal with the normfactor mu and two backgrounds, each sample with a
// normsys and a histosys (shared by all channels) and the channel's staterror, background 1 also
// with a per-bin shapesys; seeded Poisson data from the nominal. 2N + 5 parameters: mu, three
// normsys, one histosys, and one staterror and one shapesys γ per bin.
//
// Run one size at a time (the process's peak memory is a counter):
//   rein_bm_fit --benchmark_filter='BM_fit_scaling/1000/0/'
// (second argument: 0 default, 1 full dense minimisation, 2 with errors)
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "../../tests/fit/scaling_model.hpp"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

/// Free fit at N = range(0) bins; range(1): 0 default options (per-bin profiling from 512 γ on),
/// 1 the full dense minimisation (bin_profiling::never, the algorithm before per-bin profiling),
/// 2 default options with Hessian errors (no n × n covariance above 4096 parameters).
void BM_fit_scaling(benchmark::State& state) {
  const auto model = rein::likelihood::make_model(
      rein::io::workspace_from_json(rein::test::scaling_workspace(static_cast<int>(state.range(0))), "<scaling model>"));
  rein::fit::fit_options options;
  options.errors = state.range(1) == 2;
  if (state.range(1) == 1) options.profiling = rein::fit::bin_profiling::never;
  int evaluations = 0;
  for (auto _ : state) {
    const auto r = rein::fit::fit(model, options);
    if (!r.ok()) state.SkipWithError("fit did not converge");
    evaluations = r.evaluations;
    benchmark::DoNotOptimize(r.twice_nll);
  }
  state.counters["parameters"] = static_cast<double>(model.parameters().size());
  state.counters["evaluations"] = evaluations;
  state.counters["peak_MB"] = peak_rss_mb();
}
BENCHMARK(BM_fit_scaling)
    ->ArgsProduct({{1000, 10000, 100000}, {0, 2}})
    ->Args({1000, 1})
    ->Args({2000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
