// Event generation + analysis variables for B0 → K*0(→ K+π−) τ+(→ π+ν̄) μ− with a hadronic tag
// B0bar → D+ π− (D+ → K− π+ π+), from Υ(4S) → B0 B0bar at the nominal √s, in the CM frame.
// Counter "events/s": one event = the full decay chain (6 GENBOD decays) and, where named, the
// variables Mbc, ΔE, M_τ (both forms), q², M(Kπμ), the missing four-momentum and a histogram fill.
#include "rein/core/histogram.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/core/random.hpp"
#include "rein/kinematics/tau_decays.hpp"
#include "rein/kinematics/variables.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <random>
#include <vector>

namespace {

using namespace rein::kinematics;
using rein::uniform01;

struct event {
  std::array<four_vector, 4> tag;  // K π π (from D) and π
  four_vector k, pi, mu, tau_pi, tau_nu;
  double weight = 1.0;
};

class chain {
 public:
  chain()
      : m_upsilon(pdg_2024.upsilon_4s, {pdg_2024.b0, pdg_2024.b0}),
        m_b_sig(pdg_2024.b0, {pdg_2024.k_star0, pdg_2024.tau, pdg_2024.mu}),
        m_k_star(pdg_2024.k_star0, {pdg_2024.k_plus, pdg_2024.pi_plus}),
        m_b_tag(pdg_2024.b0, {pdg_2024.d_plus, pdg_2024.pi_plus}),
        m_d(pdg_2024.d_plus, {pdg_2024.k_plus, pdg_2024.pi_plus, pdg_2024.pi_plus}),
        m_tau(tau_decay_mode::pi_nu) {}

  template <class Rng>
  void operator()(Rng& rng, event& ev) {
    ev.weight = m_upsilon.generate(rng, m_bb);
    ev.weight *= m_b_sig.generate(rng, m_bb[0], m_sig);
    ev.weight *= m_k_star.generate(rng, m_sig[0], m_kst);
    ev.k = m_kst[0];
    ev.pi = m_kst[1];
    ev.mu = m_sig[2];
    const auto t = m_tau.decay(rng, m_sig[1]);
    ev.tau_pi = t.visible;
    ev.tau_nu = t.nu_tau;
    ev.weight *= m_b_tag.generate(rng, m_bb[1], m_tag);
    ev.weight *= m_d.generate(rng, m_tag[0], m_dd);
    ev.tag = {m_dd[0], m_dd[1], m_dd[2], m_tag[1]};
  }

 private:
  phase_space m_upsilon, m_b_sig, m_k_star, m_b_tag, m_d;
  tau_decayer m_tau;
  std::vector<four_vector> m_bb, m_sig, m_kst, m_tag, m_dd;
};

struct variables {
  double mbc, de, mtau, mtau_mbc, q2, m_kpimu, e_miss;
};

variables compute(const event& ev, std::vector<four_vector>& visible) {
  const double e_beam = nominal_beam_energy();
  const four_vector tag = ev.tag[0] + ev.tag[1] + ev.tag[2] + ev.tag[3];
  const four_vector x = ev.k + ev.pi + ev.mu;
  visible.assign({ev.tag[0], ev.tag[1], ev.tag[2], ev.tag[3], ev.k, ev.pi, ev.mu, ev.tau_pi});
  return {beam_constrained_mass(tag, e_beam),
          delta_e(tag, e_beam),
          tau_recoil_mass(tag, x, e_beam, pdg_2024.b0),
          tau_recoil_mass_mbc(tag, x, e_beam),
          q2_k_tau_ell(tag, ev.k + ev.pi, e_beam),
          x.mass(),
          missing_energy(visible, pdg_2024.upsilon_4s)};
}

void bm_generate(benchmark::State& state) {
  std::mt19937_64 rng(1);
  chain generate;
  event ev;
  for (auto _ : state) {
    generate(rng, ev);
    benchmark::DoNotOptimize(ev);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_generate);

void bm_variables(benchmark::State& state) {
  std::mt19937_64 rng(2);
  chain generate;
  std::vector<event> events(4096);
  for (auto& ev : events) generate(rng, ev);
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
  chain generate;
  event ev;
  std::vector<four_vector> visible;
  const auto limits = q2_limits(pdg_2024.b0, pdg_2024.k_star0, pdg_2024.tau, pdg_2024.mu);
  rein::histogram h(rein::binning(rein::make_uniform_axis(40, limits.min, limits.max, "q2")));
  for (auto _ : state) {
    generate(rng, ev);
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
  chain generate;
  event ev;
  std::vector<four_vector> visible;
  for (auto _ : state) {
    do {
      generate(rng, ev);
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
