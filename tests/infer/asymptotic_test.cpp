#include "rein/infer/asymptotic.hpp"
#include "rein/infer/grid.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include "infer/counting.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace asymptotic_test {

namespace {

using rein::infer::test_statistic;

rein::likelihood::model validation_model(const nlohmann::json& c) {
  rein::likelihood::model_options options;
  options.normsys = rein::likelihood::interpolation_code_from_string(c["modifier_settings"]["normsys"]["interpcode"]);
  options.histosys = rein::likelihood::interpolation_code_from_string(c["modifier_settings"]["histosys"]["interpcode"]);
  return rein::likelihood::make_model(
      rein::io::read_workspace(rein::test::test_data("pyhf/" + c["workspace"].get<std::string>())), options);
}

// The tolerance: 1e-6 relative, 1e-9 absolute below CLs 1e-3 (pyhf at tol 1e-12 stops
// ~1e-8 from the minimum; CLs far in the tail carries that as an absolute error).
void check_cls(double ours, double reference) {
  if (reference < 1e-3) REIN_CHECK_ABS(ours, reference, 1e-9);
  else REIN_CHECK_REL(ours, reference, 1e-6);
}

// a signal of 1 event × μ, μ ∈ [0, mu_max]
rein::likelihood::model counting(double b, double n, double mu_max = 60) { return rein::test::counting(1, b, n, mu_max); }

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("asymptotic: CLs of every pyhf validation case matches pyhf converged to 1e-6") {
    const auto reference = rein::io::read_json(rein::test::test_data("pyhf/root_reference_cls.json"));
    for (const auto& c : reference["cases"]) {
      if (c["calctype"] != "asymptotics" || c["test_stat"] == "q0") continue;
      const std::string id = c["id"];
      CAPTURE(id);
      const auto m = validation_model(c);
      rein::infer::asymptotic_options options;
      options.statistic = rein::infer::test_statistic_from_string(c["test_stat"]);
      const rein::infer::asymptotic_calculator calculator(m, m.observed(), options);
      const auto r = calculator.hypotest(c["mu"].get<double>());
      CHECK(r.status == rein::fit::fit_status::ok);
      // 2bin_2channel_coupledhistosys is non-convex at μ = 1: rein starts every fit at the inits
      // (docs/fit.md), as pyhf and ROOT do, and so lands on the same branch as the reference.
      const auto& converged = c["pyhf_converged_scipy_tol1e-12"];
      check_cls(r.cls_obs, converged["obs"]);
      for (std::size_t k = 0; k < 5; ++k) check_cls(r.cls_exp[k], converged["exp"][k]);
    }
  }

  TEST_CASE("asymptotic: discovery p0 and its expected band match pyhf converged (q0 case)") {
    const auto reference = rein::io::read_json(rein::test::test_data("pyhf/root_reference_cls.json"));
    for (const auto& c : reference["cases"]) {
      if (c["calctype"] != "asymptotics" || c["test_stat"] != "q0") continue;
      const auto m = validation_model(c);
      const auto r = rein::infer::discovery_significance(m, m.observed());
      const auto& converged = c["pyhf_converged_scipy_tol1e-12"];
      check_cls(r.p0, converged["obs"]);
      for (std::size_t k = 0; k < 5; ++k) check_cls(r.p0_exp_band[k], converged["exp"][k]);
    }
  }

  TEST_CASE("asymptotic: closed forms of a one-bin counting experiment") {
    // Expected discovery significance: Z_A = sqrt(2((s+b) ln(1+s/b) − s)) (Cowan et al. eq. 97)
    for (const auto& [s, b] : {std::pair<double, double>{5, 10}, {20, 100}, {3, 0.7}}) {
      CAPTURE(b);
      auto m = counting(b, b, 60);
      rein::likelihood::workspace ws;
      const auto r = rein::infer::discovery_significance(m, m.observed(), {}, s);
      // fits converge to |Δ2nll| ≲ 1e-10, so √q0A carries ≲ 1e-10/Z relative error
      REIN_CHECK_REL(r.z_exp, std::sqrt(2 * ((s + b) * std::log(1 + s / b) - s)), 1e-8);
    }
    // n_obs = b: the observed limit equals the median expected one
    {
      const auto m = counting(10, 10);
      const auto limits = rein::infer::upper_limit(rein::infer::asymptotic_calculator(m, m.observed()));
      REIN_CHECK_REL(limits.obs, limits.exp[2], 1e-5);  // two root finds at rtol 1e-6
    }
    // Asymptotic 95% CL limits on the signal, quoted to three digits in the issue: half a unit of
    // the last digit
    for (const auto& [b, limit] : {std::pair<double, double>{3, 4.78}, {10, 7.54}, {100, 20.90}}) {
      CAPTURE(b);
      const auto m = counting(b, b);
      const rein::infer::asymptotic_calculator calculator(m, m.observed());
      const auto limits = rein::infer::upper_limit(calculator);
      CHECK(limits.obs_status == rein::infer::limit_status::ok);
      REIN_CHECK_ABS(limits.obs, limit, 0.005);
      CHECK(calculator.warnings().empty() == (b >= 5));
      for (std::size_t k = 0; k + 1 < 5; ++k) CHECK(limits.exp[k] < limits.exp[k + 1]);
    }
    // n = 0, b = 0.5: asymptotics give 2.21 (exact CLs: 2.996) and must warn
    {
      const auto m = counting(0.5, 0);
      const rein::infer::asymptotic_calculator calculator(m, m.observed());
      REIN_CHECK_ABS(rein::infer::upper_limit(calculator).obs, 2.21, 0.005);
      REQUIRE(calculator.warnings().size() == 1);
      CHECK(calculator.warnings()[0].find("expects 0.5 background events") != std::string::npos);
    }
  }

  TEST_CASE("asymptotic: the Belle II combined likelihood, CLs at mu = 6, 8, 10 and the 95% CL limits") {
    const auto m = rein::likelihood::make_model(
        rein::io::read_workspace(rein::test::shipped_data("belle2-knunu/combined_likelihood.json")));
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"));
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    for (const auto& [mu, values] : reference["fit_combined"]["values"]["asymptotic_qtilde"]["cls_points"].items()) {
      CAPTURE(mu);
      const auto r = calculator.hypotest(std::stod(mu));
      CHECK(r.status == rein::fit::fit_status::ok);
      // pyhf's SLSQP fits at default tolerance (reference.json: "CLs ... at ~1e-3 relative")
      REIN_CHECK_REL(r.cls_obs, values["CLs_obs"].get<double>(), 2e-3);
      for (std::size_t k = 0; k < 5; ++k) REIN_CHECK_REL(r.cls_exp[k], values["CLs_exp_m2_m1_med_p1_p2"][k].get<double>(), 2e-3);
    }
    const auto limits = rein::infer::upper_limit(calculator);
    const auto& ul = reference["upper_limit_mu"]["values"];
    // pyhf's own search (toms748 rtol 1e-4, default fits): "trust to about 1e-3 relative"
    REIN_CHECK_REL(limits.obs, ul["obs"].get<double>(), 2e-3);
    for (std::size_t k = 0; k < 5; ++k) REIN_CHECK_REL(limits.exp[k], ul["exp"][k].get<double>(), 2e-3);
    const auto z = rein::infer::discovery_significance(m, m.observed());
    REIN_CHECK_ABS(z.z_obs, reference["fit_combined"]["values"]["minuit"]["sqrt_q0"].get<double>(), 1e-6);
  }

  TEST_CASE("asymptotic: bad input") {
    const auto m = counting(3, 3);
    rein::infer::asymptotic_options options;
    options.statistic = test_statistic::t_mu;
    CHECK_THROWS_WITH_AS(rein::infer::asymptotic_calculator(m, m.observed(), options),
                         doctest::Contains("test statistic 't' has no asymptotic CLs here"), rein::invalid_argument);
    const rein::infer::asymptotic_calculator calculator(m, m.observed());
    CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(calculator, {1.5, 1e-6, 100}),
                         "rein::infer::upper_limit: cl = 1.5, must lie in (0, 1)", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(calculator, {0.0, 1e-6, 100}),
                         "rein::infer::upper_limit: cl = 0, must lie in (0, 1)", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(calculator, {1.0, 1e-6, 100}),
                         "rein::infer::upper_limit: cl = 1, must lie in (0, 1)", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(calculator, {std::nan(""), 1e-6, 100}),
                         "rein::infer::upper_limit: cl = nan, must lie in (0, 1)", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(calculator, {0.95, 0.0, 100}),
                         "rein::infer::upper_limit: rtol = 0, must be > 0", rein::invalid_argument);
    {
      // limits are searched on [0, upper]: a POI that may go negative is refused
      rein::likelihood::workspace ws;
      rein::likelihood::channel c{"bin", {}};
      c.samples.push_back({"signal", {1.0}, {{"mu", rein::likelihood::modifier_type::normfactor, 1, 1, {}, {}, {}}}});
      c.samples.push_back({"background", {3.0}, {}});
      ws.channels.push_back(c);
      ws.observations.push_back({"bin", {3.0}});
      rein::likelihood::parameter_config mu{"mu", {}, {}, {}, {}, {}, {}};
      mu.bounds = std::vector<std::pair<double, double>>{{-2.5, 10.0}};
      ws.measurements.push_back({"m", "mu", {mu}});
      const auto negative = rein::likelihood::make_model(ws);
      CHECK_THROWS_WITH_AS((void)rein::infer::upper_limit(rein::infer::asymptotic_calculator(negative, negative.observed())),
                           "rein::infer::upper_limit: the parameter of interest 'mu' has lower bound -2.5; limits are "
                           "searched on [0, upper bound]",
                           rein::invalid_argument);
      mu.bounds.reset();
      mu.fixed = true;
      ws.measurements[0].parameters = {mu};
      const auto fixed = rein::likelihood::make_model(ws);
      CHECK_THROWS_WITH_AS(rein::infer::asymptotic_calculator(fixed, fixed.observed()),
                           "rein::infer::profile_likelihood: the parameter of interest 'mu' is fixed", rein::invalid_argument);
    }
    rein::fit::fit_options fixed_poi;
    fixed_poi.fixed = {{"mu", 1.0}};
    CHECK_THROWS_WITH_AS(rein::infer::profile_likelihood(m, m.observed(), fixed_poi),
                         "rein::infer::profile_likelihood: the parameter of interest 'mu' is among the fixed parameters",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)calculator.hypotest(61.0), doctest::Contains("mu = 61 lies outside its bounds [0, 60]"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::infer::test_statistic_from_string("qq"), doctest::Contains("unknown test statistic 'qq'"),
                         rein::invalid_argument);
    // NaN is equivalent to every cached μ: after fits at other μ it would reuse one of them
    (void)calculator.hypotest(1.0);
    CHECK_THROWS_WITH_AS((void)calculator.hypotest(std::nan("")),
                         "rein::infer::profile_likelihood: the parameter of interest 'mu' = nan, must be a number", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::cls_curve(calculator, {1.0, std::nan("")}), "rein::infer::cls_curve: grid[1] = nan, must be finite",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::discovery_significance(m, m.observed(), {}, std::nan("")),
                         "rein::infer::discovery_significance: asimov_mu = nan, must be finite", rein::invalid_argument);
    // a signal grid refuses a bad cl once, before building any point's model
    rein::infer::grid_options grid_options;
    grid_options.limit.cl = 2;
    const auto never = [](std::size_t) -> rein::likelihood::model { throw std::logic_error("no point is built"); };
    CHECK_THROWS_WITH_AS((void)rein::infer::grid(1, never, grid_options), "rein::infer::grid: options.limit.cl = 2, must lie in (0, 1)",
                         rein::invalid_argument);
  }

  TEST_CASE("asymptotic: a limit beyond the POI's upper bound is reported, not thrown") {
    const auto m = counting(10, 30, 5);  // a 4σ excess: the 95% limit on μ lies far above 5
    const auto limits = rein::infer::upper_limit(rein::infer::asymptotic_calculator(m, m.observed()));
    CHECK(limits.obs_status == rein::infer::limit_status::above_upper_bound);
    CHECK(limits.obs == 5.0);
  }
}
}  // namespace asymptotic_test
