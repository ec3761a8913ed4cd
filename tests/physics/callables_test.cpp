#include "rein/physics/callables.hpp"

#include "rein/core/dual.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <limits>
#include <string>

namespace callables_test {

TEST_SUITE("physics") {
  TEST_CASE("callables: null(q2) and alternative(q2; theta) are the models' dB/dq2 with their supports") {
    const rein::physics::b_to_k_nunu_null null;
    const rein::physics::b_to_k_nunu_alternative alternative;
    CHECK(null.q2_min() == 0.0);
    CHECK(null.q2_max() == null.model().q2_max());
    CHECK(alternative.q2_min() == 0.0);
    // (m_B+ − m_K+)² = 22.902570 (b_to_k_nunu.md, 6 decimals).
    REIN_CHECK_ABS(alternative.q2_max(), 22.902570, 5e-7);
    CHECK(null(7.0) == null.model().differential_branching_fraction(7.0));
    const auto& ff = rein::physics::bsz2015_belle2_mean;
    std::array<double, 11> theta{5.0, 1.0, 2.0};
    for (std::size_t i = 0; i < 8; ++i) theta[3 + i] = ff[i];
    const double direct =
        alternative.model().differential_branching_fraction(7.0, rein::physics::wet_coefficients<double>{5.0, 1.0, 2.0}, ff);
    CHECK(alternative(7.0, theta) == direct);
    CHECK(alternative(7.0, 5.0, 1.0, 2.0, ff) == direct);
    REIN_CHECK_REL(alternative.kernel(7.0).contract(rein::physics::wet_coefficients<double>{5.0, 1.0, 2.0}, ff), direct,
                   1e-14);
    const auto names = rein::physics::b_to_k_nunu_parameter_names();
    CHECK(names[0] == "cvl");
    CHECK(names[2] == "ctl");
    CHECK(names[10] == "FFK[7]");
  }

  TEST_CASE("callables: the alternative gives exact gradients with dual<11>") {
    // Against the kernel's hand-written gradient: both exact, 1e-13 relative for rounding.
    using d11 = rein::dual<11>;
    const rein::physics::b_to_k_nunu_alternative alternative;
    std::array<double, 11> theta{6.6, 0.7, 1.3};
    for (std::size_t i = 0; i < 8; ++i) theta[3 + i] = rein::physics::bsz2015_reference_central[i];
    std::array<d11, 11> vars;
    for (std::size_t i = 0; i < 11; ++i) vars[i] = d11::variable(theta[i], i);
    const d11 rate = alternative(16.5, vars);
    std::array<double, 11> gradient{};
    const double value = alternative.kernel(16.5).contract_with_gradient(theta, gradient);
    REIN_CHECK_REL(rate.value, value, 1e-13);
    for (std::size_t i = 0; i < 11; ++i) {
      INFO("parameter " << i);
      REIN_CHECK_REL(rate.derivatives[i], gradient[i], 1e-13);
    }
  }

  TEST_CASE("callables: q2 outside the support is a domain error") {
    const rein::physics::b_to_k_nunu_null null;
    const rein::physics::b_to_k_nunu_alternative alternative;
    CHECK_THROWS_WITH_AS((void)null(-0.1), doctest::Contains("hpqcd_null::differential_branching_fraction: q2 = -0.1"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)alternative(22.95, 1.0, 0.0, 0.0, rein::physics::bsz2015_belle2_mean),
                         doctest::Contains("b_to_k_nunu_rate::differential_branching_fraction: q2 = 22.949999999999999 GeV^2"),
                         rein::domain_error);
  }

  TEST_CASE("callables: a non-finite parameter is named by index and Belle II name") {
    const rein::physics::b_to_k_nunu_alternative alternative;
    std::array<double, 11> theta{1.0, 0.0, 0.0};
    for (std::size_t i = 0; i < 8; ++i) theta[3 + i] = rein::physics::bsz2015_belle2_mean[i];
    theta[4] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS((void)alternative(3.0, theta),
                         "rein::physics::b_to_k_nunu_rate::differential_branching_fraction: theta[4] (FFK[1]) = nan, "
                         "must be finite",
                         rein::invalid_argument);
    using d11 = rein::dual<11>;
    std::array<d11, 11> vars;
    for (std::size_t i = 0; i < 11; ++i) vars[i] = d11::variable(theta[i], i);
    vars[4] = d11::variable(1.0, 4);
    vars[1] = d11::variable(std::numeric_limits<double>::infinity(), 1);
    CHECK_THROWS_WITH_AS((void)alternative(3.0, vars), doctest::Contains("theta[1] (csl) = inf, must be finite"),
                         rein::invalid_argument);
  }
}
}  // namespace callables_test
