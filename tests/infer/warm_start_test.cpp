// Warm-started conditional fits of profile_likelihood (issue #15): on a model without a non-convex
// modifier they must reach the minimum of a fit from the inits (the reference: fit::fit with the POI
// held, started at the model's inits, an independent run of the minimiser) with fewer objective
// calls; on a model with a code0 histosys they must be the fit from the inits, bit for bit.
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "fit/scaling_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

namespace warm_start_test {

namespace {

rein::fit::fit_result cold(const rein::likelihood::model& model, double mu) {
  rein::fit::fit_options options;
  options.fixed = {{"mu", mu}};
  options.errors = false;
  return rein::fit::fit(model, options);
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("profile_likelihood: warm-started conditional fits reach the cold fits' minima") {
    // issue #15's scaling model at 40 bins (85 parameters, code4 normsys and code4p histosys)
    const auto model = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::test::scaling_workspace(40), "<scaling model>"));
    CHECK_FALSE(rein::infer::detail::has_nonconvex_modifier(model));
    const rein::infer::profile_likelihood profile(model, model.observed());
    REQUIRE(profile.free_fit().ok());
    int warm_calls = 0, cold_calls = 0;
    for (const double mu : {0.5, 1.0, 1.5, 2.5, 0.0}) {
      INFO("mu = " << mu);
      const auto& warm = profile.conditional_fit(mu);
      const auto reference = cold(model, mu);
      REQUIRE(warm.ok());
      REQUIRE(reference.ok());
      // both stop within edm ≤ 1e-10 of the minimum: 2·nll within 2·2e-10, 1e-9 allowed
      REIN_CHECK_ABS(warm.twice_nll, reference.twice_nll, 1e-9);
      warm_calls += warm.evaluations;
      cold_calls += reference.evaluations;
    }
    CHECK(warm_calls < cold_calls);
  }

  TEST_CASE("profile_likelihood: a model with a code0 histosys keeps the fits from the inits") {
    rein::likelihood::model_options options;
    options.histosys = rein::likelihood::interpolation_code::code0;
    const auto model = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::test::scaling_workspace(20), "<scaling model>"), options);
    CHECK(rein::infer::detail::has_nonconvex_modifier(model));
    const rein::infer::profile_likelihood profile(model, model.observed());
    (void)profile.free_fit();
    (void)profile.conditional_fit(1.0);
    const auto& at = profile.conditional_fit(1.5);
    const auto reference = cold(model, 1.5);
    CHECK(at.twice_nll == reference.twice_nll);  // the same computation from the same start
    CHECK(at.evaluations == reference.evaluations);
  }
}
}  // namespace warm_start_test
