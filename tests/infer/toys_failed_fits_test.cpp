#include "rein/infer/toys.hpp"
#include "rein/io/json/infer_results.hpp"
#include "support/close.hpp"

#include "infer/counting.hpp"

#include <boost/math/distributions/poisson.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace toys_failed_fits_test {

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
  TEST_CASE("toys: a toy significance counts failed fits per hypothesis and bounds p0") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // q0_obs = 2: background toys ≥ 2: {2, 5} of 4 finite, 1 failed; signal toys: 1 of 3 failed
    const std::vector<double> null = {0.0, nan, 2.0, 0.5, 5.0}, alternative = {3.0, nan, 0.0};
    const auto r = rein::infer::toy_significance_from(2.0, null, alternative, rein::fit::fit_status::ok);
    CHECK(r.n_toys == 5);
    CHECK(r.failed_fits_b == 1);
    CHECK(r.failed_fits_sb == 1);
    CHECK(r.failed_fits == 2);
    CHECK(r.p0 == doctest::Approx(2.0 / 4.0).epsilon(1e-15).scale(0));
    // the failed background toy below q0_obs: 2 of 5; at or above it: 3 of 5
    CHECK(r.p0_min == doctest::Approx(2.0 / 5.0).epsilon(1e-15).scale(0));
    CHECK(r.p0_max == doctest::Approx(3.0 / 5.0).epsilon(1e-15).scale(0));
    // expected p0: p0 at each finite signal toy's q0 (3 → 1/4, 0 → 4/4), median of the two
    CHECK(r.p0_exp[2] == doctest::Approx(0.625).epsilon(1e-15).scale(0));
    CHECK(rein::infer::too_many_failed_toys(r));
    const auto out = rein::io::to_json(r, rein::infer::toy_options{});
    CHECK(out["status"] == "toy_fits_failed");
    CHECK(out["toy_status"] == "too_many_failed");
    CHECK(out["failed_fits_b"] == 1);
    // every fit converged: the status is the observed fits', and p0's range is the point
    const auto clean = rein::infer::toy_significance_from(2.0, {0.0, 2.0, 0.5, 5.0}, {3.0, 0.0}, rein::fit::fit_status::ok);
    CHECK(clean.p0_min == clean.p0);
    CHECK(clean.p0_max == clean.p0);
    CHECK(rein::io::to_json(clean, rein::infer::toy_options{})["status"] == "ok");
  }

  TEST_CASE("toys: a toy significance on one bin is the Poisson tail P(n >= n_obs | b)") {
    // b = 3 known exactly, n = 8: q0 grows with n above b and is 0 below, so p0 = P(N ≥ 8 | 3)
    // (closed form, Boost's Poisson), within 3 binomial standard errors of the 20000 toys.
    const auto m = rein::test::counting(1, 3, 8, 60);
    rein::infer::toy_options options;
    options.n_toys = 20000;
    options.seed = 11;
    options.threads = 2;
    const auto r = rein::infer::toy_significance(m, m.observed(), options);
    const double exact = boost::math::cdf(boost::math::complement(boost::math::poisson_distribution<double>(3.0), 7.0));
    REIN_CHECK_ABS(r.p0, exact, 3 * std::sqrt(exact * (1 - exact) / 20000));
    CHECK(r.failed_fits == 0);
    CHECK_FALSE(rein::infer::too_many_failed_toys(r));
  }

  TEST_CASE("toys: a toy upper limit reports every CLs it evaluated and sums their failed fits") {
    const auto m = rein::test::counting(1, 3, 3, 60);
    rein::infer::toy_options options;
    options.n_toys = 400;
    options.seed = 3;
    options.threads = 2;
    rein::infer::upper_limit_options limit;
    limit.rtol = 1e-3;
    const auto r = rein::infer::toy_upper_limit(m, m.observed(), options, limit);
    REQUIRE(r.points.size() == static_cast<std::size_t>(r.evaluations));
    std::size_t failed_sb = 0, failed_b = 0;
    for (std::size_t i = 0; i < r.points.size(); ++i) {
      if (i > 0) CHECK(r.points[i - 1].mu < r.points[i].mu);
      failed_sb += r.points[i].failed_fits_sb, failed_b += r.points[i].failed_fits_b;
    }
    CHECK(r.failed_fits_sb == failed_sb);
    CHECK(r.failed_fits_b == failed_b);
    CHECK_FALSE(r.too_many_failed);
    // each point is the toy CLs at its μ, recomputed on its own (same seeds: identical)
    const auto& middle = r.points[r.points.size() / 2];
    CHECK(rein::infer::toy_hypotest(m, m.observed(), middle.mu, options).cls_obs == middle.cls_obs);
    const auto out = rein::io::to_json(r, "mu", options, limit);
    CHECK(out["status"] == "ok");
    CHECK(out["points"].size() == r.points.size());

    // one evaluated μ with too many failed background toys makes the limits not ok
    auto broken = r;
    broken.points[0].failed_fits_b = 21;  // of 400: 5.25% > 5%
    broken.failed_fits_b += 21;
    broken.too_many_failed = rein::infer::too_many_failed_toys(broken.points[0]);
    CHECK(broken.too_many_failed);
    const auto bad = rein::io::to_json(broken, "mu", options, limit);
    CHECK(bad["status"] == "toy_fits_failed");
    CHECK(bad["toy_status"] == "too_many_failed");
    CHECK(bad["failed_fits_b"] == r.failed_fits_b + 21);
  }
}
}  // namespace toys_failed_fits_test
