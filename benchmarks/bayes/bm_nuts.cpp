// NUTS effective samples per second: a 10-D correlated Gaussian and the Belle II WET posterior
// (239 parameters: cvl, csl, ctl, FFK and every nuisance parameter). The counters report the
// minimum bulk ESS over the parameters (Gaussian) or over cvl, csl, ctl (WET) per wall second.
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/target.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "../support/belle2_wet.hpp"

#include <benchmark/benchmark.h>

#include <Eigen/Cholesky>

#include <algorithm>
#include <limits>

namespace {

void report(benchmark::State& state, const rein::bayes::nuts_result& r, const std::vector<std::size_t>& of) {
  double ess = std::numeric_limits<double>::infinity();
  for (std::size_t i : of) ess = std::min(ess, r.diagnostics.parameters[i].ess_bulk);
  std::size_t evaluations = 0;
  for (const auto& s : r.stats) evaluations += s.n_evaluations;
  state.counters["min_ess_bulk"] = ess;
  state.counters["ess_per_s"] = ess / r.seconds;
  state.counters["gradients_per_s"] = static_cast<double>(evaluations) / r.seconds;
  if (r.status != rein::bayes::sample_status::ok) state.SkipWithError("the sampler did not finish with status ok");
}

// x ~ N(0, Σ), Σ_ij = ρ^|i−j| with ρ = 0.9 (condition number ≈ 360)
void BM_nuts_gaussian_10d(benchmark::State& state) {
  constexpr int n = 10;
  Eigen::MatrixXd sigma(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) sigma(i, j) = std::pow(0.9, std::abs(i - j));
  const Eigen::MatrixXd precision = sigma.inverse();
  const auto t = rein::bayes::make_target(
      [precision](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
        const Eigen::VectorXd px = precision * x;
        if (g) *g = -px;
        return -0.5 * x.dot(px);
      },
      n);
  rein::bayes::nuts_options options;
  options.chains = 4, options.threads = 2, options.seed = 5;
  options.metric = state.range(0) ? rein::bayes::metric_kind::dense : rein::bayes::metric_kind::diagonal;
  std::vector<std::size_t> all(n);
  for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::size_t>(i);
  for (auto _ : state) {
    const auto r = rein::bayes::sample_nuts(t, Eigen::VectorXd::Zero(n), options);
    report(state, r, all);
  }
}
BENCHMARK(BM_nuts_gaussian_10d)->Arg(0)->Arg(1)->ArgName("dense")->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// The flagship posterior (examples/belle2_knunu_wet settings): 4 chains × (1000 warm-up + 1000 draws)
void BM_nuts_belle2_wet(benchmark::State& state) {
  static const auto model = rein::bench::belle2_wet_model();
  const rein::bayes::model_posterior posterior(model, model.observed());
  const auto best = rein::fit::fit(model);
  rein::bayes::nuts_options options;
  options.chains = 4, options.threads = 2, options.seed = 1, options.init_radius = 0.1;
  std::vector<std::size_t> wilson;
  for (const char* name : {"cvl", "csl", "ctl"})
    wilson.push_back(static_cast<std::size_t>(std::find(posterior.names().begin(), posterior.names().end(), name) -
                                              posterior.names().begin()));
  for (auto _ : state) {
    const auto r = rein::bayes::sample_nuts(posterior.as_target(), posterior.start_point(best.values), options);
    report(state, r, wilson);
  }
}
BENCHMARK(BM_nuts_belle2_wet)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
