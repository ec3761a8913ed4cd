// The posterior of a HistFactory model against the closed form of a counting experiment, and the
// NUTS posterior of that experiment against its exact quantiles.
#include "support/close.hpp"

#include <rein/bayes/model_posterior.hpp>
#include <rein/bayes/nuts.hpp>
#include <rein/bayes/summary.hpp>
#include <rein/io/json/workspace.hpp>
#include <rein/likelihood/make_model.hpp>

#include <boost/math/special_functions/gamma.hpp>
#include <doctest/doctest.h>

#include <cmath>

namespace model_posterior_test {

namespace {

// n = 7 observed over b = 2 expected background, signal 5μ; a lumi parameter (N(1, 0.02),
// fixed in the measurement) must not be sampled
rein::likelihood::model counting() {
  return rein::likelihood::make_model(rein::io::workspace_from_json(nlohmann::json::parse(R"({
    "channels": [{"name": "c", "samples": [
      {"name": "s", "data": [5.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null},
                                                 {"name": "lumi", "type": "lumi", "data": null}]},
      {"name": "b", "data": [2.0], "modifiers": []}]}],
    "observations": [{"name": "c", "data": [7.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [
      {"name": "mu", "bounds": [[0, 4]]},
      {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0], "fixed": true}]}}],
    "version": "1.0.0"})"), "counting.json"));
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("model_posterior: ln p(μ) differences are those of Pois(7 | 5μ + 2) with a flat prior") {
    const auto model = counting();
    const rein::bayes::model_posterior posterior(model, model.observed());
    REQUIRE(posterior.names() == std::vector<std::string>{"mu"});  // lumi is fixed: not sampled
    const auto t = posterior.as_target();
    CHECK(t.lower[0] == 0);
    CHECK(t.upper[0] == 4);
    const auto log_p = [&](double mu) { return t.log_prob(Eigen::VectorXd::Constant(1, mu), nullptr); };
    for (double mu : {0.3, 1.0, 2.5}) {
      const double nu = 5 * mu + 2, nu0 = 5 * 1.7 + 2;
      // closed form: 7 ln(ν/ν₀) − (ν − ν₀); every constant cancels
      REIN_CHECK_REL(log_p(mu) - log_p(1.7), 7 * std::log(nu / nu0) - (nu - nu0), 1e-12);
      Eigen::VectorXd g(1);
      (void)t.log_prob(Eigen::VectorXd::Constant(1, mu), &g);
      REIN_CHECK_REL(g[0], 5 * (7 / nu - 1), 1e-12);  // d/dμ [7 ln ν − ν]
    }
    CHECK(log_p(4.5) == -std::numeric_limits<double>::infinity());  // outside the prior
  }

  TEST_CASE("model_posterior: NUTS on the counting experiment reproduces the exact posterior quantiles") {
    // p(μ | n) ∝ (5μ + 2)^7 e^{−(5μ+2)} on [0, 4]: with ν = 5μ + 2, ν | n ~ Gamma(8, 1) truncated
    // to [2, 22]; quantile q of μ: ν_q = P⁻¹(8, P(8, 2) + q (P(8, 22) − P(8, 2))), μ_q = (ν_q − 2)/5
    const auto model = counting();
    const rein::bayes::model_posterior posterior(model, model.observed());
    rein::bayes::nuts_options options;
    options.chains = 4, options.warmup = 500, options.draws = 2500, options.seed = 11, options.threads = 2;
    const auto draws = rein::bayes::sample_nuts(posterior.as_target(), posterior.start_point(model.parameters().inits()), options);
    REQUIRE(draws.status == rein::bayes::sample_status::ok);
    std::vector<double> mu;
    for (const auto& c : draws.chains)
      for (Eigen::Index k = 0; k < c.rows(); ++k) mu.push_back(c(k, 0));
    const double lo = boost::math::gamma_p(8.0, 2.0), hi = boost::math::gamma_p(8.0, 22.0);
    const double ess = draws.diagnostics.parameters[0].ess_bulk;
    for (double q : {0.16, 0.5, 0.84}) {
      const double exact = (boost::math::gamma_p_inv(8.0, lo + q * (hi - lo)) - 2) / 5;
      // the standard error of a q-quantile from ESS draws is √(q(1−q)/ESS)/f(μ_q); the density of
      // μ is 5·Gamma(ν; 8, 1)/(P(8, 22) − P(8, 2)) ≥ 0.35 at these quantiles (ν from 5.1 to 10.4):
      // 4 standard errors
      REIN_CHECK_ABS(rein::bayes::quantile(mu, q), exact, 4 * std::sqrt(q * (1 - q) / ess) / 0.35);
    }
  }

  TEST_CASE("model_posterior: bad input") {
    const auto model = counting();
    CHECK_THROWS_WITH_AS(rein::bayes::model_posterior(model, model.observed(), {{"lumi", rein::bayes::prior::normal(1, 0.1)}}),
                         "rein::bayes::model_posterior: a prior is given for 'lumi', which is not a free parameter of the model",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::bayes::model_posterior(model, model.observed(), {{"nope", rein::bayes::prior::uniform(0, 1)}}),
                         doctest::Contains("'nope'"), rein::invalid_argument);
  }
}
}  // namespace model_posterior_test
