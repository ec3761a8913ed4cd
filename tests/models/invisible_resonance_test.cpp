#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/load_model.hpp"
#include "rein/models/invisible_resonance.hpp"
#include "rein/models/registry.hpp"
#include "rein/physics/breit_wigner.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace invisible_resonance_test {

namespace {

// The reference: the pointwise Breit–Wigner and its hand-derived m- and Γ-derivatives,
//   BW = (1/π) mΓ/Q, Q = (s − m²)² + m²Γ²,
//   ∂BW/∂m = (1/π)(ΓQ − mΓ ∂Q/∂m)/Q², ∂Q/∂m = −4m(s − m²) + 2mΓ²,
//   ∂BW/∂Γ = (1/π)(mQ − 2m³Γ²)/Q²,
// integrated numerically in long double by adaptive 61-point Gauss–Kronrod on pieces cut at the
// peak and at m² ± k·mΓ (an independent route to the closed forms under test).
struct reference_integral {
  long double value = 0, d_mass = 0, d_width = 0;
};

reference_integral integrate_numerically(double a, double b, double mass, double width) {
  const long double pi = 3.141592653589793238462643383279502884L;
  const long double m = mass, w = width;
  const auto q = [&](long double s) { return (s - m * m) * (s - m * m) + m * m * w * w; };
  const auto bw = [&](long double s) { return m * w / q(s) / pi; };
  const auto dm = [&](long double s) {
    const long double dq = -4 * m * (s - m * m) + 2 * m * w * w;
    return (w * q(s) - m * w * dq) / (q(s) * q(s)) / pi;
  };
  const auto dw = [&](long double s) { return (m * q(s) - 2 * m * m * m * w * w) / (q(s) * q(s)) / pi; };
  std::vector<long double> cuts = {a};
  for (const long double k : {-100.0L, -10.0L, -1.0L, 0.0L, 1.0L, 10.0L, 100.0L}) {
    const long double c = m * m + k * m * w;
    if (c > cuts.back() && c < b) cuts.push_back(c);
  }
  cuts.push_back(b);
  reference_integral r;
  using rule = boost::math::quadrature::gauss_kronrod<long double, 61>;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    r.value += rule::integrate(bw, cuts[i], cuts[i + 1], 15, 1e-20L);
    r.d_mass += rule::integrate(dm, cuts[i], cuts[i + 1], 15, 1e-20L);
    r.d_width += rule::integrate(dw, cuts[i], cuts[i + 1], 15, 1e-20L);
  }
  return r;
}

}  // namespace

TEST_SUITE("models") {
  TEST_CASE("Breit-Wigner bin integrals and their derivatives equal numerical integration, even for a peak inside one bin") {
    struct line {
      double mass, width;
    };
    // a 0.1 GeV width, a 1 MeV one (m·Γ = 2e-3 GeV² against 0.229 GeV² bins), and a light state
    for (const line l : {line{2.0, 0.1}, line{2.0, 1e-3}, line{0.5, 0.05}}) {
      // bins of Belle II's q² binning around the peak, one far from it, and the whole real line
      const double edges[][2] = {{3.8904500000000004, 4.119300000000001}, {4.119300000000001, 4.34815},
                                 {3.6616000000000004, 3.8904500000000004}, {0.0, 0.22885000000000003},
                                 {20.596500000000002, 22.885}};
      for (const auto& e : edges) {
        CAPTURE(l.mass);
        CAPTURE(l.width);
        CAPTURE(e[0]);
        const auto exact = rein::physics::breit_wigner_integral_over(e[0], e[1], l.mass, l.width);
        const auto numeric = integrate_numerically(e[0], e[1], l.mass, l.width);
        // 1e-12: both are accurate to ~1e-15 relative; the margin covers the far bins' smallness
        REIN_CHECK_REL(exact.value, static_cast<double>(numeric.value), 1e-12);
        REIN_CHECK_REL(exact.d_mass, static_cast<double>(numeric.d_mass), 1e-10);
        REIN_CHECK_REL(exact.d_width, static_cast<double>(numeric.d_width), 1e-10);
      }
      // normalisation on the real line: exactly 1 (closed form ∫ BW = 1), no dependence on m or Γ
      const double inf = std::numeric_limits<double>::infinity();
      const auto all = rein::physics::breit_wigner_integral_over(-inf, inf, l.mass, l.width);
      REIN_CHECK_REL(all.value, 1.0, 1e-15);
      REIN_CHECK_ABS(all.d_mass, 0.0, 0.0);
      REIN_CHECK_ABS(all.d_width, 0.0, 0.0);
    }
    CHECK_THROWS_WITH_AS((void)rein::physics::breit_wigner_integral_over(0, 1, 0.0, 0.1),
                         doctest::Contains("mass = 0 GeV, must be positive and finite"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::physics::breit_wigner_integral_over(2, 1, 1.0, 0.1),
                         doctest::Contains("the range [2, 1] must have a <= b"), rein::invalid_argument);
  }

  TEST_CASE("the resonance adds br_x to the null's bin integrals, split as the peak's shares of the kinematic range") {
    const auto& resonance = rein::models::find_alternative("sm-plus-invisible-resonance");
    REQUIRE(resonance.parameters.size() == 3);
    CHECK(resonance.parameters[0].name == "m_x");
    CHECK(resonance.parameters[1].name == "width_x");
    CHECK(resonance.parameters[1].fixed);
    CHECK(resonance.parameters[2].name == "br_x");
    CHECK(resonance.parameters[2].lower == 0.0);
    // bins covering the whole support [0, (m_B − m_K)²] and a bin below it
    const std::vector<double> edges = {-1, 0, 2.5, 4.0, 4.2, 10, 23};
    const auto rates = rein::models::make_named_rates("hpqcd-b-to-k-nunu", "sm-plus-invisible-resonance", edges);
    const double theta[3] = {2.0, 0.1, 7.5};
    std::vector<double> integrals(rates->bins()), jacobian(3 * rates->bins());
    rates->alternative_integrals(theta, integrals.data(), jacobian.data());
    double added = 0;
    for (std::size_t j = 0; j < rates->bins(); ++j) added += integrals[j] - rates->null_integrals()[j];
    // the peak is normalised on the kinematic range: the bins add exactly br_x · 1e-6
    REIN_CHECK_REL(added, 7.5e-6, 1e-13);
    REIN_CHECK_ABS(integrals[0] - rates->null_integrals()[0], 0.0, 0.0);  // nothing below q² = 0
    // each bin's share against the numerical reference: ∫_bin BW / ∫_0^{q²max} BW
    const double q2_max = rein::models::find_null("hpqcd-b-to-k-nunu").q2_max;
    const auto total = integrate_numerically(0.0, q2_max, 2.0, 0.1);
    for (std::size_t j = 1; j < rates->bins(); ++j) {
      const auto bin = integrate_numerically(edges[j], std::fmin(edges[j + 1], q2_max), 2.0, 0.1);
      CAPTURE(j);
      REIN_CHECK_REL(integrals[j] - rates->null_integrals()[j], static_cast<double>(7.5e-6L * bin.value / total.value), 1e-10);
      REIN_CHECK_REL(jacobian[3 * j + 2], static_cast<double>(1e-6L * bin.value / total.value), 1e-10);
      // d/dm of br·N/D = br·(N' D − N D')/D²
      const long double d_mass = 7.5e-6L * (bin.d_mass * total.value - bin.value * total.d_mass) / (total.value * total.value);
      REIN_CHECK_REL(jacobian[3 * j + 0], static_cast<double>(d_mass), 1e-8);
    }
  }

  TEST_CASE("a redist file reweighted with the resonance has the resonance's parameters, and br_x = 0 gives the published nominal") {
    rein::io::load_options options;
    options.null = "hpqcd-b-to-k-nunu";
    options.alternative = "sm-plus-invisible-resonance";
    const std::string path = rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json");
    const auto loaded = rein::io::load_model(path, options);
    const auto& layout = loaded.model.parameters();
    REQUIRE(layout.contains("m_x"));
    CHECK(layout[layout.index("width_x")].fixed);
    CHECK(!layout.contains("cvl"));  // the WET's couplings and form factors belong to the file's model
    CHECK(!layout.contains("FFK_decorrelated[0]"));

    // br_x = 0: every weight is 1, so the model is the file's pyhf part alone (the reference:
    // that part built without the reweighting, at the same values of the shared parameters)
    Eigen::VectorXd pars = layout.inits();
    pars[static_cast<Eigen::Index>(layout.index("br_x"))] = 0.0;
    const auto plain = rein::likelihood::make_model(loaded.workspace);
    Eigen::VectorXd plain_pars = plain.parameters().inits();
    for (std::size_t i = 0; i < plain.parameters().size(); ++i)
      plain_pars[static_cast<Eigen::Index>(i)] = pars[static_cast<Eigen::Index>(layout.index(plain.parameters()[i].name))];
    const Eigen::VectorXd reweighted = loaded.model.expected_main(pars), reference = plain.expected_main(plain_pars);
    REQUIRE(reweighted.size() == reference.size());
    for (Eigen::Index i = 0; i < reference.size(); ++i) REIN_CHECK_REL(reweighted[i], reference[i], 1e-13);
    // and a positive br_x raises the yields
    pars[static_cast<Eigen::Index>(layout.index("br_x"))] = 10.0;
    CHECK(loaded.model.expected_main(pars).sum() > reference.sum() + 1.0);

    rein::fit::fit_options fixed;
    fixed.fixed = {{"m_x", 2.0}};
    const auto result = rein::fit::fit(loaded.model, fixed);
    CHECK(result.ok());
  }
}
}  // namespace invisible_resonance_test
