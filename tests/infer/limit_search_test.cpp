#include "rein/infer/upper_limit.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>

namespace limit_search_test {

// The root finder of the limit searches (infer::detail::solve_limit) on decreasing functions
// whose crossing of α is known in closed form. Its contract: a bracket lo < μ < hi of width
// ≤ rtol·lo, the result inside it, so |result − root| ≤ rtol·root.

namespace {

using rein::infer::limit_status;
using rein::infer::upper_limit_options;

struct outcome {
  double mu = 0;
  limit_status status = limit_status::ok;
  int evaluations = 0;
};

template <class F>
outcome solve(F cls, double weight, double guess, double upper, const upper_limit_options& options = {}) {
  std::map<double, double> known = {{0.0, 1.0}};
  outcome o;
  o.mu = rein::infer::detail::solve_limit(cls, 0.05, weight, guess, upper, known, options, o.status, o.evaluations);
  return o;
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("limit search: a Gaussian CLs is solved in a few evaluations from a rough guess") {
    // CLs(μ) = Φ((μ̂ − μ)/σ) / Φ(μ̂/σ) with μ̂ = 1.3, σ = 0.8: the root is
    // μ = μ̂ − σ Φ⁻¹(α Φ(μ̂/σ)) (closed form, normal_quantile to ~1e-16)
    const double mu_hat = 1.3, sigma = 0.8;
    const double weight = rein::infer::normal_cdf(mu_hat / sigma);
    const double root = mu_hat - sigma * rein::infer::normal_quantile(0.05 * weight);
    const auto cls = [&](double mu) { return rein::infer::normal_cdf((mu_hat - mu) / sigma) / weight; };
    for (const double guess : {0.2 * root, 0.97 * root, 3.0 * root}) {
      CAPTURE(guess);
      const auto o = solve(cls, weight, guess, 100);
      CHECK(o.status == limit_status::ok);
      REIN_CHECK_REL(o.mu, root, 1e-6);
      // z = −Φ⁻¹(w·CLs) is linear in μ here: the secant is exact after two points, then at most
      // two points close the bracket (a budget, not a count: rounding may add one)
      CHECK(o.evaluations <= 5);
    }
  }

  TEST_CASE("limit search: a non-Gaussian CLs converges superlinearly") {
    // CLs(μ) = exp(−μ²/2 − μ³/10): root where μ²/2 + μ³/10 = ln 20, solved below by bisection
    // to 1e-15 (an independent closed-form-free reference)
    const auto g = [](double mu) { return 0.5 * mu * mu + 0.1 * mu * mu * mu - std::log(20.0); };
    double a = 0, b = 10;
    for (int i = 0; i < 200; ++i) {
      const double m = 0.5 * (a + b);
      (g(m) < 0 ? a : b) = m;
    }
    const double root = 0.5 * (a + b);
    const auto o = solve([](double mu) { return std::exp(-0.5 * mu * mu - 0.1 * mu * mu * mu); }, 0.5, 1.0, 50);
    CHECK(o.status == limit_status::ok);
    REIN_CHECK_REL(o.mu, root, 1e-6);
    CHECK(o.evaluations <= 10);
  }

  TEST_CASE("limit search: a step in CLs (toys) is found by the bisection safeguard") {
    // CLs jumps from 0.2 to 0.01 at μ = 2.345: any bracket of the jump is a root of CLs − α
    const double jump = 2.345;
    const auto o = solve([&](double mu) { return mu < jump ? 0.2 : 0.01; }, 0.5, 1.0, 50);
    CHECK(o.status == limit_status::ok);
    REIN_CHECK_REL(o.mu, jump, 1e-6);
    CHECK(o.evaluations <= 70);  // ~20 halvings from a width of ~2 to 2e-6, at most 3 steps each
  }

  TEST_CASE("limit search: beyond the upper bound, a failed evaluation, too few iterations") {
    const auto slow = [](double mu) { return std::exp(-0.01 * mu); };  // CLs = α at μ = 299.6
    const auto beyond = solve(slow, 0.5, 1.0, 50);
    CHECK(beyond.status == limit_status::above_upper_bound);
    CHECK(beyond.mu == 50.0);

    const auto failed = solve([](double mu) { return mu < 1 ? 0.5 : std::numeric_limits<double>::quiet_NaN(); }, 0.5, 2.0, 50);
    CHECK(failed.status == limit_status::not_converged);

    upper_limit_options few;
    few.max_iterations = 2;
    const auto stopped = solve([](double mu) { return std::exp(-mu); }, 0.5, 0.1, 50, few);
    CHECK(stopped.status == limit_status::not_converged);
    CHECK(stopped.evaluations == 2);
  }
}
}  // namespace limit_search_test
