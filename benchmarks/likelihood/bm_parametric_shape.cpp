// Binned parametric fits with likelihood::make_parametric_shape: a 100-bin M_τ-like histogram on
// [1.70, 1.85] GeV, a double-sided Crystal Ball peak (μ = 1.777, σ = 0.004, α_L = 1.5, n_L = 3,
// α_R = 2, n_R = 5; 5000 events) over a degree-3 Bernstein background (c = 1, 0.8, 0.6, 0.5 with
// c_0 held fixed; 20000 events). The data are one Poisson draw (rein::poisson, std::mt19937_64,
// seed 7) of the truth, made outside the loop. Counter "fits/s".
//
// - bm_parametric_fit: rein::fit::fit with errors (Hessian), n_L and n_R fixed: 9 free
//   parameters (two normalisations, μ, σ, α_L, α_R, c_1..c_3), started 0.5σ-ish off the truth.
// - bm_parametric_fit_all_free: the same with n_L and n_R free too (11 free parameters).
// - bm_parametric_fit_no_errors: bm_parametric_fit without the Hessian.
// - bm_crystal_ball_function / bm_bernstein_function: the bin functions alone (factors and
//   Jacobian, 100 bins). Counter "evaluations/s".
// - bm_johnson_su_function (μ = 1.777, λ = 0.005, γ = 0.3, δ = 1.5) and bm_chebyshev_function
//   (a = 0.1, −0.05, 0.02) on the same 100 bins; bm_argus_function: an Mbc background, 100 bins on
//   [5.20, 5.30] GeV, m0 = 5.2895, c = −20, p = ½ (bins above m0 included).
#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/parametric_shape.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t bins = 100;

std::vector<double> edges() {
  std::vector<double> e(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) e[i] = 1.70 + 0.15 * static_cast<double>(i) / static_cast<double>(bins);
  return e;
}

rein::likelihood::parametric_shape peak_spec(bool tails_free) {
  rein::likelihood::parametric_shape s;
  s.name = "peak";
  s.kind = rein::likelihood::shape_kind::crystal_ball;
  s.edges = edges();
  s.parameters = {{"m_tau", 1.777, 1.76, 1.79},    {"sigma", 0.004, 0.001, 0.02},
                  {"alpha_l", 1.5, 0.2, 5.0},      {"n_l", 3.0, 1.05, 50.0, !tails_free},
                  {"alpha_r", 2.0, 0.2, 5.0},      {"n_r", 5.0, 1.05, 50.0, !tails_free}};
  s.targets = {{"SR", "tau", 0, 0}};
  return s;
}

rein::likelihood::parametric_shape background_spec() {
  rein::likelihood::parametric_shape s;
  s.name = "background";
  s.kind = rein::likelihood::shape_kind::bernstein;
  s.edges = edges();
  s.parameters = {{"c0", 1.0, 0.0, 10.0, true}, {"c1", 0.8, 0.0, 10.0}, {"c2", 0.6, 0.0, 10.0}, {"c3", 0.5, 0.0, 10.0}};
  s.targets = {{"SR", "bkg", 0, 0}};
  return s;
}

struct problem {
  rein::likelihood::model model;
  rein::likelihood::dataset data;
  Eigen::VectorXd start;
};

problem make_problem(bool tails_free) {
  const auto ws = rein::likelihood::workspace_builder()
                      .channel("SR", bins)
                      .sample("tau", std::vector<double>(bins, 5000.0)).normfactor("n_tau")
                      .sample("bkg", std::vector<double>(bins, 20000.0)).normfactor("n_bkg")
                      .observation("SR", std::vector<double>(bins, 250.0))
                      .measurement("meas", "n_tau").bounds("n_tau", 0, 5).bounds("n_bkg", 0, 5)
                      .build();
  auto model = rein::likelihood::make_model(
      ws, {}, {rein::likelihood::make_parametric_shape(peak_spec(tails_free)),
               rein::likelihood::make_parametric_shape(background_spec())});
  const auto& layout = model.parameters();
  const Eigen::VectorXd truth = layout.inits();
  const Eigen::VectorXd expected = model.expected_main(truth);
  rein::likelihood::dataset data = model.observed();
  std::mt19937_64 rng(7);
  for (Eigen::Index b = 0; b < expected.size(); ++b) data.main[b] = rein::poisson(rng, expected[b]);
  Eigen::VectorXd start = truth;
  const std::vector<std::pair<std::string, double>> shifts{
      {"n_tau", 0.97}, {"m_tau", 1.7772}, {"sigma", 0.0042}, {"alpha_l", 1.4}, {"alpha_r", 2.2}, {"c1", 0.75}};
  for (const auto& [name, value] : shifts) start[static_cast<Eigen::Index>(layout.index(name))] = value;
  return {std::move(model), std::move(data), std::move(start)};
}

void fits(benchmark::State& state, bool tails_free, bool errors) {
  const auto p = make_problem(tails_free);
  rein::fit::fit_options options;
  options.start = p.start;
  options.errors = errors;
  int evaluations = 0;
  bool ok = true;
  for (auto _ : state) {
    const auto r = rein::fit::fit(p.model, p.data, options);
    ok = ok && r.ok();
    evaluations = r.evaluations;
    benchmark::DoNotOptimize(r.values.data());
  }
  if (!ok) state.SkipWithError("a fit did not end with status ok");
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["evaluations"] = evaluations;
}

void bm_parametric_fit(benchmark::State& state) { fits(state, false, true); }
void bm_parametric_fit_all_free(benchmark::State& state) { fits(state, true, true); }
void bm_parametric_fit_no_errors(benchmark::State& state) { fits(state, false, false); }

void function_rate(benchmark::State& state, const rein::likelihood::parametric_shape& spec) {
  const rein::likelihood::parametric_shape_function f(spec);
  std::vector<double> x;
  for (const auto& p : spec.parameters) x.push_back(p.init);
  std::vector<double> factors(f.outputs()), jacobian(f.outputs() * f.inputs());
  for (auto _ : state) {
    x[0] += 1e-12;  // a new point every call
    f.evaluate(x.data(), factors.data(), jacobian.data());
    benchmark::DoNotOptimize(factors.data());
    benchmark::DoNotOptimize(jacobian.data());
  }
  state.counters["evaluations/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void bm_crystal_ball_function(benchmark::State& state) { function_rate(state, peak_spec(true)); }
void bm_bernstein_function(benchmark::State& state) { function_rate(state, background_spec()); }

rein::likelihood::parametric_shape other_spec(rein::likelihood::shape_kind kind,
                                              const std::vector<rein::likelihood::shape_parameter>& parameters) {
  rein::likelihood::parametric_shape s;
  s.name = "shape";
  s.kind = kind;
  s.edges = edges();
  s.parameters = parameters;
  s.targets = {{"SR", "bkg", 0, 0}};
  return s;
}

void bm_johnson_su_function(benchmark::State& state) {
  function_rate(state, other_spec(rein::likelihood::shape_kind::johnson_su, {{"mu", 1.777, 1.76, 1.79},
                                                                             {"lambda", 0.005, 0.001, 0.02},
                                                                             {"gamma", 0.3, -5.0, 5.0},
                                                                             {"delta", 1.5, 0.1, 10.0}}));
}
void bm_chebyshev_function(benchmark::State& state) {
  function_rate(state, other_spec(rein::likelihood::shape_kind::chebyshev,
                                  {{"a1", 0.1, -1.0, 1.0}, {"a2", -0.05, -1.0, 1.0}, {"a3", 0.02, -1.0, 1.0}}));
}
void bm_argus_function(benchmark::State& state) {
  auto s = other_spec(rein::likelihood::shape_kind::argus,
                      {{"m0", 5.2895, 5.28, 5.30}, {"c", -20.0, -100.0, 0.0}, {"p", 0.5, -0.9, 3.0}});
  for (std::size_t i = 0; i <= bins; ++i) s.edges[i] = 5.20 + 0.10 * static_cast<double>(i) / static_cast<double>(bins);
  function_rate(state, s);
}

}  // namespace

BENCHMARK(bm_parametric_fit)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_parametric_fit_all_free)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_parametric_fit_no_errors)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_crystal_ball_function)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_bernstein_function)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_johnson_su_function)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_chebyshev_function)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_argus_function)->Unit(benchmark::kMicrosecond);
