#include "rein/core/error.hpp"
#include "rein/fit/minimize.hpp"

#include "fit/synthetic_histfactory.hpp"
#include "support/close.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace minimize_test {

// Tolerances. The stopping rule guarantees edm = g_W^T H^-1 g_W / 2 <= edm_tolerance (1e-10 by
// default) with H the Hessian of the final Newton check. For a locally quadratic f this bounds
//   f - f*               <= edm                (the distance in value), and
//   |x_i - x*_i|         <= sqrt(2 edm / lambda_min)   (the distance in x),
// lambda_min the smallest eigenvalue of the Hessian on the free, non-active parameters. The checks
// below use these bounds, written out per test, unless a tighter reason is given.

namespace {

using rein::fit::fit_status;
using rein::fit::minimize;
using rein::fit::minimize_options;
using rein::fit::objective;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// Uniform double in [0, 1) from the top 53 bits (no std::*_distribution).
double uniform(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

/// Random orthogonal matrix: Q of the QR decomposition of a matrix of uniform entries.
MatrixXd rotation(int n, std::mt19937_64& engine) {
  MatrixXd a(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) a(i, j) = 2 * uniform(engine) - 1;
  const Eigen::HouseholderQR<MatrixXd> qr(a);
  return qr.householderQ();
}

/// f(x) = (x - c)^T Q (x - c) / 2 + b^T x with its gradient.
objective quadratic(const MatrixXd& q, const VectorXd& c, const VectorXd& b) {
  return [q, c, b](const VectorXd& x, VectorXd* g) {
    const VectorXd r = x - c;
    const VectorXd qr = q * r;
    if (g != nullptr) *g = qr + b;
    return 0.5 * r.dot(qr) + b.dot(x);
  };
}

/// Chained Rosenbrock: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at x = 1.
double rosenbrock(const VectorXd& x, VectorXd* g) {
  double f = 0;
  if (g != nullptr) g->setZero(x.size());
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    if (g != nullptr) {
      (*g)[i] += -400 * a * x[i] - 2 * b;
      (*g)[i + 1] += 200 * a;
    }
  }
  return f;
}

std::vector<bool> none_fixed(Eigen::Index n) { return std::vector<bool>(static_cast<std::size_t>(n), false); }

}  // namespace

TEST_SUITE("fit") {
  TEST_CASE("minimize: bounded quadratic ends exactly on the active bounds of its KKT point") {
    // KKT point built in closed form: choose x* with components 0, 1 on lower bounds and 2, 3 on upper
    // bounds, multipliers lambda > 0, and set b so that grad f(x*) = Q (x* - c) + b equals +lambda on the
    // lower-bound components (pushing out), -lambda on the upper ones and 0 elsewhere. Q is positive
    // definite, so x* is the unique minimiser over the box.
    constexpr int n = 12;
    std::mt19937_64 engine(11);
    const MatrixXd r = rotation(n, engine);
    VectorXd eigenvalues(n);
    for (int i = 0; i < n; ++i) eigenvalues[i] = std::pow(10.0, 3.0 * i / (n - 1));  // condition 1e3
    const MatrixXd q = r * eigenvalues.asDiagonal() * r.transpose();
    const VectorXd lower = VectorXd::Constant(n, -2), upper = VectorXd::Constant(n, 3);
    VectorXd x_star(n), kkt = VectorXd::Zero(n);
    for (int i = 0; i < n; ++i) x_star[i] = -1.5 + 4 * uniform(engine);
    x_star[0] = lower[0], x_star[1] = lower[1], kkt[0] = 0.7, kkt[1] = 2.5;
    x_star[2] = upper[2], x_star[3] = upper[3], kkt[2] = -1.3, kkt[3] = -0.4;
    const VectorXd c = VectorXd::Zero(n);
    const VectorXd b = kkt - q * x_star;
    const objective f = quadratic(q, c, b);
    VectorXd unused(n);
    const double f_star = f(x_star, &unused);

    // Starts: the centre; a corner where parameters 0 and 2 sit on the wrong bounds and 4 on a bound
    // it must leave.
    VectorXd corner = VectorXd::Constant(n, 0.5);
    corner[0] = upper[0], corner[2] = lower[2], corner[4] = lower[4];
    for (const VectorXd& x0 : {VectorXd(VectorXd::Constant(n, 0.5)), corner}) {
      const auto result = minimize(f, x0, lower, upper, none_fixed(n));
      CHECK(result.status == fit_status::ok);
      CHECK(result.ok());
      // Requirement 3: a parameter whose optimum is on a bound ends exactly on it.
      CHECK(result.x[0] == lower[0]);
      CHECK(result.x[1] == lower[1]);
      CHECK(result.x[2] == upper[2]);
      CHECK(result.x[3] == upper[3]);
      for (int i = 0; i < n; ++i) CHECK(result.at_bound[static_cast<std::size_t>(i)] == (i < 4));
      // Free block: quadratic, so the final Newton step (exact central differences of a linear
      // gradient) lands on x* up to cond(Q)·eps·|x| ~ 1e-12; 1e-9 also rejects a stop at the edm
      // tolerance, which would leave |dx| up to sqrt(2e-10 / lambda_min(Q_FF) >= 1) = 1.4e-5.
      for (int i = 4; i < n; ++i) REIN_CHECK_ABS(result.x[i], x_star[i], 1e-9);
      // Value: f - f* <= edm <= 1e-10 (stopping rule), and f* is a true lower bound up to rounding.
      CHECK(result.value - f_star <= 1e-10);
      CHECK(result.value - f_star >= -1e-12);
      CHECK(result.edm <= 1e-10);
      CHECK(result.iterations >= 1);
    }
  }

  TEST_CASE("minimize: Rosenbrock in 2 and 10 dimensions reaches x = 1") {
    // Minimum f* = 0 at x = 1 (closed form). The Hessian there (tridiagonal: 802 or 202 or 200 on the
    // diagonal, -400 beside it) has lambda_min = 0.3994 (2-D) and 0.4988 (chained 10-D; eigenvalues of
    // that closed-form matrix), so the stopping rule (edm <= 1e-10) gives |x - 1| <= sqrt(2e-10 / 0.3994)
    // = 2.3e-5 and sqrt(2e-10 / 0.4988) = 2.0e-5.
    struct setup {
      VectorXd x0;
      double x_tolerance;
    };
    VectorXd ten = VectorXd::Zero(10);
    for (const setup& s : {setup{(VectorXd(2) << -1.2, 1.0).finished(), 2.3e-5}, setup{ten, 2.0e-5}}) {
      const Eigen::Index n = s.x0.size();
      for (const auto start : {rein::fit::initial_hessian::finite_differences, rein::fit::initial_hessian::scaled_identity}) {
        minimize_options options;
        options.start = start;
        const auto result = minimize(rosenbrock, s.x0, VectorXd::Constant(n, -inf), VectorXd::Constant(n, inf),
                                     none_fixed(n), options);
        CHECK(result.status == fit_status::ok);
        for (Eigen::Index i = 0; i < n; ++i) REIN_CHECK_ABS(result.x[i], 1.0, s.x_tolerance);
        CHECK(result.value <= 1e-10);  // f - f* <= edm
        CHECK(result.iterations > 10);  // it did not stop at the start point
      }
    }
  }

  TEST_CASE("minimize: Rosenbrock with an active upper bound x0 <= 0.5 ends at (0.5, 0.25)") {
    // For x0 <= 0.5: f >= (1 - x0)^2 >= 0.25 with equality only at x0 = 0.5, x1 = 0.25 (closed form), where
    // df/dx0 = -1 < 0 pushes against the bound. The x1 direction has curvature 200, so the stopping rule
    // gives |x1 - 0.25| <= sqrt(2e-10 / 200) = 1.4e-6.
    const VectorXd lower = VectorXd::Constant(2, -2.0), upper = (VectorXd(2) << 0.5, 2.0).finished();
    const auto result = minimize(rosenbrock, (VectorXd(2) << -1.2, 1.0).finished(), lower, upper, none_fixed(2));
    CHECK(result.status == fit_status::ok);
    CHECK(result.x[0] == 0.5);
    CHECK(result.at_bound[0]);
    CHECK_FALSE(result.at_bound[1]);
    REIN_CHECK_ABS(result.x[1], 0.25, 1.4e-6);
    REIN_CHECK_ABS(result.value, 0.25, 1e-10);
  }

  TEST_CASE("minimize: a start on a saddle at a bound (zero gradient, negative curvature) is left") {
    // f = (x - 1)² + c(y² - 1)²/4 - c/4 = (x - 1)² - c y²/2 + c y⁴/4 with y in [0, 5]: at y = 0 the gradient vanishes and the curvature is -c (what a Wilson coefficient starting at
    // 0 with a rate in y² looks like). Closed form: minimum at x = 1, y = 1, f = -c/4. Curvature
    // there: 2 in x, 2c in y, so the stopping rule gives |y - 1| <= sqrt(2e-10 / 2c).
    constexpr double c = 0.05;
    const objective f = [](const VectorXd& v, VectorXd* g) {
      const double x = v[0], y = v[1];
      if (g != nullptr) *g = (VectorXd(2) << 2 * (x - 1), -c * y + c * y * y * y).finished();
      return (x - 1) * (x - 1) - c * y * y / 2 + c * y * y * y * y / 4;
    };
    const VectorXd lower = (VectorXd(2) << -10.0, 0.0).finished(), upper = (VectorXd(2) << 10.0, 5.0).finished();
    const auto result = minimize(f, (VectorXd(2) << 3.0, 0.0).finished(), lower, upper, none_fixed(2));
    CHECK(result.status == fit_status::ok);
    REIN_CHECK_ABS(result.x[0], 1.0, 1e-5);
    REIN_CHECK_ABS(result.x[1], 1.0, std::sqrt(2e-10 / (2 * c)));
    REIN_CHECK_ABS(result.value, -c / 4, 1e-10);
  }

  TEST_CASE("minimize: a saddle on a bound whose gradient rounds outwards is left") {
    // The same f plus e·x·y with e = 1e-8: at y = 0 the gradient in y is e·x > 0, pointing out of the
    // bound but zero to the gradient tolerance (1e-6), as a rounded gradient of a coefficient
    // entering the rate squared is. The Newton steps hold y, B on x alone is positive definite:
    // only the curvature of y (-c) shows that y = 0 is no minimum. Closed form to O(e): minimum at
    // x = 1, y = 1, f = -c/4 (the e term moves f by at most 1e-8).
    constexpr double c = 0.05, e = 1e-8;
    const objective f = [](const VectorXd& v, VectorXd* g) {
      const double x = v[0], y = v[1];
      if (g != nullptr) *g = (VectorXd(2) << 2 * (x - 1) + e * y, -c * y + c * y * y * y + e * x).finished();
      return (x - 1) * (x - 1) - c * y * y / 2 + c * y * y * y * y / 4 + e * x * y;
    };
    const VectorXd lower = (VectorXd(2) << -10.0, 0.0).finished(), upper = (VectorXd(2) << 10.0, 5.0).finished();
    const auto result = minimize(f, (VectorXd(2) << 3.0, 0.0).finished(), lower, upper, none_fixed(2));
    CHECK(result.status == fit_status::ok);
    REIN_CHECK_ABS(result.x[0], 1.0, 1e-5);
    REIN_CHECK_ABS(result.x[1], 1.0, 1e-4);
    REIN_CHECK_ABS(result.value, -c / 4, 2e-8);
  }

  TEST_CASE("minimize: ill-conditioned rotated quadratic (condition 1e8, scales 1e-3 to 10)") {
    // f = (x - x*)^T Q (x - x*) / 2 with Q = R diag(lambda) R^T, lambda log-spaced over [1, 1e8], R a random
    // rotation, and x* spread over 1e-3 .. 10 in magnitude (closed-form minimum x*, f* = 0).
    constexpr int n = 30;
    std::mt19937_64 engine(5);
    const MatrixXd r = rotation(n, engine);
    VectorXd eigenvalues(n), x_star(n);
    for (int i = 0; i < n; ++i) {
      eigenvalues[i] = std::pow(10.0, 8.0 * i / (n - 1));
      x_star[i] = (i % 2 == 0 ? 1 : -1) * std::pow(10.0, -3.0 + 4.0 * uniform(engine));
    }
    const MatrixXd q = r * eigenvalues.asDiagonal() * r.transpose();
    const objective f = quadratic(q, x_star, VectorXd::Zero(n));
    for (const auto start : {rein::fit::initial_hessian::finite_differences, rein::fit::initial_hessian::scaled_identity}) {
      minimize_options options;
      options.start = start;
      const auto result = minimize(f, VectorXd::Zero(n), VectorXd::Constant(n, -100), VectorXd::Constant(n, 100),
                                   none_fixed(n), options);
      CHECK(result.status == fit_status::ok);
      // Stopping rule: |x - x*| <= sqrt(2 edm / lambda_min) = sqrt(2e-10 / 1) = 1.4e-5.
      for (int i = 0; i < n; ++i) REIN_CHECK_ABS(result.x[i], x_star[i], 1.4e-5);
      CHECK(result.value <= 1e-10);
    }
  }

  TEST_CASE("minimize: saturated Poisson likelihood, theta* = n and the lower bound where n = 0") {
    // nll = sum_i theta_i - n_i ln theta_i: theta*_i = n_i (closed form); for n_i = 0 the term is theta_i,
    // decreasing to the bound 1e-10, which is then the exact optimum.
    const std::vector<double> counts = {0, 1, 3, 10, 100, 3000, 0, 57};
    const auto n = static_cast<Eigen::Index>(counts.size());
    const objective f = [&counts](const VectorXd& theta, VectorXd* g) {
      double value = 0;
      for (Eigen::Index i = 0; i < theta.size(); ++i) {
        const double k = counts[static_cast<std::size_t>(i)];
        value += theta[i] - (k > 0 ? k * std::log(theta[i]) : 0.0);
        if (g != nullptr) (*g)[i] = 1 - k / theta[i];
      }
      return value;
    };
    const auto result = minimize(f, VectorXd::Ones(n), VectorXd::Constant(n, 1e-10), VectorXd::Constant(n, 1e4),
                                 none_fixed(n));
    CHECK(result.status == fit_status::ok);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double k = counts[static_cast<std::size_t>(i)];
      if (k == 0) {
        CHECK(result.x[i] == 1e-10);
        CHECK(result.at_bound[static_cast<std::size_t>(i)]);
      } else {
        // Curvature at the optimum 1/n: stopping rule |theta - n| <= sqrt(2 n edm) = sqrt(2e-10 n).
        REIN_CHECK_ABS(result.x[i], k, std::sqrt(2e-10 * k));
      }
    }
  }

  TEST_CASE("minimize: 200 Poisson bins with Gaussian constraints, per-component closed form") {
    // nll = sum_i theta_i - n_i ln theta_i + (theta_i - a_i)^2 / (2 s_i^2). Stationarity multiplied by
    // theta s^2: theta^2 + (s^2 - a) theta - n s^2 = 0, so theta* = ((a - s^2) + sqrt((a - s^2)^2 + 4 n s^2)) / 2;
    // the problem is separable and convex, so where theta* < 1e-10 the optimum is the bound 1e-10.
    constexpr int n = 200;
    std::mt19937_64 engine(17);
    std::vector<double> counts(n), centre(n), width(n);
    for (int i = 0; i < n; ++i) {
      counts[static_cast<std::size_t>(i)] = i % 10 == 0 ? 0.0 : std::floor(std::pow(10.0, 3.5 * uniform(engine)));
      const double scale = std::max(counts[static_cast<std::size_t>(i)], 1.0);
      centre[static_cast<std::size_t>(i)] = i % 20 == 0 ? 1e-4 : scale * (0.8 + 0.4 * uniform(engine));
      width[static_cast<std::size_t>(i)] = scale * std::pow(10.0, -3.0 + 2.0 * uniform(engine));  // 1e-3 .. 1e-1 relative
    }
    const objective f = [&](const VectorXd& theta, VectorXd* g) {
      double value = 0;
      for (int i = 0; i < n; ++i) {
        const auto u = static_cast<std::size_t>(i);
        const double k = counts[u], z = (theta[i] - centre[u]) / width[u];
        value += theta[i] - (k > 0 ? k * std::log(theta[i]) : 0.0) + 0.5 * z * z;
        if (g != nullptr) (*g)[i] = 1 - k / theta[i] + z / width[u];
      }
      return value;
    };
    const auto result = minimize(f, VectorXd::Ones(n), VectorXd::Constant(n, 1e-10), VectorXd::Constant(n, 1e5),
                                 none_fixed(n));
    CHECK(result.status == fit_status::ok);
    int on_bound = 0;
    for (int i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      const double k = counts[u], a = centre[u], s2 = width[u] * width[u];
      const double root = 0.5 * ((a - s2) + std::sqrt((a - s2) * (a - s2) + 4 * k * s2));
      if (root < 1e-10) {
        ++on_bound;
        CHECK(result.x[i] == 1e-10);
      } else {
        // Curvature k / theta^2 + 1 / s^2: stopping rule |dtheta| <= sqrt(2e-10 / curvature).
        const double curvature = k / (root * root) + 1 / s2;
        REIN_CHECK_ABS(result.x[i], root, std::sqrt(2e-10 / curvature));
      }
    }
    CHECK(on_bound == 5);  // closed form: of the 10 bins with n = 0, a = 1e-4, the 5 with s^2 > a sit on the bound
  }

  TEST_CASE("minimize: synthetic 232-parameter HistFactory-like likelihood to |d(2 nll)| <= 1e-8") {
    // Reference: Newton's method with the model's analytic Hessian (tests/fit/synthetic_histfactory.hpp),
    // iterated to the rounding floor — independent of rein::fit. 1e-8 on 2·nll is the project's
    // acceptance criterion; we get ~1e-11 (the rounding of nll ~ 1e2 summed over 30 bins).
    SUBCASE("signal strength inside its bounds") {
      const rein::test::synthetic_histfactory model(1, 1.5);
      const objective f = [&model](const VectorXd& x, VectorXd* g) { return model.nll(x, g); };
      const auto result = minimize(f, model.init(), model.lower(), model.upper(), none_fixed(model.size));
      CHECK(result.status == fit_status::ok);
      double decrement = 0;
      const VectorXd reference = model.newton_reference(model.init(), none_fixed(model.size), &decrement);
      CHECK(decrement < 1e-15);  // the reference converged
      VectorXd g(model.size);
      const double f_reference = model.nll(reference, &g);
      REIN_CHECK_ABS(2 * result.value, 2 * f_reference, 1e-8);
      CHECK(result.x[0] > 0.5);
      CHECK(result.evaluations < 1200);  // start Hessian 232 + Newton check 464 + ~60 steps
    }
    SUBCASE("signal strength on its lower bound 0") {
      const rein::test::synthetic_histfactory model(1, 0.0);
      const objective f = [&model](const VectorXd& x, VectorXd* g) { return model.nll(x, g); };
      const auto result = minimize(f, model.init(), model.lower(), model.upper(), none_fixed(model.size));
      CHECK(result.status == fit_status::ok);
      // Reference: minimum with mu held at 0; it is the minimum over mu >= 0 because d nll / d mu > 0 there
      // (KKT, checked) and nll is convex near it (the reference Hessian is positive definite).
      std::vector<bool> held = none_fixed(model.size);
      held[0] = true;
      VectorXd start = model.init();
      start[0] = 0;
      double decrement = 0;
      const VectorXd reference = model.newton_reference(start, held, &decrement);
      CHECK(decrement < 1e-15);
      VectorXd g(model.size);
      const double f_reference = model.nll(reference, &g);
      CHECK(g[0] > 0);
      CHECK(model.hessian(reference).llt().info() == Eigen::Success);
      CHECK(result.x[0] == 0.0);
      CHECK(result.at_bound[0]);
      REIN_CHECK_ABS(2 * result.value, 2 * f_reference, 1e-8);
    }
  }

  TEST_CASE("minimize: fixed parameters stay bitwise at x0, even outside their bounds") {
    // f quadratic; with parameters X fixed the free ones F minimise at the conditional optimum
    // x_F = c_F - Q_FF^-1 Q_FX (x_X - c_X) (closed form, solved here with an LDLT).
    constexpr int n = 8;
    std::mt19937_64 engine(3);
    const MatrixXd r = rotation(n, engine);
    VectorXd eigenvalues(n), c(n);
    for (int i = 0; i < n; ++i) eigenvalues[i] = 1 + i, c[i] = 2 * uniform(engine) - 1;
    const MatrixXd q = r * eigenvalues.asDiagonal() * r.transpose();
    const objective f = quadratic(q, c, VectorXd::Zero(n));
    std::vector<bool> fixed = none_fixed(n);
    fixed[1] = fixed[4] = fixed[6] = true;
    VectorXd x0 = VectorXd::Zero(n);
    x0[1] = 0.3, x0[4] = -0.7, x0[6] = 25.0;  // x0[6] lies outside [-10, 10]: allowed for a fixed parameter
    const auto result = minimize(f, x0, VectorXd::Constant(n, -10), VectorXd::Constant(n, 10), fixed);
    CHECK(result.status == fit_status::ok);
    CHECK(result.x[1] == x0[1]);
    CHECK(result.x[4] == x0[4]);
    CHECK(result.x[6] == x0[6]);
    CHECK_FALSE(result.at_bound[6]);
    const std::vector<int> free = {0, 2, 3, 5, 7}, held = {1, 4, 6};
    MatrixXd qff(5, 5), qfx(5, 3);
    VectorXd dx(3);
    for (int a = 0; a < 5; ++a) {
      for (int b = 0; b < 5; ++b) qff(a, b) = q(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
      for (int b = 0; b < 3; ++b) qfx(a, b) = q(free[static_cast<std::size_t>(a)], held[static_cast<std::size_t>(b)]);
    }
    for (int b = 0; b < 3; ++b) dx[b] = x0[held[static_cast<std::size_t>(b)]] - c[held[static_cast<std::size_t>(b)]];
    const VectorXd shift = qff.ldlt().solve(qfx * dx);
    for (int a = 0; a < 5; ++a) {
      // Quadratic: the final Newton step is exact to cond·eps·|x| ~ 1e-14; 1e-9 as in the KKT test.
      REIN_CHECK_ABS(result.x[free[static_cast<std::size_t>(a)]], c[free[static_cast<std::size_t>(a)]] - shift[a], 1e-9);
    }
    // The gradient is reported for every component, fixed ones included: Q (x - c), rounding only.
    const VectorXd expected_gradient = q * (result.x - c);
    for (int i = 0; i < n; ++i) REIN_CHECK_ABS(result.gradient[i], expected_gradient[i], 1e-9);

    SUBCASE("all parameters fixed: one evaluation, nothing moves") {
      const auto all = minimize(f, x0, VectorXd::Constant(n, -10), VectorXd::Constant(n, 10),
                                std::vector<bool>(n, true));
      CHECK(all.status == fit_status::ok);
      CHECK(all.evaluations == 1);
      CHECK(all.iterations == 0);
      CHECK(all.x == x0);
    }
  }

  TEST_CASE("minimize: a nearly flat objective is not stopped at its start by a small gradient") {
    // f = 1e-8 (x - 3)^2: at x0 = 0 the gradient -6e-8 is below gradient_tolerance (1e-6), but the
    // edm 9e-8 is not. Minimum x* = 3; curvature 2e-8, so the stopping rule alone allows
    // |x - 3| <= sqrt(2e-10 / 2e-8) = 0.1; the exact Newton check lands within rounding, and 1e-6 is
    // tight enough to show it.
    const objective f = [](const VectorXd& x, VectorXd* g) {
      if (g != nullptr) (*g)[0] = 2e-8 * (x[0] - 3);
      return 1e-8 * (x[0] - 3) * (x[0] - 3);
    };
    const auto result = minimize(f, VectorXd::Zero(1), VectorXd::Constant(1, -10), VectorXd::Constant(1, 10),
                                 none_fixed(1));
    CHECK(result.status == fit_status::ok);
    CHECK(result.iterations >= 1);
    REIN_CHECK_ABS(result.x[0], 3.0, 1e-6);
  }

  TEST_CASE("minimize: non-finite values shorten the step; non-finite start gives status non_finite") {
    SUBCASE("barrier: NaN outside (0, c_i), recovered by backtracking") {
      // f = sum_i -ln(x_i) - ln(c_i - x_i): minimum at x_i = c_i / 2 (closed form), curvature there
      // 8 / c_i^2 >= 8 / 4, so the stopping rule gives |x - c/2| <= sqrt(2e-10 / 2) = 1e-5. The scaled
      // identity start takes a unit first step out of the domain (NaN) and must backtrack.
      const VectorXd c = (VectorXd(3) << 0.5, 1.0, 2.0).finished();
      const objective f = [c](const VectorXd& x, VectorXd* g) {
        double value = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
          value += -std::log(x[i]) - std::log(c[i] - x[i]);  // NaN outside the domain
          if (g != nullptr) (*g)[i] = -1 / x[i] + 1 / (c[i] - x[i]);
        }
        return value;
      };
      for (const auto start : {rein::fit::initial_hessian::finite_differences, rein::fit::initial_hessian::scaled_identity}) {
        minimize_options options;
        options.start = start;
        const auto result = minimize(f, 0.9 * c, VectorXd::Constant(3, -10), VectorXd::Constant(3, 10), none_fixed(3),
                                     options);
        CHECK(result.status == fit_status::ok);
        for (int i = 0; i < 3; ++i) REIN_CHECK_ABS(result.x[i], 0.5 * c[i], 1e-5);
      }
    }
    SUBCASE("non-finite value at the start") {
      const objective f = [](const VectorXd& x, VectorXd* g) {
        if (g != nullptr) g->setZero(x.size());
        return not_a_number;
      };
      const VectorXd x0 = VectorXd::Constant(2, 0.5);
      const auto result = minimize(f, x0, VectorXd::Zero(2), VectorXd::Ones(2), none_fixed(2));
      CHECK(result.status == fit_status::non_finite);
      CHECK(result.x == x0);
      CHECK(result.evaluations == 1);
      CHECK(result.iterations == 0);
    }
    SUBCASE("non-finite gradient at the start") {
      const objective f = [](const VectorXd& x, VectorXd* g) {
        if (g != nullptr) *g = (VectorXd(2) << 1.0, inf).finished();
        return x.sum();
      };
      const auto result = minimize(f, VectorXd::Constant(2, 0.5), VectorXd::Zero(2), VectorXd::Ones(2), none_fixed(2));
      CHECK(result.status == fit_status::non_finite);
    }
    SUBCASE("finite only at the start point") {
      const VectorXd x0 = VectorXd::Constant(2, 0.5);
      const objective f = [x0](const VectorXd& x, VectorXd* g) {
        if (g != nullptr) *g = VectorXd::Ones(2);
        return x == x0 ? 1.0 : not_a_number;
      };
      const auto result = minimize(f, x0, VectorXd::Zero(2), VectorXd::Ones(2), none_fixed(2));
      CHECK(result.status == fit_status::non_finite);
      CHECK(result.x == x0);
      CHECK(result.value == 1.0);
    }
  }

  TEST_CASE("minimize: max_iterations stops with that status and the best point so far") {
    const VectorXd x0 = (VectorXd(2) << -1.2, 1.0).finished();
    const VectorXd lower = VectorXd::Constant(2, -5), upper = VectorXd::Constant(2, 5);
    VectorXd g(2);
    const double f0 = rosenbrock(x0, &g);
    minimize_options options;
    options.max_iterations = 5;
    const auto few = minimize(rosenbrock, x0, lower, upper, none_fixed(2), options);
    CHECK(few.status == fit_status::max_iterations);
    CHECK(few.iterations == 5);
    CHECK(few.value < f0);
    options.max_iterations = 0;
    const auto none = minimize(rosenbrock, x0, lower, upper, none_fixed(2), options);
    CHECK(none.status == fit_status::max_iterations);
    CHECK(none.iterations == 0);
    CHECK(none.x == x0);
  }

  TEST_CASE("minimize: options change the work, not the answer") {
    // Same synthetic likelihood as above; every variant must meet the same stopping rule, so their
    // values agree to 2 edm_tolerance = 2e-10.
    const rein::test::synthetic_histfactory model(2, 1.5);
    const objective f = [&model](const VectorXd& x, VectorXd* g) { return model.nll(x, g); };
    const auto base = minimize(f, model.init(), model.lower(), model.upper(), none_fixed(model.size));
    REQUIRE(base.status == fit_status::ok);
    REQUIRE(base.hessian.rows() == model.size);
    minimize_options warm;
    warm.start_hessian = base.hessian;
    minimize_options trusting;
    trusting.polish_rounds = 0;
    for (const minimize_options* options : {&warm, &trusting}) {
      const auto other = minimize(f, model.init(), model.lower(), model.upper(), none_fixed(model.size), *options);
      CHECK(other.status == fit_status::ok);
      REIN_CHECK_ABS(other.value, base.value, 2e-10);
      CHECK(other.evaluations < base.evaluations);
    }
    // central differences in the Newton check (the default is forward) cost more, same answer
    minimize_options central;
    central.polish_differences = rein::fit::hessian_differences::central;
    const auto other = minimize(f, model.init(), model.lower(), model.upper(), none_fixed(model.size), central);
    CHECK(other.status == fit_status::ok);
    REIN_CHECK_ABS(other.value, base.value, 2e-10);
    CHECK(other.evaluations > base.evaluations);
  }

  TEST_CASE("minimize: to_string names every status") {
    CHECK(std::string(rein::fit::to_string(fit_status::ok)) == "ok");
    CHECK(std::string(rein::fit::to_string(fit_status::max_iterations)) == "max_iterations");
    CHECK(std::string(rein::fit::to_string(fit_status::non_finite)) == "non_finite");
    CHECK(std::string(rein::fit::to_string(fit_status::line_search_failed)) == "line_search_failed");
    CHECK(std::string(rein::fit::to_string(fit_status::not_converged)) == "not_converged");
  }

  TEST_CASE("minimize: bad input throws invalid_argument naming function, argument, index and rule") {
    const objective f = [](const VectorXd& x, VectorXd* g) {
      if (g != nullptr) *g = 2 * x;
      return x.squaredNorm();
    };
    const VectorXd x0 = VectorXd::Constant(3, 0.5), lower = VectorXd::Zero(3), upper = VectorXd::Ones(3);
    const auto fixed = none_fixed(3);
    using doctest::Contains;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(objective{}, x0, lower, upper, fixed)),
                         Contains("rein::fit::minimize: the objective f is empty"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, VectorXd::Zero(2), upper, fixed)),
                         Contains("rein::fit::minimize: lower has 2 entries, x0 has 3"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, VectorXd::Ones(4), fixed)),
                         Contains("rein::fit::minimize: upper has 4 entries, x0 has 3"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, none_fixed(1))),
                         Contains("rein::fit::minimize: fixed has 1 entries, x0 has 3"), rein::invalid_argument);
    VectorXd bad = lower;
    bad[1] = not_a_number;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, bad, upper, fixed)),
                         Contains("rein::fit::minimize: lower[1] = nan, upper[1] = 1; bounds must not be NaN"),
                         rein::invalid_argument);
    bad = lower;
    bad[2] = 2;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, bad, upper, fixed)),
                         Contains("rein::fit::minimize: lower[2] = 2 is above upper[2] = 1; need lower <= upper"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(
        static_cast<void>(minimize(f, x0, VectorXd::Constant(3, inf), VectorXd::Constant(3, inf), fixed)),
        Contains("rein::fit::minimize: bounds[0] = [inf, inf] contain no finite value"), rein::invalid_argument);
    bad = x0;
    bad[0] = not_a_number;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, bad, lower, upper, fixed)),
                         Contains("rein::fit::minimize: x0[0] = nan, must be finite"), rein::invalid_argument);
    bad = x0;
    bad[2] = 1.5;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, bad, lower, upper, fixed)),
                         Contains("rein::fit::minimize: x0[2] = 1.5 lies outside [lower[2], upper[2]] = [0, 1]; "
                                  "a free parameter must lie inside its bounds"),
                         rein::invalid_argument);
    bad[2] = -0.25;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, bad, lower, upper, fixed)),
                         Contains("x0[2] = -0.25 lies outside [lower[2], upper[2]] = [0, 1]"), rein::invalid_argument);
    minimize_options options;
    options.max_iterations = -1;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.max_iterations = -1, must be >= 0"),
                         rein::invalid_argument);
    options = {};
    options.gradient_tolerance = not_a_number;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.gradient_tolerance = nan, must be >= 0"),
                         rein::invalid_argument);
    options = {};
    options.edm_tolerance = -1e-3;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.edm_tolerance = -0.001, must be >= 0"),
                         rein::invalid_argument);
    options = {};
    options.polish_rounds = -2;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.polish_rounds = -2, must be >= 0"),
                         rein::invalid_argument);
    options = {};
    options.max_line_search_evaluations = 0;
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.max_line_search_evaluations = 0, must be >= 1"),
                         rein::invalid_argument);
    options = {};
    options.start_hessian = MatrixXd::Identity(2, 2);
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.start_hessian is 2 x 2, must be empty or 3 x 3"),
                         rein::invalid_argument);
    options = {};
    options.hessian_blocks = {-1, 0};
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.hessian_blocks has 2 entries, must be empty or 3"),
                         rein::invalid_argument);
    options.hessian_blocks = {-1, 0, -2};
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(f, x0, lower, upper, fixed, options)),
                         Contains("rein::fit::minimize: options.hessian_blocks[2] = -2, must be >= -1 (-1: dense)"),
                         rein::invalid_argument);
    const objective short_gradient = [](const VectorXd& x, VectorXd* g) {
      if (g != nullptr) g->setZero(1);
      return x.squaredNorm();
    };
    CHECK_THROWS_WITH_AS(static_cast<void>(minimize(short_gradient, x0, lower, upper, fixed)),
                         Contains("rein::fit::minimize: the objective returned a gradient with 1 entries at a point "
                                  "with 3 parameters"),
                         rein::invalid_argument);
  }
}
}  // namespace minimize_test
