#include "rein/likelihood/parametric_shape.hpp"

#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using rein::likelihood::parametric_shape;
using rein::likelihood::parametric_shape_function;
using rein::likelihood::shape_kind;
using rein::likelihood::shape_parameter;

std::vector<double> linspace(double lo, double hi, std::size_t bins) {
  std::vector<double> e(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) e[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(bins);
  return e;
}

parametric_shape make_spec(shape_kind kind, std::vector<double> edges, const std::vector<double>& values) {
  parametric_shape spec;
  spec.name = "shape";
  spec.kind = kind;
  spec.edges = std::move(edges);
  for (std::size_t k = 0; k < values.size(); ++k) {
    shape_parameter p;
    p.name = "p" + std::to_string(k);
    p.init = values[k];
    if (kind == shape_kind::bernstein) p.lower = 0;
    if (kind == shape_kind::gaussian && k == 1) p.lower = 1e-6;
    if (kind == shape_kind::crystal_ball && k >= 1) p.lower = k == 3 || k == 5 ? 1.0 + 1e-6 : 1e-6;  // n > 1, σ, α > 0
    spec.parameters.push_back(p);
  }
  spec.targets.push_back({"SR", "sig", 0, 0});
  return spec;
}

// Independent densities (written from the textbook definitions, not from the header's integrals).
double gaussian_pdf(double x, const std::vector<double>& p) {
  const double z = (x - p[0]) / p[1];
  return std::exp(-0.5 * z * z);
}
double exponential_pdf(double x, const std::vector<double>& p) { return std::exp(p[0] * x); }
double bernstein_pdf(double x, const std::vector<double>& c, double lo, double hi) {
  const double t = (x - lo) / (hi - lo);
  const int n = static_cast<int>(c.size()) - 1;
  double v = 0;
  for (int k = 0; k <= n; ++k) {
    double binomial = 1;
    for (int j = 1; j <= k; ++j) binomial = binomial * (n - k + j) / j;
    v += c[static_cast<std::size_t>(k)] * binomial * std::pow(t, k) * std::pow(1 - t, n - k);
  }
  return v;
}
// double-sided Crystal Ball: A (B − z)^−n below −α_L, A' (B' + z)^−n' above α_R (RooCrystalBall)
double crystal_ball_pdf(double x, const std::vector<double>& p) {
  const double z = (x - p[0]) / p[1], al = p[2], nl = p[3], ar = p[4], nr = p[5];
  if (z < -al) {
    const double a = std::pow(nl / al, nl) * std::exp(-0.5 * al * al), b = nl / al - al;
    return a * std::pow(b - z, -nl);
  }
  if (z > ar) {
    const double a = std::pow(nr / ar, nr) * std::exp(-0.5 * ar * ar), b = nr / ar - ar;
    return a * std::pow(b + z, -nr);
  }
  return std::exp(-0.5 * z * z);
}

// Reference fractions: adaptive 31-point Gauss–Kronrod at relative tolerance 1e-14 per bin, each
// bin split at the given break points (the Crystal Ball joins) so the integrand is smooth.
std::vector<double> reference_fractions(const std::function<double(double)>& pdf, const std::vector<double>& edges,
                                        std::vector<double> breaks = {}) {
  using boost::math::quadrature::gauss_kronrod;
  std::vector<double> q(edges.size() - 1);
  double total = 0;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    std::vector<double> points{edges[i]};
    for (double b : breaks)
      if (b > edges[i] && b < edges[i + 1]) points.push_back(b);
    points.push_back(edges[i + 1]);
    for (std::size_t j = 0; j + 1 < points.size(); ++j)
      q[i] += gauss_kronrod<double, 31>::integrate(pdf, points[j], points[j + 1], 20, 1e-14);
    total += q[i];
  }
  for (auto& v : q) v /= total;
  return q;
}

std::vector<double> factors_of(const parametric_shape_function& f, const std::vector<double>& x) {
  std::vector<double> out(f.outputs());
  f.evaluate(x.data(), out.data(), nullptr);
  return out;
}

void check_against_quadrature(const parametric_shape& spec, const std::vector<double>& x,
                              const std::function<double(double)>& pdf, std::vector<double> breaks = {}) {
  const parametric_shape_function f(spec);
  const auto got = factors_of(f, x);
  const auto ref = reference_fractions(pdf, spec.edges, std::move(breaks));
  // with and without the Jacobian the factors are the same computation (dual values = doubles)
  std::vector<double> with(f.outputs()), jac(f.outputs() * f.inputs());
  f.evaluate(x.data(), with.data(), jac.data());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    INFO("shape " << std::string(rein::likelihood::to_string(spec.kind)) << ", bin " << i);
    // GK at 1e-14 per bin is accurate to ~1e-14 relative; our closed forms (erf/erfc
    // differences, expm1, power laws) to a few 1e-15: 1e-10 relative leaves a wide margin.
    REIN_CHECK_REL(got[i], ref[i], 1e-10);
    REIN_CHECK_REL(with[i], got[i], 1e-14);
  }
}

// Central differences with step h = 1e-5·max(1, |x_k|): truncation h²·f''' ≲ 1e-9 and rounding
// ε/h ≲ 1e-10 for factors of order 1 and derivatives of order 10: abs tolerance 1e-7.
void check_jacobian(const parametric_shape& spec, const std::vector<double>& x) {
  const parametric_shape_function f(spec);
  const std::size_t n = f.inputs(), m = f.outputs();
  std::vector<double> factors(m), jac(m * n);
  f.evaluate(x.data(), factors.data(), jac.data());
  for (std::size_t k = 0; k < n; ++k) {
    const double h = 1e-5 * std::max(1.0, std::abs(x[k]));
    auto up = x, down = x;
    up[k] += h, down[k] -= h;
    const auto fu = factors_of(f, up), fd = factors_of(f, down);
    for (std::size_t i = 0; i < m; ++i) {
      INFO("shape " << std::string(rein::likelihood::to_string(spec.kind)) << ", bin " << i << ", parameter " << k);
      REIN_CHECK_ABS(jac[i * n + k], (fu[i] - fd[i]) / (2 * h), 1e-7);
    }
  }
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const rein::invalid_argument& e) {
    return e.what();
  }
  return "(no rein::invalid_argument thrown)";
}

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("parametric_shape: Gaussian bin fractions match Gauss-Kronrod quadrature") {
    const auto edges = linspace(0, 10, 20);
    for (const std::vector<double>& x : {std::vector<double>{4.3, 1.1}, {9.5, 0.4}, {-2.0, 1.5}, {5.0, 0.05}})
      check_against_quadrature(make_spec(shape_kind::gaussian, edges, x), x,
                               [&](double v) { return gaussian_pdf(v, x); }, {x[0]});
  }

  TEST_CASE("parametric_shape: exponential bin fractions match Gauss-Kronrod quadrature") {
    const auto edges = linspace(1, 6, 25);
    for (const double lambda : {-0.7, 0.3, 1e-9, 0.0, -4.0, 0.2})
      check_against_quadrature(make_spec(shape_kind::exponential, edges, {lambda}), {lambda},
                               [&](double v) { return exponential_pdf(v, {lambda}); });
  }

  TEST_CASE("parametric_shape: Bernstein bin fractions match Gauss-Kronrod quadrature") {
    const auto edges = linspace(-1, 3, 16);
    for (const std::vector<double>& c :
         {std::vector<double>{2.0}, {1.0, 0.5, 2.0, 0.3}, {0.0, 1.0, 0.0, 0.0, 3.0, 0.2}, {1.0, 0.0}})
      check_against_quadrature(make_spec(shape_kind::bernstein, edges, c), c,
                               [&](double v) { return bernstein_pdf(v, c, -1, 3); });
  }

  TEST_CASE("parametric_shape: Crystal Ball bin fractions match Gauss-Kronrod quadrature, tails included") {
    const auto edges = linspace(0, 10, 40);
    for (const std::vector<double>& p : {std::vector<double>{5.0, 0.8, 1.2, 3.0, 2.0, 5.0},
                                        {5.0, 0.5, 0.5, 1.5, 0.8, 10.0},   // heavy left tail
                                        {2.0, 0.3, 2.5, 1.1, 0.3, 1.3},    // n near 1, long right tail
                                        {7.3, 1.7, 0.9, 20.0, 1.4, 2.0}})
      check_against_quadrature(make_spec(shape_kind::crystal_ball, edges, p), p,
                               [&](double v) { return crystal_ball_pdf(v, p); },
                               {p[0] - p[2] * p[1], p[0], p[0] + p[4] * p[1]});
  }

  TEST_CASE("parametric_shape: Jacobian matches central finite differences") {
    check_jacobian(make_spec(shape_kind::gaussian, linspace(0, 10, 20), {4.3, 1.1}), {4.3, 1.1});
    check_jacobian(make_spec(shape_kind::gaussian, linspace(0, 10, 20), {9.5, 0.7}), {9.5, 0.7});
    check_jacobian(make_spec(shape_kind::exponential, linspace(1, 6, 25), {-0.7}), {-0.7});
    check_jacobian(make_spec(shape_kind::exponential, linspace(1, 6, 25), {1e-4}), {1e-4});
    check_jacobian(make_spec(shape_kind::bernstein, linspace(-1, 3, 16), {1.0, 0.5, 2.0, 0.3}), {1.0, 0.5, 2.0, 0.3});
    // cb2 puts the left join μ − α_L σ = 4.75 exactly on a bin edge (a tie the pieces must handle)
    const std::vector<double> cb1{5.0, 0.8, 1.2, 3.0, 2.0, 5.0}, cb2{5.0, 0.5, 0.5, 1.5, 0.8, 10.0};
    check_jacobian(make_spec(shape_kind::crystal_ball, linspace(0, 10, 40), cb1), cb1);
    check_jacobian(make_spec(shape_kind::crystal_ball, linspace(0, 10, 40), cb2), cb2);
  }

  TEST_CASE("parametric_shape: fractions sum to 1 and the Jacobian rows sum to 0") {
    const std::vector<double> p{5.0, 0.8, 1.2, 3.0, 2.0, 5.0};
    const parametric_shape_function f(make_spec(shape_kind::crystal_ball, linspace(0, 10, 40), p));
    std::vector<double> factors(f.outputs()), jac(f.outputs() * f.inputs());
    f.evaluate(p.data(), factors.data(), jac.data());
    double sum = 0;
    for (double v : factors) sum += v;
    REIN_CHECK_ABS(sum, 1.0, 1e-14);  // 40 terms of ≤ 1, rounding ≲ 40ε
    for (std::size_t k = 0; k < f.inputs(); ++k) {
      double column = 0;
      for (std::size_t i = 0; i < f.outputs(); ++i) column += jac[i * f.inputs() + k];
      REIN_CHECK_ABS(column, 0.0, 1e-12);  // Σ f = 1 exactly, so Σ ∂f = 0 up to rounding
    }
  }

  TEST_CASE("parametric_shape: toy fits of a Gaussian peak over an exponential background have unit pulls") {
    constexpr std::size_t bins = 40;
    const auto edges = linspace(0, 10, bins);
    const auto ws = rein::likelihood::workspace_builder()
                        .channel("SR", bins)
                        .sample("sig", std::vector<double>(bins, 400.0)).normfactor("mu_sig")
                        .sample("bkg", std::vector<double>(bins, 2000.0)).normfactor("mu_bkg")
                        .observation("SR", std::vector<double>(bins, 60.0))
                        .measurement("meas", "mu_sig").bounds("mu_sig", 0, 5).bounds("mu_bkg", 0, 5)
                        .build();
    parametric_shape peak;
    peak.name = "peak";
    peak.kind = shape_kind::gaussian;
    peak.edges = edges;
    peak.parameters = {{"mean", 5.0, 2.0, 8.0}, {"width", 0.6, 0.1, 3.0}};
    peak.targets = {{"SR", "sig", 0, 0}};
    parametric_shape slope;
    slope.name = "slope";
    slope.kind = shape_kind::exponential;
    slope.edges = edges;
    slope.parameters = {{"lambda", -0.2, -2.0, 2.0}};
    slope.targets = {{"SR", "bkg", 0, 0}};
    const auto model = rein::likelihood::make_model(
        ws, {}, {rein::likelihood::make_parametric_shape(peak), rein::likelihood::make_parametric_shape(slope)});
    const auto& layout = model.parameters();
    Eigen::VectorXd truth = layout.inits();
    const std::vector<std::pair<std::string, double>> true_values{
        {"mu_sig", 1.0}, {"mu_bkg", 1.0}, {"mean", 5.0}, {"width", 0.6}, {"lambda", -0.2}};
    for (const auto& [name, value] : true_values) truth[static_cast<Eigen::Index>(layout.index(name))] = value;
    const Eigen::VectorXd expected = model.expected_main(truth);

    constexpr int toys = 200;
    std::mt19937_64 rng(20260703);
    std::vector<double> sum(true_values.size(), 0.0), sum2(true_values.size(), 0.0);
    int ok = 0;
    for (int t = 0; t < toys; ++t) {
      rein::likelihood::dataset data = model.observed();
      for (Eigen::Index b = 0; b < expected.size(); ++b) data.main[b] = rein::poisson(rng, expected[b]);
      rein::fit::fit_options options;
      options.start = truth;
      const auto r = rein::fit::fit(model, data, options);
      if (!r.ok() || !r.covariance_ok) continue;
      ++ok;
      for (std::size_t k = 0; k < true_values.size(); ++k) {
        const auto i = static_cast<Eigen::Index>(layout.index(true_values[k].first));
        const double pull = (r.values[i] - true_values[k].second) / r.errors[i];
        sum[k] += pull, sum2[k] += pull * pull;
      }
    }
    REQUIRE(ok == toys);  // every toy fit converges with a positive-definite Hessian
    for (std::size_t k = 0; k < true_values.size(); ++k) {
      const double mean = sum[k] / toys, width = std::sqrt(sum2[k] / toys - mean * mean);
      INFO(true_values[k].first << ": pull mean " << mean << ", width " << width);
      // 3σ bounds for 200 unit-normal pulls: σ(mean) = 1/√200, σ(width) ≈ 1/√(2·200)
      CHECK(std::abs(mean) < 3 / std::sqrt(200.0));
      CHECK(std::abs(width - 1) < 3 / std::sqrt(400.0));
    }
  }

  TEST_CASE("parametric_shape: a zero or underflowing normalisation gives NaN and a non_finite fit") {
    constexpr std::size_t bins = 10;
    const auto edges = linspace(0, 10, bins);
    {
      auto spec = make_spec(shape_kind::bernstein, edges, {0.0, 0.0, 0.0});
      const parametric_shape_function f(spec);
      const auto factors = factors_of(f, {0.0, 0.0, 0.0});
      CHECK(std::isnan(factors[0]));
    }
    {  // a Gaussian 10⁴ widths outside the range: every bin integral underflows to 0
      auto spec = make_spec(shape_kind::gaussian, edges, {1000.0, 0.1});
      const parametric_shape_function f(spec);
      std::vector<double> factors(bins), jac(2 * bins);
      const std::vector<double> x{1000.0, 0.1};
      f.evaluate(x.data(), factors.data(), jac.data());
      CHECK(std::isnan(factors[3]));
      CHECK(std::isnan(jac[7]));
    }
    const auto ws = rein::likelihood::workspace_builder()
                        .channel("SR", bins)
                        .sample("sig", std::vector<double>(bins, 100.0)).normfactor("mu")
                        .observation("SR", std::vector<double>(bins, 10.0))
                        .measurement("meas", "mu")
                        .build();
    auto spec = make_spec(shape_kind::bernstein, edges, {0.0, 0.0});
    spec.parameters[0].fixed = spec.parameters[1].fixed = true;
    const auto model = rein::likelihood::make_model(ws, {}, {rein::likelihood::make_parametric_shape(spec)});
    // model::nll returns +∞ for a NaN (or negative) expected yield
    CHECK(model.nll(model.parameters().inits()) == std::numeric_limits<double>::infinity());
    const auto r = rein::fit::fit(model);
    CHECK(r.status == rein::fit::fit_status::non_finite);
  }

  TEST_CASE("parametric_shape: bad input is rejected with a message naming shape, parameter and value") {
    const auto edges = linspace(0, 10, 5);
    using rein::likelihood::make_parametric_shape;
    auto expect = [](parametric_shape spec, const std::string& text) {
      const std::string message = message_of([&] { (void)make_parametric_shape(spec); });
      INFO(message);
      CHECK(message.find(text) != std::string::npos);
      CHECK(message.find("shape 'shape'") != std::string::npos);
    };
    auto s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.edges = {0, 1, 1, 2};
    expect(s, "edges[2] = 1 is not greater than edges[1] = 1, edges must be strictly increasing");
    s.edges = {0, 2, 1};
    expect(s, "edges[2] = 1 is not greater than edges[1] = 2");
    s.edges = {0, std::numeric_limits<double>::quiet_NaN()};
    expect(s, "edges[1] = nan, must be finite");
    s.edges = {3};
    expect(s, "has 1 edges, needs at least 2");

    expect(make_spec(shape_kind::gaussian, edges, {5, 1, 2}), "(gaussian) has 3 parameters, needs 2");
    expect(make_spec(shape_kind::crystal_ball, edges, {5, 1, 1, 2}), "(crystal_ball) has 4 parameters, needs 6");
    expect(make_spec(shape_kind::exponential, edges, {}), "(exponential) has 0 parameters, needs 1");
    expect(make_spec(shape_kind::bernstein, edges, {}), "(bernstein) has 0 parameters, needs 1 or more");

    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.parameters[1].lower = 0;
    expect(s, "parameter 1 (sigma, 'p1') lower bound = 0, must be > 0");
    s = make_spec(shape_kind::crystal_ball, edges, {5, 1, 1, 2, 1, 2});
    s.parameters[3].lower = 1;
    expect(s, "parameter 3 (n_left, 'p3') lower bound = 1, must be > 1");
    s = make_spec(shape_kind::bernstein, edges, {1, 1});
    s.parameters[1].lower = -0.5;
    expect(s, "parameter 1 (c_1, 'p1') lower bound = -0.5, must be >= 0");
    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.parameters[0].upper = 4;
    expect(s, "parameter 0 (mu, 'p0') has init 5 and bounds [-inf, 4], needs lower <= init <= upper");
    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.parameters[0].init = std::numeric_limits<double>::infinity();
    expect(s, "parameter 0 (mu, 'p0') init = inf, must be finite");
    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.parameters[1].name = "";
    expect(s, "parameter 1 (sigma, '') has an empty name");
    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.targets.clear();
    expect(s, "has no targets");
    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.targets[0].sample = "";
    expect(s, "target 0 has channel 'SR' and sample '', both must be named");
  }

  TEST_CASE("parametric_shape: make_model rejects a target whose bins differ from the shape's") {
    const auto ws = rein::likelihood::workspace_builder()
                        .channel("SR", 3)
                        .sample("sig", {1, 1, 1}).normfactor("mu")
                        .observation("SR", {1, 1, 1})
                        .measurement("meas", "mu")
                        .build();
    const auto m = rein::likelihood::make_parametric_shape(make_spec(shape_kind::gaussian, linspace(0, 1, 4), {0.5, 1}));
    CHECK_THROWS_AS((void)rein::likelihood::make_model(ws, {}, {m}), rein::invalid_argument);
  }
}
