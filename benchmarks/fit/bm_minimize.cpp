// Benchmarks of rein::fit::minimize.
//
// * A synthetic 232-parameter binned Poisson likelihood shaped like the Belle II B+ -> K+ nu nubar
//   combined likelihood (30 bins, 8 samples, mu in [0, 10], 51 Gaussian nuisance parameters acting by
//   exponential interpolation, 180 staterror-like gammas with 0.5-5 % constraints); see
//   tests/fit/synthetic_histfactory.hpp. Counters: fits/s, gradient calls and steps per fit, and
//   |d(2 nll)| against an independent Newton iteration with the analytic Hessian.
// * The chained 10-D Rosenbrock function from x0 = 0.
// * One gradient of the synthetic likelihood, to relate fit time to gradient cost.
#include "rein/fit/minimize.hpp"

#include "../../tests/fit/synthetic_histfactory.hpp"

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using rein::fit::minimize;
using rein::fit::minimize_options;
using rein::fit::objective;
using rein::test::synthetic_histfactory;

/// Minimum of the synthetic model from the independent Newton reference (mu held on its lower bound
/// when the free reference would put it below 0).
double reference_nll(const synthetic_histfactory& model) {
  std::vector<bool> held(synthetic_histfactory::size, false);
  double decrement = 0;
  Eigen::VectorXd x = model.newton_reference(model.init(), held, &decrement);
  if (x[0] < 0) {
    held[0] = true;
    Eigen::VectorXd start = model.init();
    start[0] = 0;
    x = model.newton_reference(start, held, &decrement);
  }
  return model.nll(x, nullptr);
}

void fit_synthetic(benchmark::State& state, double mu_true, const minimize_options& options, bool warm) {
  const synthetic_histfactory model(1, mu_true);
  const objective f = [&model](const Eigen::VectorXd& x, Eigen::VectorXd* g) { return model.nll(x, g); };
  const std::vector<bool> fixed(synthetic_histfactory::size, false);
  const double reference = reference_nll(model);
  minimize_options used = options;
  if (warm) used.start_hessian = minimize(f, model.init(), model.lower(), model.upper(), fixed).hessian;
  rein::fit::minimize_result result;
  for (auto _ : state) {
    result = minimize(f, model.init(), model.lower(), model.upper(), fixed, used);
    benchmark::DoNotOptimize(result.value);
  }
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["gradients/fit"] = result.evaluations;
  state.counters["steps/fit"] = result.iterations;
  state.counters["status_ok"] = result.ok() ? 1 : 0;
  state.counters["mu_hat"] = result.x[0];
  state.counters["abs_d_2nll"] = std::abs(2 * (result.value - reference));
}

void BM_fit_synthetic_232(benchmark::State& state) { fit_synthetic(state, 1.5, {}, false); }
void BM_fit_synthetic_232_mu_on_bound(benchmark::State& state) { fit_synthetic(state, 0.0, {}, false); }
void BM_fit_synthetic_232_forward_check(benchmark::State& state) {
  minimize_options options;
  options.polish_differences = rein::fit::hessian_differences::forward;
  fit_synthetic(state, 1.5, options, false);
}
void BM_fit_synthetic_232_no_check(benchmark::State& state) {
  minimize_options options;
  options.polish_rounds = 0;
  fit_synthetic(state, 1.5, options, false);
}
void BM_fit_synthetic_232_warm_forward(benchmark::State& state) {
  minimize_options options;
  options.polish_differences = rein::fit::hessian_differences::forward;
  fit_synthetic(state, 1.5, options, true);
}

void BM_gradient_synthetic_232(benchmark::State& state) {
  const synthetic_histfactory model(1, 1.5);
  const Eigen::VectorXd x = model.init();
  Eigen::VectorXd g(synthetic_histfactory::size);
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.nll(x, &g));
    benchmark::ClobberMemory();
  }
  state.counters["gradients/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

double rosenbrock(const Eigen::VectorXd& x, Eigen::VectorXd* g) {
  double f = 0;
  if (g != nullptr) g->setZero(x.size());
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    if (g != nullptr) {
      (*g)[i] += -400 * a * x[i] - 2 * b;
      (*g)[i + 1] += 200 * a;
    }
  }
  return f;
}

void BM_fit_rosenbrock_10(benchmark::State& state) {
  constexpr int n = 10;
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(n, -10), upper = Eigen::VectorXd::Constant(n, 10);
  const std::vector<bool> fixed(n, false);
  rein::fit::minimize_result result;
  for (auto _ : state) {
    result = minimize(rosenbrock, Eigen::VectorXd::Zero(n), lower, upper, fixed);
    benchmark::DoNotOptimize(result.value);
  }
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["gradients/fit"] = result.evaluations;
  state.counters["steps/fit"] = result.iterations;
  state.counters["status_ok"] = result.ok() ? 1 : 0;
  state.counters["max_abs_x_minus_1"] = (result.x.array() - 1).abs().maxCoeff();
}

}  // namespace

BENCHMARK(BM_gradient_synthetic_232);
BENCHMARK(BM_fit_synthetic_232)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_synthetic_232_mu_on_bound)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_synthetic_232_forward_check)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_synthetic_232_no_check)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_synthetic_232_warm_forward)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_rosenbrock_10)->Unit(benchmark::kMicrosecond);
