#include "rein/likelihood/interpolation.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>

namespace {

using rein::likelihood::interpolation;
using rein::likelihood::interpolation_code;

double value_at(const interpolation& i, double alpha) {
  double value = 0, derivative = 0;
  i.evaluate(alpha, value, derivative);
  return value;
}

double derivative_at(const interpolation& i, double alpha) {
  double value = 0, derivative = 0;
  i.evaluate(alpha, value, derivative);
  return derivative;
}

// pyhf's code4 polynomial with the inverse matrix A⁻¹ for α₀ = 1 as printed in
// pyhf/interpolators/code4.py (independent of rein's closed-form solution of the same system).
double pyhf_code4(double down, double nominal, double up, double alpha) {
  const double du = up / nominal, dd = down / nominal;
  const std::array<double, 6> b = {du - 1, dd - 1, std::log(du) * du, -std::log(dd) * dd,
                                   std::pow(std::log(du), 2) * du, std::pow(std::log(dd), 2) * dd};
  const double a_inverse[6][6] = {{15.0 / 16, -15.0 / 16, -7.0 / 16, -7.0 / 16, 1.0 / 16, -1.0 / 16},
                                  {3.0 / 2, 3.0 / 2, -9.0 / 16, 9.0 / 16, 1.0 / 16, 1.0 / 16},
                                  {-5.0 / 8, 5.0 / 8, 5.0 / 8, 5.0 / 8, -1.0 / 8, 1.0 / 8},
                                  {-3.0 / 2, -3.0 / 2, 7.0 / 8, -7.0 / 8, -1.0 / 8, -1.0 / 8},
                                  {3.0 / 16, -3.0 / 16, -3.0 / 16, -3.0 / 16, 1.0 / 16, -1.0 / 16},
                                  {1.0 / 2, 1.0 / 2, -5.0 / 16, 5.0 / 16, 1.0 / 16, 1.0 / 16}};
  double value = 1;
  for (int i = 0; i < 6; ++i) {
    double a = 0;
    for (int j = 0; j < 6; ++j) a += a_inverse[i][j] * b[static_cast<std::size_t>(j)];
    value += a * std::pow(alpha, i + 1);
  }
  return value;
}

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("interpolation: code0, code1, code2 and code4p follow pyhf's closed forms") {
    const double lo = 80, nom = 100, hi = 130;
    const interpolation c0(interpolation_code::code0, lo, nom, hi), c1(interpolation_code::code1, lo, nom, hi),
        c2(interpolation_code::code2, lo, nom, hi), c4p(interpolation_code::code4p, lo, nom, hi);
    // closed forms evaluated here in double precision: agreement to a few ulp
    const double tol = 1e-14;
    for (double alpha : {-2.7, -1.0, -0.3, 0.0, 0.4, 1.0, 3.1}) {
      CAPTURE(alpha);
      REIN_CHECK_ABS(value_at(c0, alpha), alpha >= 0 ? alpha * (hi - nom) : alpha * (nom - lo), tol * nom);
      REIN_CHECK_REL(value_at(c1, alpha), alpha >= 0 ? std::pow(hi / nom, alpha) : std::pow(lo / nom, -alpha), tol);
      const double a = 0.5 * (hi + lo) - nom, b = 0.5 * (hi - lo);
      const double quad = alpha > 1 ? (b + 2 * a) * (alpha - 1) + hi - nom
                          : alpha < -1 ? (b - 2 * a) * (alpha + 1) + lo - nom
                                       : a * alpha * alpha + b * alpha;
      REIN_CHECK_ABS(value_at(c2, alpha), quad, tol * nom);
      const double dup = hi - nom, ddn = nom - lo, s = 0.5 * (dup + ddn), asym = 0.0625 * (dup - ddn);
      const double smooth = alpha > 1 ? alpha * dup
                            : alpha < -1 ? alpha * ddn
                                         : alpha * (s + alpha * asym * (15 + alpha * alpha * (3 * alpha * alpha - 10)));
      REIN_CHECK_ABS(value_at(c4p, alpha), smooth, tol * nom);
    }
  }

  TEST_CASE("interpolation: code4 equals pyhf's A-inverse polynomial inside and the exponential outside") {
    for (const auto& [lo, nom, hi] : {std::array<double, 3>{0.9, 1.0, 1.1}, std::array<double, 3>{70, 100, 160},
                                      std::array<double, 3>{1.2, 1.0, 1.05}}) {
      const interpolation c4(interpolation_code::code4, lo, nom, hi);
      for (double alpha : {-0.999, -0.5, -0.1, 0.0, 0.25, 0.75, 0.999}) {
        CAPTURE(alpha);
        // two exact solutions of one 6×6 system, rounded differently: 1e-13 relative
        REIN_CHECK_REL(value_at(c4, alpha), pyhf_code4(lo, nom, hi, alpha), 1e-13);
      }
      REIN_CHECK_REL(value_at(c4, 1.0), hi / nom, 1e-15);           // pyhf: α ≥ 1 is the exponential branch
      REIN_CHECK_REL(value_at(c4, -1.0), lo / nom, 1e-15);          // α ≤ −1 likewise
      REIN_CHECK_REL(value_at(c4, 2.5), std::pow(hi / nom, 2.5), 1e-14);
      // continuity of f and f' across α = ±1 (the conditions the polynomial is built from)
      REIN_CHECK_REL(value_at(c4, 1 - 1e-12), hi / nom, 1e-11);
      REIN_CHECK_REL(derivative_at(c4, 1 - 1e-12), std::log(hi / nom) * hi / nom, 1e-10);
      REIN_CHECK_REL(derivative_at(c4, -1 + 1e-12), -std::log(lo / nom) * lo / nom, 1e-10);
    }
  }

  TEST_CASE("interpolation: derivatives agree with central differences for every code") {
    for (auto code : {interpolation_code::code0, interpolation_code::code1, interpolation_code::code2,
                      interpolation_code::code4, interpolation_code::code4p}) {
      const interpolation i(code, 85, 100, 112);
      for (double alpha : {-3.0, -0.7, -0.2, 0.3, 0.8, 2.2}) {
        CAPTURE(alpha);
        const double h = 1e-6;
        const double numeric = (value_at(i, alpha + h) - value_at(i, alpha - h)) / (2 * h);
        // truncation O(h²) and rounding O(1e-16·100/h) ≈ 1e-8 absolute
        REIN_CHECK_ABS(derivative_at(i, alpha), numeric, 1e-7);
      }
    }
  }

  TEST_CASE("interpolation: bad input") {
    CHECK_THROWS_WITH_AS(interpolation(interpolation_code::code4, 0.0, 1.0, 1.1),
                         doctest::Contains("code4 needs positive down, nominal and up, got 0, 1, 1.1"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS(rein::likelihood::interpolation_code_from_string("code3"),
                         doctest::Contains("unknown code 'code3'"), rein::invalid_argument);
  }
}
