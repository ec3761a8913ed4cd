// Fit diagnostics (infer/diagnostics.hpp, infer/breakdown.hpp) and what they stand on:
// likelihood/yield_jacobian.hpp, likelihood/mask.hpp, likelihood/parameter_groups.hpp.
// One file for the five headers: each test TU costs minutes of compile time.
#include "rein/core/random.hpp"
#include "rein/infer/breakdown.hpp"
#include "rein/infer/diagnostics.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/combine.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/mask.hpp"
#include "rein/likelihood/parameter_groups.hpp"
#include "rein/likelihood/yield_jacobian.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <Eigen/Cholesky>
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace diagnostics_test {

namespace {

using rein::likelihood::modifier_type;

rein::likelihood::workspace two_channel() {
  return rein::io::workspace_from_json(rein::io::read_json(rein::test::test_data("diagnostics/two_channel.json")));
}

// One bin: signal s·μ (normfactor, free in [-10, 10]) over a background b with a histosys θ
// (code0, hi = b + c, lo = b − c: ν = μs + b + cθ, exactly linear), θ ~ N(0, 1), n observed.
rein::likelihood::model counting_histosys(double s, double b, double c, double n) {
  rein::likelihood::workspace ws;
  rein::likelihood::channel ch{"bin", {}};
  ch.samples.push_back({"signal", {s}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  ch.samples.push_back({"background", {b}, {{"theta", modifier_type::histosys, 1, 1, {b + c}, {b - c}, {}}}});
  ws.channels.push_back(ch);
  ws.observations.push_back({"bin", {n}});
  rein::likelihood::parameter_config mu{"mu", {}, {}, {}, {}, {}, {}};
  mu.bounds = std::vector<std::pair<double, double>>{{-10.0, 10.0}};
  ws.measurements.push_back({"m", "mu", {mu}});
  rein::likelihood::model_options options;
  options.histosys = rein::likelihood::interpolation_code::code0;
  return rein::likelihood::make_model(ws, options);
}

const rein::infer::channel_yield_table& channel_named(const std::vector<rein::infer::channel_yield_table>& tables,
                                                      const std::string& name) {
  for (const auto& t : tables)
    if (t.name == name) return t;
  FAIL("no channel " << name);
  return tables.front();
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("yield_jacobian: values are expected_sample's, contracted with 1 − n/ν they are the nll gradient") {
    const auto model = rein::likelihood::make_model(two_channel());
    // a point off nominal with |α| > 1 on both sides, so that every interpolation branch is used
    Eigen::VectorXd theta = model.parameters().inits();
    theta[static_cast<Eigen::Index>(model.parameters().index("jes"))] = 1.7;
    theta[static_cast<Eigen::Index>(model.parameters().index("ttbar_norm"))] = -1.3;
    theta[static_cast<Eigen::Index>(model.parameters().index("sig_xsec"))] = 0.4;
    theta[static_cast<Eigen::Index>(model.parameters().index("mu"))] = 0.0;  // ∂ν/∂μ must survive μ = 0
    theta[static_cast<Eigen::Index>(model.parameters().index("staterror_SR[1]"))] = 1.05;
    const auto y = rein::likelihood::yield_jacobian(model, theta);
    for (std::size_t si = 0; si < model.samples().size(); ++si) {
      const auto& s = model.samples()[si];
      const Eigen::VectorXd expected = model.expected_sample(theta, s.channel, s.name);
      for (Eigen::Index b = 0; b < expected.size(); ++b)  // the same products in the same order: to rounding
        REIN_CHECK_REL(y.values[static_cast<Eigen::Index>(y.first[si]) + b], expected[b], 1e-14);
    }
    // gradient(observed) − gradient(data = ν(θ)) removes the constraint terms and leaves
    // Σ_b (1 − n_b/ν_b) Σ_s ∂ν_sb/∂θ: the model's own analytic gradient, an independent code path
    const Eigen::VectorXd nu = model.expected_main(theta);
    rein::likelihood::dataset at_nu{nu, model.observed().aux};
    Eigen::VectorXd g_obs, g_nu;
    (void)model.nll_and_gradient(theta, model.observed(), g_obs);
    (void)model.nll_and_gradient(theta, at_nu, g_nu);
    Eigen::VectorXd contracted = Eigen::VectorXd::Zero(theta.size());
    for (std::size_t si = 0; si < model.samples().size(); ++si) {
      const auto& s = model.samples()[si];
      for (std::size_t b = 0; b < s.nominal.size(); ++b) {
        const double r = 1 - model.observed().main[static_cast<Eigen::Index>(s.offset + b)] / nu[static_cast<Eigen::Index>(s.offset + b)];
        contracted += r * y.jacobian.row(static_cast<Eigen::Index>(y.first[si] + b)).transpose();
      }
    }
    // sums of ~10 terms of size ≤ 1e3: rounding ~1e-12 absolute
    for (Eigen::Index j = 0; j < theta.size(); ++j) REIN_CHECK_ABS(contracted[j], g_obs[j] - g_nu[j], 1e-9);
    // μ = 0: the signal's derivative is its nominal times the other factors, not 0
    const auto mu = static_cast<Eigen::Index>(model.parameters().index("mu"));
    for (std::size_t si = 0; si < model.samples().size(); ++si)
      if (model.samples()[si].name == "signal") CHECK(y.jacobian(static_cast<Eigen::Index>(y.first[si]), mu) > 0);
    CHECK_THROWS_WITH_AS((void)rein::likelihood::yield_jacobian(model, Eigen::VectorXd::Zero(3)),
                         doctest::Contains("parameter vector has 3 entries, the model has 15 parameters"), rein::invalid_argument);
  }

  TEST_CASE("diagnostics: one bin, one free normalisation: closed forms of the post-fit uncertainties") {
    // μ̂ = (n − b)/s, θ̂ = 0; H = u uᵀ/n + diag(0, 1) with u = (s, c), so C_θθ = 1 and
    // total σ = √(uᵀ C u) = √n, signal σ = s·σ_μ = √(n + c²), background σ = c·σ_θ = c
    const double s = 10, b = 50, c = 5, n = 68;
    const auto model = counting_histosys(s, b, c, n);
    const auto r = rein::infer::diagnostics(model);
    REQUIRE(r.fit.ok());
    REQUIRE(r.fit.covariance_ok);
    const auto& t = r.postfit.at(0);
    // the covariance is the inverse of a central-difference Hessian (relative error ~1e-8 on this
    // smooth model) at a minimum found to edm 1e-10: 1e-6 relative
    REIN_CHECK_REL(t.total[0], n, 1e-8);
    REIN_CHECK_REL(t.total_uncertainties[0], std::sqrt(n), 1e-6);
    REIN_CHECK_REL(t.samples.at(0).uncertainties[0], std::sqrt(n + c * c), 1e-6);
    REIN_CHECK_REL(t.samples.at(1).uncertainties[0], c, 1e-6);
    REIN_CHECK_REL(t.total_sum_uncertainty, std::sqrt(n), 1e-6);
    CHECK(t.data[0] == n);
    // a model too large for the dense matrices is refused before any fit
    rein::likelihood::workspace big;
    big.channels.push_back({"wide", {{"bkg", std::vector<double>(5000, 10.0), {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}},
                                                                          {"gamma", modifier_type::shapesys, 1, 1, {}, {}, std::vector<double>(5000, 1.0)}}}}});
    big.observations.push_back({"wide", std::vector<double>(5000, 10.0)});
    big.measurements.push_back({"m", "mu", {}});
    CHECK_THROWS_WITH_AS((void)rein::infer::diagnostics(rein::likelihood::make_model(big)),
                         doctest::Contains("the model has 5001 parameters; diagnostics form the dense covariance"), rein::invalid_argument);
    // pre-fit: μ unconstrained (no uncertainty, cabinetry's choice), θ's width 1: only c remains
    const auto& p = r.prefit.at(0);
    REIN_CHECK_REL(p.total[0], s + b, 1e-15);
    REIN_CHECK_REL(p.total_uncertainties[0], c, 1e-15);
    CHECK(p.samples.at(0).uncertainties[0] == 0.0);
    // the correlation of μ and θ: C_μθ/√(C_μμ C_θθ) = −c/√(n + c²)
    // (pyhf's parameter order: by modifier type name, histosys before normfactor)
    REQUIRE(r.correlation.parameters == std::vector<std::string>{"theta", "mu"});
    REIN_CHECK_REL(r.correlation.matrix(0, 1), -c / std::sqrt(n + c * c), 1e-6);
    CHECK(r.correlation.matrix(0, 0) == 1.0);
    REQUIRE(r.pulls.size() == 2);
    REQUIRE(r.pulls[0].name == "theta");
    REIN_CHECK_ABS(r.pulls[0].pull, 0.0, 1e-5);       // θ̂ = 0 to the fit's precision (σ_θ = 1)
    REIN_CHECK_REL(r.pulls[0].constraint, 1.0, 1e-6);  // σ̂_θ = 1 exactly
  }

  TEST_CASE("diagnostics: pre-/post-fit yield uncertainties agree with pyhf-based propagation") {
    // tests/data/diagnostics/reference.json: pyhf 0.7.6.dev398 fit (SLSQP 1e-12), covariance from
    // pyhf's nll by central second differences, Jacobian of pyhf's per-sample yields by central
    // differences (make_reference.py). The two best fits agree to ~1e-5 σ; the reference's FD
    // Hessian carries ~1e-6 relative error: 2e-4 relative on uncertainties, 1e-5 on yields.
    const auto model = rein::likelihood::make_model(two_channel());
    const auto ref = rein::io::read_json(rein::test::test_data("diagnostics/reference.json"));
    const auto r = rein::infer::diagnostics(model);
    REQUIRE(r.fit.ok());
    REQUIRE(r.fit.covariance_ok);
    const auto& names = ref["parameters"];
    for (std::size_t k = 0; k < names.size(); ++k) {
      const auto i = static_cast<Eigen::Index>(model.parameters().index(names[k].get<std::string>()));
      INFO(names[k]);
      REIN_CHECK_ABS(r.fit.values[i], ref["bestfit"][k].get<double>(), 2e-4 * ref["errors"][k].get<double>());
      REIN_CHECK_REL(r.fit.errors[i], ref["errors"][k].get<double>(), 2e-4);
    }
    for (const auto& [which, tables] : {std::pair{"prefit", &r.prefit}, std::pair{"postfit", &r.postfit}}) {
      for (const auto& t : *tables) {
        const auto& rc = ref[which][t.name];
        INFO(which << " " << t.name);
        for (const auto& sample : t.samples) {
          const auto& rs = rc["samples"][sample.name];
          for (Eigen::Index b = 0; b < sample.yields.size(); ++b) {
            REIN_CHECK_REL(sample.yields[b], rs["yields"][static_cast<std::size_t>(b)].get<double>(), 1e-5);
            REIN_CHECK_REL(sample.uncertainties[b], rs["uncertainties"][static_cast<std::size_t>(b)].get<double>(), 2e-4);
          }
          REIN_CHECK_REL(sample.sum_uncertainty, rs["sum_uncertainty"].get<double>(), 2e-4);
        }
        for (Eigen::Index b = 0; b < t.total.size(); ++b)
          REIN_CHECK_REL(t.total_uncertainties[b], rc["total_uncertainties"][static_cast<std::size_t>(b)].get<double>(), 2e-4);
        REIN_CHECK_REL(t.total_sum_uncertainty, rc["total_sum_uncertainty"].get<double>(), 2e-4);
      }
    }
  }

  TEST_CASE("diagnostics: post-fit yield uncertainties agree with a Monte Carlo of the fitted Gaussian") {
    // θ ~ N(θ̂, C) (Cholesky of the fit's covariance, fixed seed, 40000 draws of Box–Muller
    // normals from rein::standard_normal on mt19937_64), yields recomputed with expected_sample and
    // expected_main; their standard deviations against the linear propagation. The MC standard
    // error of a standard deviation is σ/√(2N) = 0.35 %; non-linearity (products of factors with
    // ≤ 15 % relative uncertainty, the exponential normsys) shifts σ by O(σ_rel²/2) ≲ 1 %: tolerance
    // 3 % relative (reported per check).
    const auto model = rein::likelihood::make_model(two_channel());
    const auto r = rein::infer::diagnostics(model);
    REQUIRE(r.fit.covariance_ok);
    const Eigen::LLT<Eigen::MatrixXd> llt(r.fit.covariance);
    REQUIRE(llt.info() == Eigen::Success);
    const Eigen::MatrixXd l = llt.matrixL();
    std::mt19937_64 rng(20261206);
    const int draws = 40000;
    const auto n = r.fit.values.size();
    const auto bins = static_cast<Eigen::Index>(model.main_bins());
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(bins), sum2 = Eigen::VectorXd::Zero(bins);
    Eigen::VectorXd s_sum = Eigen::VectorXd::Zero(3), s_sum2 = Eigen::VectorXd::Zero(3);  // SR signal
    Eigen::VectorXd z(n);
    for (int d = 0; d < draws; ++d) {
      for (Eigen::Index i = 0; i < n; ++i) z[i] = rein::standard_normal(rng);
      const Eigen::VectorXd theta = r.fit.values + l * z;
      const Eigen::VectorXd nu = model.expected_main(theta);
      sum += nu, sum2 += nu.cwiseProduct(nu);
      const Eigen::VectorXd sig = model.expected_sample(theta, "SR", "signal");
      s_sum += sig, s_sum2 += sig.cwiseProduct(sig);
    }
    const auto sd = [&](double s1, double s2) { return std::sqrt((s2 - s1 * s1 / draws) / (draws - 1)); };
    const auto& sr = channel_named(r.postfit, "SR");
    const auto& cr = channel_named(r.postfit, "CR");
    for (Eigen::Index b = 0; b < 3; ++b) {
      REIN_CHECK_REL(sr.total_uncertainties[b], sd(sum[b], sum2[b]), 0.03);
      REIN_CHECK_REL(sr.samples.at(0).uncertainties[b], sd(s_sum[b], s_sum2[b]), 0.03);
    }
    for (Eigen::Index b = 0; b < 2; ++b) REIN_CHECK_REL(cr.total_uncertainties[b], sd(sum[3 + b], sum2[3 + b]), 0.03);
  }

  TEST_CASE("mask_channels: the fit equals the fit of the pruned workspace; the masked channel is still predicted") {
    const auto ws = two_channel();
    const auto full = rein::likelihood::make_model(ws);
    const auto pruned = rein::likelihood::make_model(rein::likelihood::prune_channels(ws, {"CR"}));
    rein::infer::diagnostics_options options;
    options.masked = {"CR"};
    const auto r = rein::infer::diagnostics(full, options);
    const auto reference = rein::fit::fit(pruned);
    REQUIRE(r.fit.ok());
    REQUIRE(reference.ok());
    // both minimise the same function of the shared parameters (the CR-only ones decouple, each
    // held by its constraint alone): agreement to the fits' precision, 1e-4 of an error
    for (std::size_t k = 0; k < pruned.parameters().size(); ++k) {
      const auto& name = pruned.parameters()[k].name;
      const auto i = static_cast<Eigen::Index>(full.parameters().index(name));
      INFO(name);
      REIN_CHECK_ABS(r.fit.values[i], reference.values[static_cast<Eigen::Index>(k)], 1e-4 * reference.errors[static_cast<Eigen::Index>(k)]);
      REIN_CHECK_REL(r.fit.errors[i], reference.errors[static_cast<Eigen::Index>(k)], 1e-4);
    }
    // the CR-only parameters stay at their constraint's centre, with the pre-fit width
    for (const char* name : {"staterror_CR[0]", "wjets_cr_shape[1]"}) {
      const auto i = static_cast<Eigen::Index>(full.parameters().index(name));
      REIN_CHECK_ABS(r.fit.values[i], 1.0, 1e-5);
    }
    const auto& cr = channel_named(r.postfit, "CR");
    CHECK(cr.masked);
    CHECK_FALSE(channel_named(r.postfit, "SR").masked);
    CHECK(std::isfinite(cr.total_uncertainties[0]));
    CHECK(cr.total_uncertainties[0] > 0);
    // a masked model has the SR bins only, and the same parameters
    const auto masked = rein::likelihood::mask_channels(full, {"CR"});
    CHECK(masked.main_bins() == 3);
    CHECK(masked.parameters().size() == full.parameters().size());
    CHECK_THROWS_WITH_AS((void)rein::likelihood::mask_channels(full, {"VR"}),
                         doctest::Contains("no channel 'VR' to mask (it has 'SR', 'CR')"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::likelihood::mask_channels(full, {"CR", "CR"}), doctest::Contains("'CR' is masked twice"),
                         rein::invalid_argument);
  }

  TEST_CASE("parameter groups: glob patterns, modifier types, fix_parameters") {
    CHECK(rein::likelihood::glob_match("corr_*", "corr_jes"));
    CHECK(rein::likelihood::glob_match("*_shape", "wjets_cr_shape"));
    CHECK(rein::likelihood::glob_match("staterror_??", "staterror_SR"));
    CHECK_FALSE(rein::likelihood::glob_match("staterror_?", "staterror_SR"));
    CHECK(rein::likelihood::glob_match("a*b*c", "aXbYbZc"));
    CHECK_FALSE(rein::likelihood::glob_match("a*b*c", "aXbYbZ"));
    const auto ws = two_channel();
    const auto model = rein::likelihood::make_model(ws);
    const auto& layout = model.parameters();
    const auto names = [&](const std::vector<std::size_t>& members) {
      std::vector<std::string> out;
      for (auto i : members) out.push_back(layout[i].name);
      return out;
    };
    const std::vector<rein::likelihood::parameter_group> groups = {{"bkg", {"ttbar_*", "wjets_shape"}}};
    CHECK(names(rein::likelihood::group_members("bkg", groups, ws, layout)) ==
          std::vector<std::string>{"ttbar_norm", "wjets_shape[0]", "wjets_shape[1]", "wjets_shape[2]"});
    CHECK(names(rein::likelihood::group_members("shapesys", groups, ws, layout)).size() == 5);
    CHECK(names(rein::likelihood::group_members("lumi", groups, ws, layout)) == std::vector<std::string>{"lumi"});
    CHECK(names(rein::likelihood::group_members("normsys", groups, ws, layout)) == std::vector<std::string>{"ttbar_norm", "sig_xsec"});
    CHECK_THROWS_WITH_AS((void)rein::likelihood::group_members("sys", groups, ws, layout),
                         doctest::Contains("no group 'sys' (groups: 'bkg', 'normfactor'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::likelihood::group_members("typo", {{"typo", {"jes_*"}}}, ws, layout),
                         doctest::Contains("group 'typo' matches no parameter"), rein::invalid_argument);
    const auto fixed = rein::likelihood::fix_parameters(model, {{layout.index("jes"), 0.5}});
    CHECK(fixed.parameters()[layout.index("jes")].fixed);
    CHECK(fixed.parameters()[layout.index("jes")].init == 0.5);
    CHECK(fixed.parameters().poi() == layout.poi());
  }

  TEST_CASE("breakdown: closed forms on one bin with a free normalisation and one Gaussian nuisance") {
    // as above: σ_μ² = (n + c²)/s² free, n/s² with θ frozen (stat); the θ group: c/s
    const double s = 10, b = 50, c = 5, n = 68;
    const auto model = counting_histosys(s, b, c, n);
    const auto r = rein::infer::breakdown(model, {{"histosys", {model.parameters().index("theta")}}});
    REQUIRE(r.status == rein::fit::fit_status::ok);
    CHECK(r.poi == "mu");
    REIN_CHECK_REL(r.mu_hat, (n - b) / s, 1e-6);
    // Hessian errors from central differences: 1e-6 relative; a quadrature difference of two
    // such errors of similar size loses about (total/part)²: 1e-5 on the parts
    REIN_CHECK_REL(r.total, std::sqrt(n + c * c) / s, 1e-6);
    REIN_CHECK_REL(r.stat, std::sqrt(n) / s, 1e-6);
    REIN_CHECK_REL(r.syst, c / s, 1e-5);
    REQUIRE(r.groups.size() == 1);
    REIN_CHECK_REL(r.groups[0].uncertainty, c / s, 1e-5);
    CHECK(r.groups[0].frozen == std::vector<std::string>{"theta"});
    CHECK(rein::infer::breakdown(model, {}).groups.empty());
  }
}
}  // namespace diagnostics_test
