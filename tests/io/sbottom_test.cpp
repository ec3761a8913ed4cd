// The published ATLAS sbottom likelihoods (HEPData ins1748602), read as pyhf reads them and
// checked against pyhf's numbers (tests/data/atlas-sbottom/reference.json, its README says how
// they were made).
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/grid.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/validate.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace sbottom_test {

TEST_SUITE("io") {
  TEST_CASE("sbottom: a signal patch removes validation channels; their observations are ignored as pyhf does") {
    const auto ws = rein::io::read_workspace(rein::test::sbottom("RegionA/BkgOnly.json"),
                                             {{rein::test::sbottom("RegionA/patch.sbottom_1300_205_60.json"), std::nullopt, std::nullopt}});
    const auto unused = rein::likelihood::unused_observations(ws);
    // the patch removes /channels/1 (VRtt_meff); pyhf (Workspace.data) takes observations by channel
    CHECK(unused == std::vector<std::string>{"VRtt_meff"});
    REQUIRE(ws.channels.size() == 2);
    CHECK(ws.channels[0].name == "SR_meff");
    CHECK(ws.channels[1].name == "CRtt_meff");
  }

  TEST_CASE("sbottom: fits, CLs at mu = 1 and upper limits of RegionA points match pyhf") {
    const auto reference = rein::io::read_json(rein::test::sbottom_reference());
    for (const auto& [point, ref] : reference["RegionA"].items()) {
      CAPTURE(point);
      const auto ws = rein::io::read_workspace(rein::test::sbottom("RegionA/BkgOnly.json"),
                                               {{rein::test::sbottom("RegionA/patch." + point + ".json"), std::nullopt, std::nullopt}});
      const auto model = rein::likelihood::make_model(ws);
      const auto fit = rein::fit::fit(model);
      REQUIRE(fit.status == rein::fit::fit_status::ok);
      // pyhf with SLSQP at tolerance 1e-12 reaches the minimum to ~1e-7 in 2NLL; rein's
      // minimiser to better than 1e-8
      REIN_CHECK_ABS(fit.twice_nll, ref["twice_nll"].get<double>(), 1e-6);
      const auto poi = static_cast<Eigen::Index>(model.parameters().index(ws.measurements[0].poi));
      // μ̂ is flat to first order: 1e-6 in 2NLL moves it by ~1e-3 of its error
      REIN_CHECK_ABS(fit.values[poi], ref["mu_hat"].get<double>(), 2e-3);

      const rein::infer::asymptotic_calculator calculator(model, model.observed());
      const auto r = calculator.hypotest(1.0);
      CHECK(r.status == rein::fit::fit_status::ok);
      // CLs from four fits each converged to ~1e-7 in 2NLL: relative 1e-5
      REIN_CHECK_REL(r.cls_obs, ref["cls_obs"].get<double>(), 1e-5);
      for (std::size_t k = 0; k < 5; ++k) REIN_CHECK_REL(r.cls_exp[k], ref["cls_exp"][k].get<double>(), 1e-5);

      const auto limits = rein::infer::upper_limit(calculator);
      CHECK(limits.obs_status == rein::infer::limit_status::ok);
      // pyhf's toms748_scan at rtol 1e-8, rein's limit at rtol 1e-6 on top of CLs at 1e-5
      REIN_CHECK_REL(limits.obs, ref["limit_obs"].get<double>(), 1e-4);
      for (std::size_t k = 0; k < 5; ++k) {
        CHECK(limits.exp_status[k] == rein::infer::limit_status::ok);
        REIN_CHECK_REL(limits.exp[k], ref["limit_exp"][k].get<double>(), 1e-4);
      }
    }
  }

  TEST_CASE("grid: limits and CLs of sbottom points match pyhf; a failing point says why; threads do not change results") {
    const auto reference = rein::io::read_json(rein::test::sbottom_reference());
    std::vector<std::string> names;
    for (const auto& [point, ref] : reference["RegionA"].items()) names.push_back(point);
    const auto background = rein::io::read_json(rein::test::sbottom("RegionA/BkgOnly.json"));
    const auto make = [&](std::size_t i) {
      if (i == names.size()) throw rein::io_error("no such point");
      const std::string path = rein::test::sbottom("RegionA/patch." + names[i] + ".json");
      return rein::likelihood::make_model(rein::io::workspace_from_json(
          rein::io::apply_patch(background, rein::io::read_json(path), path), path));
    };
    rein::infer::grid_options options;
    options.threads = 2;
    const auto results = rein::infer::grid(names.size() + 1, make, options);
    REQUIRE(results.size() == names.size() + 1);
    for (std::size_t i = 0; i < names.size(); ++i) {
      CAPTURE(names[i]);
      const auto& ref = reference["RegionA"][names[i]];
      CHECK(results[i].status == "ok");
      // as the test case above: CLs 1e-5, limits 1e-4 relative to pyhf
      REIN_CHECK_REL(results[i].cls.cls_obs, ref["cls_obs"].get<double>(), 1e-5);
      REIN_CHECK_REL(results[i].limit.obs, ref["limit_obs"].get<double>(), 1e-4);
      for (std::size_t k = 0; k < 5; ++k) REIN_CHECK_REL(results[i].limit.exp[k], ref["limit_exp"][k].get<double>(), 1e-4);
    }
    CHECK(results.back().status == "error: no such point");
    options.threads = 1;
    const auto serial = rein::infer::grid(names.size(), make, options);
    for (std::size_t i = 0; i < names.size(); ++i) {
      CHECK(serial[i].limit.obs == results[i].limit.obs);  // bit-identical: each point is computed alone
      CHECK(serial[i].cls.cls_exp == results[i].cls.cls_exp);
    }
    options.threads = 0;
    CHECK_THROWS_AS((void)rein::infer::grid(1, make, options), rein::invalid_argument);
  }
}
}  // namespace sbottom_test
