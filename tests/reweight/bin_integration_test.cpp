#include "rein/reweight/bin_integration.hpp"

#include "rein/core/dual.hpp"
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/callables.hpp"
#include "rein/physics/constants.hpp"
#include "support/close.hpp"

#include <boost/math/quadrature/gauss.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace bin_integration_test {

namespace {

using rein::reweight::bin_integration_options;
using rein::reweight::bin_quadrature;
using rein::reweight::quadrature_rule;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return nlohmann::json::parse(in);
}

/// numpy.linspace(0, 22.885, 101) preceded by −1: Belle II's q² binning for the WET reweighting
/// (numpy computes i·step for i < n−1 and puts the stop value last).
std::vector<double> belle2_edges() {
  std::vector<double> edges{-1.0};
  const double step = 22.885 / 100.0;
  for (int i = 0; i < 100; ++i) edges.push_back(i * step);
  edges.push_back(22.885);
  return edges;
}

template <class Compare>
void check_boost_table(Compare&& compare) {
  compare(7, boost::math::quadrature::gauss<double, 7>::abscissa(), boost::math::quadrature::gauss<double, 7>::weights());
  compare(10, boost::math::quadrature::gauss<double, 10>::abscissa(),
          boost::math::quadrature::gauss<double, 10>::weights());
  compare(15, boost::math::quadrature::gauss<double, 15>::abscissa(),
          boost::math::quadrature::gauss<double, 15>::weights());
  compare(20, boost::math::quadrature::gauss<double, 20>::abscissa(),
          boost::math::quadrature::gauss<double, 20>::weights());
  compare(25, boost::math::quadrature::gauss<double, 25>::abscissa(),
          boost::math::quadrature::gauss<double, 25>::weights());
  compare(30, boost::math::quadrature::gauss<double, 30>::abscissa(),
          boost::math::quadrature::gauss<double, 30>::weights());
}

}  // namespace

TEST_SUITE("reweight") {
  TEST_CASE("gauss_legendre: nodes and weights agree with Boost.Math's tabulated rules") {
    // Boost.Math tabulates n = 7, 10, 15, 20, 25, 30 (non-negative half) to 36+ digits; ours come
    // from Newton iteration in long double. Agreement to 2e-16 absolute = rounding of the last bit.
    check_boost_table([](std::size_t n, const auto& x, const auto& w) {
      const auto rule = rein::reweight::gauss_legendre(n);
      REQUIRE(rule.nodes.size() == n);
      for (std::size_t i = 0; i < x.size(); ++i) {
        // Boost lists x ≥ 0 ascending; ours is ascending over [−1, 1]: the i-th non-negative node.
        const std::size_t k = n / 2 + i;
        INFO("n = " << n << ", i = " << i);
        REIN_CHECK_ABS(rule.nodes[k], x[i], 2e-16);
        REIN_CHECK_ABS(rule.weights[k], w[i], 2e-16);
        REIN_CHECK_ABS(rule.nodes[n - 1 - k], -x[i], 2e-16);
        REIN_CHECK_ABS(rule.weights[n - 1 - k], w[i], 2e-16);
      }
    });
  }

  TEST_CASE("gauss_legendre: the 16-point rule of redist agrees with a 40-digit evaluation") {
    // Roots of P_16 by mpmath.findroot at mp.dps = 40, weights 2/((1 − x²)P_16'(x)²).
    const double x[8] = {0.09501250983763744018531934, 0.2816035507792589132304605, 0.4580167776572273863424194,
                         0.6178762444026437484466718,  0.7554044083550030338951012, 0.8656312023878317438804679,
                         0.9445750230732325760779884,  0.9894009349916499325961542};
    const double w[8] = {0.1894506104550684962853967,  0.1826034150449235888667637,  0.1691565193950025381893121,
                         0.1495959888165767320815017,  0.1246289712555338720524763,  0.09515851168249278480992511,
                         0.06225352393864789286284384, 0.02715245941175409485178057};
    const auto rule = rein::reweight::gauss_legendre(16);
    double sum = 0.0;
    for (std::size_t i = 0; i < 8; ++i) {
      // 1 ulp of numbers below 1 is ≤ 1.1e-16.
      REIN_CHECK_ABS(rule.nodes[8 + i], x[i], 1.2e-16);
      REIN_CHECK_ABS(rule.weights[8 + i], w[i], 1.2e-16);
      REIN_CHECK_ABS(rule.nodes[7 - i], -x[i], 1.2e-16);
      sum += 2.0 * rule.weights[8 + i];
    }
    REIN_CHECK_ABS(sum, 2.0, 4e-16);  // Σ w = ∫_{−1}^{1} 1 = 2
    const auto one = rein::reweight::gauss_legendre(1);
    CHECK(one.nodes[0] == 0.0);
    CHECK(one.weights[0] == 2.0);
  }

  TEST_CASE("bin_quadrature: n-point Gauss–Legendre integrates polynomials of degree 2n−1 exactly") {
    // ∫_a^b x^k dx = (b^{k+1} − a^{k+1})/(k+1): closed form. Tolerance 1e-14 relative: the rule is
    // exact, only rounding of ~n·k operations remains.
    const std::vector<double> edges{-0.7, 0.3, 1.1, 1.7};
    for (const auto rule : {quadrature_rule::gauss_legendre, quadrature_rule::endpoint_adapted}) {
      for (const std::size_t n : {std::size_t{1}, std::size_t{4}, std::size_t{16}}) {
        bin_integration_options options;
        options.rule = rule;
        options.points = n;
        const bin_quadrature q(edges, options);
        const int k = static_cast<int>(2 * n - 1);
        const auto integrals = q.integrate([k](double x) { return std::pow(x, k) + 0.5; });
        for (std::size_t j = 0; j + 1 < edges.size(); ++j) {
          const double a = edges[j], b = edges[j + 1];
          INFO("n = " << n << ", bin " << j);
          REIN_CHECK_REL(integrals[j], (std::pow(b, k + 1) - std::pow(a, k + 1)) / (k + 1) + 0.5 * (b - a), 1e-14);
        }
      }
    }
  }

  TEST_CASE("bin_quadrature: sqrt-endpoint integrands against closed forms to 1e-12") {
    // f(x) = √(e − x)(1 + x²): with u = e − x, ∫ f = ∫ √u (1 + (e − u)²) du, a closed form.
    const double e = 22.88523;
    const auto f = [e](double x) { return std::sqrt(e - x) * (1.0 + x * x); };
    const auto primitive = [e](double x) {  // F(x) with F' = f
      const double u = e - x;
      return -((1.0 + e * e) * (2.0 / 3.0) * std::pow(u, 1.5) - 2.0 * e * (2.0 / 5.0) * std::pow(u, 2.5) +
               (2.0 / 7.0) * std::pow(u, 3.5));
    };
    // g(x) = (e − x)^{3/2}, the HPQCD null's λ^{3/2} behaviour.
    const auto g = [e](double x) { return std::pow(e - x, 1.5); };
    const auto g_primitive = [e](double x) { return -0.4 * std::pow(e - x, 2.5); };
    // Bins: interior; ending 2.3e-4 below e (Belle II's last bin for the null); ending 0.0176
    // below e (the WET's endpoint 22.90257); touching e; extending past e (clipped).
    const std::vector<std::array<double, 2>> bins{
        {10.0, 12.0}, {22.65615, 22.885}, {22.65615, 22.867}, {22.7, e}, {22.7, 23.5}, {0.0, 22.885}};
    bin_integration_options options;
    options.endpoint = e;
    options.lower_limit = 0.0;
    for (const auto& bin : bins) {
      const double hi = std::fmin(bin[1], e);
      INFO("bin [" << bin[0] << ", " << bin[1] << "]");
      REIN_CHECK_REL(rein::reweight::integrate_interval(f, bin[0], bin[1], options), primitive(hi) - primitive(bin[0]),
                     1e-12);
      REIN_CHECK_REL(rein::reweight::integrate_interval(g, bin[0], bin[1], options),
                     g_primitive(hi) - g_primitive(bin[0]), 1e-12);
    }
  }

  TEST_CASE("bin_quadrature: plain Gauss–Legendre is not accurate next to a sqrt endpoint") {
    // The reason for the default rule: 16-point Gauss–Legendre on [22.65615, 22.885] with √(e − x),
    // e = 22.88523, is off by far more than 1e-12 (closed form as above).
    const double e = 22.88523;
    const auto f = [e](double x) { return std::sqrt(e - x); };
    const double exact = (2.0 / 3.0) * (std::pow(e - 22.65615, 1.5) - std::pow(e - 22.885, 1.5));
    bin_integration_options options;
    options.rule = quadrature_rule::gauss_legendre;
    options.endpoint = e;
    const double plain = rein::reweight::integrate_interval(f, 22.65615, 22.885, options);
    CHECK(std::abs(plain / exact - 1.0) > 1e-7);
    options.rule = quadrature_rule::endpoint_adapted;
    REIN_CHECK_REL(rein::reweight::integrate_interval(f, 22.65615, 22.885, options), exact, 1e-14);
  }

  TEST_CASE("bin_quadrature: bins outside [lower_limit, endpoint] integrate to zero, straddling bins are clipped") {
    bin_integration_options options;
    options.lower_limit = 0.0;
    options.endpoint = 4.0;
    int calls_outside = 0;
    const auto f = [&](double x) {
      if (x < 0.0 || x > 4.0) ++calls_outside;
      return std::sqrt(4.0 - x);
    };
    const bin_quadrature q({-2.0, -1.0, 1.0, 3.0, 5.0, 6.0}, options);
    const auto r = q.integrate(f);
    CHECK(calls_outside == 0);
    CHECK(r[0] == 0.0);
    CHECK(r[4] == 0.0);
    CHECK(q.offset(1) == q.offset(0));                        // no nodes in [−2, −1]
    REIN_CHECK_REL(r[1], (2.0 / 3.0) * (8.0 - std::pow(3.0, 1.5)), 1e-14);  // [0, 1], closed form
    REIN_CHECK_REL(r[3], (2.0 / 3.0) * 1.0, 1e-14);          // [3, 4] (clipped at the endpoint)
    CHECK(q.substituted(3));
    CHECK_FALSE(q.substituted(1));
    CHECK(q.bin_count() == 5);
    CHECK(q.nodes().size() == 3 * 16);
  }

  TEST_CASE("bin_quadrature: works with dual numbers, derivatives integrate exactly") {
    // ∫_a^b (θ0 x + θ1 x²) dx: value and derivatives are polynomial integrals (closed form).
    using d2 = rein::dual<2>;
    const d2 t0 = d2::variable(1.5, 0), t1 = d2::variable(-0.25, 1);
    const auto r = rein::reweight::integrate_bins([&](double x) { return t0 * x + t1 * (x * x); }, {0.0, 1.0, 3.0});
    REIN_CHECK_REL(r[1].value, 1.5 * 4.0 - 0.25 * 26.0 / 3.0, 1e-14);
    REIN_CHECK_REL(r[1].derivatives[0], 4.0, 1e-14);
    REIN_CHECK_REL(r[1].derivatives[1], 26.0 / 3.0, 1e-14);
  }

  TEST_CASE("bin_quadrature: the full integral of the SM rate reproduces b_V") {
    // b_V = 1.097757e-07 over [0, (m_B+ − m_K+)²]: tests/data/physics/b_to_k_nunu.md (7 digits,
    // rounding ≤ 4.6e-7 relative → 1e-6). Against the physics module's own integration (Boost's
    // tabulated 30-point rule with the same substitution, an independent implementation): 1e-13.
    const rein::physics::b_to_k_nunu_rate rate;
    const auto& ff = rein::physics::bsz2015_reference_central;
    const rein::physics::wet_coefficients<double> v_only{1.0, 0.0, 0.0};
    bin_integration_options options;
    options.lower_limit = 0.0;
    options.endpoint = rate.q2_max();
    const double b_v = rein::reweight::integrate_interval(
        [&](double q2) { return rate.differential_branching_fraction(q2, v_only, ff); }, 0.0, rate.q2_max(), options);
    REIN_CHECK_REL(b_v, 1.097757e-07, 1e-6);
    REIN_CHECK_REL(b_v, rate.integrated_coefficients(ff).b_v, 1e-13);
    // The SM branching fraction B_SM = 4.800852e-06 (same table).
    const double b_sm = rein::reweight::integrate_interval(
        [&](double q2) { return rate.differential_branching_fraction(q2, rein::physics::wet_coefficients<double>{}, ff); },
        -1.0, 30.0, options);
    REIN_CHECK_REL(b_sm, 4.800852e-06, 1e-6);
  }

  TEST_CASE("bin_quadrature: Belle II's 101 WET bin weights at the SM point match the exact reference") {
    // tests/data/belle2-knunu/reference.json, section wet_weights_regA_sm: w_j = ∫_j alt / ∫_j null
    // by adaptive scipy quad (epsrel 1e-13), "exact to ~1e-12"; index 0 is the underflow bin [−1, 0]
    // (w = 1, null entry a placeholder). Our default rule agrees to rounding; tolerance 1e-11
    // relative leaves an order of magnitude for the reference's own quad error.
    const auto ref = read_json(std::string(REIN_TEST_DATA_DIR) + "/belle2-knunu/reference.json")["wet_weights_regA_sm"];
    const auto& values = ref["values"];
    const auto w_ref = values["weights"].get<std::vector<double>>();
    const auto alt_ref = values["alt_bin_integrals"].get<std::vector<double>>();
    const auto null_ref = values["null_bin_integrals"].get<std::vector<double>>();
    REQUIRE(w_ref.size() == 101);

    // The edges are those of the published likelihood (data/belle2-knunu), equal to numpy's linspace.
    const auto wet = read_json(std::string(REIN_DATA_DIR) + "/belle2-knunu/reinterpretation_likelihood_wet.json");
    const auto edges = belle2_edges();
    CHECK(wet["bins"][0][0].get<std::vector<double>>() == edges);

    const rein::physics::b_to_k_nunu_null null;
    const rein::physics::b_to_k_nunu_alternative alternative;
    const auto& ff = rein::physics::bsz2015_belle2_mean;
    const double cvl = ref["inputs"]["point"]["cvl"].get<double>();
    CHECK(cvl == rein::physics::c_vl_sm);

    bin_integration_options null_options, alt_options;
    null_options.lower_limit = alt_options.lower_limit = 0.0;
    null_options.endpoint = null.q2_max();
    alt_options.endpoint = alternative.q2_max();
    const auto null_bins = bin_quadrature(edges, null_options).integrate(null);
    const auto alt_bins =
        bin_quadrature(edges, alt_options).integrate([&](double q2) { return alternative(q2, cvl, 0.0, 0.0, ff); });

    double worst = 0.0;
    for (std::size_t j = 1; j < 101; ++j) {
      INFO("bin " << j);
      REIN_CHECK_REL(null_bins[j], null_ref[j], 1e-11);
      REIN_CHECK_REL(alt_bins[j], alt_ref[j], 1e-11);
      const double w = alt_bins[j] / null_bins[j];
      REIN_CHECK_REL(w, w_ref[j], 1e-11);
      worst = std::fmax(worst, std::abs(w / w_ref[j] - 1.0));
    }
    MESSAGE("largest relative deviation of the 100 weights from the reference: " << worst);
    CHECK(null_bins[0] == 0.0);  // [−1, 0] lies below the physical region
    CHECK(alt_bins[0] == 0.0);

    // The kernel path (integrate the quadratic form once, contract) gives the same bin integrals.
    const auto kernels = bin_quadrature(edges, alt_options).integrate([&](double q2) { return alternative.kernel(q2); });
    for (std::size_t j = 1; j < 101; ++j)
      REIN_CHECK_REL(kernels[j].contract(rein::physics::wet_coefficients<double>{cvl, 0.0, 0.0}, ff), alt_ref[j], 1e-11);
  }

  TEST_CASE("bin_quadrature: 16- and 32-point Gauss–Legendre reproduce redist's documented last-bin error") {
    // reference.json (wet_weights_regA_sm.quadrature_comparison): with plain Gauss–Legendre the
    // weight of bin 100 is off by 1.1276144062932758e-07 (16 points) and 1.3870897763723633e-09
    // (32 points), because the null's endpoint is 2.3e-4 GeV² above 22.885. Reproducing these
    // deviations to 1e-3 of themselves shows the rule is redist's, node for node.
    const auto ref = read_json(std::string(REIN_TEST_DATA_DIR) + "/belle2-knunu/reference.json")["wet_weights_regA_sm"];
    const auto w_ref = ref["values"]["weights"].get<std::vector<double>>();
    const auto& comparison = ref["quadrature_comparison"];
    const rein::physics::b_to_k_nunu_null null;
    const rein::physics::b_to_k_nunu_alternative alternative;
    const auto& ff = rein::physics::bsz2015_belle2_mean;
    for (const auto& case_ : {std::pair<std::size_t, std::string>{16, "gauss16"}, {32, "gauss32"}}) {
      const std::size_t points = case_.first;
      const std::string key = case_.second;
      bin_integration_options options;
      options.rule = quadrature_rule::gauss_legendre;
      options.points = points;
      options.lower_limit = 0.0;
      const auto edges = belle2_edges();
      options.endpoint = null.q2_max();
      const auto n = bin_quadrature(edges, options).integrate(null);
      options.endpoint = alternative.q2_max();
      const auto a = bin_quadrature(edges, options).integrate(
          [&](double q2) { return alternative(q2, rein::physics::c_vl_sm, 0.0, 0.0, ff); });
      const double deviation = std::abs(a[100] / n[100] / w_ref[100] - 1.0);
      INFO(key);
      REIN_CHECK_REL(deviation, comparison[key]["max_rel_diff_weights"].get<double>(), 1e-3);
      CHECK(comparison[key]["worst_bin"].get<int>() == 100);
    }
  }

  TEST_CASE("bin_quadrature: dual<11> weights agree with the kernel gradient and with finite differences") {
    // Weights w_j(θ) = ∫_j alt(θ) / ∫_j null in three bins (interior, next-to-last, last), θ =
    // (cvl, csl, ctl, FFK[0..7]) at a point with every coefficient non-zero. Reference 1:
    // the hand-written kernel gradient (1e-12: both exact, different rounding). Reference 2:
    // 6th-order central differences with step 0.1·max(1, |θ_i|), exact for the quadratic
    // dependence up to rounding ~1e-16·w/h; tolerance 1e-7 relative as the acceptance asks.
    using d11 = rein::dual<11>;
    const rein::physics::b_to_k_nunu_null null;
    const rein::physics::b_to_k_nunu_alternative alternative;
    std::array<double, 11> theta{7.1, 2.3, 3.9};
    for (std::size_t i = 0; i < 8; ++i) theta[3 + i] = rein::physics::bsz2015_belle2_mean[i];
    const std::vector<double> edges{5.0, 5.22885, 22.65615, 22.885};
    bin_integration_options null_options, alt_options;
    null_options.lower_limit = alt_options.lower_limit = 0.0;
    null_options.endpoint = null.q2_max();
    alt_options.endpoint = alternative.q2_max();
    const auto null_bins = bin_quadrature(edges, null_options).integrate(null);
    const bin_quadrature alt_rule(edges, alt_options);

    std::array<d11, 11> vars;
    for (std::size_t i = 0; i < 11; ++i) vars[i] = d11::variable(theta[i], i);
    const auto dual_bins = alt_rule.integrate([&](double q2) { return alternative(q2, vars); });
    const auto kernels = alt_rule.integrate([&](double q2) { return alternative.kernel(q2); });
    const auto weight = [&](const std::array<double, 11>& t, std::size_t j) {
      return alt_rule.integrate([&](double q2) { return alternative(q2, t); })[j] / null_bins[j];
    };
    for (const std::size_t j : {std::size_t{0}, std::size_t{2}}) {
      std::array<double, 11> gradient{};
      const double value = kernels[j].contract_with_gradient(theta, gradient);
      REIN_CHECK_REL(dual_bins[j].value, value, 1e-13);
      for (std::size_t i = 0; i < 11; ++i) {
        INFO("bin " << j << ", parameter " << i);
        const double dw = dual_bins[j].derivatives[i] / null_bins[j];
        REIN_CHECK_REL(dw, gradient[i] / null_bins[j], 1e-12);
        const double h = 0.1 * std::fmax(1.0, std::abs(theta[i]));
        auto at = [&](double k) {
          auto t = theta;
          t[i] += k * h;
          return weight(t, j);
        };
        const double fd = (45.0 * (at(1) - at(-1)) - 9.0 * (at(2) - at(-2)) + (at(3) - at(-3))) / (60.0 * h);
        REIN_CHECK_REL(dw, fd, 1e-7);
      }
    }
  }

  TEST_CASE("bin_quadrature: bad input is rejected with a message naming argument, index, value and requirement") {
    using rein::invalid_argument;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(bin_quadrature({1.0}),
                         "rein::reweight::bin_quadrature: edges has 1 entries, needs at least 2", invalid_argument);
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, nan, 2.0}),
                         "rein::reweight::bin_quadrature: edges[1] = nan, must be finite", invalid_argument);
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, 2.0, 2.0}),
                         "rein::reweight::bin_quadrature: edges[2] = 2 must be greater than edges[1] = 2 (edges must "
                         "increase strictly)",
                         invalid_argument);
    bin_integration_options options;
    options.points = 0;
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, 1.0}, options),
                         "rein::reweight::bin_quadrature: options.points = 0, must be in [1, 1024]", invalid_argument);
    options.points = 16;
    options.endpoint = nan;
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, 1.0}, options),
                         doctest::Contains("options.endpoint = nan, must be a number"), invalid_argument);
    options.endpoint = 1.0;
    options.lower_limit = nan;
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, 1.0}, options),
                         doctest::Contains("options.lower_limit = nan, must be a number"), invalid_argument);
    options.lower_limit = 1.0;
    CHECK_THROWS_WITH_AS(bin_quadrature({0.0, 1.0}, options),
                         "rein::reweight::bin_quadrature: options.lower_limit = 1 must be below options.endpoint = 1",
                         invalid_argument);
    CHECK_THROWS_WITH_AS(rein::reweight::gauss_legendre(0),
                         "rein::reweight::gauss_legendre: n = 0, must be in [1, 1024]", invalid_argument);
    CHECK_THROWS_WITH_AS(rein::reweight::gauss_legendre(1025),
                         "rein::reweight::gauss_legendre: n = 1025, must be in [1, 1024]", invalid_argument);
    CHECK_THROWS_AS(rein::reweight::integrate_interval([](double x) { return x; }, 1.0, 0.0), invalid_argument);
  }
}
}  // namespace bin_integration_test
