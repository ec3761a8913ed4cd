// The Belle II WET reinterpretation as a user builds it: the published redist file, the built-in
// rates by name, make_redist_model; its maximum-likelihood fit against MINUIT's (reference.json
// wet_fit).
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/multistart.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/physics/constants.hpp"
#include "rein/reweight/named_rates.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <vector>

namespace wet_fit_test {

namespace {

rein::likelihood::model belle2_wet(rein::reweight::quadrature_rule rule) {
  std::map<std::vector<double>, std::shared_ptr<const rein::reweight::bin_rates>> rates;
  return rein::io::make_redist_model(
      rein::io::read_redist(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json")),
      [&](const rein::io::redist_reweighting& r) {
        auto& found = rates[r.edges];
        if (!found) found = rein::reweight::make_named_rates("hpqcd-b-to-k-nunu", "wet-b-to-k-nunu", r.edges, rule);
        return found;
      });
}

}  // namespace

TEST_SUITE("reweight") {
  TEST_CASE("make_redist_model: the Belle II WET fit reproduces MINUIT's (reference.json wet_fit)") {
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"))["wet_fit"];
    const auto model = belle2_wet(rein::reweight::quadrature_rule::gauss_legendre);
    const auto free = rein::fit::fit(model);
    REQUIRE(free.ok());
    // MINUIT (strategy 2, EDM < 1e-8) reached −16.029827788918908; the file's own advice: the
    // likelihood trades vector, scalar and tensor contributions along a nearly flat valley, so
    // twice_nll is compared at 1e-4 absolute and the coefficients at 0.05
    const auto& best = reference["values"]["free"];
    REIN_CHECK_ABS(free.twice_nll, best["twice_nll"].get<double>(), 1e-4);
    for (const char* name : {"cvl", "csl", "ctl"})
      REIN_CHECK_ABS(free.values[static_cast<Eigen::Index>(model.parameters().index(name))],
                     best["theory"][name].get<double>(), 0.05);

    // background only (cvl = csl = ctl = 0): MINUIT −2.1735918260709184, and q = 13.856
    rein::fit::fit_options null;
    null.fixed = {{"cvl", 0.0}, {"csl", 0.0}, {"ctl", 0.0}};
    const auto background = rein::fit::fit(model, null);
    REQUIRE(background.ok());
    REIN_CHECK_ABS(background.twice_nll, reference["values"]["bkg_only_cvl_csl_ctl_0"]["twice_nll"].get<double>(), 1e-4);
    REIN_CHECK_ABS(background.twice_nll - free.twice_nll, reference["values"]["q_wet_vs_bkg_only"].get<double>(), 2e-4);
  }

  // csl enters the rate squared: at csl = 0 (its lower bound) the gradient vanishes. With ctl at 0
  // and cvl held near its SM value the profile in csl has its minimum near 15, and csl = 0 is a
  // saddle (curvature -0.056 at both cvl): the fit from the inits must leave it along the negative
  // curvature, though its gradient there rounds to either sign. The reference is a second method,
  // a brute-force profile over csl = 0, 2, ..., 20.
  TEST_CASE("fit and multistart_fit: with cvl held near its SM value and ctl at 0, the minimum near csl = 15") {
    const auto model = belle2_wet(rein::reweight::quadrature_rule::gauss_legendre);
    const auto csl_index = static_cast<Eigen::Index>(model.parameters().index("csl"));
    for (const double cvl : {rein::physics::c_vl_sm, 6.6}) {
      CAPTURE(cvl);
      rein::fit::fit_options held;
      held.fixed = {{"cvl", cvl}, {"ctl", 0.0}};
      held.errors = false;
      double grid_min = std::numeric_limits<double>::infinity(), grid_csl = -1;
      for (int csl = 0; csl <= 20; csl += 2) {
        auto conditional = held;
        conditional.fixed.emplace_back("csl", csl);
        const auto r = rein::fit::fit(model, conditional);
        REQUIRE(r.ok());
        if (r.twice_nll < grid_min) {
          grid_min = r.twice_nll;
          grid_csl = csl;
        }
      }
      CHECK(grid_csl >= 12);
      const auto multi = rein::fit::multistart_fit(model, model.observed(), held, 8);
      REQUIRE(multi.best.ok());
      CHECK(multi.status.size() == 8);
      // the grid's minimum lies above the true one and within 2 of it in csl
      CHECK(multi.best.twice_nll <= grid_min + 1e-9);
      CHECK(std::abs(multi.best.values[csl_index] - grid_csl) <= 2);
      // the case: the fit from the inits leaves the saddle at csl = 0 (2·nll −6.77 at the
      // SM cvl, 6.25 above the minimum) for the minimum
      const auto single = rein::fit::fit(model, held);
      REQUIRE(single.ok());
      CHECK(std::abs(single.twice_nll - multi.best.twice_nll) <= 1e-7);
      CHECK(single.values[csl_index] >= 12);
    }
  }

  TEST_CASE("make_named_rates: unknown names are errors that list the known ones") {
    const std::vector<double> edges = {0, 1, 2};
    CHECK_THROWS_WITH_AS((void)rein::reweight::make_named_rates("sm", "wet-b-to-k-nunu", edges),
                         doctest::Contains("unknown null rate 'sm'; known: 'hpqcd-b-to-k-nunu'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::reweight::make_named_rates("hpqcd-b-to-k-nunu", "np", edges),
                         doctest::Contains("unknown alternative rate 'np'; known: 'wet-b-to-k-nunu'"), rein::invalid_argument);
  }
}
}  // namespace wet_fit_test
