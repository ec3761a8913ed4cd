// Hard models for the minimiser (issue #15): many correlated per-bin γ (a staterror and two shapesys
// per bin, with a free background normalisation), 1e5-count bins, stiff and loose constraints, and
// the POI held at μ = 1 on background-only Asimov data (a large q̃_A), or at its bound 0. `ok` must
// mean the minimum: every fit that says `ok` must lie within 1e-8 in 2·nll of the lowest point found
// by two independent methods — the full dense minimisation from four starts, and the fit with the
// per-bin γ profiled bin by bin (a different algorithm on a g-dimensional problem).
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace hard_models_test {

namespace {

/// 6 channels × 5 bins: a signal (normfactor mu), background 1 (free normalisation kb, a shapesys
/// of relative width r1 × 2–17 %, `big` counts in channels 0 and 3) and background 2 (a normsys, a
/// shapesys of relative width r2 × 10–30 %); a 3 % staterror on every sample. 30 staterror and 60
/// shapesys γ, 93 parameters.
nlohmann::json hard_workspace(double signal, double big, double r1, double r2) {
  nlohmann::json channels = nlohmann::json::array(), observations = nlohmann::json::array();
  for (int c = 0; c < 6; ++c) {
    std::vector<double> sig(5), b1(5), b2(5), u1(5), u2(5), stat(5), observed(5);
    for (std::size_t b = 0; b < 5; ++b) {
      const double x = c * 5.0 + static_cast<double>(b), db = static_cast<double>(b) - 2;
      sig[b] = signal * std::exp(-0.5 * db * db) * (1 + 0.1 * c);
      b1[b] = (c % 3 == 0 ? big : 100.0) * std::exp(-0.3 * static_cast<double>(b)) * (1 + 0.05 * std::sin(x));
      b2[b] = 40 * (1 + 0.5 * std::cos(x));
      u1[b] = r1 * b1[b] * (0.02 + 0.05 * static_cast<double>((static_cast<std::size_t>(c) + b) % 4));
      u2[b] = r2 * b2[b] * (0.1 + 0.1 * static_cast<double>(b % 3));
      stat[b] = 0.03 * (sig[b] + b1[b] + b2[b]);
      observed[b] = std::round(b1[b] + b2[b]);
    }
    const std::string k = std::to_string(c);
    const nlohmann::json staterror = {{"name", "stat_" + k}, {"type", "staterror"}, {"data", stat}};
    nlohmann::json s0 = {{"name", "signal"},
                         {"data", sig},
                         {"modifiers", {{{"name", "mu"}, {"type", "normfactor"}, {"data", nullptr}}, staterror}}};
    nlohmann::json s1 = {{"name", "bkg1"},
                         {"data", b1},
                         {"modifiers",
                          {{{"name", "shape1_" + k}, {"type", "shapesys"}, {"data", u1}},
                           staterror,
                           {{"name", "kb"}, {"type", "normfactor"}, {"data", nullptr}}}}};
    nlohmann::json s2 = {{"name", "bkg2"},
                         {"data", b2},
                         {"modifiers",
                          {{{"name", "shape2_" + k}, {"type", "shapesys"}, {"data", u2}},
                           staterror,
                           {{"name", "n2"}, {"type", "normsys"}, {"data", {{"hi", 1.1}, {"lo", 0.9}}}}}}};
    channels.push_back({{"name", "ch" + k}, {"samples", {s0, s1, s2}}});
    observations.push_back({{"name", "ch" + k}, {"data", observed}});
  }
  return {{"channels", channels},
          {"observations", observations},
          {"measurements", {{{"name", "meas"}, {"config", {{"poi", "mu"}, {"parameters", nlohmann::json::array()}}}}}},
          {"version", "1.0.0"}};
}

/// Fits `data` with mu held at `mu` by both methods from several starts; every `ok` fit must reach
/// the lowest 2·nll found to 1e-8, and the profiled fit must be `ok`.
void check_honest(const rein::likelihood::model& model, const rein::likelihood::dataset& data, double mu) {
  std::vector<rein::fit::fit_result> fits;
  rein::fit::fit_options options;
  options.errors = false;
  options.fixed = {{"mu", mu}};
  options.profiling = rein::fit::bin_profiling::always;
  fits.push_back(rein::fit::fit(model, data, options));
  CHECK(fits.back().ok());
  options.profiling = rein::fit::bin_profiling::never;
  for (const double shift : {0.0, 0.05, -0.05, 0.15}) {
    Eigen::VectorXd start = model.parameters().inits();
    for (Eigen::Index i = 0; i < start.size(); ++i) start[i] += shift * std::cos(3.0 * static_cast<double>(i));
    options.start = start;
    fits.push_back(rein::fit::fit(model, data, options));
  }
  double best = fits.front().twice_nll;
  for (const auto& f : fits) best = std::min(best, f.twice_nll);
  for (std::size_t k = 0; k < fits.size(); ++k) {
    INFO("fit " << k << " (0: profiled, 1-4: dense from four starts): " << rein::fit::to_string(fits[k].status));
    if (fits[k].ok()) REIN_CHECK_ABS(fits[k].twice_nll, best, 1e-8);
  }
}

}  // namespace

TEST_SUITE("fit") {
  TEST_CASE("hard models: every ok fit is the minimum to 1e-8 in 2 nll") {
    struct setting {
      double signal, big, r1, r2;
    };
    // loose and stiff shapesys (τ = 1/(r·rel)² from about 2 to 6e4), 1e5-count bins, large signals
    for (const setting s : {setting{10, 100, 1, 1}, setting{60, 1e5, 0.3, 2}, setting{200, 3000, 8, 0.3},
                            setting{20, 1e5, 3, 8}}) {
      INFO("signal " << s.signal << ", big " << s.big << ", r1 " << s.r1 << ", r2 " << s.r2);
      const auto model = rein::likelihood::make_model(
          rein::io::workspace_from_json(hard_workspace(s.signal, s.big, s.r1, s.r2), "<hard model>"));
      REQUIRE(model.parameters().size() == 93);
      Eigen::VectorXd background = model.parameters().inits();
      background[static_cast<Eigen::Index>(model.parameters().poi_index())] = 0;
      const rein::likelihood::dataset asimov{model.expected_main(background), model.expected_aux(background)};
      check_honest(model, asimov, 1.0);  // q̃_A's conditional fit
      check_honest(model, model.observed(), 0.0);  // the POI on its bound
    }
  }
}
}  // namespace hard_models_test
