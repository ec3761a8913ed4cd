#include "rein/infer/goodness_of_fit.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace goodness_of_fit_test {

namespace {

using rein::likelihood::modifier_type;

// One normfactor μ scaling a template t over five bins, no nuisance parameters: μ̂ = Σn/Σt.
rein::likelihood::model template_model(const std::vector<double>& t, const std::vector<double>& n) {
  rein::likelihood::workspace ws;
  rein::likelihood::channel c{"SR", {}};
  c.samples.push_back({"signal", t, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  ws.channels.push_back(c);
  ws.observations.push_back({"SR", n});
  rein::likelihood::parameter_config mu{"mu", {}, {}, {}, {}, {}, {}};
  mu.bounds = std::vector<std::pair<double, double>>{{0.0, 100.0}};
  ws.measurements.push_back({"m", "mu", {mu}});
  return rein::likelihood::make_model(ws);
}

// The three decoupled channels of impacts_test.cpp: A saturated by μ (with lumi λ), B = 400 λ with
// λ ~ N(1, 0.05), n = 440 (λ̂ = √1.1), C = 50 γ with a shapesys of τ = 100, n = 65 (γ̂ = 1.1).
rein::likelihood::model three_channels() {
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
  config.bounds = std::vector<std::pair<double, double>>{{0.5, 1.5}};
  ws.measurements.push_back({"m", "mu", {config}});
  return rein::likelihood::make_model(ws);
}

constexpr double half_log_two_pi = 0.91893853320467274178;  // ½ ln 2π

// Baker–Cousins term of one bin, written out independently of the code under test.
double baker_cousins(double nu, double n) { return n > 0 ? 2 * (nu - n + n * std::log(n / nu)) : 2 * nu; }

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("goodness_of_fit: one template without nuisances, against the Baker-Cousins chi2 by hand") {
    const std::vector<double> t = {10, 20, 30, 15, 5}, n = {12, 18, 35, 10, 0};
    const auto m = template_model(t, n);
    const auto r = rein::infer::goodness_of_fit(m);
    CHECK(r.status == rein::fit::fit_status::ok);
    const double mu = 75.0 / 80.0;  // Σn/Σt
    double q = 0;
    for (std::size_t b = 0; b < t.size(); ++b) q += baker_cousins(mu * t[b], n[b]);
    // q_sat is stationary in μ at μ̂: a fit within 1.4e-5 σ of it (edm ≤ 1e-10) changes q by ≲ 1e-9
    REIN_CHECK_REL(r.q_saturated, q, 1e-8);
    REIN_CHECK_REL(r.q_main, q, 1e-8);
    CHECK(r.q_constraint == 0.0);
    CHECK(r.n_bins == 5);
    CHECK(r.n_free == 1);
    CHECK(r.ndf == 4);
    // χ² survival with 4 degrees of freedom in closed form: e^{−q/2} (1 + q/2); q carries ≲ 1e-9
    REIN_CHECK_REL(r.p_value, std::exp(-q / 2) * (1 + q / 2), 1e-8);
    CHECK(std::isnan(r.p_value_toys));
    // the bin with n = 0 expects 4.7 < 5 events: one low-count warning
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find("1 of 5 main bins expect fewer than 5 events") != std::string::npos);
  }

  TEST_CASE("goodness_of_fit: lumi and shapesys constraint terms, against closed forms") {
    const auto m = three_channels();
    const auto r = rein::infer::goodness_of_fit(m);
    const double lambda = std::sqrt(1.1), gamma = 1.1, tau = 100;
    // main bins: A is saturated by μ; B and C by hand
    const double q_main = baker_cousins(400 * lambda, 440) + baker_cousins(50 * gamma, 65);
    // constraints: normal ((λ̂ − 1)/0.05)²; Poisson with aux = τ: 2[τγ̂ − τ + τ ln(τ/(τγ̂))]
    const double q_constraint = std::pow((lambda - 1) / 0.05, 2) + 2 * (tau * gamma - tau + tau * std::log(1 / gamma));
    // stationary at the best fit: 1e-8 relative as above
    REIN_CHECK_REL(r.q_main, q_main, 1e-8);
    REIN_CHECK_REL(r.q_constraint, q_constraint, 1e-8);
    REIN_CHECK_REL(r.q_saturated, q_main + q_constraint, 1e-8);
    // ndf = 3 bins + 2 constrained − 3 free = 2; χ²₂ survival = e^{−q/2}
    CHECK(r.ndf == 2);
    CHECK(r.n_free_constrained == 2);
    REIN_CHECK_REL(r.p_value, std::exp(-(q_main + q_constraint) / 2), 1e-8);
    // q_sat = 2[nll(θ̂) − nll_sat], nll_sat written out term by term (pyhf's constants):
    // Σ_b [n − n ln n + lnΓ(n+1)] + [ln σ + ½ ln 2π] + [τ − τ ln τ + lnΓ(τ + 1)]
    double nll_sat = std::log(0.05) + half_log_two_pi + tau - tau * std::log(tau) + std::lgamma(tau + 1);
    for (double n : {150.0, 440.0, 65.0}) nll_sat += n - n * std::log(n) + std::lgamma(n + 1);
    // both sides are sums of terms of size ~1e3 computed in double: 1e-9 relative of q's scale
    REIN_CHECK_ABS(r.q_saturated, 2 * (m.nll(r.fit.values) - nll_sat), 1e-9 * 4000);
  }

  TEST_CASE("goodness_of_fit: saturated_statistic skips the constraint terms of fixed parameters") {
    const auto m = three_channels();
    Eigen::VectorXd theta = m.parameters().inits();  // lumi 1, mu 1, shape 1
    std::vector<bool> fixed(3, false);
    const auto free = rein::infer::saturated_statistic(m, m.observed(), theta, fixed);
    fixed[0] = true;  // lumi held at its aux value contributes 0 either way; shift it
    theta[0] = 1.1;
    const auto held = rein::infer::saturated_statistic(m, m.observed(), theta, fixed);
    CHECK(held.constraint == free.constraint);  // only the shapesys term, at γ = 1: 0
    CHECK(free.constraint == 0.0);
    // main bins at the inits: ν = (120, 400, 50)·λ
    REIN_CHECK_REL(held.main, baker_cousins(132, 150) + baker_cousins(440, 440) + baker_cousins(50, 65), 1e-14);
  }

  TEST_CASE("goodness_of_fit: toys reproduce the chi2 distribution at large counts, whatever the thread count") {
    // counts ~1e3 per bin: q_sat ~ χ²₄ to O(1/n); the toy mean of q estimates ndf = 4 with standard
    // error √(2·4/N)
    const std::vector<double> t = {1000, 2000, 3000, 1500, 800}, n = {1010, 1950, 3080, 1490, 780};
    const auto m = template_model(t, n);
    rein::infer::goodness_of_fit_options options;
    options.n_toys = 2000;
    options.seed = 7;
    options.threads = 2;
    const auto r = rein::infer::goodness_of_fit(m, options);
    CHECK(r.failed_fits == 0);
    double mean = 0;
    for (double q : r.toy_q) mean += q / static_cast<double>(r.toy_q.size());
    REIN_CHECK_ABS(mean, 4.0, 4 * std::sqrt(8.0 / 2000));  // 4 standard errors
    // the toy p-value estimates the χ² one: 4 binomial standard errors + 0.01 for O(1/n) effects
    REIN_CHECK_ABS(r.p_value_toys, r.p_value, 4 * r.p_value_toys_error + 0.01);
    CHECK(r.p_value_toys > 0);
    options.threads = 1;
    options.n_toys = 50;
    const auto one = rein::infer::goodness_of_fit(m, options);
    options.threads = 3;
    const auto three = rein::infer::goodness_of_fit(m, options);
    REQUIRE(one.toy_q.size() == 50);
    for (std::size_t i = 0; i < 50; ++i) {
      CHECK(one.toy_q[i] == three.toy_q[i]);
      CHECK(one.toy_q[i] == r.toy_q[i]);  // toy i depends on (seed, i) only
    }
  }

  TEST_CASE("goodness_of_fit: the Belle II combined likelihood") {
    const auto m = rein::likelihood::make_model(
        rein::io::read_workspace(rein::test::shipped_data("belle2-knunu/combined_likelihood.json")));
    const auto r = rein::infer::goodness_of_fit(m);
    MESSAGE("Belle II saturated GoF: q = " << r.q_saturated << " (main " << r.q_main << ", constraints " << r.q_constraint
                                          << "), ndf = " << r.ndf << ", p = " << r.p_value);
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.n_bins == 30);
    CHECK(r.ndf == 29);  // 30 bins, one free unconstrained parameter (μ)
    CHECK(r.p_value > 0);
    CHECK(r.p_value < 1);
    // q_sat = 2[nll(θ̂) − nll_sat] with nll_sat from its definition (every constraint centred
    // inside its bounds): main bins Σ [n − n ln n + lnΓ(n + 1)], normal constraints ln σ + ½ ln 2π
    double nll_sat = 0;
    for (Eigen::Index b = 0; b < m.observed().main.size(); ++b) {
      const double n = m.observed().main[b];
      nll_sat += (n > 0 ? n - n * std::log(n) : 0.0) + std::lgamma(n + 1);
    }
    for (std::size_t i : m.constrained()) nll_sat += std::log(m.parameters()[i].sigma) + half_log_two_pi;
    // sums of ~260 terms of size ≲ 1e4 in double: 1e-8 absolute
    REIN_CHECK_ABS(r.q_saturated, 2 * (m.nll(r.fit.values) - nll_sat), 1e-8);
  }

  TEST_CASE("goodness_of_fit: ndf <= 0 gives no chi2 p-value and a warning") {
    // one bin, two normfactors: ndf = 1 − 2 = −1
    rein::likelihood::workspace ws;
    rein::likelihood::channel c{"SR", {}};
    c.samples.push_back({"signal", {5.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    c.samples.push_back({"background", {10.0}, {{"k", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels.push_back(c);
    ws.observations.push_back({"SR", {20.0}});
    ws.measurements.push_back({"m", "mu", {}});
    const auto r = rein::infer::goodness_of_fit(rein::likelihood::make_model(ws));
    CHECK(r.ndf == -1);
    CHECK(std::isnan(r.p_value));
    REQUIRE(!r.warnings.empty());
    CHECK(r.warnings[0] == "ndf = n_bins + n_free_constrained - n_free = -1 <= 0: no chi-square p-value; use toys");
  }

  TEST_CASE("goodness_of_fit: bad input") {
    const auto m = three_channels();
    rein::infer::goodness_of_fit_options options;
    options.threads = 0;
    CHECK_THROWS_WITH_AS((void)rein::infer::goodness_of_fit(m, options),
                         "rein::infer::goodness_of_fit: options.threads = 0, must be >= 1", rein::invalid_argument);
    options.threads = 1;
    options.low_count_threshold = std::nan("");
    CHECK_THROWS_WITH_AS((void)rein::infer::goodness_of_fit(m, options),
                         "rein::infer::goodness_of_fit: options.low_count_threshold = nan, must be a number",
                         rein::invalid_argument);
    options.low_count_threshold = 5;
    options.fit.fixed = {{"lumen", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::goodness_of_fit(m, options),
                         "rein::infer::goodness_of_fit: options.fit.fixed names 'lumen', not a parameter of the model",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::saturated_statistic(m, m.observed(), m.parameters().inits(), {false}),
                         "rein::infer::saturated_statistic: fixed has 1 flags, the model has 3 parameters",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::saturated_statistic(m, m.observed(), Eigen::VectorXd::Ones(2), {false, false, false}),
                         doctest::Contains("parameter vector has 2 entries, the model has 3 parameters"),
                         rein::invalid_argument);
  }

  TEST_CASE("goodness_of_fit: Combine's KS and AD distances against hand computations") {
    // one normfactor scales every bin, so the post-fit shape is the template's whatever μ̂:
    // F = (10, 30, 60)/60 = (1/6, 1/2, 1), E = (15, 30, 60)/60 = (1/4, 1/2, 1)
    const auto m = template_model({10, 20, 30}, {15, 15, 30});
    rein::infer::goodness_of_fit_options options;
    options.algorithm = rein::infer::gof_algorithm::ks;
    const auto ks = rein::infer::goodness_of_fit(m, options);
    // KS = max |E − F| = 1/4 − 1/6 = 1/12; only rounding of the cumulative sums (1e-15)
    REIN_CHECK_REL(ks.statistic, 1.0 / 12, 1e-13);
    REQUIRE(ks.channels.size() == 1);
    CHECK(ks.channels[0].name == "SR");
    CHECK(ks.channels[0].n_bins == 3);
    REIN_CHECK_REL(ks.channels[0].statistic, 1.0 / 12, 1e-13);
    // the saturated statistic is computed whatever the algorithm
    CHECK(ks.q_saturated > 0);
    options.algorithm = rein::infer::gof_algorithm::ad;
    const auto ad = rein::infer::goodness_of_fit(m, options);
    // AD = N Σ (E − F)²/(F(1 − F)) ΔF: bin 1 (1/12)²/(5/36)·(1/6) = 1/120, bin 2 0, bin 3 (F = 1) 0;
    // N = 60: AD = 1/2
    REIN_CHECK_REL(ad.statistic, 0.5, 1e-13);
    // a second case with an empty bin: F = (2, 3, 7, 8)/8, E = (0, 1, 3, 4)/4
    // KS = max(1/4, 1/8, 1/8, 0) = 1/4;
    // AD = 4 [ (1/4)²/(1/4·3/4)·(1/4) + (1/8)²/(3/8·5/8)·(1/8) + (1/8)²/(7/8·1/8)·(1/2) + 0 ]
    //    = 4 [1/12 + 1/120 + 1/14]
    const Eigen::VectorXd nu = (Eigen::VectorXd(4) << 2, 1, 4, 1).finished(), n = (Eigen::VectorXd(4) << 0, 1, 2, 1).finished();
    REIN_CHECK_REL(rein::infer::shape_distance(rein::infer::gof_algorithm::ks, nu, n), 0.25, 1e-13);
    REIN_CHECK_REL(rein::infer::shape_distance(rein::infer::gof_algorithm::ad, nu, n), 4 * (1.0 / 12 + 1.0 / 120 + 1.0 / 14), 1e-13);
    // the same AD by scipy.stats-free arithmetic in Python (float64), printed by repr:
    // 4*((1/4)**2/(1/4*3/4)*(1/4) + (1/8)**2/(3/8*5/8)*(1/8) + (1/8)**2/(7/8*1/8)*(1/2)) = 0.6523809523809523
    REIN_CHECK_REL(rein::infer::shape_distance(rein::infer::gof_algorithm::ad, nu, n), 0.6523809523809523, 1e-13);
    // Combine's conventions: no data → −1; data where nothing is expected → +∞
    CHECK(rein::infer::shape_distance(rein::infer::gof_algorithm::ks, nu, Eigen::VectorXd::Zero(4)) == -1.0);
    CHECK(std::isinf(rein::infer::shape_distance(rein::infer::gof_algorithm::ad, Eigen::VectorXd::Zero(4), n)));
  }

  TEST_CASE("goodness_of_fit: per-channel saturated parts sum to q_main, each the channel's closed form and its own fit") {
    const auto m = three_channels();
    const auto r = rein::infer::goodness_of_fit(m);
    REQUIRE(r.channels.size() == 3);
    CHECK(r.channels[0].name == "A");
    CHECK(r.channels[2].name == "C");
    CHECK(r.statistic == r.q_saturated);
    // closed forms as in "lumi and shapesys constraint terms": A saturated by μ, B = 400 λ̂, C = 50 γ̂
    REIN_CHECK_ABS(r.channels[0].statistic, 0.0, 1e-8);  // μ̂ within ~1e-5 σ: q_A = O(1e-10)
    REIN_CHECK_REL(r.channels[1].statistic, baker_cousins(400 * std::sqrt(1.1), 440), 1e-7);
    REIN_CHECK_REL(r.channels[2].statistic, baker_cousins(55, 65), 1e-7);
    REIN_CHECK_REL(r.channels[0].statistic + r.channels[1].statistic + r.channels[2].statistic, r.q_main, 1e-12);
    // channel C shares no parameter with A and B: its part equals the GoF of C fitted alone
    rein::likelihood::workspace ws;
    rein::likelihood::channel c{"C", {}};
    c.samples.push_back({"background", {50.0}, {{"shape_C", modifier_type::shapesys, 1, 1, {}, {}, {5.0}}}});
    c.samples.push_back({"signal", {0.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels = {c};
    ws.observations = {{"C", {65.0}}};
    ws.measurements.push_back({"m", "mu", {}});
    const auto alone = rein::infer::goodness_of_fit(rein::likelihood::make_model(ws));
    REIN_CHECK_REL(r.channels[2].statistic, alone.q_main, 1e-7);  // two fits, each stationary
  }

  TEST_CASE("goodness_of_fit: per-channel toy p-values follow chi2 for decoupled channels; KS and AD toys") {
    // A: five bins scaled by μ (χ²₄), B: three bins scaled by its own normfactor k (χ²₂); counts ~1e3
    rein::likelihood::workspace ws;
    rein::likelihood::channel a{"A", {}}, b{"B", {}};
    a.samples.push_back({"signal", {1000, 2000, 3000, 1500, 800}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    b.samples.push_back({"background", {900, 1200, 700}, {{"k", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels = {a, b};
    ws.observations = {{"A", {1010, 1950, 3080, 1490, 780}}, {"B", {960, 1150, 690}}};
    ws.measurements.push_back({"m", "mu", {}});
    const auto m = rein::likelihood::make_model(ws);
    rein::infer::goodness_of_fit_options options;
    options.n_toys = 1500;
    options.seed = 11;
    options.threads = 2;
    const auto r = rein::infer::goodness_of_fit(m, options);
    CHECK(r.failed_fits == 0);
    REQUIRE(r.channels.size() == 2);
    const double qa = r.channels[0].statistic, qb = r.channels[1].statistic;
    // χ² survival in closed form: 4 dof e^{−q/2}(1 + q/2), 2 dof e^{−q/2}; 4 binomial errors + 0.01 (O(1/n))
    REIN_CHECK_ABS(r.channels[0].p_value_toys, std::exp(-qa / 2) * (1 + qa / 2), 4 * r.channels[0].p_value_toys_error + 0.01);
    REIN_CHECK_ABS(r.channels[1].p_value_toys, std::exp(-qb / 2), 4 * r.channels[1].p_value_toys_error + 0.01);
    MESSAGE("per-channel toy p: A " << r.channels[0].p_value_toys << " vs chi2_4 " << std::exp(-qa / 2) * (1 + qa / 2)
                                    << ", B " << r.channels[1].p_value_toys << " vs chi2_2 " << std::exp(-qb / 2));
    // KS and AD: the statistic sums the channels (Combine), toys independent of the thread count
    for (const auto algorithm : {rein::infer::gof_algorithm::ks, rein::infer::gof_algorithm::ad}) {
      options.algorithm = algorithm;
      options.n_toys = 40;
      options.threads = 1;
      const auto one = rein::infer::goodness_of_fit(m, options);
      options.threads = 3;
      const auto three = rein::infer::goodness_of_fit(m, options);
      REIN_CHECK_REL(one.statistic, one.channels[0].statistic + one.channels[1].statistic, 1e-15);
      CHECK(one.failed_fits == 0);
      CHECK(one.p_value_toys >= 0);
      CHECK(one.p_value_toys <= 1);
      REQUIRE(one.toy_q.size() == 40);
      for (std::size_t i = 0; i < 40; ++i) CHECK(one.toy_q[i] == three.toy_q[i]);
    }
    CHECK_THROWS_WITH_AS((void)rein::infer::gof_algorithm_from_string("chi2"),
                         "rein::infer::gof_algorithm_from_string: unknown goodness-of-fit algorithm 'chi2' (known: saturated, ks, ad)",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::shape_distance(rein::infer::gof_algorithm::ks, Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(3)),
                         "rein::infer::shape_distance: 2 expected counts, 3 observed", rein::invalid_argument);
  }
}
}  // namespace goodness_of_fit_test
