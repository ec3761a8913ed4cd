// B → Xs νν̄ with SYNTHETIC inputs — NOT Belle II data. A made-up but plausible recipe: a 2-D
// histogram in the BDT output O ∈ [0.90, 1] (4 bins) × the hadronic mass M(Xs) ∈ [0, 2] GeV
// (6 bins), unrolled row-major (O slowest) into one 24-bin channel, with BB̄ and continuum
// backgrounds; the "observed" counts are a background-only Poisson draw from a seeded
// std::mt19937_64 with rein's own Poisson sampler.
//
// Three partial branching fractions, one per M(Xs) region ([0, 0.6], [0.6, 1.0], > 1.0 GeV), are
// POIs of one model; each region's 90% CL CLs limit is computed with that POI tested and the
// other two profiled (model_options.poi). A second model, where one POI scales all three regions
// with fixed synthetic fractions, gives the limit on the total branching fraction. Closure tests
// inject known values into Asimov data and fit them back.
#include "../common/summary.hpp"

#include <rein/core/random.hpp>
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/infer/asymptotic.hpp>
#include <rein/infer/profile_likelihood.hpp>
#include <rein/infer/upper_limit.hpp>
#include <rein/likelihood/builder.hpp>
#include <rein/likelihood/make_model.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <exception>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace lh = rein::likelihood;

namespace {

constexpr double n_bb = 387e6;     // synthetic number of BB̄ pairs
constexpr double bf_unit = 1e-5;   // POIs are branching fractions in units of 1e-5 (O(1) for the minimiser)
constexpr double mc_weight = 0.25;  // simulated backgrounds have 4× the data's statistics
constexpr std::uint64_t seed = 20250314;
const std::vector<double> o_edges = {0.90, 0.94, 0.97, 0.99, 1.00};
const std::vector<double> m_edges = {0.0, 0.3, 0.6, 0.8, 1.0, 1.5, 2.0};  // GeV

struct region {
  const char* poi;
  double m_lo, m_hi;   // GeV
  double efficiency;   // synthetic signal efficiency in the region (tag × selection)
  double fraction;     // synthetic share of the total B(B → Xs νν̄) in the region
};
constexpr std::array<region, 3> regions = {{{"B_low", 0.0, 0.6, 2.0e-3, 0.20},
                                            {"B_mid", 0.6, 1.0, 1.5e-3, 0.30},
                                            {"B_high", 1.0, 2.0, 0.8e-3, 0.50}}};

// Fractions of a density ∝ exp(slope·x) (slope 0: flat) in the bins of `edges`.
std::vector<double> exp_fractions(const std::vector<double>& edges, double slope) {
  const auto primitive = [slope](double x) { return slope == 0 ? x : std::exp(slope * x) / slope; };
  std::vector<double> f;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i)
    f.push_back((primitive(edges[i + 1]) - primitive(edges[i])) / (primitive(edges.back()) - primitive(edges.front())));
  return f;
}

// `total` × p(O) × p(M) unrolled row-major (O slowest); p(M) is cut to [m_lo, m_hi] and renormalised.
std::vector<double> unrolled(double total, double o_slope, double m_slope, double m_lo = 0, double m_hi = 1e9) {
  const auto po = exp_fractions(o_edges, o_slope);
  auto pm = exp_fractions(m_edges, m_slope);
  double kept = 0;
  for (std::size_t j = 0; j < pm.size(); ++j) {
    if (m_edges[j] < m_lo || m_edges[j + 1] > m_hi) pm[j] = 0;  // bin outside the region
    kept += pm[j];
  }
  std::vector<double> y;
  for (const double o : po)
    for (const double m : pm) y.push_back(total * o * m / kept);
  return y;
}

std::vector<double> mc_error(const std::vector<double>& yields) {
  std::vector<double> e;
  for (const double y : yields) e.push_back(std::sqrt(mc_weight * y));
  return e;
}

// Signal peaks at O → 1 and is flat in M within its region; BB̄ falls with O and rises with M;
// continuum falls faster with O and is flat in M.
const auto bb = unrolled(300, -20, 1.0);
const auto qq = unrolled(200, -30, 0.0);

// The per-region model (`combined` false: POIs B_low, B_mid, B_high) or the total-BF model
// (one POI "B" scaling all regions by their fractions), on the same `observed` counts.
lh::workspace build_workspace(bool combined, const std::vector<double>& observed) {
  lh::workspace_builder b;
  b.channel("SR", observed.size());
  for (const auto& r : regions) {
    const double scale = combined ? r.fraction : 1.0;  // nominal yield at a (partial) BF of 1e-5
    b.sample(std::string("signal_") + r.poi, unrolled(scale * bf_unit * n_bb * r.efficiency, 40, 0.0, r.m_lo, r.m_hi))
        .normfactor(combined ? "B" : r.poi).normsys("signal_efficiency", 1.10, 0.90);
  }
  b.sample("BB", bb).normsys("BB_norm", 1.20, 0.80).staterror("stat_SR", mc_error(bb))
      .sample("continuum", qq).normsys("qq_norm", 1.30, 0.70).staterror("stat_SR", mc_error(qq))
      .observation("SR", observed)
      .measurement("meas", combined ? "B" : regions[0].poi);
  if (combined) return b.bounds("B", 0, 100).build();
  for (const auto& r : regions) b.bounds(r.poi, 0, 50);
  return b.build();
}

}  // namespace

int main() try {
  const auto begin = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  std::vector<double> observed;
  for (std::size_t i = 0; i < bb.size(); ++i) observed.push_back(rein::poisson(rng, bb[i] + qq[i]));

  bool ok = true;
  nlohmann::json limits, closures;
  const auto per_region = build_workspace(false, observed);
  for (const auto& r : regions) {
    lh::model_options options;
    options.poi = r.poi;  // this region tested, the other two profiled
    limits[r.poi] = examples::limit_json(examples::upper_limit(lh::make_model(per_region, options), 0.90, ok), bf_unit);
  }
  const auto total = lh::make_model(build_workspace(true, observed));
  limits["B_total"] = examples::limit_json(examples::upper_limit(total, 0.90, ok), bf_unit);

  // Injected partial BFs of a few times the SM-like expectation, all regions at once, and a total.
  closures["per_region"] =
      examples::closure(lh::make_model(per_region), {{"B_low", 4.0}, {"B_mid", 6.0}, {"B_high", 10.0}}, bf_unit, ok);
  closures["total"] = examples::closure(total, {{"B", 20.0}}, bf_unit, ok);

  nlohmann::json setup;
  for (const auto& r : regions)
    setup[r.poi] = {{"M_Xs_GeV", {r.m_lo, r.m_hi}}, {"efficiency", r.efficiency}, {"fraction_of_total", r.fraction}};
  const nlohmann::json summary = {
      {"status", ok ? "ok" : "fit_failed"},
      {"data", "SYNTHETIC, not Belle II data (seeded recipe in examples/b_to_xs_nu_nu/main.cpp)"},
      {"seed", seed},
      {"n_BB", n_bb},
      {"regions", setup},
      {"bins", {{"O", o_edges}, {"M_Xs_GeV", m_edges}, {"order", "row-major, O slowest"}}},
      {"upper_limit_90", limits},
      {"closure", closures},
      {"postfit", examples::postfit(lh::make_model(per_region))},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}};
  std::cout << summary.dump(2) << '\n';
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "b_to_xs_nu_nu: " << e.what() << '\n';
  return 1;
}
