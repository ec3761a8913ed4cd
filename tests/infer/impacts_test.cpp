#include "rein/infer/impacts.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace impacts_test {

namespace {

using rein::likelihood::modifier_type;

// Tolerance of a fitted value, in units of its standard deviation: the minimiser stops when the
// estimated distance to the minimum edm ≤ 1e-10 (fit/minimize_options.hpp), so a fitted point lies
// within √(2·edm) ≈ 1.4e-5 standard deviations of the true minimum; an impact is a difference of
// two fits, hence 3e-5 σ.
constexpr double fit_sigmas = 3e-5;

// One bin: signal s·μ (normfactor μ ∈ [0, 10]) plus background b with one normsys α (hi, lo), n
// observed. With α held, ν = s μ + b f(α) and μ̂(α) solves ν = n: μ̂(α) = (n − b f(α))/s. Free, μ
// absorbs any α, so the profile in α is α²/2: α̂ = 0 and σ̂_α = 1 exactly.
rein::likelihood::model counting_normsys(double s, double b, double n, double hi, double lo,
                                         rein::likelihood::interpolation_code code) {
  rein::likelihood::workspace ws;
  rein::likelihood::channel c{"bin", {}};
  c.samples.push_back({"signal", {s}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  c.samples.push_back({"background", {b}, {{"alpha", modifier_type::normsys, hi, lo, {}, {}, {}}}});
  ws.channels.push_back(c);
  ws.observations.push_back({"bin", {n}});
  ws.measurements.push_back({"m", "mu", {}});
  rein::likelihood::model_options options;
  options.normsys = code;
  return rein::likelihood::make_model(ws, options);
}

// Three decoupled channels with closed-form fits (docs/infer_impacts.md, "Tests"):
//  A: signal 20·μ and background 100, both × lumi λ; n = 150. μ absorbs A for any λ.
//  B: background 400 × λ; n = 440. λ ~ N(1, 0.05): λ̂² + (bσ² − a)λ̂ − nσ² = 0 with bσ² = 1 = a,
//     so λ̂ = √1.1 and 1/σ̂² = n/λ̂² + 1/σ² = 800.
//  C: background 50 with a shapesys δ = 5 (τ = 100, aux = 100); n = 65: γ̂ = (n + τ)/(b + τ) = 1.1,
//     1/σ̂² = (n + τ)/γ̂².
rein::likelihood::model three_channels(double lumi_upper = 1.5) {
  rein::likelihood::workspace ws;
  rein::likelihood::channel a{"A", {}}, b{"B", {}}, c{"C", {}};
  const rein::likelihood::modifier lumi{"lumi", modifier_type::lumi, 1, 1, {}, {}, {}};
  a.samples.push_back({"signal", {20.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}, lumi}});
  a.samples.push_back({"background", {100.0}, {lumi}});
  b.samples.push_back({"background", {400.0}, {lumi}});
  c.samples.push_back({"background", {50.0}, {{"shape_C", modifier_type::shapesys, 1, 1, {}, {}, {5.0}}}});
  ws.channels = {a, b, c};
  ws.observations = {{"A", {150.0}}, {"B", {440.0}}, {"C", {65.0}}};
  rein::likelihood::parameter_config config{"lumi", {}, {}, {}, {}, {}, {}};
  config.auxdata = std::vector<double>{1.0};
  config.sigmas = std::vector<double>{0.05};
  config.bounds = std::vector<std::pair<double, double>>{{0.5, lumi_upper}};
  ws.measurements.push_back({"m", "mu", {config}});
  return rein::likelihood::make_model(ws);
}

const rein::infer::parameter_impact& find(const rein::infer::impacts_result& r, const std::string& name) {
  for (const auto& item : r.impacts)
    if (item.name == name) return item;
  FAIL("no impact for " << name);
  return r.impacts.front();
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("impacts: one-bin counting experiment, normsys code4, against the closed form") {
    const double s = 10, b = 50, n = 70, hi = 1.1, lo = 0.85;
    const auto m = counting_normsys(s, b, n, hi, lo, rein::likelihood::interpolation_code::code4);
    const auto r = rein::infer::impacts(m);
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.poi == "mu");
    REQUIRE(r.impacts.size() == 1);
    const auto& alpha = r.impacts[0];
    CHECK(alpha.name == "alpha");
    CHECK(alpha.constrained);
    // closed form: μ̂ = (n − b)/s = 2, α̂ = 0, σ̂_α = 1; σ_μ ≈ √n/s ≈ 0.84 sets the fit tolerance
    const double sigma_mu = std::sqrt(n) / s;
    REIN_CHECK_ABS(r.mu_hat, (n - b) / s, fit_sigmas * sigma_mu);
    REIN_CHECK_ABS(alpha.value, 0.0, fit_sigmas);
    // σ̂ from the finite-difference Hessian (~1e-10 relative) at a point within fit_sigmas of the
    // minimum; the curvature of α²/2 does not depend on the point, so 1e-7 is ample
    REIN_CHECK_REL(alpha.error, 1.0, 1e-7);
    REIN_CHECK_ABS(alpha.pull, 0.0, fit_sigmas);
    REIN_CHECK_REL(alpha.constraint, 1.0, 1e-7);
    REIN_CHECK_REL(alpha.prefit_sigma, 1.0, 1e-15);
    // α held at ±1 (code4 is exactly hi^α, lo^−α there): Δμ± = b(1 − hi)/s, b(1 − lo)/s; held at
    // ±σ̂ = ±(1 ± 1e-7) moves f by b·ln(hi)·1e-7/s ≈ 5e-8
    const double up = b * (1 - hi) / s, down = b * (1 - lo) / s;
    REIN_CHECK_ABS(alpha.impact_postfit[1], up, fit_sigmas * sigma_mu + 1e-7);
    REIN_CHECK_ABS(alpha.impact_postfit[0], down, fit_sigmas * sigma_mu + 1e-7);
    REIN_CHECK_ABS(alpha.impact_prefit[1], up, fit_sigmas * sigma_mu);
    REIN_CHECK_ABS(alpha.impact_prefit[0], down, fit_sigmas * sigma_mu);
    REIN_CHECK_ABS(alpha.prefit_held[0], -1.0, fit_sigmas);  // α̂ ∓ σ with σ = 1
    REIN_CHECK_ABS(alpha.prefit_held[1], 1.0, fit_sigmas);
    CHECK(alpha.rank_value() == std::max(std::abs(alpha.impact_postfit[0]), std::abs(alpha.impact_postfit[1])));
  }

  TEST_CASE("impacts: code1 normsys, the POI's error against the closed form") {
    // code1 with lo = 1/hi is f(α) = hi^α, smooth at 0: H = g gᵀ/n + diag(0, 1) with
    // g = (s, b ln hi), so σ_μ² = (n + (b ln hi)²)/s²; Δμ± = b(1 − hi^±1)/s
    const double s = 10, b = 50, n = 70, hi = 1.1;
    const auto m = counting_normsys(s, b, n, hi, 1 / hi, rein::likelihood::interpolation_code::code1);
    const auto r = rein::infer::impacts(m);
    const double sigma_mu = std::sqrt(n + std::pow(b * std::log(hi), 2)) / s;
    // the Hessian's central differences: ~1e-10 relative (fit/hessian.hpp)
    REIN_CHECK_REL(r.mu_error, sigma_mu, 1e-7);
    const auto& alpha = r.impacts.at(0);
    REIN_CHECK_ABS(alpha.impact_postfit[1], b * (1 - hi) / s, fit_sigmas * sigma_mu + 1e-7);
    REIN_CHECK_ABS(alpha.impact_postfit[0], b * (1 - 1 / hi) / s, fit_sigmas * sigma_mu + 1e-7);
  }

  TEST_CASE("pulls: lumi (normal) and shapesys (Poisson) parameters against hand-computed fits") {
    const auto m = three_channels();
    const auto fit = rein::fit::fit(m);
    REQUIRE(fit.covariance_ok);
    const auto p = rein::infer::pulls(m, m.observed(), fit);
    REQUIRE(p.size() == 3);  // lumi, mu, shape_C[0] in pyhf's order
    CHECK(p[0].name == "lumi");
    CHECK(p[1].name == "mu");
    CHECK(p[2].name == "shape_C[0]");
    const double lambda = std::sqrt(1.1), sigma_lambda = 1 / std::sqrt(800.0);
    const double gamma = 1.1, sigma_gamma = gamma / std::sqrt(165.0);
    // values within fit_sigmas standard deviations; errors from the Hessian at that point: the
    // curvature changes by ~(3/λ)·δλ relative, i.e. below 1e-5 relative
    REIN_CHECK_ABS(p[0].value, lambda, fit_sigmas * sigma_lambda);
    REIN_CHECK_REL(p[0].error, sigma_lambda, 1e-5);
    CHECK(p[0].prefit_center == 1.0);
    CHECK(p[0].prefit_sigma == 0.05);
    REIN_CHECK_ABS(p[0].pull, (lambda - 1) / 0.05, fit_sigmas * sigma_lambda / 0.05);
    REIN_CHECK_REL(p[0].constraint, sigma_lambda / 0.05, 1e-5);
    // shapesys: centre aux/τ = 1, width 1/√τ = 0.1
    REIN_CHECK_ABS(p[2].value, gamma, fit_sigmas * sigma_gamma);
    REIN_CHECK_REL(p[2].error, sigma_gamma, 1e-5);
    REIN_CHECK_REL(p[2].prefit_center, 1.0, 1e-15);
    REIN_CHECK_REL(p[2].prefit_sigma, 0.1, 1e-15);
    REIN_CHECK_ABS(p[2].pull, (gamma - 1) / 0.1, fit_sigmas * sigma_gamma / 0.1);
    REIN_CHECK_REL(p[2].constraint, sigma_gamma / 0.1, 1e-5);
    // the POI: value ± error, no pull
    CHECK(!p[1].constrained);
    REIN_CHECK_ABS(p[1].value, (150 / lambda - 100) / 20, 1e-4);
    CHECK(std::isnan(p[1].pull));
    CHECK(std::isnan(p[1].constraint));
    CHECK(std::isnan(p[1].prefit_sigma));
  }

  TEST_CASE("impacts: lumi and shapesys against closed forms, ranking, clipping into the bounds") {
    const double lambda = std::sqrt(1.1), sigma_lambda = 1 / std::sqrt(800.0);
    // μ̂(λ) = (150/λ − 100)/20, so Δμ(λ_held) = 7.5 (1/λ_held − 1/λ̂); σ_μ ≈ 0.7 sets the tolerance
    const auto delta = [&](double held) { return 7.5 * (1 / held - 1 / lambda); };
    const double tolerance = fit_sigmas * 0.7 + 1e-6;  // + held value off by ≲ fit_sigmas·σ̂_λ·7.5/λ²
    {
      const auto r = rein::infer::impacts(three_channels());
      CHECK(r.status == rein::fit::fit_status::ok);
      REQUIRE(r.impacts.size() == 2);
      CHECK(r.impacts[0].name == "lumi");  // ranked: lumi moves μ, shape_C[0] is decoupled
      CHECK(r.impacts[1].name == "shape_C[0]");
      const auto& l = r.impacts[0];
      REIN_CHECK_ABS(l.impact_postfit[0], delta(lambda - sigma_lambda), tolerance);
      REIN_CHECK_ABS(l.impact_postfit[1], delta(lambda + sigma_lambda), tolerance);
      REIN_CHECK_ABS(l.impact_prefit[0], delta(lambda - 0.05), tolerance);
      REIN_CHECK_ABS(l.impact_prefit[1], delta(lambda + 0.05), tolerance);
      CHECK(l.impact_postfit[0] > 0);
      CHECK(l.impact_postfit[1] < 0);
      // channel C does not involve μ: Δμ = 0 up to the fits' convergence
      for (double d : {r.impacts[1].impact_postfit[0], r.impacts[1].impact_postfit[1], r.impacts[1].impact_prefit[0],
                       r.impacts[1].impact_prefit[1]})
        REIN_CHECK_ABS(d, 0.0, 2 * fit_sigmas * 0.7);
      CHECK(r.fits == 8);  // two parameters × four held values
    }
    {
      // upper bound 1.08: λ̂ + σ̂ = 1.0842 and λ̂ + σ = 1.0988 are both clipped to 1.08 (one fit)
      const auto r = rein::infer::impacts(three_channels(1.08));
      const auto& l = find(r, "lumi");
      CHECK(l.postfit_held[1] == 1.08);
      CHECK(l.prefit_held[1] == 1.08);
      REIN_CHECK_ABS(l.impact_postfit[1], delta(1.08), tolerance);
      CHECK(l.impact_prefit[1] == l.impact_postfit[1]);
      REIN_CHECK_ABS(l.impact_prefit[0], delta(lambda - 0.05), tolerance);
      CHECK(r.fits == 7);
    }
    {
      // only the pre-fit impacts switched off, one parameter asked for
      rein::infer::impacts_options options;
      options.parameters = {"shape_C[0]"};
      options.prefit = false;
      const auto r = rein::infer::impacts(three_channels(), options);
      REQUIRE(r.impacts.size() == 1);
      CHECK(std::isnan(r.impacts[0].impact_prefit[0]));
      CHECK(std::isnan(r.impacts[0].prefit_held[1]));
      CHECK(r.fits == 2);
    }
  }

  TEST_CASE("impacts: unconstrained parameters get post-fit impacts only") {
    // two normfactors: μ on the signal, k on the background; one bin each of two channels
    rein::likelihood::workspace ws;
    rein::likelihood::channel sr{"SR", {}}, cr{"CR", {}};
    const rein::likelihood::modifier k{"k", modifier_type::normfactor, 1, 1, {}, {}, {}};
    sr.samples.push_back({"signal", {10.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    sr.samples.push_back({"background", {20.0}, {k}});
    cr.samples.push_back({"background", {200.0}, {k}});
    ws.channels = {sr, cr};
    ws.observations = {{"SR", {45.0}}, {"CR", {220.0}}};
    ws.measurements.push_back({"m", "mu", {}});
    const auto m = rein::likelihood::make_model(ws);
    const auto r = rein::infer::impacts(m);
    REQUIRE(r.impacts.size() == 1);
    const auto& item = r.impacts[0];
    // k̂ = 220/200 = 1.1, σ̂_k = √220/200 (CR alone fixes k; SR is absorbed by μ);
    // μ̂(k) = (45 − 20k)/10, so Δμ± = ∓2 σ̂_k
    const double sigma_k = std::sqrt(220.0) / 200;
    CHECK(!item.constrained);
    REIN_CHECK_ABS(item.value, 1.1, fit_sigmas * sigma_k);
    REIN_CHECK_REL(item.error, sigma_k, 1e-5);
    REIN_CHECK_ABS(item.impact_postfit[1], -2 * sigma_k, fit_sigmas * 2.2 + 1e-7);
    REIN_CHECK_ABS(item.impact_postfit[0], 2 * sigma_k, fit_sigmas * 2.2 + 1e-7);
    CHECK(std::isnan(item.impact_prefit[0]));
    CHECK(std::isnan(item.impact_prefit[1]));
    CHECK(std::isnan(item.pull));
    CHECK(r.fits == 2);
  }

  TEST_CASE("impacts: results do not depend on the thread count") {
    const auto m = three_channels();
    rein::infer::impacts_options one, three;
    three.threads = 3;
    const auto a = rein::infer::impacts(m, one), b = rein::infer::impacts(m, three);
    REQUIRE(a.impacts.size() == b.impacts.size());
    for (std::size_t k = 0; k < a.impacts.size(); ++k) {
      CHECK(a.impacts[k].name == b.impacts[k].name);
      for (std::size_t d = 0; d < 2; ++d) {
        CHECK(a.impacts[k].impact_postfit[d] == b.impacts[k].impact_postfit[d]);
        CHECK(a.impacts[k].impact_prefit[d] == b.impacts[k].impact_prefit[d]);
      }
    }
  }

  TEST_CASE("impacts: the Belle II combined likelihood (232 parameters)") {
    const auto m = rein::likelihood::make_model(
        rein::io::read_workspace(rein::test::shipped_data("belle2-knunu/combined_likelihood.json")));
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"));
    const auto& minuit = reference["fit_combined"]["values"]["minuit"];
    rein::infer::impacts_options options;
    options.threads = 2;
    const auto begin = std::chrono::steady_clock::now();
    const auto r = rein::infer::impacts(m, options);
    MESSAGE("Belle II impacts: " << r.impacts.size() << " parameters, " << r.fits << " fits, "
                                 << std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()
                                 << " s on 2 threads");
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.impacts.size() == 231);
    // reference.json: MINUIT μ̂ = 4.59905, "compare 1e-3 relative on mu_hat"
    REIN_CHECK_REL(r.mu_hat, minuit["mu_hat"].get<double>(), 1e-3);
    double sum2 = 0;
    for (std::size_t k = 0; k < r.impacts.size(); ++k) {
      const auto& item = r.impacts[k];
      CAPTURE(item.name);
      for (double d : {item.impact_postfit[0], item.impact_postfit[1], item.impact_prefit[0], item.impact_prefit[1]})
        CHECK(std::isfinite(d));
      CHECK(std::isfinite(item.pull));
      CHECK(item.constraint > 0);
      if (k > 0) CHECK(r.impacts[k - 1].rank_value() >= item.rank_value());
      sum2 += 0.25 * std::pow(std::abs(item.impact_postfit[0]) + std::abs(item.impact_postfit[1]), 2);
      // MINUIT's best fit (reference.json, EDM < 1e-8): pulls agree to 1e-3 (both fits within
      // ~1e-4 σ of the minimum)
      const auto& p = m.parameters()[item.index];
      const double minuit_pull = (minuit["bestfit_free"][item.name].get<double>() - p.aux) / p.sigma;
      REIN_CHECK_ABS(item.pull, minuit_pull, 1e-3);
    }
    // A sanity check, not a theorem: in the Gaussian limit the post-fit impact of θ_i is ρ_iμ σ_μ, and
    // Σ ρ_iμ² stays below 1 unless nuisances are strongly correlated among themselves.
    MESSAGE("sqrt(sum of squared symmetrised post-fit impacts) = " << std::sqrt(sum2) << ", mu error " << r.mu_error);
    CHECK(std::sqrt(sum2) < r.mu_error);
  }

  TEST_CASE("impacts: bad input") {
    const auto m = three_channels();
    rein::infer::impacts_options options;
    options.parameters = {"lumi", "nope"};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: options.parameters[1] = 'nope' is not a parameter of the model",
                         rein::invalid_argument);
    options.parameters = {"mu"};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: options.parameters[0] = 'mu' is the parameter of interest; impacts are "
                         "on it, not of it",
                         rein::invalid_argument);
    options.parameters = {"lumi", "shape_C[0]", "lumi"};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: options.parameters[2] = 'lumi' appears twice (also at index 0)",
                         rein::invalid_argument);
    options.parameters = {"lumi"};
    options.fit.fixed = {{"lumi", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         doctest::Contains("options.parameters[0] = 'lumi' is fixed (by the model, its bounds or "
                                           "options.fit.fixed); impacts need a free parameter"),
                         rein::invalid_argument);
    options.parameters.clear();
    options.fit.fixed = {{"mu", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: the parameter of interest 'mu' is fixed (by the model or "
                         "options.fit.fixed); impacts need it free",
                         rein::invalid_argument);
    options.fit.fixed = {{"lumen", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: options.fit.fixed names 'lumen', not a parameter of the model",
                         rein::invalid_argument);
    options.fit.fixed.clear();
    options.threads = 0;
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(m, options),
                         "rein::infer::impacts: options.threads = 0, must be >= 1", rein::invalid_argument);

    rein::likelihood::workspace ws;
    rein::likelihood::channel c{"bin", {}};
    c.samples.push_back({"signal", {1.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels.push_back(c);
    ws.observations.push_back({"bin", {1.0}});
    ws.measurements.push_back({"m", "mu", {}});
    rein::likelihood::model_options no_poi;
    no_poi.poi = std::string();
    const auto without = rein::likelihood::make_model(ws, no_poi);
    CHECK_THROWS_WITH_AS((void)rein::infer::impacts(without),
                         "rein::infer::impacts: the model has no parameter of interest", rein::invalid_argument);

    const auto fit = rein::fit::fit(m);
    const auto other = rein::fit::fit(without);
    CHECK_THROWS_WITH_AS((void)rein::infer::pulls(m, m.observed(), other),
                         "rein::infer::pulls: the fit result has 1 values, the model has 3 parameters",
                         rein::invalid_argument);
    rein::likelihood::dataset wrong = m.observed();
    wrong.aux.resize(1);
    CHECK_THROWS_WITH_AS((void)rein::infer::pulls(m, wrong, fit),
                         "rein::infer::pulls: data has 1 auxiliary data, the model has 2 constrained parameters",
                         rein::invalid_argument);
  }
}
}  // namespace impacts_test
