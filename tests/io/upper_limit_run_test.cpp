// io/upper_limit_run.hpp, the call behind `rein upper-limit` and rein.upper_limit: asymptotic
// limits of one-bin counting experiments against their values quoted to three digits (as
// tests/infer/asymptotic_test.cpp checks infer::upper_limit), the CLs curve against the
// definition of the limit, and one limit per held value (`--over`).
#include "rein/io/upper_limit_run.hpp"
#include "support/close.hpp"

#include "infer/counting.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace upper_limit_run_test {

namespace {

// a signal of 1 event × μ, μ ∈ [0, 60], over b background events, n = b observed
rein::likelihood::model counting(double b) { return rein::test::counting(1, b, b, 60); }

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("upper_limit_run: the asymptotic limit with its CLs curve, as rein upper-limit prints it") {
    rein::io::upper_limit_settings settings;
    bool ok = false;
    const auto out = rein::io::upper_limit_json(counting(3), settings, ok);
    CHECK(ok);
    CHECK(out["calculator"] == "asymptotics");
    CHECK(out["poi"] == "mu");
    CHECK_FALSE(out.contains("scan"));
    // 95% CL asymptotic limit for b = n = 3: 4.78 (quoted to three digits: half a unit of the last)
    const double obs = out["obs"];
    REIN_CHECK_ABS(obs, 4.78, 0.005);
    // the curve at the limit itself: CLs = 1 − cl by the limit's definition (root found at rtol
    // 1e-6 in μ; dCLs/dμ ~ 0.03 there, so 1e-6 relative in CLs is ample)
    settings.scan = {1.0, obs, 10.0};
    const auto curve = rein::io::upper_limit_json(counting(3), settings, ok);
    REQUIRE(curve["scan"].size() == 3);
    REIN_CHECK_REL(curve["scan"][1]["cls_obs"].get<double>(), 0.05, 1e-5);
    CHECK(curve["scan"][0]["cls_obs"].get<double>() > 0.05);
    CHECK(curve["scan"][2]["cls_obs"].get<double>() < 0.05);
    settings.toys = rein::infer::toy_options{};
    CHECK_THROWS_AS((void)rein::io::upper_limit_json(counting(3), settings, ok), rein::invalid_argument);
  }

  TEST_CASE("upper_limit_run: one limit per held value (rein upper-limit --over)") {
    rein::io::upper_limit_settings settings;
    bool ok = false;
    const auto out = rein::io::upper_limits_over_json("b", {3, 10}, [](double b) { return counting(b); }, settings, ok);
    CHECK(ok);
    CHECK(out["over"] == "b");
    CHECK(out["status"] == "ok");
    REQUIRE(out["points"].size() == 2);
    CHECK(out["points"][0]["value"] == 3.0);
    CHECK(out["points"][1]["value"] == 10.0);
    // b = n = 3: 4.78, b = n = 10: 7.54 (three digits, as above)
    REIN_CHECK_ABS(out["points"][0]["obs"].get<double>(), 4.78, 0.005);
    REIN_CHECK_ABS(out["points"][1]["obs"].get<double>(), 7.54, 0.005);
  }
}

}  // namespace upper_limit_run_test
