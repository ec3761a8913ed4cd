// Asymptotic inference on the real Belle II B+→K+νν̄ combined likelihood (232 parameters): one
// q̃μ hypotest (its five fits from scratch) and the full 95% CL upper limit, observed and expected;
// and the upper limit on issue #15's scaling model at N bins (2N + 5 parameters; target at
// N = 10,000: < 20 s). Run one scaling size at a time:
//   rein_bm_infer --benchmark_filter='BM_upper_limit_scaling/10000'
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "../../tests/fit/scaling_model.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

const rein::likelihood::model& belle2() {
  static const auto m = rein::likelihood::make_model(
      rein::io::read_workspace(std::string(REIN_DATA_DIR) + "/belle2-knunu/combined_likelihood.json"));
  return m;
}

void BM_hypotest_belle2(benchmark::State& state) {
  const auto& m = belle2();
  for (auto _ : state) {
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    const auto r = calculator.hypotest(8.0);
    if (r.status != rein::fit::fit_status::ok) state.SkipWithError("a fit did not converge");
    benchmark::DoNotOptimize(r.cls_obs);
  }
}
BENCHMARK(BM_hypotest_belle2)->Unit(benchmark::kMillisecond);

void BM_upper_limit_belle2(benchmark::State& state) {
  const auto& m = belle2();
  for (auto _ : state) {
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    const auto r = rein::infer::upper_limit(calculator);
    if (r.fit_status != rein::fit::fit_status::ok) state.SkipWithError("a fit did not converge");
    benchmark::DoNotOptimize(r.obs);
    state.counters["cls_evaluations"] = r.evaluations;
  }
}
BENCHMARK(BM_upper_limit_belle2)->Unit(benchmark::kMillisecond);

void BM_upper_limit_scaling(benchmark::State& state) {
  const auto model = rein::likelihood::make_model(
      rein::io::workspace_from_json(rein::test::scaling_workspace(static_cast<int>(state.range(0))), "<scaling model>"));
  for (auto _ : state) {
    const rein::infer::asymptotic_calculator calculator(model, model.observed());
    const auto r = rein::infer::upper_limit(calculator);
    if (r.fit_status != rein::fit::fit_status::ok) state.SkipWithError("a fit did not converge");
    benchmark::DoNotOptimize(r.obs);
    state.counters["cls_evaluations"] = r.evaluations;
  }
  state.counters["parameters"] = static_cast<double>(model.parameters().size());
}
BENCHMARK(BM_upper_limit_scaling)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
