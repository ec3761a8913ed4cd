#include "rein/kinematics/selection.hpp"

#include "rein/kinematics/masses.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <vector>

namespace selection_test {

namespace {
using namespace rein::kinematics;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("selection: interval cuts honour their bounds and never pass NaN") {
    const interval_cut closed(5.27, 5.29);
    CHECK(closed.passes(5.27));
    CHECK(closed.passes(5.29));
    CHECK_FALSE(closed.passes(5.2699));
    CHECK_FALSE(closed.passes(qnan));
    const interval_cut open(-0.1, 0.1, interval_bounds::open);
    CHECK_FALSE(open.passes(-0.1));
    CHECK_FALSE(open.passes(0.1));
    CHECK(open(0.0));
    const interval_cut co(0.0, 1.0, interval_bounds::closed_open);
    CHECK(co.passes(0.0));
    CHECK_FALSE(co.passes(1.0));
    const interval_cut oc(0.0, 1.0, interval_bounds::open_closed);
    CHECK_FALSE(oc.passes(0.0));
    CHECK(oc.passes(1.0));
    for (const auto& cut : {closed, open, co, oc}) CHECK_FALSE(cut.passes(qnan));
    const auto above = interval_cut::at_least(5.27, "Mbc");
    CHECK(above.passes(1e300));
    CHECK(above.passes(inf));
    CHECK_FALSE(above.passes(qnan));
    CHECK(above.name() == "Mbc");
    const auto below = interval_cut::at_most(0.5);
    CHECK(below.passes(-inf));
    CHECK_FALSE(below.passes(0.50001));
  }

  TEST_CASE("selection: mass vetoes use only the caller's windows") {
    const auto& m = pdg_2024;
    mass_veto veto;
    CHECK(veto.passes(3.1));  // nothing is vetoed by default
    CHECK_FALSE(veto.passes(qnan));
    veto.add_window_around(m.jpsi, 0.15, 0.05, "J/psi").add_window(3.60, 3.75, "psi(2S)");
    REQUIRE(veto.windows().size() == 2);
    CHECK(veto.windows()[0].name == "J/psi");
    CHECK(veto.vetoed(m.jpsi));
    CHECK(veto.find(m.jpsi) == 0);
    CHECK(veto.vetoed(3.0));   // inside the radiative-tail side
    CHECK_FALSE(veto.vetoed(3.2));
    CHECK(veto.find(3.65) == 1);
    CHECK(veto.passes(3.3));
    CHECK_FALSE(veto.passes(3.70));
    CHECK_FALSE(veto.vetoed(qnan));
    CHECK_FALSE(veto.passes(qnan));
    CHECK(veto.vetoed(3.60));  // windows are closed
  }

  TEST_CASE("selection: multiplicity requirements") {
    const auto one = multiplicity_cut::exactly(1, "leptons");
    CHECK(one.passes(1));
    CHECK_FALSE(one.passes(0));
    CHECK_FALSE(one.passes(2));
    const multiplicity_cut tracks(3, 10);
    CHECK(tracks(3));
    CHECK(tracks(10));
    CHECK_FALSE(tracks(11));
    CHECK(multiplicity_cut::at_least(2).passes(1000));
    const std::vector<double> energies{0.02, 0.15, 0.3, 0.05};
    CHECK(multiplicity_cut::exactly(2).passes(energies.begin(), energies.end(), [](double e) { return e > 0.1; }));
  }

  TEST_CASE("selection: bad cut definitions are rejected with context") {
    CHECK_THROWS_WITH_AS(interval_cut(5.29, 5.27, interval_bounds::closed, "Mbc"),
                         doctest::Contains("rein::kinematics::interval_cut 'Mbc': lower = 5.29, upper = 5.2699999999999996, "
                                           "must be non-NaN with lower <= upper, lower < +inf and upper > -inf"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(interval_cut(qnan, 1.0), doctest::Contains("interval_cut: lower = nan"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(interval_cut(inf, inf), doctest::Contains("lower = inf"), rein::invalid_argument);
    mass_veto veto;
    CHECK_THROWS_WITH_AS(veto.add_window(3.2, 3.0),
                         doctest::Contains("rein::kinematics::mass_veto::add_window: lower = 3.2000000000000002 is not "
                                           "below upper = 3"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(veto.add_window(qnan, 3.0), doctest::Contains("add_window: lower = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(veto.add_window_around(3.1, -0.1, 0.05),
                         doctest::Contains("add_window_around: below = -0.10000000000000001, above = "
                                           "0.050000000000000003, must be finite, non-negative and not both zero"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(multiplicity_cut(3, 2, "tracks"),
                         doctest::Contains("rein::kinematics::multiplicity_cut 'tracks': min = 3 is above max = 2"),
                         rein::invalid_argument);
  }
}
}  // namespace selection_test
