// B0 → K*0 τ+ μ− with the hadronic-tag recoil mass, end to end — a TOY, NOT Belle II data. It
// shows the workflow of the Belle II lepton-flavour-violating searches with rein's event modules
// and parametric shapes; every efficiency, yield and resolution below is a made-up, seeded recipe.
//
// 1. Generate signal with kinematics::k_star_tau_mu_generator (pure phase space, τ+ → π+ ν̄, tag
//    B0bar → D+ π−), √s drawn from the 4.99 MeV beam spread. With perfect resolution and the
//    nominal √s, M_τ equals m_τ event by event (mtau_max_abs_dev_perfect); with 0.5 % track
//    momentum smearing and the spread, it has the width mtau_sigma68_smeared (docs/kinematics.md
//    quotes ≈ 18 MeV).
// 2. The selection (p*_μ > 1 GeV, M_τ in the fit range) gives the selection efficiency as a map in
//    the generator-level q² = (p_τ + p_μ)², times a fixed tag × B(τ → πν) factor.
// 3. A double-sided Crystal Ball fitted to the selected signal M_τ fixes the peak shape; the
//    "data" are a Poisson number of background events drawn from a smooth Chebyshev density
//    (no signal), fitted with the Crystal Ball peak plus a Chebyshev background (both yields and
//    the background coefficients free).
// 4. The 90% CL CLs upper limit on the signal yield (q̃μ asymptotics) gives the limit on B for
//    N(B0) = 2 N_BB f00 and the phase-space model's averaged efficiency; the limit is then
//    reinterpreted through the efficiency map for a model with |M|² ∝ q² (a harder q² spectrum),
//    and the map-averaged efficiency is compared with the event-reweighted one.
// Prints one JSON summary (contract: mtau_max_abs_dev_perfect, mtau_sigma68_smeared,
// upper_limit_90 {signal_yield, branching_fraction}, reinterpreted_upper_limit_90).
#include "../common/summary.hpp"

#include <rein/core/binning.hpp>
#include <rein/core/histogram.hpp>
#include <rein/core/random.hpp>
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/kinematics/efficiency_map.hpp>
#include <rein/kinematics/efficiency_reinterpretation.hpp>
#include <rein/kinematics/masses.hpp>
#include <rein/kinematics/reference_events.hpp>
#include <rein/kinematics/resolution.hpp>
#include <rein/kinematics/selection.hpp>
#include <rein/kinematics/variables.hpp>
#include <rein/likelihood/parametric_shape.hpp>
#include <rein/likelihood/shape_fit.hpp>
#include <rein/reweight/bin_integration.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace kin = rein::kinematics;
namespace lh = rein::likelihood;

namespace {

constexpr std::uint64_t seed = 20261203;
constexpr std::size_t n_signal_mc = 40000;   // generated signal events
constexpr std::size_t n_perfect = 2000;      // events checked at perfect resolution
constexpr double relative_momentum_sigma = 0.005;
constexpr double beam_spread = 0.00499;     // σ(√s), GeV
constexpr double mtau_low = 1.60, mtau_high = 1.95;  // fit range, GeV
constexpr std::size_t mtau_bins = 70;
constexpr double min_muon_momentum = 1.0;    // p*_μ, GeV
constexpr std::size_t q2_map_bins = 8;
constexpr double n_bb = 387e6;               // BB̄ pairs (the size of a 365 fb⁻¹ sample)
constexpr double f00 = 0.486;                // B0 B0bar fraction of Υ(4S) decays
constexpr double tag_times_tau_bf = 0.004 * 0.1082;  // toy hadronic-tag efficiency × B(τ → πν)
constexpr double background_mean = 400;      // expected background events in the fit range
// the background's Chebyshev coefficients (density 1 + a1 T1(t) + a2 T2(t), t ∈ [−1, 1])
constexpr double background_a1 = -0.35, background_a2 = 0.10;

const kin::particle_masses& m = kin::pdg_2024;

double sigma68(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const auto at = [&](double p) { return x[static_cast<std::size_t>(p * static_cast<double>(x.size() - 1))]; };
  return 0.5 * (at(0.84134474606854293) - at(0.15865525393145707));
}

// Three-body phase space in q² = m²(τμ): dΓ/dq² ∝ λ^½(m_B², m_K*², q²) λ^½(q², m_τ², m_μ²) / q².
double kallen(double a, double b, double c) { return a * a + b * b + c * c - 2 * (a * b + a * c + b * c); }
double phase_space_rate(double q2) {
  const double l1 = kallen(m.b0 * m.b0, m.k_star0 * m.k_star0, q2), l2 = kallen(q2, m.tau * m.tau, m.mu * m.mu);
  return l1 > 0 && l2 > 0 ? std::sqrt(l1 * l2) / q2 : 0.0;
}
// The model to reinterpret for: |M|² ∝ q² on top of phase space.
double model_rate(double q2) { return q2 * phase_space_rate(q2); }

struct signal_sample {
  double max_abs_dev_perfect = 0;
  std::vector<double> mtau_smeared;            // every generated event, for σ68
  rein::histogram mtau_selected;               // selected, smeared M_τ
  rein::histogram q2_generated, q2_passed;     // generator-level q², for the map
  double model_weight_generated = 0, model_weight_passed = 0;  // Σ q² over events (event reweighting)
};

signal_sample generate_signal(std::mt19937_64& rng, const rein::binning& mtau_binning, const rein::binning& q2_binning) {
  signal_sample s{0, {}, rein::histogram(mtau_binning), rein::histogram(q2_binning), rein::histogram(q2_binning), 0, 0};
  const double e_beam = kin::nominal_beam_energy();
  kin::k_star_tau_mu_generator nominal(m.upsilon_4s, true);
  for (std::size_t n = 0; n < n_perfect; ++n) {
    const auto ev = nominal(rng);
    s.max_abs_dev_perfect = std::max(s.max_abs_dev_perfect, std::abs(kin::tau_recoil_mass(ev.tag(), ev.k_pi_mu(), e_beam, m.b0) - m.tau));
  }
  const auto muon_cut = kin::interval_cut::at_least(min_muon_momentum, "p*_mu");
  // the fit range as the histogram bins it: [low, high)
  const auto range_cut = kin::interval_cut(mtau_low, mtau_high, kin::interval_bounds::closed_open, "M_tau");
  const auto smear = [&rng](const kin::four_vector& p, double mass) {
    return kin::smear_momentum(rng, p, mass, relative_momentum_sigma);
  };
  for (std::size_t n = 0; n < n_signal_mc; ++n) {
    double sqrt_s = 0;
    do sqrt_s = rein::normal(rng, m.upsilon_4s, beam_spread);
    while (!(sqrt_s > 2 * m.b0 + 1e-6));  // below the B0 B0bar threshold: a 4σ fluctuation, redrawn
    const auto ev = nominal(rng, sqrt_s);
    const auto tag = smear(ev.d_k, m.k_plus) + smear(ev.d_pi1, m.pi_plus) + smear(ev.d_pi2, m.pi_plus) + smear(ev.pi_tag, m.pi_plus);
    const auto mu = smear(ev.mu, m.mu);
    const double mtau = kin::tau_recoil_mass(tag, smear(ev.k_sig, m.k_plus) + smear(ev.pi_sig, m.pi_plus) + mu, e_beam, m.b0);
    s.mtau_smeared.push_back(mtau);
    const double q2 = (ev.tau + ev.mu).mass2();
    s.q2_generated.fill(q2);
    s.model_weight_generated += q2;
    if (muon_cut(mu.p()) && range_cut(mtau)) {
      s.q2_passed.fill(q2);
      s.model_weight_passed += q2;
      s.mtau_selected.fill(mtau);
    }
  }
  return s;
}

// Background: a Poisson number of events from the Chebyshev density, by accept–reject.
rein::histogram generate_background(std::mt19937_64& rng, const rein::binning& mtau_binning) {
  rein::histogram h(mtau_binning);
  const double events = rein::poisson(rng, background_mean);
  const double max_density = 1 + std::abs(background_a1) + std::abs(background_a2);
  for (double n = 0; n < events;) {
    const double t = 2 * rein::uniform01(rng) - 1;
    const double density = 1 + background_a1 * t + background_a2 * (2 * t * t - 1);
    if (rein::uniform01(rng) * max_density < density) {
      h.fill(mtau_low + 0.5 * (t + 1) * (mtau_high - mtau_low));
      ++n;
    }
  }
  return h;
}

lh::parametric_shape crystal_ball(const std::vector<double>& values, bool fixed) {
  lh::parametric_shape s;
  s.name = "signal_peak";
  s.kind = lh::shape_kind::crystal_ball;
  s.parameters = {{"m_peak", values[0], 1.70, 1.85, fixed},  {"sigma", values[1], 0.002, 0.08, fixed},
                  {"alpha_left", values[2], 0.3, 8.0, fixed}, {"n_left", values[3], 1.01, 50.0, true},
                  {"alpha_right", values[4], 0.3, 8.0, fixed}, {"n_right", values[5], 1.01, 50.0, true}};
  return s;
}

lh::parametric_shape chebyshev_background() {
  lh::parametric_shape s;
  s.name = "background_shape";
  s.kind = lh::shape_kind::chebyshev;
  s.parameters = {{"a1", 0.0, -1.0, 1.0}, {"a2", 0.0, -1.0, 1.0}};
  return s;
}

// The map ε(q²) = tag × B(τ → πν) × ε_selection(q²), with the binomial uncertainty scaled alike.
kin::efficiency_map efficiency_map_of(const signal_sample& s) {
  const auto selection = kin::efficiency_map::from_histograms(s.q2_passed, s.q2_generated);
  std::vector<double> eff = selection.efficiencies(), unc = selection.uncertainties();
  for (std::size_t i = 0; i < eff.size(); ++i) eff[i] *= tag_times_tau_bf, unc[i] *= tag_times_tau_bf;
  return kin::efficiency_map(selection.bins(), eff, unc);
}

nlohmann::json efficiency_json(const kin::averaged_efficiency& e) {
  return {{"value", e.value}, {"uncertainty", e.uncertainty}};
}

}  // namespace

int main() try {
  const auto begin = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  const rein::binning mtau_binning(rein::make_uniform_axis(mtau_bins, mtau_low, mtau_high, "M_tau"));
  const auto q2_range = kin::q2_limits(m.b0, m.k_star0, m.tau, m.mu);
  const rein::binning q2_binning(
      rein::make_uniform_axis(q2_map_bins, q2_range.min, q2_range.max, "q2", rein::upper_edge::included));
  const auto signal = generate_signal(rng, mtau_binning, q2_binning);
  bool ok = true;

  // the peak shape from the signal simulation (n_L = n_R = 5 held fixed: the tails are short)
  const double n_mc = signal.mtau_selected.total();
  const auto mc_model = lh::make_shape_fit_model(
      signal.mtau_selected, {{"signal", crystal_ball({m.tau, 0.018, 1.5, 5.0, 1.5, 5.0}, false), {"n_mc", n_mc, 0, 2 * n_mc}}});
  const auto mc_fit = rein::fit::fit(mc_model);
  ok = ok && mc_fit.ok();
  std::vector<double> peak;
  nlohmann::json peak_json;
  for (const char* name : {"m_peak", "sigma", "alpha_left", "n_left", "alpha_right", "n_right"}) {
    const auto i = static_cast<Eigen::Index>(mc_model.parameters().index(name));
    peak.push_back(mc_fit.values[i]);
    peak_json[name] = mc_fit.values[i];
  }

  // the toy data fit and the 90% CL limit on the signal yield
  const auto data = generate_background(rng, mtau_binning);
  const auto model = lh::make_shape_fit_model(data, {{"signal", crystal_ball(peak, true), {"n_sig", 0.0, 0.0, 60.0}},
                                                     {"background", chebyshev_background(), {"n_bkg", data.total(), 0.0, 3 * data.total()}}});
  const auto limit = examples::upper_limit(model, 0.90, ok);
  const auto closure = examples::closure(model, {{"n_sig", 25.0}}, 1.0, ok)["n_sig"];
  const auto data_fit = rein::fit::fit(model);
  ok = ok && data_fit.ok();
  nlohmann::json background_fit;
  for (const char* name : {"n_bkg", "a1", "a2"}) {
    const auto i = static_cast<Eigen::Index>(model.parameters().index(name));
    background_fit[name] = {{"fitted", data_fit.values[i]}, {"error", data_fit.errors[i]}};
  }

  // the limit on B with the phase-space model's efficiency, then reinterpreted for |M|² ∝ q²
  const auto map = efficiency_map_of(signal);
  rein::reweight::bin_integration_options quadrature;
  quadrature.lower_limit = q2_range.min;
  quadrature.endpoint = q2_range.max;
  const auto& q2_edges = q2_binning.axis(0).edges();
  const auto reference_rates = rein::reweight::integrate_bins(phase_space_rate, q2_edges, quadrature);
  const auto model_rates = rein::reweight::integrate_bins(model_rate, q2_edges, quadrature);
  const double n_b0 = 2 * n_bb * f00;
  const auto reference = kin::model_averaged_efficiency(map, reference_rates);
  const double bf_limit = limit.obs / (n_b0 * reference.value);
  const auto reinterpreted = kin::rescale_upper_limit(bf_limit, map, reference_rates, model_rates);
  const double model_event_reweighted = tag_times_tau_bf * signal.model_weight_passed / signal.model_weight_generated;

  const nlohmann::json summary = {
      {"status", ok ? "ok" : "fit_failed"},
      {"data", "TOY, not Belle II data (seeded recipe in examples/b_to_kstar_tau_mu/main.cpp)"},
      {"seed", seed},
      {"mtau_max_abs_dev_perfect", signal.max_abs_dev_perfect},
      {"mtau_sigma68_smeared", sigma68(signal.mtau_smeared)},
      {"signal_peak", peak_json},
      {"signal_peak_fit_status", rein::fit::to_string(mc_fit.status)},
      {"background_fit", background_fit},
      {"background_truth", {{"mean", background_mean}, {"a1", background_a1}, {"a2", background_a2}}},
      {"upper_limit_90", {{"signal_yield", limit.obs}, {"branching_fraction", bf_limit}}},
      {"signal_yield_limit_90", examples::limit_json(limit, 1.0)},
      {"n_B0", n_b0},
      {"efficiency",
       {{"reference", efficiency_json(reference)},
        {"model", efficiency_json(reinterpreted.model)},
        {"model_event_reweighted", model_event_reweighted}}},
      {"reinterpreted_upper_limit_90", reinterpreted.upper_limit},
      {"reinterpreted_upper_limit_90_uncertainty", reinterpreted.uncertainty},
      {"closure", closure},
      {"postfit", examples::postfit(model)},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}};
  std::cout << summary.dump(2) << '\n';
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "b_to_kstar_tau_mu: " << e.what() << '\n';
  return 1;
}
