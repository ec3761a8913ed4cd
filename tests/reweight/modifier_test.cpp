#include "rein/io/json/redist.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/physics/callables.hpp"
#include "rein/reweight/modifier.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

namespace {

Eigen::MatrixXd matrix_of(const nlohmann::json& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return m;
}

Eigen::VectorXd vector_of(const nlohmann::json& values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) v[static_cast<Eigen::Index>(i)] = values[i];
  return v;
}

// The Belle II WET reinterpretation from the published redist file with rein's built-in rates:
// the HPQCD null and the EOS-convention WET alternative, integrated as `rule` says.
rein::likelihood::model belle2_wet_model(rein::reweight::quadrature_rule rule, const Eigen::MatrixXd* decorrelation = nullptr) {
  auto redist = rein::io::read_redist(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
  const rein::physics::b_to_k_nunu_null null;
  const rein::physics::b_to_k_nunu_alternative alternative;
  rein::reweight::bin_integration_options null_options, alternative_options;
  null_options.rule = alternative_options.rule = rule;
  null_options.lower_limit = alternative_options.lower_limit = 0;
  null_options.endpoint = null.q2_max();
  alternative_options.endpoint = alternative.q2_max();
  const auto kernel_at = [alternative](double q2) { return alternative.kernel(q2); };
  auto rates = std::make_shared<rein::reweight::kernel_rates<11, decltype(kernel_at)>>(
      [null](double q2) { return null(q2); }, kernel_at, redist.reweightings[0].edges, null_options, alternative_options);
  // the three published modifiers share parameters, binning and cutoff: one reweighting, three targets
  rein::reweight::reweighting spec{"wet", rates, redist.reweightings[0].free, redist.reweightings[0].correlated, {},
                                   redist.reweightings[0].policy};
  if (decorrelation) spec.correlated[0].decorrelation = *decorrelation;
  for (const auto& r : redist.reweightings)
    for (const auto& t : r.targets) spec.targets.push_back(t);
  return rein::likelihood::make_model(redist.workspace, {}, {rein::reweight::make_modifier(spec)});
}

Eigen::VectorXd wet_point(const rein::likelihood::model& m, const nlohmann::json& point) {
  Eigen::VectorXd theta = m.parameters().inits();
  theta[static_cast<Eigen::Index>(m.parameters().index("cvl"))] = point["cvl"].get<double>();
  theta[static_cast<Eigen::Index>(m.parameters().index("csl"))] = point["csl"].get<double>();
  theta[static_cast<Eigen::Index>(m.parameters().index("ctl"))] = point["ctl"].get<double>();
  for (std::size_t k = 0; k < 8; ++k)
    theta[static_cast<Eigen::Index>(m.parameters().index("FFK_decorrelated[" + std::to_string(k) + "]"))] =
        point["FFK_decorrelated"][k].get<double>();
  return theta;
}

}  // namespace

TEST_SUITE("reweight") {
  TEST_CASE("modifier: redist's simple model, expected yields at three parameter points") {
    const auto reference = rein::io::read_json(rein::test::test_data("redist/simple_model_reference.json"));
    // simple_model.json is a pyhf model spec (channels only): complete it into a workspace with
    // the best-fit test's data as observations
    auto document = rein::io::read_json(rein::test::test_data("redist/simple_model.json"));
    document["version"] = "1.0.0";
    document["observations"] = {{{"name", "singlechannel"}, {"data", reference["best_fit"]["data"]}}};
    document["measurements"] = nlohmann::json::array();
    auto ws = rein::io::workspace_from_json(document, "simple_model.json");
    // sigma0(x) = 10, sigma1(x; a, h1, h2) = a (1 + x h1 + x² h2): polynomials, which
    // Gauss–Legendre integrates exactly, so the weights are exact to rounding
    const auto alternative = [](double x, const auto& t) { return t[0] * (1.0 + x * t[1] + x * x * t[2]); };
    rein::reweight::bin_integration_options options;
    options.rule = rein::reweight::quadrature_rule::gauss_legendre;
    auto rates = std::make_shared<rein::reweight::callable_rates<3, decltype(alternative)>>(
        [](double) { return 10.0; }, alternative, reference["x_bin_edges"].get<std::vector<double>>(), options, options);
    rein::reweight::correlated_parameters h{"h", vector_of(reference["new_parameters"]["h"]["init"]),
                                            matrix_of(reference["new_parameters"]["h"]["cov"]), {}};
    // redist maps η → h with numpy's SVD (U, S given in the reference's svd_sign_note)
    Eigen::MatrixXd d(2, 2);
    d << -0.70710678118654752, -0.70710678118654752, -0.70710678118654752, 0.70710678118654752;
    d.col(0) *= std::sqrt(0.6);
    d.col(1) *= std::sqrt(0.4);
    h.decorrelation = d;
    const rein::reweight::reweighting spec{"custom", rates, {{"a", 1.0, 0.0, 10.0}}, {h},
                                           {{"singlechannel", "signal", matrix_of(reference["map"])}}, {}};
    const auto m = rein::likelihood::make_model(ws, {}, {rein::reweight::make_modifier(spec)});
    for (const auto& point : reference["expected_actualdata"]) {
      Eigen::VectorXd theta = m.parameters().inits();
      theta[static_cast<Eigen::Index>(m.parameters().index("a"))] = point["a"].get<double>();
      theta[static_cast<Eigen::Index>(m.parameters().index("h_decorrelated[0]"))] = point["h_decorrelated"][0].get<double>();
      theta[static_cast<Eigen::Index>(m.parameters().index("h_decorrelated[1]"))] = point["h_decorrelated"][1].get<double>();
      const Eigen::VectorXd nu = m.expected_main(theta);
      for (Eigen::Index b = 0; b < 2; ++b)
        REIN_CHECK_REL(nu[b], point["yields"][static_cast<std::size_t>(b)].get<double>(), 1e-12);  // redist to a few ulp
    }
  }

  TEST_CASE("modifier: the Belle II WET model reproduces the reference yields at every point") {
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"));
    const auto& values = reference["wet_yields"]["values"];
    const auto& mapping = reference["wet_yields"]["inputs"]["ffk_mapping"];
    // numpy's SVD fixes which physical FFK a unit η means; pass its U diag(√S) for the unit vectors
    const Eigen::MatrixXd numpy_d = matrix_of(mapping["U_diag_sqrtS"]);
    for (auto rule : {rein::reweight::quadrature_rule::gauss_legendre, rein::reweight::quadrature_rule::endpoint_adapted}) {
      const auto m = belle2_wet_model(rule, &numpy_d);
      CHECK(m.parameters().size() == 228 + 11);
      CHECK_FALSE(m.parameters().poi().has_value());
      for (const auto* group : {"a_FFK_decorrelated_zero", "b_FFK_decorrelated_unit_vectors"})
        for (const auto& [name, point] : values[group].items()) {
          CAPTURE(name);
          const Eigen::VectorXd theta = wet_point(m, point);
          const Eigen::VectorXd nu = m.expected_main(theta);
          // exact integrals in the reference (adaptive quad, GL64): 1e-8 relative, the issue's
          // tolerance; 16-point Gauss–Legendre moves the yields by ≤ 2.2e-16 (reference.json)
          for (Eigen::Index b = 0; b < nu.size(); ++b)
            REIN_CHECK_REL(nu[b], point["expected_actualdata"][static_cast<std::size_t>(b)].get<double>(), 1e-8);
          if (point.contains("twice_nll"))  // pyhf's −2 ln L with the observed data and auxdata
            REIN_CHECK_REL(m.twice_nll(theta, m.observed()), point["twice_nll"].get<double>(), 1e-10);
        }
    }
  }

  TEST_CASE("modifier: the analytic gradient of a reweighted model agrees with finite differences") {
    const auto m = belle2_wet_model(rein::reweight::quadrature_rule::endpoint_adapted);
    Eigen::VectorXd theta = m.parameters().inits();
    theta[static_cast<Eigen::Index>(m.parameters().index("cvl"))] = 9.0;  // away from the inits and bounds
    theta[static_cast<Eigen::Index>(m.parameters().index("csl"))] = 3.0;
    theta[static_cast<Eigen::Index>(m.parameters().index("ctl"))] = 4.0;
    for (std::size_t k = 0; k < 8; ++k)
      theta[static_cast<Eigen::Index>(m.parameters().index("FFK_decorrelated[" + std::to_string(k) + "]"))] = 0.3 - 0.1 * static_cast<double>(k);
    Eigen::VectorXd gradient;
    m.nll_and_gradient(theta, m.observed(), gradient);
    for (const std::string name : {"cvl", "csl", "ctl", "FFK_decorrelated[0]", "FFK_decorrelated[5]", "FFK_decorrelated[7]",
                                   "corr_pid_c1", "uncorr_siguncrt_signal_zoomSR_Y4S[3]", "sgn_err_1_had[2]"}) {
      CAPTURE(name);
      const auto i = static_cast<Eigen::Index>(m.parameters().index(name));
      const double h = 1e-5 * std::max(1.0, std::abs(theta[i]));
      Eigen::VectorXd up = theta, down = theta;
      up[i] += h;
      down[i] -= h;
      const double numeric = (m.nll(up) - m.nll(down)) / (2 * h);
      REIN_CHECK_ABS(gradient[i], numeric, 1e-6 * (1 + std::abs(numeric)));  // central differences, O(h²)
    }
  }

  TEST_CASE("modifier: bad input") {
    const auto alternative = [](double x, const auto& t) { return t[0] * x; };
    auto rates = std::make_shared<rein::reweight::callable_rates<1, decltype(alternative)>>(
        [](double x) { return x; }, alternative, std::vector<double>{0, 1, 2}, rein::reweight::bin_integration_options{},
        rein::reweight::bin_integration_options{});
    rein::reweight::reweighting spec{"r", rates, {{"a", 1, 0, 2}}, {}, {{"c", "s", Eigen::MatrixXd::Ones(2, 3)}}, {}};
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(spec),
                         "rein::reweight::make_modifier: reweighting 'r': the number density of sample 's' in channel 'c' "
                         "has 3 columns, the rates have 2 bins",
                         rein::invalid_argument);
    spec.targets[0].density = Eigen::MatrixXd::Ones(2, 2);
    spec.targets[0].density(1, 0) = std::nan("");
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(spec), doctest::Contains("has density(1, 0) = nan, must be finite"),
                         rein::invalid_argument);
    spec.targets[0].density(1, 0) = 1;
    Eigen::MatrixXd asymmetric(2, 2);
    asymmetric << 1, 0.5, 0.4, 1;
    spec.free.clear();
    spec.correlated = {{"g", Eigen::VectorXd::Zero(2), asymmetric, {}}};
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(spec), doctest::Contains("covariance is not symmetric"),
                         rein::invalid_argument);
    Eigen::MatrixXd indefinite(2, 2);
    indefinite << 1, 2, 2, 1;
    spec.correlated[0].covariance = indefinite;
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(spec), doctest::Contains("not positive semi-definite"),
                         rein::invalid_argument);
    // a null that vanishes in a used bin
    auto zero_null = std::make_shared<rein::reweight::callable_rates<1, decltype(alternative)>>(
        [](double) { return 0.0; }, alternative, std::vector<double>{0, 1, 2}, rein::reweight::bin_integration_options{},
        rein::reweight::bin_integration_options{});
    rein::reweight::reweighting zero{"z", zero_null, {{"a", 1, 0, 2}}, {}, {{"c", "s", Eigen::MatrixXd::Ones(2, 2)}}, {}};
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(zero),
                         "rein::reweight::make_modifier: reweighting 'z': the null rate integrates to 0 in kinematic bin 0 "
                         "inside the cutoff",
                         rein::invalid_argument);
  }
}
