#include "rein/core/binning.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <vector>

namespace binning_test {

namespace {
const double qnan = std::numeric_limits<double>::quiet_NaN();
}

TEST_SUITE("core") {
  TEST_CASE("binning: an axis locates values in half-open bins") {
    const rein::axis a({0.0, 1.0, 2.5, 4.0}, "q2");
    CHECK(a.size() == 3);
    CHECK(a.name() == "q2");
    CHECK(a.width(1) == 1.5);   // 2.5 − 1.0, exact in binary
    CHECK(a.center(2) == 3.25);  // (2.5 + 4)/2, exact
    using pos = rein::axis::position;
    CHECK(a.locate(0.0).where == pos::inside);
    CHECK(a.locate(0.0).bin == 0);
    CHECK(a.locate(1.0).bin == 1);  // a lower edge belongs to its bin
    CHECK(a.locate(2.4999).bin == 1);
    CHECK(a.locate(3.9).bin == 2);
    CHECK(a.locate(-0.1).where == pos::underflow);
    CHECK(a.locate(4.0).where == pos::overflow);  // upper edge excluded by default
    CHECK(a.locate(qnan).where == pos::nan);
    const rein::axis closed({0.0, 1.0, 2.0}, "", rein::upper_edge::included);
    CHECK(closed.locate(2.0).where == pos::inside);
    CHECK(closed.locate(2.0).bin == 1);
    CHECK(closed.locate(2.0000001).where == pos::overflow);
  }

  TEST_CASE("binning: make_uniform_axis places the last edge exactly") {
    const auto a = rein::make_uniform_axis(3, 0.0, 0.3);
    REQUIRE(a.edges().size() == 4);
    CHECK(a.edges().front() == 0.0);
    CHECK(a.edges().back() == 0.3);  // exact by construction, not 3 × 0.1
    CHECK(a.edges()[1] == 0.3 / 3.0);  // edge i is lower + i (upper − lower)/n by definition
  }

  TEST_CASE("binning: bad axes are rejected with the index and value") {
    CHECK_THROWS_WITH_AS(rein::axis({1.0}, "x"), doctest::Contains("rein::axis 'x': edges has 1 entries, at least 2"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::axis({0.0, qnan, 2.0}), doctest::Contains("rein::axis: edges[1] = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::axis({0.0, 2.0, 2.0}),
                         doctest::Contains("edges[2] = 2 is not greater than edges[1] = 2, edges must be strictly increasing"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::make_uniform_axis(0, 0.0, 1.0), doctest::Contains("rein::make_uniform_axis: n = 0"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::make_uniform_axis(2, 1.0, 1.0),
                         doctest::Contains("lower = 1 is not below upper = 1"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::binning(std::vector<rein::axis>{}), doctest::Contains("rein::binning: axes is empty"),
                         rein::invalid_argument);
  }

  TEST_CASE("binning: flattening is row-major with the first axis slowest") {
    // shape (2, 3, 4): strides (12, 4, 1); flat = 12 i + 4 j + k by definition
    const rein::binning b({rein::make_uniform_axis(2, 0, 2), rein::make_uniform_axis(3, 0, 3),
                           rein::make_uniform_axis(4, 0, 4)});
    CHECK(b.dimension() == 3);
    CHECK(b.size() == 24);
    CHECK(b.strides() == std::vector<std::size_t>{12, 4, 1});
    CHECK(b.flat_index({1, 2, 3}) == 23);
    CHECK(b.flat_index({0, 1, 0}) == 4);
    CHECK(b.flat_index({1, 0, 0}) == 12);
    for (std::size_t i = 0; i < 2; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        for (std::size_t k = 0; k < 4; ++k) {
          const std::size_t flat = 12 * i + 4 * j + k;
          CHECK(b.flat_index({i, j, k}) == flat);
          CHECK(b.unflatten(flat) == std::vector<std::size_t>{i, j, k});
        }
    const double x[3] = {1.5, 0.5, 2.5};  // bins (1, 0, 2)
    CHECK(b.locate(x, rein::flow_policy::drop).value() == 14);
  }

  TEST_CASE("binning: flow policies drop, clamp or reject outside points") {
    const rein::binning b({rein::make_uniform_axis(2, 0, 2, "x"), rein::make_uniform_axis(3, 0, 3, "y")});
    CHECK_FALSE(b.locate({-1.0, 1.5}, rein::flow_policy::drop).has_value());
    CHECK(b.locate({-1.0, 1.5}, rein::flow_policy::clamp).value() == 1);  // (0, 1)
    CHECK(b.locate({5.0, 7.0}, rein::flow_policy::clamp).value() == 5);   // (1, 2)
    CHECK(b.locate({0.5, -3.0}, rein::flow_policy::clamp).value() == 0);  // (0, 0)
    CHECK_FALSE(b.locate({qnan, 1.5}, rein::flow_policy::clamp).has_value());
    CHECK_THROWS_WITH_AS((void)b.locate({0.5, 3.0}, rein::flow_policy::error),
                         doctest::Contains("rein::binning::locate: coordinate[1] ('y') = 3 is above the last edge of [0, 3]"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)b.locate({qnan, 1.0}, rein::flow_policy::error),
                         doctest::Contains("coordinate[0] ('x') = nan is NaN"), rein::domain_error);
  }

  TEST_CASE("binning: index errors name the axis, the index and the bin count") {
    const rein::binning b({rein::make_uniform_axis(2, 0, 2), rein::make_uniform_axis(3, 0, 3)});
    CHECK_THROWS_WITH_AS((void)b.flat_index({0, 3}),
                         doctest::Contains("rein::binning::flat_index: index[1] = 3, axis 1 has 3 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)b.flat_index({0}), doctest::Contains("1 indices given, the binning has 2 axes"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)b.unflatten(6), doctest::Contains("rein::binning::unflatten: flat = 6, the binning has 6 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)b.locate({1.0}, rein::flow_policy::drop),
                         doctest::Contains("rein::binning::locate: 1 coordinates given, the binning has 2 axes"),
                         rein::invalid_argument);
  }
}
}  // namespace binning_test
