#include "rein/core/histogram.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <vector>

namespace histogram_test {

namespace {
const double qnan = std::numeric_limits<double>::quiet_NaN();
}

TEST_SUITE("core") {
  TEST_CASE("histogram: one-dimensional fills accumulate weights and squared weights") {
    rein::histogram h(rein::binning(rein::axis({0.0, 1.0, 2.0, 3.0})));
    h.fill(0.5);
    h.fill(0.7, 2.0);
    h.fill(2.5, 0.5);
    // all weights are exact binary fractions: sums are exact
    CHECK(h.values() == std::vector<double>{3.0, 0.0, 0.5});
    CHECK(h.variances() == std::vector<double>{5.0, 0.0, 0.25});
    CHECK(h.total() == 3.5);
    CHECK(h.value(2) == 0.5);
    CHECK(h.variance(0) == 5.0);
  }

  TEST_CASE("histogram: n-D contents are flat row-major with the first axis slowest") {
    const rein::binning b({rein::make_uniform_axis(2, 0, 2, "x"), rein::make_uniform_axis(3, 0, 3, "y")});
    rein::histogram h(b);
    h.fill({1.5, 0.5});  // (1, 0) → flat 3
    h.fill({0.5, 2.5});  // (0, 2) → flat 2
    h.fill({0.5, 2.5});
    CHECK(h.values() == std::vector<double>{0, 0, 2, 1, 0, 0});
    CHECK(h.at({0, 2}) == 2.0);
    CHECK(h.at({1, 0}) == 1.0);
  }

  TEST_CASE("histogram: the flow policy decides where outside entries go") {
    const rein::binning b(rein::axis({0.0, 1.0, 2.0}, "m"));
    rein::histogram drop(b, rein::flow_policy::drop);
    drop.fill(-1.0, 2.0);
    drop.fill(5.0);
    drop.fill(qnan, 3.0);
    CHECK(drop.values() == std::vector<double>{0.0, 0.0});
    CHECK(drop.outside().entries == 2);
    CHECK(drop.outside().sum_weights == 3.0);
    CHECK(drop.outside().sum_weights_squared == 5.0);
    CHECK(drop.invalid().entries == 1);
    CHECK(drop.invalid().sum_weights == 3.0);

    rein::histogram clamp(b, rein::flow_policy::clamp);
    clamp.fill(-1.0, 2.0);
    clamp.fill(5.0);
    clamp.fill(qnan);
    CHECK(clamp.values() == std::vector<double>{2.0, 1.0});
    CHECK(clamp.outside().entries == 0);
    CHECK(clamp.invalid().entries == 1);

    rein::histogram strict(b, rein::flow_policy::error);
    CHECK_THROWS_WITH_AS(strict.fill(2.0),
                         doctest::Contains("coordinate[0] ('m') = 2 is above the last edge of [0, 2], flow_policy::error"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS(strict.fill(qnan), doctest::Contains("coordinate[0] ('m') = nan is NaN"), rein::domain_error);
  }

  TEST_CASE("histogram: addition and scaling") {
    const rein::binning b(rein::axis({0.0, 1.0, 2.0}));
    rein::histogram a(b), c(b);
    a.fill(0.5, 2.0);
    c.fill(0.5, 1.0);
    c.fill(1.5, 4.0);
    c.fill(9.0, 1.0);
    a += c;
    CHECK(a.values() == std::vector<double>{3.0, 4.0});
    CHECK(a.variances() == std::vector<double>{5.0, 16.0});
    CHECK(a.outside().entries == 1);
    a.scale(0.5);
    CHECK(a.values() == std::vector<double>{1.5, 2.0});
    CHECK(a.variances() == std::vector<double>{1.25, 4.0});
    CHECK(a.outside().sum_weights == 0.5);
  }

  TEST_CASE("histogram: bad input is rejected with context") {
    const rein::binning b2({rein::make_uniform_axis(2, 0, 2), rein::make_uniform_axis(2, 0, 2)});
    rein::histogram h(b2);
    CHECK_THROWS_WITH_AS(h.fill(0.5), doctest::Contains("rein::histogram::fill: 1 coordinates given, the binning has 2 axes"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(h.fill({0.5, 0.5}, qnan), doctest::Contains("rein::histogram::fill: weight = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)h.value(4), doctest::Contains("rein::histogram::value: bin 4, the histogram has 4 bins"),
                         rein::invalid_argument);
    rein::histogram other(rein::binning(rein::make_uniform_axis(4, 0, 4)));
    CHECK_THROWS_WITH_AS(h += other, doctest::Contains("rein::histogram::operator+=: the binnings differ"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(h.scale(qnan), doctest::Contains("rein::histogram::scale: c = nan, must be finite"),
                         rein::invalid_argument);
  }
}
}  // namespace histogram_test
