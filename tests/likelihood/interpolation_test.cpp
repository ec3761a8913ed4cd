#include "rein/likelihood/interpolation.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>

namespace interpolation_test {

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
      // pyhf's code2 docstring: the outer branches start from 0 at α = ±1 (discontinuous)
      const double quad = alpha > 1 ? (b + 2 * a) * (alpha - 1)
                          : alpha < -1 ? (b - 2 * a) * (alpha + 1)
                                       : a * alpha * alpha + b * alpha;
      REIN_CHECK_ABS(value_at(c2, alpha), quad, tol * nom);
      const double dup = hi - nom, ddn = nom - lo, s = 0.5 * (dup + ddn), asym = 0.0625 * (dup - ddn);
      const double smooth = alpha > 1 ? alpha * dup
                            : alpha < -1 ? alpha * ddn
                                         : alpha * (s + alpha * asym * (15 + alpha * alpha * (3 * alpha * alpha - 10)));
      REIN_CHECK_ABS(value_at(c4p, alpha), smooth, tol * nom);
    }
  }

  TEST_CASE("interpolation: every code equals pyhf's interpolators at nine values of alpha") {
    // Reference: pyhf 0.7.6.dev398 (scikit-hep/pyhf b3dc4bb2, numpy backend),
    // pyhf.interpolators.get(code)(histogramssets)(alphasets) with one systematic and two
    // one-bin samples: a histosys-like triple (down, nom, up) = (80, 100, 130) and a normsys-like
    // triple (0.9, 1, 1.15). Additive codes (0, 2, 4p) give Δ, multiplicative (1, 4) the factor.
    // Values printed with repr(float).
    const std::array<double, 9> alphas = {-2.5, -1.7, -1.0, -0.3, 0.0, 0.4, 1.0, 1.9, 3.0};
    struct reference {
      interpolation_code code;
      std::array<double, 9> histosys, normsys;
    };
    const std::array<reference, 5> references = {{
        {interpolation_code::code0,
         {-50.0, -34.0, -20.0, -6.0, 0.0, 12.0, 30.0, 57.0, 90.0},
         {-0.24999999999999994, -0.16999999999999996, -0.09999999999999998, -0.029999999999999992, 0.0,
          0.05999999999999997, 0.1499999999999999, 0.2849999999999998, 0.44999999999999973}},
        {interpolation_code::code1,
         {0.5724334022399462, 0.6843101439943604, 0.8, 0.9352484478226213, 1.0, 1.1106503068343223, 1.3,
          1.6462370414507048, 2.197},
         {0.7684334714209162, 0.836011527916834, 0.9, 0.9688861611972635, 1.0, 1.0574969808542538, 1.15,
          1.3041450480853582, 1.5208749999999998}},
        {interpolation_code::code2,
         {-22.5, -10.5, -20.0, -7.05, 0.0, 10.8, 30.0, 31.499999999999996, 70.0},
         {-0.11250000000000018, -0.05250000000000008, -0.10000000000000003, -0.03524999999999999, 0.0,
          0.053999999999999965, 0.14999999999999986, 0.15749999999999978, 0.34999999999999953}},
        {interpolation_code::code4,
         {0.5724334022399462, 0.6843101439943604, 0.8, 0.9322878184195234, 1.0, 1.1082740413742882, 1.3,
          1.6462370414507048, 2.197},
         {0.7684334714209162, 0.836011527916834, 0.9, 0.9663714157134013, 1.0, 1.0553320988049182, 1.15,
          1.3041450480853582, 1.5208749999999998}},
        {interpolation_code::code4p,
         {-50.0, -34.0, -20.0, -6.705508125, 0.0, 11.34768, 30.0, 57.0, 90.0},
         {-0.24999999999999994, -0.16999999999999996, -0.09999999999999998, -0.03352754062499999, 0.0,
          0.056738399999999974, 0.1499999999999999, 0.2849999999999998, 0.44999999999999973}},
    }};
    for (const auto& ref : references) {
      const interpolation histosys(ref.code, 80, 100, 130), normsys(ref.code, 0.9, 1.0, 1.15);
      for (std::size_t i = 0; i < alphas.size(); ++i) {
        CAPTURE(rein::likelihood::to_string(ref.code));
        CAPTURE(alphas[i]);
        // same formulas, different association of the sums: a few ulp of the triple's scale
        REIN_CHECK_ABS(value_at(histosys, alphas[i]), ref.histosys[i], 1e-13 * 100);
        REIN_CHECK_ABS(value_at(normsys, alphas[i]), ref.normsys[i], 1e-13);
      }
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
}  // namespace interpolation_test
