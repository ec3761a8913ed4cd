#include "rein/infer/toys.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include "infer/counting.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace toys_test {

namespace {

// a signal of 1 event × μ, μ ∈ [0, 60]
rein::likelihood::model counting(double b, double n) { return rein::test::counting(1, b, n, 60); }

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("toys: n = 0 observed over b = 0.5: CLs at the exact limit 2.996 is 0.05") {
    // With n = 0 every toy with n = 0 ties with the data, so CLs+b = P(n = 0 | s+b) = e^−(s+b),
    // CLb = e^−b and CLs = e^−s exactly: the 95% limit is s = −ln 0.05 = 2.9957.
    const auto m = counting(0.5, 0);
    rein::infer::toy_options options;
    options.n_toys = 20000;
    options.seed = 7;
    options.threads = 2;
    const auto r = rein::infer::toy_hypotest(m, m.observed(), -std::log(0.05), options);
    INFO("CLs = " << r.cls_obs << " ± " << r.cls_obs_error);
    REIN_CHECK_ABS(r.cls_obs, 0.05, 3 * r.cls_obs_error);  // 3 Monte Carlo standard errors
    CHECK(r.failed_fits == 0);
  }

  TEST_CASE("toys: one-bin 95% CL limits measured with 1e5 toys, (b, n) = (3, 3) and (10, 10)") {
    // Reference limits on the signal (issue 3, q̃μ, LHC-style toys): 5.39 and 8.05, to two decimals.
    // CLs from our toys at those μ must be 0.05 within 3 Monte Carlo standard errors plus the
    // rounding of the reference (|dCLs/dμ| ≲ 0.05 per unit × 0.005 = 2.5e-4).
    for (const auto& [b, limit] : {std::pair<double, double>{3, 5.39}, {10, 8.05}}) {
      CAPTURE(b);
      const auto m = counting(b, b);
      rein::infer::toy_options options;
      options.n_toys = 20000;
      options.seed = 11;
      options.threads = 2;
      const auto r = rein::infer::toy_hypotest(m, m.observed(), limit, options);
      INFO("CLs = " << r.cls_obs << " ± " << r.cls_obs_error);
      REIN_CHECK_ABS(r.cls_obs, 0.05, 3 * r.cls_obs_error + 2.5e-4);
    }
  }

  TEST_CASE("toys: the toy upper limit solves CLs = 0.05 and orders its expected band") {
    const auto m = counting(3, 3);
    rein::infer::toy_options options;
    options.n_toys = 4000;
    options.seed = 5;
    options.threads = 2;
    rein::infer::upper_limit_options limit;
    limit.rtol = 1e-4;
    const auto r = rein::infer::toy_upper_limit(m, m.observed(), options, limit);
    CHECK(r.obs_status == rein::infer::limit_status::ok);
    // the reference 5.39 (1e5 toys) within the Monte Carlo spread of 4000 toys: CLs is known to
    // ±3.5% relative here, |d ln CLs/dμ| ≈ 0.5, so the limit to about ±0.07 at one sigma
    REIN_CHECK_ABS(r.obs, 5.39, 0.25);
    for (std::size_t k = 0; k + 1 < 5; ++k) CHECK(r.exp[k] <= r.exp[k + 1]);
  }

  TEST_CASE("toys: a toy upper limit reports one progress count over the whole search") {
    const auto m = counting(3, 3);
    rein::infer::toy_options options;
    options.n_toys = 200;
    options.seed = 5;
    options.threads = 2;
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    options.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
    rein::infer::upper_limit_options limit;
    limit.rtol = 1e-3;
    const auto r = rein::infer::toy_upper_limit(m, m.observed(), options, limit);
    REQUIRE(!calls.empty());
    // the count only grows, stays below its (estimated) total until the one last call, which gives
    // every toy of every μ evaluated: 2 hypotheses × n_toys × evaluations
    std::size_t finished = 0;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (i > 0) CHECK(calls[i].first >= calls[i - 1].first);
      if (calls[i].first == calls[i].second) ++finished;
    }
    CHECK(finished == 1);
    CHECK(calls.back().first == calls.back().second);
    CHECK(calls.back().first == 2 * options.n_toys * static_cast<std::size_t>(r.evaluations));
  }

  TEST_CASE("toys: results are identical for a seed whatever the thread count") {
    const auto m = counting(3, 5);
    rein::infer::toy_options options;
    options.n_toys = 300;
    options.seed = 42;
    options.threads = 1;
    const auto one = rein::infer::toy_hypotest(m, m.observed(), 4.0, options);
    options.threads = 3;
    const auto three = rein::infer::toy_hypotest(m, m.observed(), 4.0, options);
    CHECK(one.cls_obs == three.cls_obs);
    CHECK(one.cls_exp == three.cls_exp);
    options.seed = 43;
    CHECK(rein::infer::toy_hypotest(m, m.observed(), 4.0, options).cls_obs != one.cls_obs);
  }

  TEST_CASE("toys: the pyhf toy-based q0 case within 3 Monte Carlo standard errors") {
    const auto reference = rein::io::read_json(rein::test::test_data("pyhf/root_reference_cls.json"));
    for (const auto& c : reference["cases"]) {
      if (c["calctype"] != "toybased") continue;
      rein::likelihood::model_options settings;
      settings.normsys = rein::likelihood::interpolation_code_from_string(c["modifier_settings"]["normsys"]["interpcode"]);
      settings.histosys = rein::likelihood::interpolation_code_from_string(c["modifier_settings"]["histosys"]["interpcode"]);
      const auto m = rein::likelihood::make_model(
          rein::io::read_workspace(rein::test::test_data("pyhf/" + c["workspace"].get<std::string>())), settings);
      rein::infer::toy_options options;
      options.n_toys = 10000;
      options.seed = 1;
      options.threads = 2;
      const auto r = rein::infer::toy_significance(m, m.observed(), options);
      // the reference has 2000 toys (pyhf's test, numpy seed 0): its own binomial error counts too
      const double p_ref = c["pyhf_this_snapshot"]["obs"];
      const double error = std::hypot(r.p0_error, std::sqrt(p_ref * (1 - p_ref) / 2000));
      REIN_CHECK_ABS(r.p0, p_ref, 3 * error);
      const double median_ref = c["pyhf_this_snapshot"]["exp"][2];
      REIN_CHECK_ABS(r.p0_exp[2], median_ref, 3 * std::sqrt(median_ref * (1 - median_ref) / 2000));
      CHECK(r.failed_fits == 0);
    }
  }

  TEST_CASE("toys: bad input") {
    const auto m = counting(3, 3);
    rein::infer::toy_options options;
    options.n_toys = 0;
    CHECK_THROWS_WITH_AS((void)rein::infer::toy_hypotest(m, m.observed(), 1.0, options),
                         "rein::infer::toy_hypotest: n_toys = 0, need at least one toy", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::toy_significance(m, m.observed(), options),
                         "rein::infer::toy_significance: n_toys = 0, need at least one toy", rein::invalid_argument);
    // toy_upper_limit refuses it too (today through toy_hypotest, after the fits to the data)
    CHECK_THROWS_WITH_AS((void)rein::infer::toy_upper_limit(m, m.observed(), options), doctest::Contains("n_toys = 0"),
                         rein::invalid_argument);
    options.n_toys = 10;
    for (double cl : {0.0, 1.0, 1.5, std::nan("")}) {
      rein::infer::upper_limit_options limit;
      limit.cl = cl;
      CAPTURE(cl);
      CHECK_THROWS_WITH_AS((void)rein::infer::toy_upper_limit(m, m.observed(), options, limit),
                           ("rein::infer::toy_upper_limit: cl = " + rein::detail::format_value(cl) + ", must lie in (0, 1)").c_str(),
                           rein::invalid_argument);
    }
    // the same search as the asymptotic limit: its tolerance is checked too
    rein::infer::upper_limit_options limit;
    limit.rtol = 0;
    CHECK_THROWS_WITH_AS((void)rein::infer::toy_upper_limit(m, m.observed(), options, limit),
                         "rein::infer::toy_upper_limit: rtol = 0, must be > 0", rein::invalid_argument);
  }
}
}  // namespace toys_test
