#include "rein/likelihood/model/detail/poisson_term.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace poisson_term_test {

namespace {

using high = boost::multiprecision::cpp_bin_float_50;

// ν − n ln ν + ln Γ(n + 1) in 50 digits: the term as written, without the cancellation it has in
// double precision.
double exact_poisson_nll(double nu, double n) {
  const high v(nu), k(n);
  if (n == 0) return nu;
  return static_cast<double>(v - k * log(v) + boost::math::lgamma(k + 1));
}

double exact_deviation(double nu, double n) {
  const high v(nu), k(n);
  if (n == 0) return nu;
  return static_cast<double>(v - k * log(v) - (k - k * log(k)));
}

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("poisson_term: −ln Pois(n | ν) to its own rounding, for counts from 0 to 1e15") {
    using rein::likelihood::detail::poisson_nll;
    using rein::likelihood::detail::poisson_nll_deviation;
    constexpr double eps = std::numeric_limits<double>::epsilon();
    for (const double n : {0.0, 0.3, 1.0, 5.0, 15.9, 16.0, 17.5, 100.0, 1e5, 1.9e11, 1e15}) {
      for (const double ratio : {1.0, 1 + 1e-9, 1.001, 0.4, 0.5, 0.6, 1.5, 1.6, 2.0, 10.0, 1e-6}) {
        const double nu = n > 0 ? n * ratio : ratio;
        CAPTURE(n);
        CAPTURE(nu);
        const double exact = exact_poisson_nll(nu, n), deviation = exact_deviation(nu, n);
        // Error budget: ln Γ below n = 16 (terms < 80 cancelling, 2e-14), and the rounding of
        // d = (ν − n)/n carried by n·d: a few ulp of |ν − n|; of the result itself, a few ulp.
        const double budget = 2e-14 + 4 * eps * (std::abs(nu - n) + std::abs(exact));
        CHECK(std::abs(poisson_nll(nu, n) - exact) <= budget);
        CHECK(std::abs(poisson_nll_deviation(nu, n) - deviation) <= budget);
      }
    }
    // ν − n ln ν + ln Γ(n + 1) written as such loses all but ~3 digits at τ = 1.9e11 (the ATLAS
    // 3L eRJR shapesys): the budget above is ~1e8 times tighter than that term's rounding.
    const double n = 1.9e11, nu = n * (1 + 1e-9);
    const double naive = nu - n * std::log(nu) + std::lgamma(n + 1);
    CHECK(std::abs(naive - exact_poisson_nll(nu, n)) > 1e-6);
  }

  TEST_CASE("poisson_term: the Stirling remainder is continuous where its two forms meet (n = 16)") {
    using rein::likelihood::detail::log_factorial_remainder;
    const double below = std::nextafter(16.0, 0.0);
    const high k(16);
    const double exact = static_cast<double>(boost::math::lgamma(k + 1) + k - k * log(k));
    CHECK(std::abs(log_factorial_remainder(16.0) - exact) <= 1e-15);
    CHECK(std::abs(log_factorial_remainder(below) - exact) <= 2e-14);
  }
}
}  // namespace poisson_term_test
