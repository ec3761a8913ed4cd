#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/load_model.hpp"
#include "rein/models/dark_pair.hpp"
#include "rein/models/registry.hpp"
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/dark_pair.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace dark_pair_test {

namespace {

rein::physics::dark_pair_current current_named(const std::string& name) {
  if (name == "scalar") return rein::physics::dark_pair_current::scalar;
  if (name == "vector") return rein::physics::dark_pair_current::vector;
  return rein::physics::dark_pair_current::tensor;
}

nlohmann::json reference() {
  std::ifstream in(rein::test::test_data("physics/dark_pair_reference.json"));
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_SUITE("models") {
  TEST_CASE("dark-pair spectra: totals, bin shares and their m_chi-derivatives equal a 40-digit mpmath integration") {
    // reference: tests/data/physics/dark_pair_reference.py (the formulas rewritten in Python,
    // tanh-sinh quadrature at 40 digits, d/dm by mpmath.diff); bins straddle both thresholds
    const auto ref = reference();
    const auto edges = ref["edges"].get<std::vector<double>>();
    for (const auto& c : ref["cases"]) {
      const std::string current = c["current"].get<std::string>();
      const double mass = c["m_chi"].get<double>();
      CAPTURE(current);
      CAPTURE(mass);
      const rein::physics::b_to_k_dark_pair_spectrum spectrum(current_named(current));
      // 1e-12: the quadrature is good to ~1e-14; the 40-digit reference to far better
      REIN_CHECK_REL(spectrum.total(mass).value, c["total"].get<double>(), 1e-12);

      const auto rates = rein::models::make_named_rates("hpqcd-b-to-k-nunu", "sm-plus-dark-pair-" + current, edges);
      REQUIRE(rates->parameters() == 2);
      const double br = 7.5, theta[2] = {mass, br};
      std::vector<double> integrals(rates->bins()), jacobian(2 * rates->bins());
      rates->alternative_integrals(theta, integrals.data(), jacobian.data());
      double added = 0;
      for (std::size_t j = 0; j < rates->bins(); ++j) {
        CAPTURE(j);
        const double share = c["shares"][j].get<double>();
        const double piece = integrals[j] - rates->null_integrals()[j];
        added += piece;
        if (share == 0.0) {
          REIN_CHECK_ABS(piece, 0.0, 0.0);  // below the threshold: nothing
        } else {
          REIN_CHECK_REL(piece, 1e-6 * br * share, 1e-11);
          REIN_CHECK_REL(jacobian[2 * j + 1], 1e-6 * share, 1e-11);
        }
        if (!c["d_shares_d_m"][j].is_null()) {
          // numerical differentiation in the reference: ~1e-20; 1e-9 relative (1e-18 absolute
          // for the shares that vanish below threshold)
          const double expected = 1e-6 * br * c["d_shares_d_m"][j].get<double>();
          REIN_CHECK_ABS(jacobian[2 * j + 0], expected, std::fmax(1e-9 * std::fabs(expected), 1e-18));
        }
      }
      // the bins cover the whole phase space: the new piece adds exactly br_chi · 1e-6
      REIN_CHECK_REL(added, 1e-6 * br, 1e-13);
    }
  }

  TEST_CASE("at m_chi = 0 each spectrum is the WET rate's pure vector, scalar or tensor piece") {
    // reference: physics::b_to_k_nunu_rate::integrated_coefficients (b_V, b_S, b_T of the WET
    // rate, integrated by its own q² = e − t² quadrature) over Belle II's 0.229 GeV² bins
    const rein::physics::b_to_k_nunu_rate wet;
    const auto& alpha = rein::physics::bsz2015_belle2_mean;
    std::vector<double> edges;
    for (int k = 0; k <= 100; ++k) edges.push_back(0.22885 * k);
    const auto total = wet.integrated_coefficients(alpha);
    for (const std::string current : {"scalar", "vector", "tensor"}) {
      CAPTURE(current);
      const rein::physics::b_to_k_dark_pair_spectrum spectrum(current_named(current));
      const auto pick = [&](const rein::physics::b_to_k_nunu_coefficients& b) {
        return current == "scalar" ? b.b_s : current == "vector" ? b.b_v : b.b_t;
      };
      // same normalisation too, not only the same shape
      REIN_CHECK_REL(spectrum.total(0.0).value, pick(total), 1e-13);
      for (std::size_t j = 0; j + 1 < edges.size(); ++j) {
        CAPTURE(j);
        const double expected = pick(wet.integrated_coefficients(edges[j], edges[j + 1], alpha)) / pick(total);
        REIN_CHECK_REL(spectrum.integral(edges[j], edges[j + 1], 0.0).value / spectrum.total(0.0).value, expected, 1e-12);
        // and pointwise
        REIN_CHECK_REL(spectrum.at(edges[j] + 0.1, 0.0).value, spectrum.massless(edges[j] + 0.1), 1e-15);
      }
    }
  }

  TEST_CASE("dark-pair spectra vanish at threshold as beta^3 (scalar) and 3/2 beta, 3 beta (vector, tensor)") {
    const double mass = 0.7, threshold = 4 * mass * mass;
    struct expectation {
      std::string current;
      int power;          // S ~ coefficient · massless · β^power
      double coefficient;
    };
    for (const auto& e : {expectation{"scalar", 3, 1.0}, expectation{"vector", 1, 1.5}, expectation{"tensor", 1, 3.0}}) {
      CAPTURE(e.current);
      const rein::physics::b_to_k_dark_pair_spectrum spectrum(current_named(e.current));
      for (const double epsilon : {1e-4, 1e-6, 1e-8}) {
        const double q2 = threshold * (1 + epsilon), beta = std::sqrt(epsilon / (1 + epsilon));
        const double ratio = spectrum.at(q2, mass).value / (spectrum.massless(q2) * std::pow(beta, e.power));
        // the next term of g(β) is O(β²) = O(ε) relative
        REIN_CHECK_REL(ratio, e.coefficient, 3 * epsilon);
      }
      CHECK(spectrum.at(threshold, mass).value == 0.0);
      CHECK(spectrum.at(0.5 * threshold, mass).value == 0.0);
      // the integral from threshold grows as δ^{power/2 + 1}: doubling δ multiplies it by 2^{p/2+1}
      // (up to O(δ) from the smooth factors)
      const double delta = 1e-7;
      const double small = spectrum.integral(threshold, threshold + delta, mass).value;
      const double large = spectrum.integral(threshold, threshold + 4 * delta, mass).value;
      REIN_CHECK_REL(large / small, std::pow(4.0, 0.5 * e.power + 1), 1e-5);
      // and every bin's integral above the threshold is accurate at its edge: the bin that starts
      // at 4m² exactly equals the sum of two bins split just above it
      const double whole = spectrum.integral(threshold, threshold + 0.229, mass).value;
      const double split = spectrum.integral(threshold, threshold + 1e-9, mass).value +
                           spectrum.integral(threshold + 1e-9, threshold + 0.229, mass).value;
      REIN_CHECK_REL(split, whole, 1e-13);
    }
  }

  TEST_CASE("dark-pair models: parameters, bounds, and bad masses named") {
    for (const std::string current : {"scalar", "vector", "tensor"}) {
      const auto& model = rein::models::find_alternative("sm-plus-dark-pair-" + current);
      REQUIRE(model.parameters.size() == 2);
      CHECK(model.parameters[0].name == "m_chi");
      CHECK(model.parameters[0].lower == 0.0);
      // (m_B − m_K)/2 − 0.01 GeV: phase space left at the upper bound
      REIN_CHECK_REL(model.parameters[0].upper, 0.5 * (5.27934 - 0.493677) - 0.01, 1e-15);
      CHECK(model.parameters[1].name == "br_chi");
      CHECK(model.parameters[1].lower == 0.0);
    }
    const rein::physics::b_to_k_dark_pair_spectrum spectrum(rein::physics::dark_pair_current::vector);
    CHECK_THROWS_WITH_AS((void)spectrum.total(-0.1), doctest::Contains("m_chi = -0.1000"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)spectrum.total(2.4), doctest::Contains("must be >= 0 and below (m_B - m_K)/2 = 2.39283"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)spectrum.integral(2, 1, 0.5), doctest::Contains("the range [2, 1] must be finite with lo <= hi"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)spectrum.at(23.5, 0.5), doctest::Contains("q2 = 23.5"), rein::domain_error);
  }

  TEST_CASE("a redist file reweighted with a dark pair has m_chi and br_chi; br_chi = 0 is the published nominal") {
    rein::io::load_options options;
    options.null = "hpqcd-b-to-k-nunu";
    options.alternative = "sm-plus-dark-pair-vector";
    const auto loaded = rein::io::load_model(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"), options);
    const auto& layout = loaded.model.parameters();
    REQUIRE(layout.contains("m_chi"));
    REQUIRE(layout.contains("br_chi"));
    CHECK(!layout.contains("cvl"));
    // br_chi = 0: every weight is 1 (reference: the file's pyhf part built without reweighting)
    Eigen::VectorXd pars = layout.inits();
    pars[static_cast<Eigen::Index>(layout.index("br_chi"))] = 0.0;
    const auto plain = rein::likelihood::make_model(loaded.workspace);
    Eigen::VectorXd plain_pars = plain.parameters().inits();
    for (std::size_t i = 0; i < plain.parameters().size(); ++i)
      plain_pars[static_cast<Eigen::Index>(i)] = pars[static_cast<Eigen::Index>(layout.index(plain.parameters()[i].name))];
    const Eigen::VectorXd reweighted = loaded.model.expected_main(pars), nominal = plain.expected_main(plain_pars);
    REQUIRE(reweighted.size() == nominal.size());
    for (Eigen::Index i = 0; i < nominal.size(); ++i) REIN_CHECK_REL(reweighted[i], nominal[i], 1e-13);

    rein::fit::fit_options fixed;
    fixed.fixed = {{"m_chi", 0.6}};
    const auto result = rein::fit::fit(loaded.model, fixed);
    CHECK(result.ok());
  }
}
}  // namespace dark_pair_test
