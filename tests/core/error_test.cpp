#include "rein/core/error.hpp"
#include "rein/core/detail/check.hpp"

#include <doctest/doctest.h>

#include <limits>

namespace error_test {

TEST_SUITE("core") {
  TEST_CASE("error: every rein exception derives from rein::error") {
    CHECK_THROWS_AS(throw rein::io_error("x"), rein::error);
    CHECK_THROWS_AS(throw rein::invalid_argument("x"), rein::error);
    CHECK_THROWS_AS(throw rein::domain_error("x"), rein::error);
    CHECK_THROWS_AS(throw rein::convergence_error("x"), rein::error);
  }

  TEST_CASE("error: check_finite names the argument and rejects NaN and infinity") {
    CHECK_NOTHROW(rein::detail::check_finite(1.5, "x"));
    CHECK_THROWS_WITH_AS(rein::detail::check_finite(std::numeric_limits<double>::quiet_NaN(), "f: sigma"),
                         "f: sigma = nan, must be finite", rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::detail::check_finite(std::numeric_limits<double>::infinity(), "g: x"),
                         "g: x = inf, must be finite", rein::invalid_argument);
  }

  TEST_CASE("error: format_value prints 17 significant digits") {
    CHECK(rein::detail::format_value(0.1) == "0.10000000000000001");
  }
}
}  // namespace error_test
