#include "rein/infer/profile_peaks.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace profile_peaks_test {

namespace {

using rein::likelihood::modifier_type;

// One bin, n = 8 observed, a yield 3 with a code-0 histosys α (hi 13, lo 11): ν(α) = 3 + 10α for
// α ≥ 0 and 3 − 8α below, so the profile 2nll(α) = 2(ν − n ln ν) + α² + const has two minima, near
// α = 0.46 (deeper) and α = −0.56, and a maximum at α = 0. A normfactor μ on a second sample of
// yield 1, held at 0, is the POI.
rein::likelihood::model two_dips() {
  rein::likelihood::workspace ws;
  ws.channels.push_back({"c",
                         {{"shifted", {3.0}, {{"alpha", modifier_type::histosys, 1, 1, {13.0}, {11.0}, {}}}},
                          {"signal", {1.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}}}});
  ws.observations.push_back({"c", {8.0}});
  ws.measurements.push_back({"m", "mu", {}});
  rein::likelihood::model_options options;
  options.histosys = rein::likelihood::interpolation_code::code0;  // piecewise linear (pyhf's default is code4p)
  return rein::likelihood::make_model(ws, options);
}

// the closed form above, up to its constant
double twice_nll(double alpha) {
  const double nu = alpha >= 0 ? 3 + 10 * alpha : 3 - 8 * alpha;
  return 2 * (nu - 8 * std::log(nu)) + alpha * alpha;
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("profile_peaks: the local minima of a two-dip profile, deepest first, against its closed form") {
    const auto model = two_dips();
    std::vector<double> grid;
    for (int k = -30; k <= 30; ++k) grid.push_back(0.05 * k);
    // the reference: the closed form's local minima on the same grid
    std::vector<double> expected;
    for (std::size_t k = 1; k + 1 < grid.size(); ++k)
      if (twice_nll(grid[k]) < twice_nll(grid[k - 1]) && twice_nll(grid[k]) < twice_nll(grid[k + 1])) expected.push_back(grid[k]);
    REQUIRE(expected.size() == 2);
    if (twice_nll(expected[0]) > twice_nll(expected[1])) std::swap(expected[0], expected[1]);

    rein::fit::fit_options options;
    options.fixed = {{"mu", 0.0}};
    const auto peaks = rein::infer::profile_peaks(model, model.observed(), "alpha", grid, 5, options);
    REQUIRE(peaks.size() == 2);
    // grid values are exact copies; depths differ as the closed form says (the constant cancels;
    // the conditional fits have nothing free, so only rounding separates them)
    CHECK(peaks[0].value == expected[0]);
    CHECK(peaks[1].value == expected[1]);
    REIN_CHECK_ABS(peaks[1].twice_nll - peaks[0].twice_nll, twice_nll(expected[1]) - twice_nll(expected[0]), 1e-9);
    const auto alpha = static_cast<Eigen::Index>(model.parameters().index("alpha"));
    CHECK(peaks[0].theta[alpha] == expected[0]);

    const auto deepest = rein::infer::profile_peaks(model, model.observed(), "alpha", grid, 1, options);
    REQUIRE(deepest.size() == 1);
    CHECK(deepest[0].value == expected[0]);
  }

  TEST_CASE("profile_peaks: bad requests are errors") {
    const auto model = two_dips();
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_peaks(model, model.observed(), "alpha", {0.0, 1.0}, 0),
                         doctest::Contains("asked for 0 peaks"), rein::invalid_argument);
    CHECK_THROWS_AS((void)rein::infer::profile_peaks(model, model.observed(), "beta", {0.0, 1.0}, 1), rein::invalid_argument);
  }
}

}  // namespace profile_peaks_test
