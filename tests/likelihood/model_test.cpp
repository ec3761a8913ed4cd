#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace model_test {

namespace {

using rein::likelihood::interpolation_code;

rein::likelihood::model_options options_of(const nlohmann::json& settings) {
  rein::likelihood::model_options options;
  options.normsys = rein::likelihood::interpolation_code_from_string(settings["normsys"]["interpcode"]);
  options.histosys = rein::likelihood::interpolation_code_from_string(settings["histosys"]["interpcode"]);
  return options;
}

Eigen::VectorXd vector_by_names(const rein::likelihood::model& m, const nlohmann::json& names, const nlohmann::json& values) {
  Eigen::VectorXd theta = m.parameters().inits();
  for (std::size_t i = 0; i < names.size(); ++i)
    theta[static_cast<Eigen::Index>(m.parameters().index(names[i]))] = values[i].get<double>();
  return theta;
}

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("model: twice_nll equals pyhf's at pyhf's best fit, at mu = 0 and 1, and at the inits") {
    const auto reference = rein::io::read_json(rein::test::test_data("pyhf/fits_converged.json"));
    for (const auto& c : reference["cases"]) {
      const std::string path = c["workspace"];
      CAPTURE(path);
      const auto m = rein::likelihood::make_model(rein::io::read_workspace(rein::test::test_data("pyhf/" + path)),
                                                  options_of(c["modifier_settings"]));
      REQUIRE(m.parameters().size() == c["parameters"].size());
      // pyhf 0.7.6 numpy backend evaluates the same closed-form expression in double precision:
      // agreement to 1e-10 relative leaves room only for summation order.
      REIN_CHECK_REL(m.twice_nll(vector_by_names(m, c["parameters"], c["bestfit"]), m.observed()),
                     c["twice_nll_bestfit"].get<double>(), 1e-10);
      REIN_CHECK_REL(m.twice_nll(vector_by_names(m, c["parameters"], c["fit_mu0"]), m.observed()),
                     c["twice_nll_mu0"].get<double>(), 1e-10);
      REIN_CHECK_REL(m.twice_nll(vector_by_names(m, c["parameters"], c["fit_mu1"]), m.observed()),
                     c["twice_nll_mu1"].get<double>(), 1e-10);
      REIN_CHECK_REL(m.twice_nll(m.parameters().inits(), m.observed()), c["twice_nll_at_init"].get<double>(), 1e-10);
    }
  }

  TEST_CASE("model: the Belle II combined likelihood has pyhf's 232 parameters and twice_nll at its best fit") {
    const auto m = rein::likelihood::make_model(
        rein::io::read_workspace(rein::test::shipped_data("belle2-knunu/combined_likelihood.json")));
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"));
    const auto& values = reference["fit_combined"]["values"]["minuit"];
    CHECK(m.parameters().size() == 232);
    CHECK(m.main_bins() == 30);
    CHECK(m.constrained().size() == 231);
    CHECK(m.parameters()[m.parameters().poi_index()].name == "mu");
    const Eigen::VectorXd best = rein::test::parameters_by_name(m.parameters(), values["bestfit_free"], m.parameters().inits());
    // pyhf recomputed twice_nll at these parameters ("twice_nll_recomputed"), numpy double precision
    REIN_CHECK_REL(m.twice_nll(best, m.observed()), values["free_fit"]["twice_nll_recomputed"].get<double>(), 1e-10);
  }

  TEST_CASE("model: the analytic gradient agrees with central finite differences") {
    const auto reference = rein::io::read_json(rein::test::test_data("pyhf/fits_converged.json"));
    for (const auto& c : reference["cases"]) {
      const std::string path = c["workspace"];
      CAPTURE(path);
      for (const std::string codes : {"code1/code0", "code4/code4p", "code2/code2"}) {
        CAPTURE(codes);
        rein::likelihood::model_options options;
        const std::string& s = codes;
        options.normsys = rein::likelihood::interpolation_code_from_string(s.substr(0, s.find('/')));
        options.histosys = rein::likelihood::interpolation_code_from_string(s.substr(s.find('/') + 1));
        const auto m = rein::likelihood::make_model(rein::io::read_workspace(rein::test::test_data("pyhf/" + path)), options);
        // a point away from the inits, inside the bounds, crossing every interpolation branch
        Eigen::VectorXd theta = m.parameters().inits();
        for (Eigen::Index i = 0; i < theta.size(); ++i) {
          const auto& p = m.parameters()[static_cast<std::size_t>(i)];
          theta[i] = p.constraint == rein::constraint_kind::normal && p.aux == 0 ? (i % 2 == 0 ? 1.7 : -0.4)
                                                                                 : 0.9 + 0.05 * static_cast<double>(i % 3);
        }
        Eigen::VectorXd gradient;
        m.nll_and_gradient(theta, m.observed(), gradient);
        for (Eigen::Index i = 0; i < theta.size(); ++i) {
          const double h = 1e-5;
          Eigen::VectorXd up = theta, down = theta;
          up[i] += h;
          down[i] -= h;
          const double numeric = (m.nll(up) - m.nll(down)) / (2 * h);
          // central differences: truncation O(h² f''') ~ 1e-10, rounding ~ 1e-16·nll/h ~ 1e-10
          REIN_CHECK_ABS(gradient[i], numeric, 1e-6 * (1 + std::abs(numeric)));
        }
      }
    }
  }
}
}  // namespace model_test
