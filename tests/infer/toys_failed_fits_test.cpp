#include "rein/infer/toys.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

// Failed toy fits (NaN test statistics) are counted per hypothesis and never bias CLs silently:
// the result carries the CLs range they allow (issue #18, docs/infer_impacts.md "Failed toy fits").
// Every expected value below is counted by hand from the listed toys: exact ratios of small
// integers, so the checks are exact to the last ulp of a division (rtol 1e-15).
TEST_SUITE("infer") {
  TEST_CASE("toys: failed fits are counted per hypothesis and bound CLs from both sides") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // q_obs = 1: s+b toys ≥ 1: {1.5, 3} of 3 finite, 2 failed; b toys ≥ 1: {2} of 4 finite, 1 failed
    const std::vector<double> sb = {0.5, 1.5, nan, 3.0, nan}, b = {0.1, nan, 0.2, 2.0, 0.3};
    const auto r = rein::infer::toy_hypotest_from(1.0, 1.0, sb, b, rein::fit::fit_status::ok);
    CHECK(r.failed_fits_sb == 2);
    CHECK(r.failed_fits_b == 1);
    CHECK(r.failed_fits == 3);
    CHECK(r.cls_obs == doctest::Approx((2.0 / 3.0) / (1.0 / 4.0)).epsilon(1e-15).scale(0));
    // failed s+b toys all below q_obs and failed b toys all above: CLs = (2/5) / (2/5) = 1
    CHECK(r.cls_obs_min == doctest::Approx(1.0).epsilon(1e-15).scale(0));
    // the other way round: (4/5) / (1/5) = 4
    CHECK(r.cls_obs_max == doctest::Approx(4.0).epsilon(1e-15).scale(0));
    CHECK(r.cls_obs_min <= r.cls_obs);
    CHECK(r.cls_obs <= r.cls_obs_max);
    CHECK(rein::infer::too_many_failed_toys(r));  // 2 of 5 > 5%
  }

  TEST_CASE("toys: without failures the CLs range is the point; the stated fraction decides 'too many'") {
    std::vector<double> sb(100), b(100);
    for (std::size_t i = 0; i < 100; ++i) sb[i] = static_cast<double>(i) / 10, b[i] = static_cast<double>(i) / 50;
    auto r = rein::infer::toy_hypotest_from(1.0, 1.0, sb, b, rein::fit::fit_status::ok);
    CHECK(r.failed_fits == 0);
    CHECK(r.cls_obs_min == r.cls_obs);
    CHECK(r.cls_obs_max == r.cls_obs);
    CHECK_FALSE(rein::infer::too_many_failed_toys(r));
    // 5 of 100 background toys failed: exactly the stated 5%, still acceptable; 6 is too many
    for (std::size_t i = 0; i < 5; ++i) b[i] = std::nan("");
    r = rein::infer::toy_hypotest_from(1.0, 1.0, sb, b, rein::fit::fit_status::ok);
    CHECK(r.failed_fits_b == 5);
    CHECK_FALSE(rein::infer::too_many_failed_toys(r));
    CHECK(r.cls_obs_min < r.cls_obs_max);
    b[5] = std::nan("");
    r = rein::infer::toy_hypotest_from(1.0, 1.0, sb, b, rein::fit::fit_status::ok);
    CHECK(rein::infer::too_many_failed_toys(r));
  }
}
