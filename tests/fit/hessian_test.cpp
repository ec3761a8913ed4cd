#include "rein/core/error.hpp"
#include "rein/fit/hessian.hpp"

#include "support/close.hpp"

#include <Eigen/Core>
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace hessian_test {

// Tolerance of every entry: 1e-6 relative (the requirement for rein::fit::hessian). Central differences
// of the analytic gradient with h = 6.06e-6·max(|x|, 1) have truncation error h^2 f''''/(6 f'') ~ 1e-11
// and rounding error ~eps·|g| / (h·|f''|) ~ 1e-10 for the functions below; the second-order one-sided
// formula at a bound has truncation error h^2 f'''/(3 f'') ~ 1e-11. So 1e-6 leaves a margin of 1e4.

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using rein::fit::hessian;
using rein::fit::objective;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// f(a, b, c, d) = e^a b^2 + c^4 / 12 - ln d + a c d.
double test_function(const VectorXd& x, VectorXd* g) {
  const double a = x[0], b = x[1], c = x[2], d = x[3], e = std::exp(a);
  if (g != nullptr) *g = (VectorXd(4) << e * b * b + c * d, 2 * e * b, c * c * c / 3 + a * d, -1 / d + a * c).finished();
  return e * b * b + c * c * c * c / 12 - std::log(d) + a * c * d;
}

/// Its Hessian in closed form.
MatrixXd test_hessian(const VectorXd& x) {
  const double a = x[0], b = x[1], c = x[2], d = x[3], e = std::exp(a);
  MatrixXd h(4, 4);
  h << e * b * b, 2 * e * b, d, c,  //
      2 * e * b, 2 * e, 0, 0,       //
      d, 0, c * c, a,               //
      c, 0, a, 1 / (d * d);
  return h;
}

/// Nonzero entries to 1e-6 relative; zero entries to 1e-6 of the largest entry (central differences give
/// exactly 0 there, the one-sided formula (-3 g0 + 4 g1 - g2) / 2h leaves rounding ~eps |g| / h).
void check_entries(const MatrixXd& actual, const MatrixXd& expected) {
  REQUIRE(actual.rows() == expected.rows());
  REQUIRE(actual.cols() == expected.cols());
  const double largest = expected.cwiseAbs().maxCoeff();
  for (Eigen::Index j = 0; j < expected.cols(); ++j)
    for (Eigen::Index i = 0; i < expected.rows(); ++i) {
      INFO("entry (" << i << ", " << j << ")");
      if (expected(i, j) == 0) {
        REIN_CHECK_ABS(actual(i, j), 0.0, 1e-6 * largest);
      } else {
        REIN_CHECK_REL(actual(i, j), expected(i, j), 1e-6);
      }
    }
}

}  // namespace

TEST_SUITE("fit") {
  TEST_CASE("hessian: central differences of the gradient match the closed form inside the bounds") {
    const VectorXd x = (VectorXd(4) << 0.3, -1.2, 0.8, 2.0).finished();
    const MatrixXd h = hessian(test_function, x, VectorXd::Constant(4, -10), VectorXd::Constant(4, 10),
                               std::vector<bool>(4, false));
    check_entries(h, test_hessian(x));
    CHECK(h == h.transpose());  // symmetrised
  }

  TEST_CASE("hessian: one-sided differences on a lower bound and next to an upper bound") {
    // c sits exactly on its lower bound, d is 1e-6 below its upper bound (less than the step 1.2e-5):
    // both use the second-order one-sided formula towards the interior.
    const VectorXd x = (VectorXd(4) << 0.3, -1.2, 0.8, 2.0).finished();
    const VectorXd lower = (VectorXd(4) << -10, -10, 0.8, 0).finished();
    const VectorXd upper = (VectorXd(4) << 10, 10, 10, 2.0 + 1e-6).finished();
    check_entries(hessian(test_function, x, lower, upper, std::vector<bool>(4, false)), test_hessian(x));
    // Also with infinite bounds on the other side.
    const VectorXd open_upper = (VectorXd(4) << inf, inf, inf, 2.0 + 1e-6).finished();
    check_entries(hessian(test_function, x, VectorXd::Constant(4, -inf).cwiseMax(lower), open_upper,
                          std::vector<bool>(4, false)),
                  test_hessian(x));
  }

  TEST_CASE("hessian: rows and columns of fixed parameters (and of lower == upper) are zero") {
    const VectorXd x = (VectorXd(4) << 0.3, -1.2, 0.8, 2.0).finished();
    std::vector<bool> fixed(4, false);
    fixed[0] = true;
    VectorXd lower = VectorXd::Constant(4, -10), upper = VectorXd::Constant(4, 10);
    lower[3] = upper[3] = 2.0;  // pinned by its bounds
    MatrixXd expected = test_hessian(x);
    expected.row(0).setZero();
    expected.col(0).setZero();
    expected.row(3).setZero();
    expected.col(3).setZero();
    check_entries(hessian(test_function, x, lower, upper, fixed), expected);
    CHECK(hessian(test_function, x, lower, upper, std::vector<bool>(4, true)) == MatrixXd::Zero(4, 4));
  }

  TEST_CASE("hessian: a parameter with a small scale gets a step scaled to it") {
    // f = exp(x / s) + y^2 / 2 with s = 1e-4: f_xx = exp(x / s) / s^2 (closed form). The default step
    // 6e-6 is 0.06 s and would give a relative error sinh(0.06)/0.06 - 1 = 6e-4; rescaled to
    // 6e-6·max(|x|, 1/sqrt(f_xx)) = 6e-10 the error is ~1e-11.
    constexpr double s = 1e-4;
    const objective f = [](const VectorXd& v, VectorXd* g) {
      if (g != nullptr) *g = (VectorXd(2) << std::exp(v[0] / s) / s, v[1]).finished();
      return std::exp(v[0] / s) + 0.5 * v[1] * v[1];
    };
    const VectorXd x = (VectorXd(2) << 2e-5, 0.5).finished();
    MatrixXd expected = MatrixXd::Zero(2, 2);
    expected(0, 0) = std::exp(x[0] / s) / (s * s);
    expected(1, 1) = 1;
    check_entries(hessian(f, x, VectorXd::Constant(2, -1), VectorXd::Constant(2, 1), std::vector<bool>(2, false)),
                  expected);
  }

  TEST_CASE("hessian: a side with non-finite gradients is abandoned for the other side") {
    // f = x^2 + y^2 for x <= 0.5 + 1e-6, NaN beyond: at x = 0.5 the forward point is NaN, so the
    // second-order one-sided difference backwards is used (exact for a quadratic up to rounding).
    const objective g_nan = [](const VectorXd& v, VectorXd* g) {
      if (g != nullptr) *g = v[0] <= 0.5 + 1e-6 ? VectorXd(2 * v) : VectorXd::Constant(2, not_a_number);
      return v[0] <= 0.5 + 1e-6 ? v.squaredNorm() : not_a_number;
    };
    const VectorXd x = (VectorXd(2) << 0.5, 0.1).finished();
    check_entries(hessian(g_nan, x, VectorXd::Constant(2, -10), VectorXd::Constant(2, 10), std::vector<bool>(2, false)),
                  2 * MatrixXd::Identity(2, 2));
    SUBCASE("no finite side: NaN entries") {
      const objective only_here = [x](const VectorXd& v, VectorXd* g) {
        if (g != nullptr) *g = v == x ? VectorXd(2 * v) : VectorXd::Constant(2, not_a_number);
        return v == x ? v.squaredNorm() : not_a_number;
      };
      const MatrixXd h = hessian(only_here, x, VectorXd::Constant(2, -10), VectorXd::Constant(2, 10),
                                 std::vector<bool>(2, false));
      CHECK(std::isnan(h(0, 0)));
      CHECK(std::isnan(h(1, 1)));
    }
  }

  TEST_CASE("hessian: block parameters are differenced in groups, with the closed form's entries") {
    // f(a, b, u, v) = a²b + Σ_k [exp(a u_k) + b u_k v_k + u_k² v_k²] over three blocks k: (u_k, v_k)
    // couple to a, b and to each other, not to other blocks (the shape of per-bin γ). Closed form:
    // H_aa = 2b + Σ u_k² e_k, H_ab = 2a, H_au_k = e_k (1 + a u_k), H_bu_k = v_k, H_bv_k = u_k,
    // H_u_ku_k = a² e_k + 2 v_k², H_u_kv_k = b + 4 u_k v_k, H_v_kv_k = 2 u_k², e_k = exp(a u_k).
    int calls = 0;
    const objective f = [&calls](const VectorXd& x, VectorXd* g) {
      ++calls;
      const double a = x[0], b = x[1];
      double value = a * a * b;
      if (g != nullptr) *g = (VectorXd(8) << 2 * a * b, a * a, 0, 0, 0, 0, 0, 0).finished();
      for (Eigen::Index k = 0; k < 3; ++k) {
        const double u = x[2 + 2 * k], v = x[3 + 2 * k], e = std::exp(a * u);
        value += e + b * u * v + u * u * v * v;
        if (g != nullptr) {
          (*g)[0] += u * e;
          (*g)[1] += u * v;
          (*g)[2 + 2 * k] = a * e + b * v + 2 * u * v * v;
          (*g)[3 + 2 * k] = b * u + 2 * u * u * v;
        }
      }
      return value;
    };
    const VectorXd x = (VectorXd(8) << 0.3, -1.2, 0.8, 2.0, -0.5, 1.5, 1.1, -0.7).finished();
    MatrixXd expected = MatrixXd::Zero(8, 8);
    const double a = x[0], b = x[1];
    expected(0, 1) = expected(1, 0) = 2 * a;
    expected(0, 0) = 2 * b;
    for (Eigen::Index k = 0; k < 3; ++k) {
      const Eigen::Index iu = 2 + 2 * k, iv = 3 + 2 * k;
      const double u = x[iu], v = x[iv], e = std::exp(a * u);
      expected(0, 0) += u * u * e;
      expected(0, iu) = expected(iu, 0) = e * (1 + a * u);
      expected(1, iu) = expected(iu, 1) = v;
      expected(1, iv) = expected(iv, 1) = u;
      expected(iu, iu) = a * a * e + 2 * v * v;
      expected(iu, iv) = expected(iv, iu) = b + 4 * u * v;
      expected(iv, iv) = 2 * u * u;
    }
    const std::vector<std::ptrdiff_t> blocks = {-1, -1, 0, 0, 1, 1, 2, 2};
    const VectorXd lower = VectorXd::Constant(8, -10), upper = VectorXd::Constant(8, 10);
    const MatrixXd grouped = hessian(f, x, lower, upper, std::vector<bool>(8, false), blocks);
    check_entries(grouped, expected);
    // g(x), then ± steps of a, b and of the two groups {u_0, u_1, u_2}, {v_0, v_1, v_2}: 1 + 2·4 calls
    // instead of 1 + 2·8
    CHECK(calls == 9);
    CHECK(grouped == grouped.transpose());

    SUBCASE("a member without room on both sides is differenced alone") {
      VectorXd on_bound = x;
      VectorXd low = lower;
      low[4] = on_bound[4];  // u_1 on its lower bound: one-sided, outside the group
      calls = 0;
      check_entries(hessian(f, on_bound, low, upper, std::vector<bool>(8, false), blocks), expected);
      CHECK(calls == 1 + 2 * 4 + 2);  // the group of u without u_1, then u_1's one-sided pair
    }
    SUBCASE("fixed parameters are left out of the groups") {
      std::vector<bool> fixed(8, false);
      fixed[3] = fixed[5] = true;  // v_0, v_1
      MatrixXd zeroed = expected;
      for (const Eigen::Index i : {3, 5}) {
        zeroed.row(i).setZero();
        zeroed.col(i).setZero();
      }
      check_entries(hessian(f, x, lower, upper, fixed, blocks), zeroed);
    }
  }

  TEST_CASE("hessian: bad input throws invalid_argument naming function, argument, index and rule") {
    const VectorXd x = (VectorXd(4) << 0.3, -1.2, 0.8, 2.0).finished();
    const VectorXd lower = VectorXd::Constant(4, -10), upper = VectorXd::Constant(4, 10);
    const std::vector<bool> fixed(4, false);
    using doctest::Contains;
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(objective{}, x, lower, upper, fixed)),
                         Contains("rein::fit::hessian: the objective f is empty"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, x, VectorXd::Zero(3), upper, fixed)),
                         Contains("rein::fit::hessian: lower has 3 entries, x has 4"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, x, lower, upper, std::vector<bool>(5, false))),
                         Contains("rein::fit::hessian: fixed has 5 entries, x has 4"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, x, lower, upper, fixed, {-1, 0})),
                         Contains("rein::fit::hessian: blocks has 2 entries, must be empty or 4"), rein::invalid_argument);
    VectorXd bad = x;
    bad[3] = inf;
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, bad, lower, upper, fixed)),
                         Contains("rein::fit::hessian: x[3] = inf, must be finite"), rein::invalid_argument);
    bad = x;
    bad[1] = -11;
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, bad, lower, upper, fixed)),
                         Contains("rein::fit::hessian: x[1] = -11 lies outside [lower[1], upper[1]] = [-10, 10]"),
                         rein::invalid_argument);
    VectorXd swapped = lower;
    swapped[0] = 20;
    CHECK_THROWS_WITH_AS(static_cast<void>(hessian(test_function, x, swapped, upper, fixed)),
                         Contains("rein::fit::hessian: lower[0] = 20 is above upper[0] = 10"), rein::invalid_argument);
  }
}
}  // namespace hessian_test
