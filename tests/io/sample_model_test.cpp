// io/sample_model.hpp, the call behind `rein sample` and rein.sample: the best-fit start, the
// chains from the profile's peaks and the summary with the evidence, on a signal region and a
// control region whose posterior and evidence have closed forms (incomplete gamma, Boost.Math).
#include "rein/bayes/summary.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/io/sample_model.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace sample_model_test {

namespace {

// SR: n = 7 over b = 2, signal 5μ, μ uniform on [0, 4]; CR: n = 20, background 20k, k uniform on
// [0, 3]. The channels share no parameter, so the posterior factorises and (full Poisson pmfs)
//   Z = [(P(8, 22) − P(8, 2)) / 20] · [P(21, 60) / 60],
// the profile likelihood in μ is that of the SR alone (k̂ = 1 at every μ): its minimum is at
// μ̂ = (7 − 2)/5 = 1, and E μ = (E ν − 2)/5 with ν = 5μ + 2 ~ Gamma(8, 1) truncated to [2, 22].
rein::likelihood::model regions() {
  return rein::likelihood::make_model(rein::io::workspace_from_json(nlohmann::json::parse(R"({
    "channels": [
      {"name": "SR", "samples": [
        {"name": "s", "data": [5.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
        {"name": "b", "data": [2.0], "modifiers": []}]},
      {"name": "CR", "samples": [
        {"name": "b", "data": [20.0], "modifiers": [{"name": "k", "type": "normfactor", "data": null}]}]}],
    "observations": [{"name": "SR", "data": [7.0]}, {"name": "CR", "data": [20.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [
      {"name": "mu", "bounds": [[0, 4]], "inits": [3.0]}, {"name": "k", "bounds": [[0, 3]], "inits": [1.5]}]}}],
    "version": "1.0.0"})"), "regions.json"));
}

double exact_log_z() {
  using boost::math::gamma_p;
  return std::log((gamma_p(8.0, 22.0) - gamma_p(8.0, 2.0)) / 20) + std::log(gamma_p(21.0, 60.0) / 60);
}

double exact_mean_mu() {
  using boost::math::gamma_p;
  return (8 * (gamma_p(9.0, 22.0) - gamma_p(9.0, 2.0)) / (gamma_p(8.0, 22.0) - gamma_p(8.0, 2.0)) - 2) / 5;
}

rein::bayes::nuts_options small_run() {
  rein::bayes::nuts_options options;
  options.chains = 4, options.warmup = 400, options.draws = 1500, options.seed = 3, options.threads = 2;
  return options;
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("sample_model: the chains start at the best fit or at the inits") {
    const auto model = regions();
    const rein::bayes::model_posterior posterior(model, model.observed());
    const auto best = rein::io::sample_start_theta(posterior, rein::bayes::sample_start::best_fit);
    // μ̂ = 1 and k̂ = 1 in closed form; the minimiser's tolerance is far below 1e-5
    REIN_CHECK_ABS(best[static_cast<Eigen::Index>(model.parameters().index("mu"))], 1.0, 1e-5);
    REIN_CHECK_ABS(best[static_cast<Eigen::Index>(model.parameters().index("k"))], 1.0, 1e-5);
    CHECK(rein::io::sample_start_theta(posterior, rein::bayes::sample_start::inits) == model.parameters().inits());
  }

  TEST_CASE("sample_model: NUTS from the best fit, summarised with the evidence as rein sample prints it") {
    const auto model = regions();
    const rein::bayes::model_posterior posterior(model, model.observed());
    const auto options = small_run();
    const auto begin = std::chrono::steady_clock::now();
    const auto draws = rein::io::sample_model(posterior, rein::bayes::sample_start::best_fit, options);
    const auto summary = rein::bayes::summarize(draws);
    const auto out = rein::io::sample_json(posterior, draws, summary, options, {"mu"}, true, "", begin);
    CHECK(out["status"] == "ok");
    CHECK(out["n_sampled"] == 2);
    CHECK(out["out"].is_null());
    CHECK(out["seconds"].get<double>() >= 0);
    // the posterior mean of μ against the closed form, within 4 Monte Carlo standard errors sd/√ESS
    const auto& mu = out["parameters"]["mu"];
    REIN_CHECK_ABS(mu["mean"].get<double>(), exact_mean_mu(), 4 * mu["sd"].get<double>() / std::sqrt(mu["ess_bulk"].get<double>()));
    // ln Z by bridge sampling, within 4 of its standard errors of the closed form
    const double log_z = out["evidence"]["log_z"], error = out["evidence"]["log_z_error"];
    CHECK(error < 0.05);
    REIN_CHECK_ABS(log_z, exact_log_z(), 4 * error);
    CHECK(rein::io::sample_json(posterior, draws, summary, options, {"mu"}, false, "", begin)["evidence"].is_null());
  }

  TEST_CASE("sample_model: chains from the profile's peaks (rein sample --multistart)") {
    const auto model = regions();
    const rein::bayes::model_posterior posterior(model, model.observed());
    const std::vector<double> grid = {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4};
    const auto r = rein::io::sample_from_profile_peaks(posterior, "mu", grid, 2, rein::bayes::mode_start_options(small_run()));
    // the profile is convex in μ with its minimum at 1 (closed form, above): one peak, one mode
    CHECK(r.start_values == std::vector<double>{1.0});
    CHECK(r.result.status == rein::bayes::sample_status::ok);
    REQUIRE(r.result.modes.size() == 1);
    CHECK(r.result.log_z_error < 0.05);
    REIN_CHECK_ABS(r.result.log_z, exact_log_z(), 4 * r.result.log_z_error);
    CHECK_THROWS_AS((void)rein::io::sample_from_profile_peaks(posterior, "mu", grid, 0, rein::bayes::mode_start_options(small_run())),
                    rein::invalid_argument);
  }
}

}  // namespace sample_model_test
