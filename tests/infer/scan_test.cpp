#include "rein/infer/scan.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <boost/math/special_functions/lambert_w.hpp>
#include <boost/math/tools/roots.hpp>

#include "infer/counting.hpp"
#include "rein/likelihood/builder.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace scan_test {

namespace {

using rein::likelihood::modifier_type;

constexpr double chi2_95 = 3.84145882069412447;  // the second level profile_scan reports

rein::likelihood::model counting(double s, double b, double n, double mu_max = 10) {
  return rein::test::counting(s, b, n, mu_max);
}

// The on/off problem as HistFactory writes it: ν = s μ + b γ in the main bin, and a shapesys δ on
// the background, i.e. a Poisson constraint Pois(m | τ γ) with τ = (b/δ)² and auxiliary datum m = τ.
rein::likelihood::model on_off(double s, double b, double delta, double n) {
  rein::likelihood::workspace ws;
  rein::likelihood::channel c{"bin", {}};
  c.samples.push_back({"signal", {s}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  c.samples.push_back({"background", {b}, {{"gamma", modifier_type::shapesys, 1, 1, {}, {}, {delta}}}});
  ws.channels.push_back(c);
  ws.observations.push_back({"bin", {n}});
  ws.measurements.push_back({"m", "mu", {}});
  return rein::likelihood::make_model(ws);
}

// Both roots of x − 1 − ln x = c (c > 0), x = −W(−e^(−1−c)): the W₀ branch gives x < 1, W₋₁ x > 1.
// A Poisson term 2[ν − n − n ln(ν/n)] = L has ν = n·x at these roots.
std::pair<double, double> poisson_crossings(double c) {
  const double y = -std::exp(-1 - c);
  return {-boost::math::lambert_w0(y), -boost::math::lambert_wm1(y)};
}

// 2·nll of a Poisson term, with the ln Γ(n + 1) that rein and pyhf keep.
double twice_poisson_nll(double nu, double n) { return 2 * (nu - n * std::log(nu) + std::lgamma(n + 1)); }

// The on/off conditional fit in closed form: ∂nll/∂γ = 0 is (b+τ)b γ² + [(b+τ)sμ − (n+m)b] γ − m s μ = 0,
// whose positive root is taken in the cancellation-free form.
double on_off_gamma_hat(double s, double b, double tau, double m, double n, double mu) {
  const double a = (b + tau) * b, bb = (b + tau) * s * mu - (n + m) * b, c = -m * s * mu;
  const double root = std::sqrt(bb * bb - 4 * a * c);
  return bb >= 0 ? -2 * c / (bb + root) : (root - bb) / (2 * a);
}

double on_off_twice_nll(double s, double b, double tau, double m, double n, double mu, double gamma) {
  return twice_poisson_nll(s * mu + b * gamma, n) + twice_poisson_nll(tau * gamma, m);
}

// The root of f on [lo, hi] by bisection to full double precision (independent of TOMS 748).
template <class F>
double bisect(F f, double lo, double hi) {
  const auto r = boost::math::tools::bisect(f, lo, hi, boost::math::tools::eps_tolerance<double>(52));
  return 0.5 * (r.first + r.second);
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("profile_scan: one-bin counting experiment against the closed form") {
    // s = 5, b = 3, n = 10: μ̂ = (n − b)/s = 1.4; 2ΔNLL(μ) = 2[ν − n − n ln(ν/n)], ν = 5μ + 3
    const double s = 5, b = 3, n = 10;
    const auto m = counting(s, b, n);
    const auto grid = rein::infer::linear_grid(0, 5, 21);
    const auto r = rein::infer::profile_scan(m, m.observed(), "mu", grid);
    CHECK(r.status == rein::fit::fit_status::ok);
    CHECK(r.parameter == "mu");
    // the free fit is one-dimensional and stops at edm ≤ 1e-10: μ̂ within √(2·edm)·σ_μ (σ_μ ≈ 0.63)
    REIN_CHECK_ABS(r.best, (n - b) / s, 1e-5);
    REIN_CHECK_ABS(r.twice_nll_min, twice_poisson_nll(n, n), 1e-9);  // ≥ the minimum by ≤ 2·edm
    REQUIRE(r.points.size() == grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const double nu = s * grid[i] + b;
      CAPTURE(grid[i]);
      CHECK(r.points[i].value == grid[i]);
      CHECK(r.points[i].status == rein::fit::fit_status::ok);
      // no free parameter remains: the conditional fit is one evaluation of the same sum, a few ulp
      REIN_CHECK_REL(r.points[i].twice_nll, twice_poisson_nll(nu, n), 1e-13);
      // the difference inherits the free fit's ≤ 2e-10 and the 1e-13·|2nll| ≈ 1e-12 rounding
      REIN_CHECK_ABS(r.points[i].delta_twice_nll, 2 * (nu - n - n * std::log(nu / n)), 1e-9);
    }
    // crossings: ν = n·x at the roots of x − 1 − ln x = level/(2n) (Lambert W, analytic); TOMS 748
    // stops on a bracket of width 1e-6 and returns its midpoint, hence 5e-7 + the fit's error
    // (≤ 2e-10 in Δ2NLL over a slope ≥ 3 per unit of μ: < 1e-10)
    REQUIRE(r.intervals.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      const double level = k == 0 ? 1.0 : chi2_95;
      CAPTURE(level);
      CHECK(r.intervals[k].level == level);
      const auto [x_lo, x_hi] = poisson_crossings(level / (2 * n));
      REQUIRE(r.intervals[k].lower.has_value());
      REQUIRE(r.intervals[k].upper.has_value());
      REIN_CHECK_ABS(*r.intervals[k].lower, (n * x_lo - b) / s, 5e-7);
      REIN_CHECK_ABS(*r.intervals[k].upper, (n * x_hi - b) / s, 5e-7);
    }
  }

  TEST_CASE("profile_scan: on/off problem, the nuisance parameter profiled in closed form") {
    // s = 5, b = 20, δ = 4: τ = (b/δ)² = 25 = m. Free: ν̂ = n and γ̂ = m/τ = 1, so μ̂ = (n − b)/s = 2.
    const double s = 5, b = 20, tau = 25, m_aux = 25, n = 30;
    const auto m = on_off(s, b, 4, n);
    const auto profile = [&](double mu) {
      return on_off_twice_nll(s, b, tau, m_aux, n, mu, on_off_gamma_hat(s, b, tau, m_aux, n, mu));
    };
    const double minimum = on_off_twice_nll(s, b, tau, m_aux, n, 2.0, 1.0);
    const auto r = rein::infer::profile_scan(m, m.observed(), "mu", rein::infer::linear_grid(0, 8, 17));
    CHECK(r.status == rein::fit::fit_status::ok);
    // σ_μ ≈ √(n + b²/τ)/s ≈ 1.4; the fit's position is within √(2·edm) ≈ 1.4e-5 σ of the minimum
    REIN_CHECK_ABS(r.best, 2.0, 3e-5);
    // every fit stops at edm ≤ 1e-10 (nll units): each 2nll within 2e-10 of its minimum; 1e-9 with
    // room for rounding of sums of ~1e2
    REIN_CHECK_ABS(r.twice_nll_min, minimum, 1e-9);
    for (const auto& p : r.points) {
      CAPTURE(p.value);
      CHECK(p.status == rein::fit::fit_status::ok);
      REIN_CHECK_ABS(p.twice_nll, profile(p.value), 1e-9);
      REIN_CHECK_ABS(p.delta_twice_nll, profile(p.value) - minimum, 1e-9);
    }
    // crossings of the closed-form profile, bisected to full precision; tolerance as above (TOMS
    // 748's 5e-7, plus ≲ 1e-9 in Δ2NLL over a slope ≳ 1 per unit of μ)
    const auto crossing = [&](double level, double lo, double hi) {
      return bisect([&](double mu) { return profile(mu) - minimum - level; }, lo, hi);
    };
    REQUIRE(r.intervals.size() == 2);
    REQUIRE(r.intervals[0].lower.has_value());
    REQUIRE(r.intervals[0].upper.has_value());
    REIN_CHECK_ABS(*r.intervals[0].lower, crossing(1, 0, 2), 6e-7);
    REIN_CHECK_ABS(*r.intervals[0].upper, crossing(1, 2, 8), 6e-7);
    // at 95% the lower end lies below μ = 0, the bound and first grid point: it stays open
    REQUIRE(profile(0) - minimum < chi2_95);
    CHECK(!r.intervals[1].lower.has_value());
    REQUIRE(r.intervals[1].upper.has_value());
    REIN_CHECK_ABS(*r.intervals[1].upper, crossing(chi2_95, 2, 8), 6e-7);
  }

  TEST_CASE("profile_scan: a nuisance parameter, with the POI profiled") {
    // Same on/off model, scanning γ: with γ held, μ̂(γ) = (n − bγ)/s makes ν = n (inside μ's bounds
    // [0, 10] for γ ≤ n/b = 1.5), so Δ2NLL(γ) = 2τ(γ − 1 − ln γ) (m = τ): Lambert W again, with τ for n.
    const double tau = 25;
    const auto m = on_off(5, 20, 4, 30);
    const auto r = rein::infer::profile_scan(m, m.observed(), "gamma[0]", rein::infer::linear_grid(0.5, 1.45, 20));
    CHECK(r.status == rein::fit::fit_status::ok);
    REIN_CHECK_ABS(r.best, 1.0, 1e-5);  // σ_γ = 1/√τ = 0.2: 1.4e-5 σ is 3e-6
    for (const auto& p : r.points) {
      CAPTURE(p.value);
      REIN_CHECK_ABS(p.delta_twice_nll, 2 * tau * (p.value - 1 - std::log(p.value)), 1e-9);  // fits: 2·edm
    }
    REQUIRE(r.intervals.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      const auto [x_lo, x_hi] = poisson_crossings(r.intervals[k].level / (2 * tau));
      REQUIRE(r.intervals[k].lower.has_value());
      REQUIRE(r.intervals[k].upper.has_value());
      REIN_CHECK_ABS(*r.intervals[k].lower, x_lo, 6e-7);  // TOMS 748's bracket, as above
      REIN_CHECK_ABS(*r.intervals[k].upper, x_hi, 6e-7);
    }
  }

  TEST_CASE("linear_grid: exact end points, even spacing") {
    // 0 + (0.9 − 0)·13/13 rounds to 0.9000000000000001 and 0 + 1.3·13/13 to 1.3000000000000003: the
    // last point must still be hi, or a scan up to a parameter's upper bound would be refused
    for (const auto& [lo, hi, n] : {std::tuple<double, double, int>{0, 0.9, 14}, {0, 1.3, 27}, {-0.3, 0.7, 11}, {0, 10, 2}}) {
      CAPTURE(hi);
      CAPTURE(n);
      const auto grid = rein::infer::linear_grid(lo, hi, n);
      REQUIRE(grid.size() == static_cast<std::size_t>(n));
      CHECK(grid.front() == lo);
      CHECK(grid.back() == hi);
      for (std::size_t i = 1; i < grid.size(); ++i) REIN_CHECK_REL(grid[i] - grid[i - 1], (hi - lo) / (n - 1), 1e-12);
    }
    const auto m = counting(5, 3, 10, 1.3);
    CHECK(rein::infer::profile_scan(m, m.observed(), "mu", rein::infer::linear_grid(0, 1.3, 14)).points.size() == 14);
  }

  TEST_CASE("profile_scan: bad input") {
    using rein::invalid_argument;
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid(1, 1, 5), "rein::infer::linear_grid: need lo < hi and n >= 2, got 1:1:5",
                         invalid_argument);
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid(0, 1, 1), "rein::infer::linear_grid: need lo < hi and n >= 2, got 0:1:1",
                         invalid_argument);
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid(std::nan(""), 1, 3), doctest::Contains("got nan:1:3"), invalid_argument);
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid(0, std::numeric_limits<double>::infinity(), 3),
                         "rein::infer::linear_grid: lo and hi must be finite, got 0:inf:3", invalid_argument);
    // refused before allocating 16 GB
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid(0, 1, 2147483647),
                         "rein::infer::linear_grid: n = 2147483647 points, at most 10000000, got 0:1:2147483647", invalid_argument);
    CHECK_THROWS_WITH_AS(rein::infer::linear_grid_of("0:1:1099511627776", "--range"),
                         doctest::Contains("n = 1099511627776 points, at most 10000000"), invalid_argument);

    const auto m = counting(5, 3, 10);
    const auto& data = m.observed();
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "nope", {0.0, 1.0}),
                         "rein::infer::profile_scan: no parameter named 'nope'", invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {0.0, 11.0}),
                         "rein::infer::profile_scan: scan point mu = 11 lies outside its bounds [0, 10]", invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {-1e-300, 1.0}),
                         doctest::Contains("scan point mu = -1e-300 lies outside"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {0.0, std::nan("")}),
                         doctest::Contains("scan point mu = nan lies outside"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {}),
                         "rein::infer::profile_scan: the grid is empty", invalid_argument);
    // intervals are read off adjacent points: a grid out of order would lose ends silently
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {0.0, 2.0, 1.0}),
                         "rein::infer::profile_scan: grid[2] = 1 is not above grid[1] = 2; the grid must increase",
                         invalid_argument);
    rein::fit::fit_options held;
    held.fixed = {{"mu", 1.0}};
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(m, data, "mu", {0.0, 1.0}, held),
                         "rein::infer::profile_scan: parameter 'mu' is among options.fixed; a scan needs it free",
                         invalid_argument);

    // a parameter the model holds fixed
    rein::likelihood::workspace ws;
    rein::likelihood::channel c{"bin", {}};
    c.samples.push_back({"signal", {5.0}, {{"mu", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    c.samples.push_back({"background", {3.0}, {{"k", modifier_type::normfactor, 1, 1, {}, {}, {}}}});
    ws.channels.push_back(c);
    ws.observations.push_back({"bin", {10.0}});
    rein::likelihood::parameter_config k{"k", {}, {}, {}, {}, {}, {}};
    k.fixed = true;
    ws.measurements.push_back({"m", "mu", {k}});
    const auto with_fixed = rein::likelihood::make_model(ws);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan(with_fixed, with_fixed.observed(), "k", {0.5, 1.0}),
                         "rein::infer::profile_scan: parameter 'k' is fixed", invalid_argument);
  }

  TEST_CASE("profile_scan_2d: two independent counting channels, Δ(2 nll) is the sum of the closed forms") {
    // channel A: 5 μ_A + 3 with n = 10; channel B: 4 μ_B + 6 with n = 7; no nuisance parameter, so
    // every point is one evaluation: Δ = Σ 2[ν − n − n ln(ν/n)] with the free fit at ν = n
    const auto ws = rein::likelihood::workspace_builder()
                        .channel("A", 1).sample("signal", {5}).normfactor("mu_A").sample("background", {3})
                        .channel("B", 1).sample("signal", {4}).normfactor("mu_B").sample("background", {6})
                        .observation("A", {10}).observation("B", {7})
                        .measurement("m", "mu_A").bounds("mu_A", 0, 10).bounds("mu_B", 0, 10)
                        .build();
    const auto model = rein::likelihood::make_model(ws);
    const auto term = [](double nu, double n) { return 2 * (nu - n - n * std::log(nu / n)); };
    const auto r = rein::infer::profile_scan_2d(model, model.observed(), "mu_A", rein::infer::linear_grid(0, 3, 4), "mu_B",
                                                rein::infer::linear_grid(0, 2, 3));
    REQUIRE(r.status == rein::fit::fit_status::ok);
    REQUIRE(r.points.size() == 12);
    CHECK(r.nx == 4);
    CHECK(r.ny == 3);
    // the free fit: μ_A = 7/5, μ_B = 1/4; edm ≤ 1e-10 gives |Δμ| ≲ 1e-5
    REIN_CHECK_ABS(r.best_x, 1.4, 1e-5);
    REIN_CHECK_ABS(r.best_y, 0.25, 1e-5);
    for (const auto& p : r.points) {
      CAPTURE(p.x);
      CAPTURE(p.y);
      // 2·nll at the minimum lies at most 2e-10 above the closed form's 0
      REIN_CHECK_ABS(p.delta_twice_nll, term(5 * p.x + 3, 10) + term(4 * p.y + 6, 7), 1e-9);
    }
    CHECK(r.points[5].x == 1.0);  // x slowest: index 5 = (x_grid[1], y_grid[2])
    CHECK(r.points[5].y == 2.0);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan_2d(model, model.observed(), "mu_A", {1.0}, "mu_A", {1.0}),
                         doctest::Contains("both parameters are 'mu_A'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::profile_scan_2d(model, model.observed(), "mu_A", {1.0}, "mu_B", {11.0}),
                         doctest::Contains("mu_B = 11"), rein::invalid_argument);
  }
}
}  // namespace scan_test
