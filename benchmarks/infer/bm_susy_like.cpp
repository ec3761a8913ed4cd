// Inference on a synthetic 64-parameter likelihood shaped like an ATLAS SUSY search
// (bench::atlas_susy_like_workspace: 2 channels × 6 bins, 9 samples): one asymptotic q̃μ hypotest,
// the full 95% CL upper limit (observed + 5 expected), 1000 toys per hypothesis at one μ on two
// threads, and 1000 single-threaded fits to toys. The toy benchmarks measure wall time and the
// CPU time of the whole process (all threads).
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/likelihood/make_model.hpp"
#include "../support/synthetic.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

const rein::likelihood::model& susy() {
  static const auto m = rein::likelihood::make_model(rein::bench::atlas_susy_like_workspace());
  return m;
}

// The recipe promises 64 parameters, the POI included.
bool check_size(benchmark::State& state, const rein::likelihood::model& m) {
  state.counters["parameters"] = static_cast<double>(m.parameters().size());
  if (m.parameters().size() == 64) return true;
  state.SkipWithError("the synthetic model does not have 64 parameters");
  return false;
}

constexpr double tested_mu = 1.0;

void BM_hypotest_susy(benchmark::State& state) {
  const auto& m = susy();
  if (!check_size(state, m)) return;
  for (auto _ : state) {
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    const auto r = calculator.hypotest(tested_mu);
    if (r.status != rein::fit::fit_status::ok) state.SkipWithError("a fit did not converge");
    benchmark::DoNotOptimize(r.cls_obs);
  }
}
BENCHMARK(BM_hypotest_susy)->Unit(benchmark::kMillisecond);

void BM_upper_limit_susy(benchmark::State& state) {
  const auto& m = susy();
  if (!check_size(state, m)) return;
  rein::infer::upper_limit_result r;
  for (auto _ : state) {
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    r = rein::infer::upper_limit(calculator);
    if (r.obs_status != rein::infer::limit_status::ok || r.fit_status != rein::fit::fit_status::ok)
      state.SkipWithError("the limit search or a fit failed");
    benchmark::DoNotOptimize(r.obs);
  }
  state.counters["cls_evaluations"] = r.evaluations;
  state.counters["limit_obs"] = r.obs;  // printed to show the recipe gives a limit well inside [0, 10]
  state.counters["limit_exp"] = r.exp[2];
}
BENCHMARK(BM_upper_limit_susy)->Unit(benchmark::kMillisecond);

// toy_hypotest with n_toys = 1000 generates 1000 signal+background and 1000 background toys; each
// toy's q̃μ needs a free and a conditional fit: 4000 fits, plus the 3 fits to the data.
void BM_toy_hypotest_susy(benchmark::State& state) {
  const auto& m = susy();
  if (!check_size(state, m)) return;
  rein::infer::toy_options options;
  options.n_toys = 1000;
  options.seed = 1;
  options.threads = 2;
  std::size_t failed = 0;
  for (auto _ : state) {
    const auto r = rein::infer::toy_hypotest(m, m.observed(), tested_mu, options);
    failed = r.failed_fits;
    benchmark::DoNotOptimize(r.cls_obs);
  }
  state.counters["toys/s"] = benchmark::Counter(2.0 * static_cast<double>(options.n_toys),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["fits/s"] = benchmark::Counter(4.0 * static_cast<double>(options.n_toys),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["failed_toys"] = static_cast<double>(failed);
}
BENCHMARK(BM_toy_hypotest_susy)->Unit(benchmark::kSecond)->MeasureProcessCPUTime()->UseRealTime();

// 1000 free fits to toys drawn at θ̂̂(μ = 0), one thread, without and with Hessian errors (the
// free fits of toy_hypotest's toys run with toy_options::fit, whose `errors` is on by default); the
// toys are generated outside the timed loop.
void BM_toy_fits_susy(benchmark::State& state) {
  const auto& m = susy();
  if (!check_size(state, m)) return;
  rein::fit::fit_options options;
  options.fixed = {{"mu_SIG", 0.0}};
  const auto background = rein::fit::fit(m, options).values;
  std::vector<rein::likelihood::dataset> toys;
  for (std::uint64_t i = 0; i < 1000; ++i)
    toys.push_back(rein::infer::generate_toy(m, background, rein::task_seed(1, 0, i)));
  rein::fit::fit_options free;
  free.errors = state.range(0) != 0;
  int failed = 0;
  for (auto _ : state) {
    failed = 0;
    for (const auto& toy : toys) {
      const auto r = rein::fit::fit(m, toy, free);
      failed += r.ok() ? 0 : 1;
      benchmark::DoNotOptimize(r.twice_nll);
    }
  }
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(toys.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["failed_fits"] = failed;
}
BENCHMARK(BM_toy_fits_susy)->ArgName("errors")->Arg(0)->Arg(1)->Unit(benchmark::kSecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
