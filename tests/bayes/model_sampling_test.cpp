// Where a model posterior's chains start (bayes/model_sampling.hpp): the names front ends parse,
// and NUTS from one start or from several modes on a counting experiment whose posterior and
// evidence have closed forms (regularised incomplete gamma functions, Boost.Math).
#include "rein/bayes/model_sampling.hpp"
#include "rein/bayes/prior.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace model_sampling_test {

namespace {

// n = 7 observed over b = 2 expected background, signal 5μ, μ uniform on [0, 4]. The likelihood
// is the full Poisson pmf, so with ν = 5μ + 2 the evidence is
//   Z = ∫₀⁴ ¼ Pois(7 | 5μ + 2) dμ = (P(8, 22) − P(8, 2)) / 20,
// and ν | n ~ Gamma(8, 1) truncated to [2, 22]: E ν = 8 (P(9, 22) − P(9, 2)) / (P(8, 22) − P(8, 2)).
rein::likelihood::model counting() {
  return rein::likelihood::make_model(rein::io::workspace_from_json(nlohmann::json::parse(R"({
    "channels": [{"name": "c", "samples": [
      {"name": "s", "data": [5.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
      {"name": "b", "data": [2.0], "modifiers": []}]}],
    "observations": [{"name": "c", "data": [7.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[0, 4]], "inits": [3.0]}]}}],
    "version": "1.0.0"})"), "counting.json"));
}

double exact_log_z() { return std::log((boost::math::gamma_p(8.0, 22.0) - boost::math::gamma_p(8.0, 2.0)) / 20); }

double exact_mean_mu() {
  const double norm = boost::math::gamma_p(8.0, 22.0) - boost::math::gamma_p(8.0, 2.0);
  const double mean_nu = 8 * (boost::math::gamma_p(9.0, 22.0) - boost::math::gamma_p(9.0, 2.0)) / norm;
  return (mean_nu - 2) / 5;
}

rein::bayes::nuts_options small_run() {
  rein::bayes::nuts_options options;
  options.chains = 4, options.warmup = 400, options.draws = 1500, options.seed = 7, options.threads = 2;
  return options;
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("model_sampling: starts, adapted metrics and prior families by name, as front ends spell them") {
    using rein::bayes::sample_start;
    CHECK(rein::bayes::sample_start_from_string("best-fit", "--start") == sample_start::best_fit);
    CHECK(rein::bayes::sample_start_from_string("inits", "--start") == sample_start::inits);
    CHECK_THROWS_WITH_AS((void)rein::bayes::sample_start_from_string("mode", "--start"), "--start 'mode' must be best-fit or inits",
                         rein::invalid_argument);
    CHECK(rein::bayes::adapted_metric_from_string("dense", "--metric") == rein::bayes::metric_kind::dense);
    CHECK(rein::bayes::adapted_metric_from_string("diagonal", "--metric") == rein::bayes::metric_kind::diagonal);
    // the unit metric is not adapted: front ends do not offer it
    CHECK_THROWS_WITH_AS((void)rein::bayes::adapted_metric_from_string("unit", "rein.sample: metric"),
                         "rein.sample: metric 'unit' must be diagonal or dense", rein::invalid_argument);
    const auto normal = rein::bayes::prior_of_family("normal", 1.5, 0.25, "p");
    CHECK(normal.kind() == rein::bayes::prior_kind::normal);
    CHECK(normal.mean() == 1.5);
    CHECK(normal.sigma() == 0.25);
    const auto log_uniform = rein::bayes::prior_of_family("log-uniform", 0.1, 10, "p");
    CHECK(log_uniform.kind() == rein::bayes::prior_kind::log_uniform);
    CHECK(log_uniform.lower() == 0.1);
    CHECK(log_uniform.upper() == 10);
    CHECK(rein::bayes::prior_of_family("uniform", -1, 2, "p").kind() == rein::bayes::prior_kind::uniform);
    CHECK_THROWS_WITH_AS((void)rein::bayes::prior_of_family("cauchy", 0, 1, "rein.sample: prior of 'mu'"),
                         "rein.sample: prior of 'mu': 'cauchy' is not a prior family; it must be uniform, normal or log-uniform",
                         rein::invalid_argument);
  }

  TEST_CASE("model_sampling: the start's spread and the evidence settings follow the run") {
    auto options = small_run();
    options.init_radius = 0.7;
    CHECK(rein::bayes::started_options(options, rein::bayes::sample_start::best_fit).init_radius == rein::bayes::best_fit_init_radius);
    CHECK(rein::bayes::started_options(options, rein::bayes::sample_start::inits).init_radius == 0.7);
    const auto modes = rein::bayes::mode_start_options(options);
    CHECK(modes.nuts.init_radius == rein::bayes::mode_init_radius);
    CHECK(modes.nuts.seed == options.seed);
    CHECK(modes.nuts.chains == options.chains);
    CHECK(modes.evidence.seed == options.seed);
    CHECK(modes.evidence.threads == options.threads);
    CHECK(modes.evidence.proposal_draws == 0);  // as many as the posterior draws
  }

  TEST_CASE("model_sampling: NUTS from the inits samples the counting posterior") {
    const auto model = counting();
    const rein::bayes::model_posterior posterior(model, model.observed());
    CHECK(&posterior.model() == &model);
    const auto draws =
        rein::bayes::sample_model_posterior(posterior, model.parameters().inits(), rein::bayes::sample_start::inits, small_run());
    REQUIRE(draws.status == rein::bayes::sample_status::ok);
    const auto s = rein::bayes::summarize(draws).parameters[0];
    // the posterior mean against the closed form, within 4 Monte Carlo standard errors sd/√ESS
    REIN_CHECK_ABS(s.mean, exact_mean_mu(), 4 * s.sd / std::sqrt(draws.diagnostics.parameters[0].ess_bulk));
  }

  TEST_CASE("model_sampling: chains from two starts in one mode merge; its evidence is the closed form") {
    const auto model = counting();
    const rein::bayes::model_posterior posterior(model, model.observed());
    // one start on the prior's bound (moved inside by start_point), one at the maximum μ = 1
    const std::vector<Eigen::VectorXd> thetas = {Eigen::VectorXd::Constant(1, 0.0), Eigen::VectorXd::Constant(1, 1.0)};
    const auto r = rein::bayes::sample_from_modes(posterior, thetas, rein::bayes::mode_start_options(small_run()));
    CHECK(r.status == rein::bayes::sample_status::ok);
    REQUIRE(r.modes.size() == 1);
    CHECK(r.modes[0].starts == std::vector<std::size_t>{0, 1});
    REIN_CHECK_REL(r.modes[0].weight, 1.0, 1e-15);  // the one mode holds all the mass
    // bridge sampling is a Monte Carlo estimate: within 4 of its standard errors
    CHECK(r.log_z_error < 0.05);
    REIN_CHECK_ABS(r.log_z, exact_log_z(), 4 * r.log_z_error);
    CHECK_THROWS_AS((void)rein::bayes::sample_from_modes(posterior, {}, rein::bayes::mode_start_options(small_run())),
                    rein::invalid_argument);
  }
}

}  // namespace model_sampling_test
