// Event generation + analysis variables for the reference event of docs/kinematics.md
// (kinematics/reference_events.hpp): B0 → K*0(→ K+π−) τ+(→ π+ν̄) μ− with a hadronic tag
// B0bar → D+ π− (D+ → K− π+ π+), from Υ(4S) → B0 B0bar at the nominal √s, in the CM frame.
// Counter "events/s": one event = the full decay chain (6 GENBOD decays) and, where named, the
// variables Mbc, ΔE, M_τ (both forms), q², M(Kπμ), the missing four-momentum and a histogram fill.
#include "rein/core/histogram.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/core/random.hpp"
#include "rein/kinematics/reference_events.hpp"
#include "rein/kinematics/variables.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

using namespace rein::kinematics;
using rein::uniform01;

struct variables {
  double mbc, de, mtau, mtau_mbc, q2, m_kpimu, e_miss;
};

variables compute(const k_star_tau_mu_event& ev, std::vector<four_vector>& visible) {
  const double e_beam = nominal_beam_energy();
  const four_vector tag = ev.tag();
  const four_vector x = ev.k_pi_mu();
  visible.assign({ev.d_k, ev.d_pi1, ev.d_pi2, ev.pi_tag, ev.k_sig, ev.pi_sig, ev.mu, ev.tau_visible});
  return {beam_constrained_mass(tag, e_beam),
          delta_e(tag, e_beam),
          tau_recoil_mass(tag, x, e_beam, pdg_2024.b0),
          tau_recoil_mass_mbc(tag, x, e_beam),
          q2_k_tau_ell(tag, ev.k_sig + ev.pi_sig, e_beam),
          x.mass(),
          missing_energy(visible, pdg_2024.upsilon_4s)};
}

void bm_generate(benchmark::State& state) {
  std::mt19937_64 rng(1);
  k_star_tau_mu_generator generate(pdg_2024.upsilon_4s);
  for (auto _ : state) {
    const auto ev = generate(rng);
    benchmark::DoNotOptimize(ev);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_generate);

void bm_variables(benchmark::State& state) {
  std::mt19937_64 rng(2);
  k_star_tau_mu_generator generate(pdg_2024.upsilon_4s);
  std::vector<k_star_tau_mu_event> events(4096);
  for (auto& ev : events) ev = generate(rng);
  std::vector<four_vector> visible;
  std::size_t i = 0;
  for (auto _ : state) {
    auto v = compute(events[i++ & 4095], visible);
    benchmark::DoNotOptimize(v);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_variables);

void bm_generate_and_variables(benchmark::State& state) {
  std::mt19937_64 rng(3);
  k_star_tau_mu_generator generate(pdg_2024.upsilon_4s);
  std::vector<four_vector> visible;
  const auto limits = q2_limits(pdg_2024.b0, pdg_2024.k_star0, pdg_2024.tau, pdg_2024.mu);
  rein::histogram h(rein::binning(rein::make_uniform_axis(40, limits.min, limits.max, "q2")));
  for (auto _ : state) {
    const auto ev = generate(rng);
    const auto v = compute(ev, visible);
    benchmark::DoNotOptimize(v);
    h.fill(v.q2, ev.weight);
  }
  benchmark::DoNotOptimize(h.total());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_generate_and_variables);

// Unweighted events: accept–reject on the product of the GENBOD weights (the signal 3-body and
// D 3-body decays carry non-trivial weights); the rate counts accepted events.
void bm_unweighted_generate_and_variables(benchmark::State& state) {
  std::mt19937_64 rng(4);
  k_star_tau_mu_generator generate(pdg_2024.upsilon_4s);
  std::vector<four_vector> visible;
  k_star_tau_mu_event ev;
  for (auto _ : state) {
    do {
      ev = generate(rng);
    } while (!(uniform01(rng) < ev.weight));
    auto v = compute(ev, visible);
    benchmark::DoNotOptimize(v);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_unweighted_generate_and_variables);

void bm_tau_leptonic(benchmark::State& state) {
  std::mt19937_64 rng(5);
  const tau_decayer decayer(tau_decay_mode::muon);
  const four_vector tau = four_vector::from_mass({0.2, -0.4, 1.9}, pdg_2024.tau);
  for (auto _ : state) {
    auto d = decayer.decay(rng, tau);
    benchmark::DoNotOptimize(d);
  }
  state.counters["decays/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_tau_leptonic);

}  // namespace
