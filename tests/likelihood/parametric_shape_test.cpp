#include "rein/likelihood/parametric_shape.hpp"

#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/message.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace parametric_shape_test {

namespace {

using rein::test::message_of;

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
    if (kind == shape_kind::johnson_su && (k == 1 || k == 3)) p.lower = 1e-6;                      // λ, δ > 0
    if (kind == shape_kind::argus && k != 1) p.lower = k == 0 ? 1e-6 : -1.0 + 1e-6;                // m0 > 0, p > −1
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

// Johnson S_U (scipy.stats.johnsonsu, RooJohnson): δ/(λ√(2π)) (1 + u²)^{−1/2} e^{−(γ + δ asinh u)²/2},
// u = (x − μ)/λ
double johnson_su_pdf(double x, const std::vector<double>& p) {
  const double u = (x - p[0]) / p[1], z = p[2] + p[3] * std::asinh(u);
  return p[3] / (p[1] * std::sqrt(2 * std::acos(-1.0))) / std::sqrt(1 + u * u) * std::exp(-0.5 * z * z);
}
// Chebyshev series 1 + Σ a_k T_k(t), T_k(cos θ) = cos kθ, t = 2(x − lo)/(hi − lo) − 1 (RooChebychev).
// θ = arccos t is taken as 2 arcsin √((1 − t)/2) or π − 2 arcsin √((1 + t)/2), with 1 ∓ t from x
// directly: arccos t itself loses digits near t = ±1, enough to stall the 1e-14 quadrature.
double chebyshev_pdf(double x, const std::vector<double>& a, double lo, double hi) {
  const double above = std::clamp((x - lo) / (hi - lo), 0.0, 1.0), below = std::clamp((hi - x) / (hi - lo), 0.0, 1.0);
  const double theta =
      below < 0.5 ? 2 * std::asin(std::sqrt(below)) : std::acos(-1.0) - 2 * std::asin(std::sqrt(above));
  double v = 1;
  for (std::size_t k = 1; k <= a.size(); ++k) v += a[k - 1] * std::cos(static_cast<double>(k) * theta);
  return v;
}
// ARGUS (RooArgusBG) x (1 − x²/m0²)^p e^{c (1 − x²/m0²)} for 0 ≤ x < m0, 0 elsewhere; p = {m0, c, p}
double argus_pdf(double x, const std::vector<double>& p) {
  if (x < 0 || x >= p[0]) return 0;
  const double u = 1 - x * x / (p[0] * p[0]);
  return x * std::pow(u, p[2]) * std::exp(p[1] * u);
}
// The same at x = m0 − d, with 1 − x²/m0² written d (2 m0 − d)/m0² (exact near the endpoint)
double argus_pdf_below_endpoint(double d, const std::vector<double>& p) {
  const double m0 = p[0], u = d * (2 * m0 - d) / (m0 * m0);
  return (m0 - d) * std::pow(u, p[2]) * std::exp(p[1] * u);
}

// ∫_a^b f by adaptive 31-point Gauss–Kronrod at relative tolerance 1e-14, depth ≤ 20, mapped onto
// [0, 1]: Boost 1.74 compares the tolerance times the integral over [a, b] with an error floor
// 2ε|∫ over [−1, 1]| that does not scale with (b − a)/2, so on intervals shorter than ~0.09 it
// never meets 1e-14 and bisects to the full depth (2^20 panels per bin).
double gk_integrate(const std::function<double(double)>& f, double a, double b) {
  using boost::math::quadrature::gauss_kronrod;
  const double w = b - a;
  return w * gauss_kronrod<double, 31>::integrate([&](double t) { return f(a + w * t); }, 0.0, 1.0, 20, 1e-14);
}

// Reference fractions: adaptive 31-point Gauss–Kronrod at relative tolerance 1e-14 per bin, each
// bin split at the given break points (the Crystal Ball joins) so the integrand is smooth.
std::vector<double> reference_fractions(const std::function<double(double)>& pdf, const std::vector<double>& edges,
                                        std::vector<double> breaks = {}) {
  std::vector<double> q(edges.size() - 1);
  double total = 0;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    std::vector<double> points{edges[i]};
    for (double b : breaks)
      if (b > edges[i] && b < edges[i + 1]) points.push_back(b);
    points.push_back(edges[i + 1]);
    for (std::size_t j = 0; j + 1 < points.size(); ++j)
      q[i] += gk_integrate(pdf, points[j], points[j + 1]);
    total += q[i];
  }
  for (auto& v : q) v /= total;
  return q;
}

// ARGUS reference fractions: each bin clipped to [0, m0]; a piece that ends at m0 is integrated in
// s with x = m0 − s^k, where (m0 − x)^p dx = k s^{k(p+1) − 1} ds is smooth for the k given
// (k(p + 1) a positive integer); other pieces in x. Gauss–Kronrod as above.
std::vector<double> argus_reference(const std::vector<double>& p, const std::vector<double>& edges, int k) {
  const double m0 = p[0];
  std::vector<double> q(edges.size() - 1);
  double total = 0;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double a = std::max(edges[i], 0.0), b = std::min(edges[i + 1], m0);
    if (!(a < b)) continue;
    if (b < m0) {
      q[i] = gk_integrate([&](double x) { return argus_pdf(x, p); }, a, b);
    } else {
      const double kd = k;
      auto in_s = [&](double s) { return kd * std::pow(s, kd - 1) * argus_pdf_below_endpoint(std::pow(s, kd), p); };
      q[i] = gk_integrate(in_s, 0.0, std::pow(m0 - a, 1 / kd));
    }
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

void check_against_reference(const parametric_shape& spec, const std::vector<double>& x,
                             const std::vector<double>& ref) {
  const parametric_shape_function f(spec);
  const auto got = factors_of(f, x);
  // with and without the Jacobian the factors are the same computation (dual values = doubles),
  // except that ARGUS's dual series and continued fraction run until the derivatives converge
  // too, i.e. a few terms longer: ≲ 1e-15 per edge, times the bin differences' cancellation
  const double same = spec.kind == shape_kind::argus ? 1e-13 : 1e-14;
  std::vector<double> with(f.outputs()), jac(f.outputs() * f.inputs());
  f.evaluate(x.data(), with.data(), jac.data());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    INFO("shape " << std::string(rein::likelihood::to_string(spec.kind)) << ", bin " << i);
    // GK at 1e-14 per bin is accurate to ~1e-14 relative; our closed forms (erf/erfc
    // differences, expm1, power laws) to a few 1e-15, the Chebyshev divided differences and the
    // ARGUS incomplete-gamma series and continued fraction to ~1e-15 per edge, their bin
    // differences losing at most ~3 digits here: 1e-10 relative leaves a wide margin. A bin the
    // shape gives 0 (ARGUS above m0) must be exactly 0.
    REIN_CHECK_REL(got[i], ref[i], 1e-10);
    REIN_CHECK_REL(with[i], got[i], same);
  }
}

void check_against_quadrature(const parametric_shape& spec, const std::vector<double>& x,
                              const std::function<double(double)>& pdf, std::vector<double> breaks = {}) {
  check_against_reference(spec, x, reference_fractions(pdf, spec.edges, std::move(breaks)));
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

  TEST_CASE("parametric_shape: Johnson SU bin fractions match Gauss-Kronrod quadrature, far tails included") {
    const auto edges = linspace(-5, 10, 30);
    for (const std::vector<double>& p : {std::vector<double>{1.0, 2.0, 0.5, 1.5},
                                        {3.0, 0.5, -1.0, 0.7},  // skewed, heavy tails
                                        {0.0, 1.0, 0.0, 1.0},   // symmetric about 0
                                        {30.0, 0.5, -2.0, 2.0},  // whole range in the left tail, z ≈ −12 … −10.8
                                        {-40.0, 3.0, 1.0, 3.0}})  // whole range in the right tail, z ≈ 8.7 … 10.8
      check_against_quadrature(make_spec(shape_kind::johnson_su, edges, p), p,
                               [&](double v) { return johnson_su_pdf(v, p); }, {p[0]});
  }

  TEST_CASE("parametric_shape: Chebyshev bin fractions match Gauss-Kronrod quadrature") {
    for (const std::vector<double>& a : {std::vector<double>{0.3}, {0.0}, {0.2, -0.3, 0.1},
                                        {0.5, 0.2, -0.1, 0.05, 0.02, -0.01, 0.01}})
      check_against_quadrature(make_spec(shape_kind::chebyshev, linspace(2, 7, 25), a), a,
                               [&](double v) { return chebyshev_pdf(v, a, 2, 7); });
    // degree 12 on 400 narrow bins (no cancellation between neighbouring antiderivatives)
    const std::vector<double> a{0.1, -0.2, 0.05, 0.1, -0.05, 0.03, 0.02, -0.02, 0.01, 0.01, -0.01, 0.005};
    check_against_quadrature(make_spec(shape_kind::chebyshev, linspace(-1, 1, 400), a), a,
                             [&](double v) { return chebyshev_pdf(v, a, -1, 1); });
  }

  TEST_CASE("parametric_shape: ARGUS bin fractions match Gauss-Kronrod quadrature, across and above the endpoint") {
    // each: edges, {m0, c, p}, k with k(p + 1) an integer (argus_reference)
    struct point {
      std::vector<double> edges, p;
      int k;
    };
    const std::vector<point> points{
        {linspace(0, 1.2, 24), {0.987, -20.0, 0.5}, 2},   // series near m0, continued fraction below x ≈ 0.92
        {linspace(0, 1.2, 24), {0.987, -60.0, 0.5}, 2},   // fractions down to e^{−60}: the H differences
        {linspace(0, 1.2, 24), {0.987, 3.0, -0.5}, 2},    // c > 0, p < 0 (integrable singularity at m0)
        {linspace(0, 1.2, 24), {0.987, 0.0, 1.3}, 10},    // c = 0: u^{p+1}/(p+1)
        {linspace(0, 1.2, 24), {0.987, -8.0, 3.0}, 1},    // p = 3
        {linspace(-0.3, 1.2, 15), {1.05, -5.0, 0.5}, 2},  // bins below 0 (density 0 there) and across 0
        {linspace(5.2, 5.3, 40), {5.2893, -20.0, 0.5}, 2},  // B-meson Mbc: m0 inside bin 35, bins 36..39 above
        {linspace(5.2, 5.3, 40), {5.2893, -150.0, 0.5}, 2}};
    for (const auto& pt : points) {
      INFO("m0 " << pt.p[0] << ", c " << pt.p[1] << ", p " << pt.p[2]);
      const auto spec = make_spec(shape_kind::argus, pt.edges, pt.p);
      check_against_reference(spec, pt.p, argus_reference(pt.p, pt.edges, pt.k));
    }
    // above the endpoint the factors and their derivatives are exactly 0
    const std::vector<double> p{5.2893, -20.0, 0.5};
    const parametric_shape_function f(make_spec(shape_kind::argus, linspace(5.2, 5.3, 40), p));
    std::vector<double> factors(f.outputs()), jac(f.outputs() * 3);
    f.evaluate(p.data(), factors.data(), jac.data());
    CHECK(factors[35] > 0);
    for (std::size_t i = 36; i < 40; ++i) {
      CHECK(factors[i] == 0);
      for (std::size_t k = 0; k < 3; ++k) CHECK(jac[i * 3 + k] == 0);
    }
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
    for (const std::vector<double>& p :
         {std::vector<double>{1.0, 2.0, 0.5, 1.5}, {3.0, 0.5, -1.0, 0.7}, {30.0, 0.5, -2.0, 2.0}})
      check_jacobian(make_spec(shape_kind::johnson_su, linspace(-5, 10, 30), p), p);
    check_jacobian(make_spec(shape_kind::chebyshev, linspace(2, 7, 25), {0.2, -0.3, 0.1}), {0.2, -0.3, 0.1});
    check_jacobian(make_spec(shape_kind::chebyshev, linspace(2, 7, 25), {0.4}), {0.4});
    // ARGUS on 12 bins of [0, 1.2], m0 = 0.987 inside bin 9: the series (c ≥ 0 and c < 0), the
    // continued fraction (−c u ≥ p + 2) and c = 0, where the difference steps across the branches
    for (const std::vector<double>& p : {std::vector<double>{0.987, -20.0, 0.5}, {0.987, -60.0, 0.5},
                                        {0.987, 3.0, -0.5}, {0.987, 0.0, 1.3}, {0.987, -2.0, 2.0}})
      check_jacobian(make_spec(shape_kind::argus, linspace(0, 1.2, 12), p), p);
  }

  TEST_CASE("parametric_shape: fractions sum to 1 and the Jacobian rows sum to 0") {
    struct example {
      shape_kind kind;
      std::vector<double> edges, x;
    };
    const std::vector<example> examples{
        {shape_kind::gaussian, linspace(0, 10, 40), {4.3, 1.1}},
        {shape_kind::exponential, linspace(1, 6, 40), {-0.7}},
        {shape_kind::bernstein, linspace(-1, 3, 40), {1.0, 0.5, 2.0, 0.3}},
        {shape_kind::crystal_ball, linspace(0, 10, 40), {5.0, 0.8, 1.2, 3.0, 2.0, 5.0}},
        {shape_kind::johnson_su, linspace(-5, 10, 40), {3.0, 0.5, -1.0, 0.7}},
        {shape_kind::chebyshev, linspace(2, 7, 40), {0.5, 0.2, -0.1, 0.05}},
        {shape_kind::argus, linspace(0, 1.2, 40), {0.987, -20.0, 0.5}}};
    for (const auto kind : rein::likelihood::all_shape_kinds) {
      INFO("shape " << std::string(rein::likelihood::to_string(kind)));
      const auto e = std::find_if(examples.begin(), examples.end(), [&](const example& v) { return v.kind == kind; });
      REQUIRE(e != examples.end());  // every kind is covered
      const parametric_shape_function f(make_spec(kind, e->edges, e->x));
      std::vector<double> factors(f.outputs()), jac(f.outputs() * f.inputs());
      f.evaluate(e->x.data(), factors.data(), jac.data());
      double sum = 0;
      for (double v : factors) sum += v;
      REIN_CHECK_ABS(sum, 1.0, 1e-14);  // 40 terms of ≤ 1, rounding ≲ 40ε
      for (std::size_t k = 0; k < f.inputs(); ++k) {
        double column = 0;
        for (std::size_t i = 0; i < f.outputs(); ++i) column += jac[i * f.inputs() + k];
        REIN_CHECK_ABS(column, 0.0, 1e-12);  // Σ f = 1 exactly, so Σ ∂f = 0 up to rounding
      }
    }
  }

  TEST_CASE("parametric_shape: a negative Chebyshev density gives negative factors, +inf nll for a negative total") {
    // 1 + 2 T_2(t) = 4t² − 1 < 0 for |t| < ½; ∫_{−1}^{1} = 2/3 > 0, so f_i = ∫_{bin} (4t² − 1) dt / (2/3)
    constexpr std::size_t bins = 10;
    const auto edges = linspace(0, 10, bins);
    const parametric_shape_function f(make_spec(shape_kind::chebyshev, edges, {0.0, 2.0}));
    const auto factors = factors_of(f, {0.0, 2.0});
    for (std::size_t i = 0; i < bins; ++i) {
      const double a = -1 + 0.2 * static_cast<double>(i), b = a + 0.2;
      const double exact = ((4.0 / 3) * (b * b * b - a * a * a) - (b - a)) / (2.0 / 3);
      REIN_CHECK_ABS(factors[i], exact, 1e-14);  // closed form; fractions of order 1, rounding ~1e-16
    }
    CHECK(factors[4] < 0);
    CHECK(factors[5] < 0);
    for (const double background : {0.0, 1000.0}) {
      auto builder = rein::likelihood::workspace_builder();
      builder.channel("SR", bins).sample("sig", std::vector<double>(bins, 100.0)).normfactor("mu");
      if (background > 0) builder.sample("bkg", std::vector<double>(bins, background));
      const auto ws = builder.observation("SR", std::vector<double>(bins, 100.0)).measurement("meas", "mu").build();
      auto spec = make_spec(shape_kind::chebyshev, edges, {0.0, 2.0});
      const auto model = rein::likelihood::make_model(ws, {}, {rein::likelihood::make_parametric_shape(spec)});
      const double nll = model.nll(model.parameters().inits());
      INFO("background " << background << ", nll " << nll);
      // ν_b = 100 f_b (< 0 in bins 3..6) + background: +∞ without the background, finite with it
      CHECK((background > 0 ? std::isfinite(nll) : nll == std::numeric_limits<double>::infinity()));
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
    {  // Chebyshev 1 + 4 T_2: ∫_{−1}^{1} = 2 − 16/3 < 0
      const parametric_shape_function f(make_spec(shape_kind::chebyshev, edges, {0.0, 4.0}));
      CHECK(std::isnan(factors_of(f, {0.0, 4.0})[0]));
    }
    {  // ARGUS with its endpoint below the range: every bin is 0
      const parametric_shape_function f(make_spec(shape_kind::argus, linspace(5.2, 5.3, 10), {5.1, -20.0, 0.5}));
      CHECK(std::isnan(factors_of(f, {5.1, -20.0, 0.5})[9]));
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
    expect(make_spec(shape_kind::johnson_su, edges, {5, 1, 0}), "(johnson_su) has 3 parameters, needs 4");
    expect(make_spec(shape_kind::argus, edges, {11, -20, 0.5, 1}), "(argus) has 4 parameters, needs 3");
    expect(make_spec(shape_kind::argus, edges, {11, -20}), "(argus) has 2 parameters, needs 3");
    expect(make_spec(shape_kind::chebyshev, edges, {}),
           "(chebyshev) has 0 parameters, needs 1 or more (a_1..a_n, the constant term is 1)");

    s = make_spec(shape_kind::gaussian, edges, {5, 1});
    s.parameters[1].lower = 0;
    expect(s, "parameter 1 (sigma, 'p1') lower bound = 0, must be > 0");
    s = make_spec(shape_kind::crystal_ball, edges, {5, 1, 1, 2, 1, 2});
    s.parameters[3].lower = 1;
    expect(s, "parameter 3 (n_left, 'p3') lower bound = 1, must be > 1");
    s = make_spec(shape_kind::johnson_su, edges, {5, 1, 0, 1});
    s.parameters[1].lower = 0;
    expect(s, "parameter 1 (lambda, 'p1') lower bound = 0, must be > 0");
    s = make_spec(shape_kind::johnson_su, edges, {5, 1, 0, 1});
    s.parameters[3].lower = -0.25;
    expect(s, "parameter 3 (delta, 'p3') lower bound = -0.25, must be > 0");
    s = make_spec(shape_kind::argus, edges, {11, -20, 0.5});
    s.parameters[0].lower = 0;
    expect(s, "parameter 0 (m0, 'p0') lower bound = 0, must be > 0");
    s = make_spec(shape_kind::argus, edges, {11, -20, 0.5});
    s.parameters[2].lower = -1;
    expect(s, "parameter 2 (p, 'p2') lower bound = -1, must be > -1");
    s = make_spec(shape_kind::argus, edges, {11, -20, 0.5});
    s.parameters[2].lower = -1.5;
    expect(s, "parameter 2 (p, 'p2') lower bound = -1.5, must be > -1");
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

  TEST_CASE("parametric_shape: shape_kind_from_string inverts to_string and names an unknown word") {
    for (const auto kind : rein::likelihood::all_shape_kinds)
      CHECK(rein::likelihood::shape_kind_from_string(rein::likelihood::to_string(kind)) == kind);
    CHECK(std::size(rein::likelihood::all_shape_kinds) == 7);
    CHECK_THROWS_AS((void)rein::likelihood::shape_kind_from_string("Gaussian"), rein::invalid_argument);
    const std::string message = message_of([] { (void)rein::likelihood::shape_kind_from_string("landau"); });
    CHECK(message ==
          "rein::likelihood::shape_kind_from_string: 'landau' is not a shape kind (gaussian, exponential, bernstein, "
          "crystal_ball, johnson_su, chebyshev, argus)");
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
}  // namespace parametric_shape_test
