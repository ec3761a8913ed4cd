// The JSON forms of results (io/json/infer_results.hpp, posterior.hpp): keys as the CLI prints
// them (tests/cli/cli_test.py checks them end to end), NaN and open interval ends as null, and the
// posterior verdict from bayes's own thresholds.
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/posterior.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

namespace result_json_test {

TEST_SUITE("io") {
  TEST_CASE("to_json(scan_result): an end the range does not close is null; points keep their status") {
    rein::infer::scan_result r;
    r.parameter = "mu";
    r.best = 1.5;
    r.points = {{0.0, 4.0, 1.0, rein::fit::fit_status::ok}};
    r.intervals = {{1.0, 0.5, std::nullopt}};
    const auto j = rein::io::to_json(r);
    CHECK(j["poi"] == "mu");
    CHECK(j["intervals"][0]["lower"] == 0.5);
    CHECK(j["intervals"][0]["upper"].is_null());
    CHECK(j["points"][0]["status"] == "ok");
    CHECK(rein::io::scan_points_json(r.points)[0].count("delta_twice_nll") == 0);  // shards leave it to the merge
  }

  TEST_CASE("to_json(toy_hypotest_result): NaN is null, the toys' settings are reported") {
    rein::infer::toy_hypotest_result r;
    r.mu = 1;
    r.cls_obs = std::numeric_limits<double>::quiet_NaN();
    r.n_toys = 10;
    rein::infer::toy_options options;
    options.seed = 7;
    const auto j = rein::io::to_json(r, options);
    CHECK(j["cls_obs"].is_null());
    CHECK(j["calculator"] == "toys");
    CHECK(j["seed"] == 7);
    CHECK(j["toys"] == 10);
    CHECK(j["cls_exp"].size() == 5);
  }

  TEST_CASE("upper-limit JSON: the toys' form names its calculator; the CLs curve is optional") {
    rein::infer::toy_upper_limit_result r;
    r.obs = 2.5;
    rein::infer::toy_options toys;
    toys.n_toys = 100;
    const auto j = rein::io::to_json(r, "mu", toys, rein::infer::upper_limit_options{});
    CHECK(j["calculator"] == "toys");
    CHECK(j["poi"] == "mu");
    CHECK(j["obs"] == 2.5);
    CHECK(j["exp_status"].size() == 5);
    CHECK(j.count("scan") == 0);
    rein::infer::hypotest_result h;
    h.mu = 3;
    h.cls_obs = 0.05;
    const auto curve = rein::io::cls_curve_json({h});
    CHECK(curve[0]["mu"] == 3);
    CHECK(curve[0]["cls_obs"] == 0.05);
  }

  TEST_CASE("posterior_converged: bayes::converged under the run's thresholds for the reported parameters") {
    rein::bayes::nuts_result r;
    r.names = {"mu", "theta"};
    r.diagnostics.parameters = {{"mu", 1.005, 500, 500}, {"theta", 1.2, 50, 50}};
    rein::bayes::nuts_options options;
    CHECK(rein::io::posterior_converged(r, options, {"mu"}));
    CHECK_FALSE(rein::io::posterior_converged(r, options, {"mu", "theta"}));
    options.diagnostics.max_rhat = 1.3;
    options.diagnostics.min_ess = 40;
    CHECK(rein::io::posterior_converged(r, options, {"mu", "theta"}));
    r.status = rein::bayes::sample_status::non_finite;
    CHECK_FALSE(rein::io::posterior_converged(r, options, {"mu"}));
  }

  TEST_CASE("grid_point_json: a signal point's limits, statuses and CLs at mu = 1, NaN written as null") {
    rein::infer::grid_point_result r;
    r.limit.obs = 1.25;
    r.limit.exp = {0.5, 0.75, 1.0, 1.5, 2.0};
    r.limit.exp_status[4] = rein::infer::limit_status::above_upper_bound;
    r.cls.cls_obs = std::numeric_limits<double>::quiet_NaN();
    r.cls.cls_exp = {0.1, 0.2, 0.3, 0.4, 0.5};
    r.status = "above_upper_bound";
    r.seconds = 2;
    const auto j = rein::io::grid_point_json("sbottom_1300_205_60", {1300, 205, 60}, r);
    CHECK(j["name"] == "sbottom_1300_205_60");
    CHECK(j["values"] == nlohmann::json{1300, 205, 60});
    CHECK(j["upper_limit"]["obs"] == 1.25);
    CHECK(j["upper_limit"]["exp"][3] == 1.5);
    CHECK(j["upper_limit"]["obs_status"] == "ok");
    CHECK(j["upper_limit"]["exp_status"][4] == "above_upper_bound");
    CHECK(j["cls_mu1"]["obs"].dump() == "null");  // NaN kept as a number, written as null (as rein grid always did)
    CHECK(j["cls_mu1"]["exp"][2] == 0.3);
    CHECK(j["status"] == "above_upper_bound");
    CHECK(j["seconds"] == 2);
  }

  TEST_CASE("to_json(evidence_result): ln Z, its error and the bridge sampler's counts") {
    rein::bayes::evidence_result z;
    z.log_z = -3.5;
    z.log_z_error = 0.25;
    z.iterations = 7;
    z.converged = true;
    z.posterior_draws = 100;
    z.proposal_draws = 200;
    const auto j = rein::io::to_json(z);
    CHECK(j == nlohmann::json{{"method", "bridge"}, {"log_z", -3.5}, {"log_z_error", 0.25}, {"iterations", 7},
                              {"converged", true}, {"posterior_draws", 100}, {"proposal_draws", 200}});
  }
}
}  // namespace result_json_test
