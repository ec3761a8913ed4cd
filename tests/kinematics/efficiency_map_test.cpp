#include "rein/kinematics/efficiency_map.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace efficiency_map_test {

namespace {
using rein::kinematics::efficiency_map;
const double qnan = std::numeric_limits<double>::quiet_NaN();

rein::binning q2_cos_binning() {
  return rein::binning({rein::axis({0.0, 4.0, 8.0, 12.0}, "q2"), rein::axis({-1.0, 0.0, 1.0}, "cos_theta")});
}
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("efficiency_map: lookup is per bin in row-major order") {
    // flat order (q2 slowest): (0,0) (0,1) (1,0) (1,1) (2,0) (2,1)
    const efficiency_map map(q2_cos_binning(), {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0.01, 0.02, 0.03, 0.04, 0.05, 0.06});
    CHECK(map.efficiency({1.0, -0.5}) == 0.1);
    CHECK(map.efficiency({1.0, 0.5}) == 0.2);
    CHECK(map.efficiency({9.0, 0.5}) == 0.6);
    CHECK(map.uncertainty({5.0, -0.2}) == 0.03);
    // outside: drop gives 0, NaN gives 0
    CHECK(map.efficiency({13.0, 0.5}) == 0.0);
    CHECK(map.uncertainty({13.0, 0.5}) == 0.0);
    CHECK(map.efficiency({qnan, 0.5}) == 0.0);
    const efficiency_map clamped(q2_cos_binning(), {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {}, rein::flow_policy::clamp);
    CHECK(clamped.efficiency({13.0, 0.5}) == 0.6);
    CHECK(clamped.efficiency({-1.0, -2.0}) == 0.1);
    CHECK(clamped.uncertainties() == std::vector<double>(6, 0.0));
    const efficiency_map strict(q2_cos_binning(), {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {}, rein::flow_policy::error);
    CHECK_THROWS_WITH_AS((void)strict.efficiency({13.0, 0.5}),
                         doctest::Contains("coordinate[0] ('q2') = 13 is above the last edge of [0, 12]"), rein::domain_error);
  }

  TEST_CASE("efficiency_map: from passed and generated histograms with binomial errors") {
    const rein::binning b(rein::axis({0.0, 1.0, 2.0, 3.0}, "q2"));
    rein::histogram generated(b), passed(b);
    // bin 0: 4 generated, 3 passed (unit weights); bin 1: weighted; bin 2: empty
    for (int i = 0; i < 4; ++i) generated.fill(0.5);
    for (int i = 0; i < 3; ++i) passed.fill(0.5);
    generated.fill(1.5, 1.0);
    generated.fill(1.5, 3.0);
    passed.fill(1.5, 3.0);
    const auto map = efficiency_map::from_histograms(passed, generated);
    // closed forms: ε = k/N, σ = √(ε(1 − ε)/N) for unit weights
    REIN_CHECK_REL(map.efficiencies()[0], 0.75, 1e-15);
    REIN_CHECK_REL(map.uncertainties()[0], std::sqrt(0.75 * 0.25 / 4.0), 1e-15);
    // weighted: ε = 3/4, σ² = [(1 − 2ε)·9 + ε²·10]/16 = (−4.5 + 5.625)/16
    REIN_CHECK_REL(map.efficiencies()[1], 0.75, 1e-15);
    REIN_CHECK_REL(map.uncertainties()[1], std::sqrt(1.125 / 16.0), 1e-15);
    CHECK(map.efficiencies()[2] == 0.0);
    CHECK(map.uncertainties()[2] == 0.0);
    CHECK(map.efficiency({0.5}) == map.efficiencies()[0]);
  }

  TEST_CASE("efficiency_map: bad maps are rejected with the bin and value") {
    CHECK_THROWS_WITH_AS(efficiency_map(q2_cos_binning(), {0.1, 0.2}),
                         doctest::Contains("rein::kinematics::efficiency_map: efficiencies has 2 entries, the binning has 6 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(efficiency_map(q2_cos_binning(), {0.1, 0.2, 1.3, 0.4, 0.5, 0.6}),
                         doctest::Contains("efficiency_map: efficiencies[2] = 1.3, must be in [0, 1]"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(efficiency_map(q2_cos_binning(), {0.1, 0.2, 0.3, qnan, 0.5, 0.6}),
                         doctest::Contains("efficiencies[3] = nan, must be in [0, 1]"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(efficiency_map(q2_cos_binning(), {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0, 0, 0, 0, -0.1, 0}),
                         doctest::Contains("uncertainties[4] = -0.10000000000000001, must be finite and non-negative"),
                         rein::invalid_argument);
    const rein::binning b(rein::axis({0.0, 1.0}));
    rein::histogram g(b), p(b), other(rein::binning(rein::axis({0.0, 2.0})));
    g.fill(0.5);
    p.fill(0.5, 2.0);
    CHECK_THROWS_WITH_AS((void)efficiency_map::from_histograms(p, g),
                         doctest::Contains("from_histograms: bin 0 has passed = 2, generated = 1, must have 0 <= passed <= generated"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)efficiency_map::from_histograms(p, other),
                         doctest::Contains("from_histograms: passed and generated have different binnings"),
                         rein::invalid_argument);
    const efficiency_map map(rein::binning(rein::axis({0.0, 1.0})), {0.5});
    CHECK_THROWS_WITH_AS((void)map.efficiency({0.5, 0.5}),
                         doctest::Contains("efficiency_map::efficiency: 2 coordinates given, the binning has 1 axes"),
                         rein::invalid_argument);
  }
}
}  // namespace efficiency_map_test
