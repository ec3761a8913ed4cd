#include "rein/physics/hpqcd_null.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>

namespace hpqcd_null_test {

TEST_SUITE("physics") {
  TEST_CASE("hpqcd_null: dB/dq2 reproduces b_to_k_nunu.md to 1e-6") {
    // tests/data/physics/b_to_k_nunu.md, "HPQCD null": 7 significant digits (rounding ≤ 1.7e-7).
    const rein::physics::hpqcd_null null;
    const double q2[] = {0.0, 5.0, 10.0, 15.0, 20.0};
    const double ref[] = {2.940596e-07, 2.877753e-07, 2.646093e-07, 2.095283e-07, 9.200257e-08};
    for (int i = 0; i < 5; ++i) {
      INFO("q2 = " << q2[i]);
      REIN_CHECK_REL(null.differential_branching_fraction(q2[i]), ref[i], 1e-6);
      CHECK(null(q2[i]) == null.differential_branching_fraction(q2[i]));
    }
  }

  TEST_CASE("hpqcd_null: the integrated null matches b_to_k_nunu.md and the exact Belle II reference") {
    const rein::physics::hpqcd_null null;
    // b_to_k_nunu.md: 4.966129e-6 on [0, 22.8852] (7 digits).
    REIN_CHECK_REL(null.branching_fraction(0.0, 22.8852), 4.966129e-6, 1e-6);
    // tests/data/belle2-knunu/reference.json, wet_weights_regA_sm.values.null_integral_0_22885
    // (adaptive scipy quad, epsrel 1e-13): 1e-12.
    std::ifstream in(std::string(REIN_TEST_DATA_DIR) + "/belle2-knunu/reference.json");
    REQUIRE(in.good());
    const auto values = nlohmann::json::parse(in)["wet_weights_regA_sm"]["values"];
    REIN_CHECK_REL(null.branching_fraction(0.0, 22.885), values["null_integral_0_22885"].get<double>(), 1e-12);
    // The endpoint lies 2.3e-4 GeV² above Belle II's last edge (b_to_k_nunu.md, reference.json).
    REIN_CHECK_ABS(null.q2_max() - 22.885, 2.3e-4, 1e-6);
    // The full integral includes the sliver up to q²_max and clips beyond.
    CHECK(null.branching_fraction() == null.branching_fraction(-5.0, 40.0));
    CHECK(null.branching_fraction() > null.branching_fraction(0.0, 22.885));
    CHECK(null.differential_branching_fraction(null.q2_max()) == 0.0);
  }

  TEST_CASE("hpqcd_null: f+ at q2 = 0 equals the BCL series at z = 0 (closed form)") {
    // z(0) = 0 with t0 = 0, so f+(0) = L·a_0 exactly.
    const rein::physics::hpqcd_null null;
    REIN_CHECK_REL(null.f_plus(0.0), 1.304 * 0.2545, 1e-15);
  }

  TEST_CASE("hpqcd_null: bad input is rejected with a message naming function, argument, value and requirement") {
    const rein::physics::hpqcd_null null;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS((void)null.differential_branching_fraction(nan),
                         doctest::Contains("rein::physics::hpqcd_null::differential_branching_fraction: q2 = nan GeV^2 is "
                                           "outside the physical region [0, (m_B - m_K)^2 = 22.8852"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)null(22.9), doctest::Contains("q2 = 22.899999999999999 GeV^2 is outside"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)null.f_plus(-0.5), doctest::Contains("hpqcd_null::f_plus: q2 = -0.5 GeV^2"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)null.branching_fraction(3.0, 1.0),
                         "rein::physics::hpqcd_null::branching_fraction: q2_min = 3 must not exceed q2_max = 1",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)null.branching_fraction(0.0, nan),
                         "rein::physics::hpqcd_null::branching_fraction: q2_max = nan, must be finite",
                         rein::invalid_argument);
    rein::physics::hpqcd_null_constants c;
    c.x_t = -1.0;
    CHECK_THROWS_WITH_AS(rein::physics::hpqcd_null{c},
                         "rein::physics::hpqcd_null::hpqcd_null: constants.x_t = -1, must be positive and finite",
                         rein::invalid_argument);
    c = {};
    c.a1 = nan;
    CHECK_THROWS_WITH_AS(rein::physics::hpqcd_null{c},
                         "rein::physics::hpqcd_null::hpqcd_null: constants.a1 = nan, must be finite",
                         rein::invalid_argument);
  }
}
}  // namespace hpqcd_null_test
