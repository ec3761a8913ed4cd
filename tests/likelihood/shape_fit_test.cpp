#include "rein/likelihood/shape_fit.hpp"

#include "rein/core/binning.hpp"
#include "rein/core/histogram.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace shape_fit_test {

namespace {

using rein::likelihood::make_shape_fit_model;
using rein::likelihood::parametric_shape;
using rein::likelihood::shape_component;
using rein::likelihood::shape_kind;

parametric_shape gaussian(double mu, double sigma, bool fixed) {
  parametric_shape s;
  s.name = "peak";
  s.kind = shape_kind::gaussian;
  s.parameters = {{"mu", mu, 0.0, 10.0, fixed}, {"sigma", sigma, 0.05, 5.0, fixed}};
  return s;
}

rein::histogram uniform_histogram(std::size_t bins, double lo, double hi) {
  return rein::histogram(rein::binning(rein::make_uniform_axis(bins, lo, hi, "x")));
}

// Φ(z), written from erfc so that it shares nothing with the header's bin integrals
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("shape_fit: expected yields are N times the normalised Gaussian bin probabilities") {
    // Reference: N (Φ(z_{i+1}) − Φ(z_i)) / (Φ(z_n) − Φ(z_0)), z = (edge − μ)/σ, from std::erfc.
    // Tolerance 1e-12 relative: both are O(1) sums of erf values.
    auto data = uniform_histogram(8, 2.0, 6.0);
    data.fill(4.1);
    const auto model = make_shape_fit_model(data, {{"sig", gaussian(4.2, 0.7, false), {"n", 120.0, 0.0, 1000.0}}});
    const auto expected = model.expected_main(model.parameters().inits());
    const auto& edges = data.bins().axis(0).edges();
    const double norm = normal_cdf((6.0 - 4.2) / 0.7) - normal_cdf((2.0 - 4.2) / 0.7);
    REQUIRE(expected.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) {
      const double p = (normal_cdf((edges[i + 1] - 4.2) / 0.7) - normal_cdf((edges[i] - 4.2) / 0.7)) / norm;
      REIN_CHECK_REL(expected[static_cast<Eigen::Index>(i)], 120.0 * p, 1e-12);
    }
  }

  TEST_CASE("shape_fit: with the shape fixed, the yield's estimate is the histogram total and its error its root") {
    // Extended likelihood with Σ_i f_i = 1: ∂/∂N [N − Σ n_i log(N f_i)] = 0 at N̂ = Σ n_i, and the
    // Hessian Σ n_i / N̂² gives σ(N̂) = √(Σ n_i). Tolerance 1e-6 relative: the minimiser's
    // convergence, not rounding.
    auto data = uniform_histogram(20, 0.0, 10.0);
    std::mt19937_64 rng(11);
    for (int k = 0; k < 347; ++k) data.fill(rein::normal(rng, 5.0, 1.5));
    const double total = data.total();
    const auto model = make_shape_fit_model(data, {{"sig", gaussian(5.0, 1.5, true), {"n", 100.0, 0.0, 2000.0}}});
    const auto fit = rein::fit::fit(model);
    REQUIRE(fit.ok());
    const auto n = static_cast<Eigen::Index>(model.parameters().index("n"));
    REIN_CHECK_REL(fit.values[n], total, 1e-6);
    REIN_CHECK_REL(fit.errors[n], std::sqrt(total), 1e-4);
  }

  TEST_CASE("shape_fit: a peak over a flat background is fitted back near the generated values") {
    // 2000 Gaussian events (μ = 5, σ = 0.5) over 3000 flat ones on [0, 10], seed 3: the fit must
    // give each parameter within 3 of its own errors (a 3σ check; the pulls over many toys are
    // in parametric_shape_test).
    auto data = uniform_histogram(50, 0.0, 10.0);
    std::mt19937_64 rng(3);
    for (int k = 0; k < 2000; ++k) data.fill(rein::normal(rng, 5.0, 0.5));
    for (int k = 0; k < 3000; ++k) data.fill(10.0 * rein::uniform01(rng));
    parametric_shape flat;
    flat.name = "flat";
    flat.kind = shape_kind::bernstein;
    flat.parameters = {{"c0", 1.0, 0.0, 10.0, true}};
    const auto model = make_shape_fit_model(data, {{"sig", gaussian(4.7, 0.7, false), {"n_sig", 1000.0, 0.0, 10000.0}},
                                                   {"bkg", flat, {"n_bkg", 1000.0, 0.0, 10000.0}}});
    CHECK(model.parameters().poi_index() == model.parameters().index("n_sig"));
    const auto fit = rein::fit::fit(model);
    REQUIRE(fit.ok());
    const auto& layout = model.parameters();
    for (const auto& [name, truth] : std::vector<std::pair<std::string, double>>{
             {"n_sig", 2000.0}, {"n_bkg", 3000.0}, {"mu", 5.0}, {"sigma", 0.5}}) {
      const auto i = static_cast<Eigen::Index>(layout.index(name));
      INFO(name << " = " << fit.values[i] << " +- " << fit.errors[i]);
      CHECK(std::abs(fit.values[i] - truth) < 3 * fit.errors[i]);
    }
  }

  TEST_CASE("shape_fit: bad histograms and components are rejected with the bin, component and value") {
    const auto component = [] { return shape_component{"sig", gaussian(5.0, 1.0, false), {"n", 10.0, 0.0, 100.0}}; };
    const auto message = [](auto&& call) {
      try {
        call();
      } catch (const rein::invalid_argument& e) {
        return std::string(e.what());
      }
      return std::string("no exception");
    };

    auto empty = uniform_histogram(10, 0.0, 10.0);
    empty.fill(12.0);  // outside the range: still empty inside
    const auto empty_message = message([&] { (void)make_shape_fit_model(empty, {component()}); });
    CHECK(empty_message.find("histogram is empty") != std::string::npos);
    CHECK(empty_message.find("1 entries outside") != std::string::npos);

    rein::histogram two_d(rein::binning({rein::make_uniform_axis(2, 0, 1), rein::make_uniform_axis(2, 0, 1)}));
    two_d.fill({0.5, 0.5});
    CHECK(message([&] { (void)make_shape_fit_model(two_d, {component()}); }).find("has 2 axes") != std::string::npos);

    auto negative = uniform_histogram(4, 0.0, 10.0);
    negative.fill(1.0, 2.0);
    negative.fill(6.0, -1.0);
    const auto negative_message = message([&] { (void)make_shape_fit_model(negative, {component()}); });
    CHECK(negative_message.find("bin 2 has sum of weights -1") != std::string::npos);

    auto data = uniform_histogram(10, 0.0, 10.0);
    data.fill(5.0);
    CHECK(message([&] { (void)make_shape_fit_model(data, {}); }).find("no components") != std::string::npos);
    auto other_edges = component();
    other_edges.shape.edges = {0.0, 5.0, 10.0};
    CHECK(message([&] { (void)make_shape_fit_model(data, {other_edges}); }).find("edges other than the histogram's") !=
          std::string::npos);
    auto unnamed = component();
    unnamed.sample.clear();
    CHECK(message([&] { (void)make_shape_fit_model(data, {unnamed}); }).find("empty sample name") != std::string::npos);
    auto zero_width = component();
    zero_width.shape.parameters[1].lower = 0.0;
    CHECK(message([&] { (void)make_shape_fit_model(data, {zero_width}); }).find("must be > 0") != std::string::npos);
  }
}
}  // namespace shape_fit_test
