#include "rein/reweight/batch_rates.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

namespace batch_rates_test {

namespace {

using rein::reweight::batch_rates;
using rein::reweight::bin_integration_options;

// σ1(q²; a, b) = a² + b·q³ on bins [0, 1], [1, 3]: a polynomial of degree 3, which 16-node
// Gauss–Legendre integrates exactly, so the integrals and their Jacobian have closed forms:
// ∫ σ1 = a²(h − l) + b(h⁴ − l⁴)/4, ∂/∂a = 2a(h − l), ∂/∂b = (h⁴ − l⁴)/4.
const std::vector<double> edges{0.0, 1.0, 3.0};

double closed_integral(double a, double b, double l, double h) { return a * a * (h - l) + b * (std::pow(h, 4) - std::pow(l, 4)) / 4; }

bin_integration_options gauss_legendre() {
  bin_integration_options o;
  o.rule = rein::reweight::quadrature_rule::gauss_legendre;
  return o;
}

// σ1 and its derivative at the nodes, handed over as batch_rates asks; counts its calls
struct counted {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  void rate(const std::vector<double>& q2, const double* theta, const rein::reweight::node_values& take) const {
    ++*calls;
    std::vector<double> out(q2.size());
    for (std::size_t n = 0; n < q2.size(); ++n) out[n] = theta[0] * theta[0] + theta[1] * q2[n] * q2[n] * q2[n];
    CHECK(take(out.data()));
  }
  void derivative(const std::vector<double>& q2, const double* theta, const rein::reweight::node_values& take) const {
    ++*calls;
    std::vector<double> out(2 * q2.size());
    for (std::size_t n = 0; n < q2.size(); ++n) out[n] = 2 * theta[0], out[q2.size() + n] = q2[n] * q2[n] * q2[n];
    CHECK(take(out.data()));
  }
};

const auto null = [](double) { return 1.0; };

// the integrals and Jacobian of `r` at (a, b) against the closed forms (rtol: rounding of 16-term sums)
void check_against_closed_form(const batch_rates& r, double a, double b, double jacobian_rtol) {
  std::vector<double> integrals(2), jacobian(4);
  r.alternative_integrals(std::vector<double>{a, b}.data(), integrals.data(), jacobian.data());
  for (std::size_t j = 0; j < 2; ++j) {
    const double l = edges[j], h = edges[j + 1];
    REIN_CHECK_REL(integrals[j], closed_integral(a, b, l, h), 1e-14);
    REIN_CHECK_REL(jacobian[j * 2 + 0], 2 * a * (h - l), jacobian_rtol);
    REIN_CHECK_REL(jacobian[j * 2 + 1], (std::pow(h, 4) - std::pow(l, 4)) / 4, jacobian_rtol);
  }
}

}  // namespace

TEST_CASE("batch_rates: integrals and Jacobian of a cubic rate against closed forms, in all three modes") {
  const counted f;
  const batch_rates separate(null, 2, [f](auto& q2, auto* t, auto& take) { f.rate(q2, t, take); },
                             [f](auto& q2, auto* t, auto& take) { f.derivative(q2, t, take); }, edges, gauss_legendre(), gauss_legendre());
  const batch_rates differences(null, 2, [f](auto& q2, auto* t, auto& take) { f.rate(q2, t, take); }, {}, edges, gauss_legendre(),
                                gauss_legendre());
  const batch_rates combined(null, 2,
                             [f](auto& q2, auto* t, auto& take_rate, auto& take_derivative) {
                               f.rate(q2, t, take_rate);
                               f.derivative(q2, t, take_derivative);
                             },
                             edges, gauss_legendre(), gauss_legendre());
  for (const double a : {0.5, -2.0}) {
    check_against_closed_form(separate, a, 1.5, 1e-14);
    check_against_closed_form(combined, a, 1.5, 1e-14);
    // central differences of a polynomial of degree 2 in a and 1 in b: exact but for rounding,
    // ε·|σ|/(2h) per node with |σ| ≤ 45 and h = ∛ε·max(1, |θ|): below 1e-9 of the derivatives
    check_against_closed_form(differences, a, 1.5, 1e-8);
  }
  // the null σ0 = 1: the bins' widths, to the rounding of the weights' sum
  REIN_CHECK_REL(separate.null_integrals()[0], 1.0, 1e-14);
  REIN_CHECK_REL(separate.null_integrals()[1], 2.0, 1e-14);
}

TEST_CASE("batch_rates: a point evaluated again within the kept points calls the rate not at all") {
  const counted f;
  const batch_rates combined(null, 2,
                             [f](auto& q2, auto* t, auto& take_rate, auto& take_derivative) {
                               f.rate(q2, t, take_rate);  // one call of each per point: 2 counts
                               f.derivative(q2, t, take_derivative);
                             },
                             edges, gauss_legendre(), gauss_legendre());
  std::vector<double> integrals(2), again(2), jacobian(4);
  const std::vector<double> first{1.0, 2.0};
  // a combined rate keeps the Jacobian of a value-only request: the gradient that follows is free
  combined.alternative_integrals(first.data(), integrals.data(), nullptr);
  combined.alternative_integrals(first.data(), again.data(), jacobian.data());
  CHECK(*f.calls == 2);
  CHECK(again == integrals);
  // other points up to kept_points in all, then the first again: kept
  for (std::size_t k = 1; k < batch_rates::kept_points; ++k) {
    const std::vector<double> other{1.0 + static_cast<double>(k), 2.0};
    combined.alternative_integrals(other.data(), again.data(), jacobian.data());
  }
  CHECK(*f.calls == 2 * static_cast<int>(batch_rates::kept_points));
  combined.alternative_integrals(first.data(), again.data(), jacobian.data());
  CHECK(*f.calls == 2 * static_cast<int>(batch_rates::kept_points));
  CHECK(again == integrals);
  // one more new point replaces the oldest (the first): it is computed again, to the same bits
  const std::vector<double> newest{-7.0, 2.0};
  combined.alternative_integrals(newest.data(), again.data(), jacobian.data());
  combined.alternative_integrals(first.data(), again.data(), jacobian.data());
  CHECK(*f.calls == 2 * static_cast<int>(batch_rates::kept_points) + 4);
  CHECK(again == integrals);
  // −0 is not +0 bit for bit: the cache's contract is bit equality
  const std::vector<double> minus_zero{-0.0, 2.0}, plus_zero{0.0, 2.0};
  combined.alternative_integrals(plus_zero.data(), again.data(), nullptr);
  combined.alternative_integrals(minus_zero.data(), again.data(), nullptr);
  CHECK(*f.calls == 2 * static_cast<int>(batch_rates::kept_points) + 8);
}

TEST_CASE("batch_rates: a separate derivative is called only when the Jacobian is asked for") {
  const counted f;
  const batch_rates separate(null, 2, [f](auto& q2, auto* t, auto& take) { f.rate(q2, t, take); },
                             [f](auto& q2, auto* t, auto& take) { f.derivative(q2, t, take); }, edges, gauss_legendre(), gauss_legendre());
  std::vector<double> integrals(2), jacobian(4);
  const std::vector<double> theta{1.0, 2.0};
  separate.alternative_integrals(theta.data(), integrals.data(), nullptr);
  CHECK(*f.calls == 1);
  separate.alternative_integrals(theta.data(), integrals.data(), nullptr);
  CHECK(*f.calls == 1);
  // the kept point has no Jacobian: rate and derivative are called, and the point is kept with it
  separate.alternative_integrals(theta.data(), integrals.data(), jacobian.data());
  CHECK(*f.calls == 3);
  separate.alternative_integrals(theta.data(), integrals.data(), jacobian.data());
  CHECK(*f.calls == 3);
}

TEST_CASE("batch_rates: bad construction is refused") {
  CHECK_THROWS_AS(batch_rates(null, 1, rein::reweight::batch_rate{}, {}, edges, gauss_legendre(), gauss_legendre()),
                  rein::invalid_argument);
  CHECK_THROWS_AS(batch_rates(null, 1, rein::reweight::batch_rate_and_derivative{}, edges, gauss_legendre(), gauss_legendre()),
                  rein::invalid_argument);
  CHECK_THROWS_AS(batch_rates(null, 1, [](auto&, auto*, auto&) {}, {}, edges, gauss_legendre(), gauss_legendre(), 0.0),
                  rein::invalid_argument);
}

TEST_CASE("batch_rates: a rate that does not hand over its values, or hands over a non-finite one, is told apart") {
  const batch_rates silent(null, 1, [](auto&, auto*, auto&) {}, {}, edges, gauss_legendre(), gauss_legendre());
  std::vector<double> integrals(2);
  const double theta = 1.0;
  CHECK_THROWS_WITH_AS(silent.alternative_integrals(&theta, integrals.data(), nullptr),
                       "rein::reweight::batch_rates: the rate callable returned without handing over its values", rein::invalid_argument);
  // a value that is not finite makes its bin's integral not finite, and take says so
  bool finite = true;
  const batch_rates one_nan(
      null, 1,
      [&](const std::vector<double>& q2, const double*, const rein::reweight::node_values& take) {
        std::vector<double> v(q2.size(), 1.0);
        v[q2.size() - 1] = std::nan("");
        finite = take(v.data());
      },
      {}, edges, gauss_legendre(), gauss_legendre());
  one_nan.alternative_integrals(&theta, integrals.data(), nullptr);
  CHECK_FALSE(finite);
  CHECK(std::isnan(integrals[1]));
}

}  // namespace batch_rates_test
