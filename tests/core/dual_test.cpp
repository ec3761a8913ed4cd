#include "rein/core/dual.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>

namespace dual_test {

namespace {

using d2 = rein::dual<2>;

// Written once for any scalar, as library code is: unqualified calls after using-declarations.
template <class Scalar>
Scalar generic(const Scalar& x, const Scalar& y) {
  using std::exp;
  using std::log;
  using std::pow;
  using std::sqrt;
  return sqrt(x) * log(y) + exp(x / y) - pow(y, 1.5) + 2.0 / x - x * 3.0 + (1.0 - y) * (y - 1.0);
}

// Closed-form partial derivatives of generic().
double generic_dx(double x, double y) { return 0.5 / std::sqrt(x) * std::log(y) + std::exp(x / y) / y - 2.0 / (x * x) - 3.0; }
double generic_dy(double x, double y) {
  return std::sqrt(x) / y - x / (y * y) * std::exp(x / y) - 1.5 * std::sqrt(y) - 2.0 * (y - 1.0);
}

}  // namespace

TEST_SUITE("core") {
  // Tolerance for derivatives against closed forms: a few ulps of the result, 1e-14 relative
  // (each dual operation rounds once, like the closed form itself).
  constexpr double rtol = 1e-14;

  TEST_CASE("dual: variable seeds one derivative slot and value_of reads the value") {
    const auto x = d2::variable(1.25, 1);
    CHECK(x.value == 1.25);
    CHECK(x.derivatives[0] == 0.0);
    CHECK(x.derivatives[1] == 1.0);
    CHECK(rein::value_of(x) == 1.25);
    CHECK(rein::value_of(2.5) == 2.5);
    const d2 c = 3.0;  // a constant has zero derivatives
    CHECK(c.value == 3.0);
    CHECK(c.derivatives[0] == 0.0);
    CHECK(c.derivatives[1] == 0.0);
  }

  TEST_CASE("dual: arithmetic with dual or double on either side follows the product and quotient rules") {
    const double xv = 1.3, yv = 0.7;
    const auto x = d2::variable(xv, 0), y = d2::variable(yv, 1);
    const auto f = x * y + x / y - 3.0 * x + 2.0 / y - y / 4.0 + (x - 1.0) - (2.0 - y) + (1.0 + x) * 0.5;
    // f = xy + x/y − 3x + 2/y − y/4 + x − 1 − 2 + y + 0.5 + 0.5x
    REIN_CHECK_REL(f.value, xv * yv + xv / yv - 3 * xv + 2 / yv - yv / 4 + xv - 1 - 2 + yv + 0.5 + 0.5 * xv, rtol);
    REIN_CHECK_REL(f.derivatives[0], yv + 1 / yv - 3 + 1 + 0.5, rtol);
    REIN_CHECK_REL(f.derivatives[1], xv - xv / (yv * yv) - 2 / (yv * yv) - 0.25 + 1, rtol);
    const auto g = -x;
    CHECK(g.value == -xv);
    CHECK(g.derivatives[0] == -1.0);
    CHECK((+x).derivatives[0] == 1.0);
  }

  TEST_CASE("dual: compound assignment matches the binary operators") {
    const auto x = d2::variable(2.0, 0), y = d2::variable(-0.5, 1);
    auto a = x;
    a += y;
    a *= x;
    a -= 1.5;
    a /= y;
    a *= 3.0;
    a += 2.0;
    a /= 4.0;
    a -= x;
    const auto b = ((((x + y) * x - 1.5) / y) * 3.0 + 2.0) / 4.0 - x;
    CHECK(a.value == b.value);
    // d/dx of (((x+y)x − 1.5)/y·3 + 2)/4 − x = 3(2x + y)/(4y) − 1, d/dy = 3(x/y − ((x+y)x − 1.5)/y²)/4
    REIN_CHECK_REL(a.derivatives[0], 3.0 * (2 * 2.0 - 0.5) / (4 * -0.5) - 1.0, rtol);
    REIN_CHECK_REL(a.derivatives[1], 0.75 * (2.0 / -0.5 - ((2.0 - 0.5) * 2.0 - 1.5) / 0.25), rtol);
  }

  TEST_CASE("dual: sqrt, pow, exp, log and abs against closed-form derivatives") {
    const double v = 0.83;
    const auto x = rein::dual<1>::variable(v, 0);
    REIN_CHECK_REL(sqrt(x).value, std::sqrt(v), rtol);
    REIN_CHECK_REL(sqrt(x).derivatives[0], 0.5 / std::sqrt(v), rtol);
    REIN_CHECK_REL(pow(x, 2.5).value, std::pow(v, 2.5), rtol);
    REIN_CHECK_REL(pow(x, 2.5).derivatives[0], 2.5 * std::pow(v, 1.5), rtol);
    REIN_CHECK_REL(pow(x, 2).derivatives[0], 2.0 * v, rtol);  // an int exponent converts to double
    REIN_CHECK_REL(exp(x).derivatives[0], std::exp(v), rtol);
    REIN_CHECK_REL(log(x).value, std::log(v), rtol);
    REIN_CHECK_REL(log(x).derivatives[0], 1.0 / v, rtol);
    CHECK(abs(x).derivatives[0] == 1.0);
    CHECK(abs(-x).value == v);
    CHECK(abs(-x).derivatives[0] == 1.0);  // d|−x|/dx = sign(−x)·(−1) = 1
    CHECK(abs(x * 0.0).derivatives[0] == 0.0);  // the subgradient chosen at 0
  }

  TEST_CASE("dual: generic code gives the double result and the closed-form gradient") {
    const double xv = 0.9, yv = 1.7;
    const double plain = generic(xv, yv);
    const auto f = generic(d2::variable(xv, 0), d2::variable(yv, 1));
    REIN_CHECK_REL(f.value, plain, rtol);
    REIN_CHECK_REL(f.derivatives[0], generic_dx(xv, yv), rtol);
    REIN_CHECK_REL(f.derivatives[1], generic_dy(xv, yv), rtol);
  }

  TEST_CASE("dual: comparisons look at the value only, with double on either side") {
    const auto x = d2::variable(1.0, 0), y = d2::variable(2.0, 1);
    CHECK(x < y);
    CHECK(y > x);
    CHECK(x <= 1.0);
    CHECK(1.0 >= x);
    CHECK(x == 1.0);
    CHECK(x != y);
    CHECK(2.0 == y);
    CHECK(0.5 < x);
    CHECK(x > 0.5);
    CHECK(x >= x);
    CHECK(x <= x);
    CHECK_FALSE(x != 1.0);
    CHECK_FALSE(x == y);
    CHECK_FALSE(2.0 != y);
    CHECK_FALSE(2.0 <= x);
    CHECK_FALSE(1.5 > y);
    // NaN compares false, so `!(x >= 0)` checks reject it.
    const rein::dual<2> nan = std::nan("");
    CHECK_FALSE(nan >= 0.0);
  }

  TEST_CASE("dual: a zero-size dual is a plain value") {
    const rein::dual<0> x = 2.0;
    const auto y = sqrt(x * x + 5.0);
    CHECK(y.value == 3.0);
  }
}
}  // namespace dual_test
