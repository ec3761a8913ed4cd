// Per-bin profiling in fit::fit (fit_options::profiling): the per-bin γ minimised bin by bin inside
// the objective must give the minimum of the full minimisation. References: closed forms of the
// one-parameter conditional minimum (roots of quadratics, derived below), and the full dense
// minimisation over all parameters (bin_profiling::never), an independent second method.
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/make_model.hpp"
#include "fit/scaling_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace bin_profile_test {

namespace {

rein::fit::fit_options with(rein::fit::bin_profiling profiling, bool errors = true) {
  rein::fit::fit_options options;
  options.profiling = profiling;
  options.errors = errors;
  return options;
}

/// The larger root of a x² + b x + c = 0 (a > 0, c < 0 or the larger root wanted), without cancellation.
double larger_root(double a, double b, double c) {
  const double d = std::sqrt(b * b - 4 * a * c);
  return b >= 0 ? (2 * c) / (-b - d) : (-b + d) / (2 * a);
}

/// Profiled (always) and full (never) fits of `model` agree: the full minimisation stops within
/// edm ≤ 1e-10 of its minimum, so 2·nll agrees to 1e-9 (the tolerance) and each parameter to
/// √(2·edm) ≈ 1.4e-5 of its error (2e-5 allowed); the errors come from central-difference Hessians
/// (truncation ~1e-10 relative) of the two forms, so they agree to 1e-6 relative.
void check_same_minimum(const rein::likelihood::model& model, const rein::fit::fit_options& base) {
  auto profiled_options = base, full_options = base;
  profiled_options.profiling = rein::fit::bin_profiling::always;
  full_options.profiling = rein::fit::bin_profiling::never;
  profiled_options.covariance = full_options.covariance = true;
  const auto profiled = rein::fit::fit(model, profiled_options);
  const auto full = rein::fit::fit(model, full_options);
  REQUIRE(profiled.ok());
  REQUIRE(full.ok());
  CHECK(profiled.profiled > 0);
  CHECK(full.profiled == 0);
  REIN_CHECK_ABS(profiled.twice_nll, full.twice_nll, 1e-9);
  REQUIRE(profiled.covariance_ok);
  REQUIRE(full.covariance_ok);
  const auto n = profiled.values.size();
  for (Eigen::Index i = 0; i < n; ++i) {
    INFO(model.parameters()[static_cast<std::size_t>(i)].name);
    REIN_CHECK_ABS(profiled.values[i], full.values[i], 2e-5 * std::max(full.errors[i], 1e-300));
    if (full.errors[i] > 0) REIN_CHECK_REL(profiled.errors[i], full.errors[i], 1e-6);
    else CHECK(profiled.errors[i] == 0);
  }
  double worst = 0;  // correlation-scaled covariance difference
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      if (full.errors[i] > 0 && full.errors[j] > 0)
        worst = std::max(worst, std::abs(profiled.covariance(i, j) - full.covariance(i, j)) / (full.errors[i] * full.errors[j]));
  CHECK(worst <= 1e-6);
}

}  // namespace

TEST_SUITE("fit") {
  TEST_CASE("per-bin profiling: a lone Gaussian staterror is the root of its quadratic") {
    // ν = a + cγ, a = 5 (signal, μ held at 1), c = 50, σ = 5/50; n = 70.
    // d/dγ [ν − n ln ν + (γ − 1)²/2σ²] = 0  ⇔  c γ² + (c²σ² + a − c) γ + (a c σ² − n c σ² − a) = 0.
    const auto model = rein::likelihood::make_model(rein::likelihood::workspace_builder()
                                                        .channel("SR", 1)
                                                        .sample("signal", {5}).normfactor("mu")
                                                        .sample("bkg", {50}).staterror("stat", {5})
                                                        .observation("SR", {70})
                                                        .measurement("meas", "mu")
                                                        .build());
    auto options = with(rein::fit::bin_profiling::always);
    options.fixed = {{"mu", 1.0}};
    const auto r = rein::fit::fit(model, options);
    REQUIRE(r.ok());
    CHECK(r.profiled == 1);
    const double a = 5, c = 50, s2 = 0.01, n = 70;
    const double expected = larger_root(c, c * c * s2 + a - c, a * c * s2 - n * c * s2 - a);
    const Eigen::Index gamma = static_cast<Eigen::Index>(model.parameters().index("stat[0]"));
    REIN_CHECK_REL(r.values[gamma], expected, 4e-16 * 8);  // Newton to the rounding of γ (a few ulp)
    // its error: 1/√(∂²nll/∂γ²) = 1/√(n c²/ν² + 1/σ²), nothing else free
    const double nu = a + c * expected;
    REIN_CHECK_REL(r.errors[gamma], 1 / std::sqrt(n * c * c / (nu * nu) + 1 / s2), 1e-12);
  }

  TEST_CASE("per-bin profiling: a lone Poisson shapesys is the root of its quadratic") {
    // ν = a + Bγ, a = 5, B = 50, τ = (B/u)² = 100 with u = 5, aux = τ; n = 40.
    // d/dγ [ν − n ln ν + τγ − τ ln(τγ)] = 0  ⇔  B(B + τ) γ² + ((B + τ) a − n B − τ B) γ − τ a = 0.
    const auto model = rein::likelihood::make_model(rein::likelihood::workspace_builder()
                                                        .channel("SR", 1)
                                                        .sample("signal", {5}).normfactor("mu")
                                                        .sample("bkg", {50}).shapesys("shape", {5})
                                                        .observation("SR", {40})
                                                        .measurement("meas", "mu")
                                                        .build());
    auto options = with(rein::fit::bin_profiling::always);
    options.fixed = {{"mu", 1.0}};
    const auto r = rein::fit::fit(model, options);
    REQUIRE(r.ok());
    const double a = 5, b = 50, tau = 100, n = 40;
    const double expected = larger_root(b * (b + tau), (b + tau) * a - n * b - tau * b, -tau * a);
    const Eigen::Index gamma = static_cast<Eigen::Index>(model.parameters().index("shape[0]"));
    REIN_CHECK_REL(r.values[gamma], expected, 4e-16 * 8);
    const double nu = a + b * expected;
    REIN_CHECK_REL(r.errors[gamma], 1 / std::sqrt(n * b * b / (nu * nu) + tau / (expected * expected)), 1e-12);
  }

  TEST_CASE("per-bin profiling: the scaling model reaches the full minimisation's minimum") {
    // issue #15's scaling model at 100 bins (205 parameters; a staterror and a shapesys γ per bin,
    // the staterror multiplying all three samples and the shapesys one: a bilinear bin)
    const auto model = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::test::scaling_workspace(100), "<scaling model>"));
    SUBCASE("free") { check_same_minimum(model, {}); }
    SUBCASE("mu held at 3") {
      rein::fit::fit_options options;
      options.fixed = {{"mu", 3.0}};
      check_same_minimum(model, options);
    }
    SUBCASE("mu held at its lower bound 0 and another start") {
      rein::fit::fit_options options;
      options.fixed = {{"mu", 0.0}};
      Eigen::VectorXd start = model.parameters().inits();
      for (Eigen::Index i = 0; i < start.size(); ++i) start[i] += 0.03 * std::sin(static_cast<double>(i));
      start[static_cast<Eigen::Index>(model.parameters().index("mu"))] = 0;
      options.start = start;
      check_same_minimum(model, options);
    }
  }

  TEST_CASE("per-bin profiling: three γ in a bin, one of them pushed to a bound") {
    // a staterror on every sample and a shapesys on each background: three local γ per bin; bin 3 has
    // no events, which drives the shapesys γ down hard (a small τ) towards its lower bound
    const auto model = rein::likelihood::make_model(rein::likelihood::workspace_builder()
                                                        .channel("SR", 4)
                                                        .sample("signal", {3, 6, 4, 1}).normfactor("mu").staterror("stat", {0.5, 0.6, 0.4, 0.2})
                                                        .sample("bkgA", {20, 15, 10, 2}).normsys("normA", 1.1, 0.9).staterror("stat", {2, 1.5, 1, 0.3}).shapesys("shapeA", {4, 3, 2, 1.5})
                                                        .sample("bkgB", {10, 12, 14, 3}).histosys("tilt", {11, 12, 13, 2}, {9, 12, 15, 4}).staterror("stat", {1, 1.2, 1.4, 0.5}).shapesys("shapeB", {2, 2, 3, 2.5})
                                                        .observation("SR", {40, 30, 33, 0})
                                                        .measurement("meas", "mu")
                                                        .build());
    check_same_minimum(model, {});
  }

  TEST_CASE("per-bin profiling: the Belle II likelihood both ways") {
    // 232 parameters, below the automatic threshold: profiled only when asked
    const auto model = rein::likelihood::make_model(
        rein::io::read_workspace(rein::test::shipped_data("belle2-knunu/combined_likelihood.json")));
    CHECK(rein::fit::fit(model, with(rein::fit::bin_profiling::automatic, false)).profiled == 0);
    check_same_minimum(model, {});
  }

  TEST_CASE("per-bin profiling: automatic from the threshold on; covariance on demand") {
    // 300 bins: 600 local γ ≥ automatic_profiling_threshold = 512
    const auto model = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::test::scaling_workspace(300), "<scaling model>"));
    const auto automatic = rein::fit::fit(model);
    REQUIRE(automatic.ok());
    CHECK(automatic.profiled == 600);
    CHECK(automatic.covariance.rows() == 605);  // 605 ≤ automatic_covariance_limit
    auto no_matrix = with(rein::fit::bin_profiling::automatic);
    no_matrix.covariance = false;
    const auto lean = rein::fit::fit(model, no_matrix);
    CHECK(lean.covariance.size() == 0);
    REQUIRE(lean.covariance_ok);
    for (Eigen::Index i = 0; i < lean.errors.size(); ++i) CHECK(lean.errors[i] == automatic.errors[i]);  // same computation
    // the dense path honours it too
    no_matrix.profiling = rein::fit::bin_profiling::never;
    const auto small = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::test::scaling_workspace(20), "<scaling model>"));
    const auto dense = rein::fit::fit(small, no_matrix);
    CHECK(dense.covariance.size() == 0);
    CHECK(dense.covariance_ok);
    CHECK(dense.errors.size() == 45);
  }
}
}  // namespace bin_profile_test
