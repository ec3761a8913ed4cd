#include "rein/io/json/redist.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/reweight/modifier.hpp"
#include "rein/reweight/named_rates.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace modifier_test {

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
  auto rates = rein::reweight::make_named_rates("hpqcd-b-to-k-nunu", "wet-b-to-k-nunu", redist.reweightings[0].edges, rule);
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

std::uint64_t bits_of(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// σ0(x) = x, σ1(x; a, b) = a x + b x² on the bins [0, 1], [1, 2]: Gauss–Legendre integrates both
// exactly, so w_0 = (a/2 + b/3)/(1/2) = a + 2b/3 and w_1 = (3a/2 + 7b/3)/(3/2) = a + 14b/9.
const auto linear_quadratic = [](double x, const auto& t) { return t[0] * x + t[1] * x * x; };
using linear_quadratic_rates = rein::reweight::callable_rates<2, decltype(linear_quadratic)>;

std::shared_ptr<const linear_quadratic_rates> two_bin_rates(std::vector<double> edges = {0, 1, 2}) {
  rein::reweight::bin_integration_options o;
  o.rule = rein::reweight::quadrature_rule::gauss_legendre;
  return std::make_shared<linear_quadratic_rates>([](double x) { return x; }, linear_quadratic, edges, o, o);
}

// Closed-form R for a 1 × 2 density row (m0, m1) at (a, b), and ∂R/∂a, ∂R/∂b.
struct closed_form {
  double r, dr_da, dr_db;
};
closed_form two_bin_r(double m0, double m1, double a, double b) {
  const double w0 = a + 2 * b / 3, w1 = a + 14 * b / 9;
  return {(m0 * w0 + m1 * w1) / (m0 + m1), 1.0, (m0 * 2.0 / 3.0 + m1 * 14.0 / 9.0) / (m0 + m1)};
}

rein::reweight::reweighting two_bin_spec(Eigen::MatrixXd density) {
  return {"lq", two_bin_rates(), {{"a", 1, -10, 10}, {"b", 0, -10, 10}}, {}, {{"c", "s", std::move(density)}}, {}};
}

// A bin_rates whose edges are whatever the test gives (the built-in rates refuse bad edges).
class edges_only_rates final : public rein::reweight::bin_rates {
 public:
  explicit edges_only_rates(std::vector<double> edges, std::size_t bins)
      : m_edges(std::move(edges)), m_null(bins, 1.0) {}
  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_edges; }
  [[nodiscard]] std::size_t parameters() const override { return 1; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }
  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    for (std::size_t j = 0; j < m_null.size(); ++j) {
      integrals[j] = theta[0];
      if (jacobian) jacobian[j] = 1;
    }
  }

 private:
  std::vector<double> m_edges, m_null;
};

std::string make_modifier_error(const rein::reweight::reweighting& spec) {
  try {
    (void)rein::reweight::make_modifier(spec);
  } catch (const rein::invalid_argument& e) {
    return e.what();
  }
  return "no error";
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
        for (const auto& item : values[group].items()) {
          const std::string name = item.key();  // not a structured binding: clang 14 cannot capture those
          const auto& point = item.value();
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
    // a null below 0 (∫_0^1 -1 dx = -1) would flip the sign of the weights
    auto negative_null = std::make_shared<rein::reweight::callable_rates<1, decltype(alternative)>>(
        [](double) { return -1.0; }, alternative, std::vector<double>{0, 1, 2}, rein::reweight::bin_integration_options{},
        rein::reweight::bin_integration_options{});
    rein::reweight::reweighting negative{"n", negative_null, {{"a", 1, 0, 2}}, {}, {{"c", "s", Eigen::MatrixXd::Ones(2, 2)}}, {}};
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(negative),
                         doctest::Contains("reweighting 'n': the null rate integrates to -"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::reweight::make_modifier(negative),
                         doctest::Contains("in kinematic bin 0 inside the cutoff; a rate must be >= 0"), rein::invalid_argument);
  }

  TEST_CASE("modifier: bad covariances, means and decorrelation matrices name the group, the index and the value") {
    const auto alternative = [](double x, const auto& t) { return (1 + t[0]) * (1 + t[1]) * x; };
    auto rates = std::make_shared<rein::reweight::callable_rates<2, decltype(alternative)>>(
        [](double x) { return x; }, alternative, std::vector<double>{0, 1, 2}, rein::reweight::bin_integration_options{},
        rein::reweight::bin_integration_options{});
    Eigen::MatrixXd covariance(2, 2);
    covariance << 1, 0.5, 0.4, 1;
    rein::reweight::reweighting spec{"r", rates, {}, {{"g", Eigen::VectorXd::Zero(2), covariance, {}}},
                                     {{"c", "s", Eigen::MatrixXd::Ones(2, 2)}}, {}};
    const std::string where = "rein::reweight::make_modifier: reweighting 'r': 'g': ";
    // |0.5 − 0.4| exceeds 1e-12 of the largest entry 1
    CHECK(make_modifier_error(spec) == where + "covariance is not symmetric: (0, 1) = 0.5 but (1, 0) = 0.40000000000000002");
    // eigenvalues of [[1, 2], [2, 1]] are 3 and −1 (closed form)
    spec.correlated[0].covariance << 1, 2, 2, 1;
    const std::string indefinite = make_modifier_error(spec);
    const std::string prefix = where + "covariance is not positive semi-definite (smallest eigenvalue ";
    REQUIRE(indefinite.rfind(prefix, 0) == 0);
    REIN_CHECK_REL(std::stod(indefinite.substr(prefix.size())), -1.0, 1e-14);  // Eigen's eigensolver, a few ulp
    spec.correlated[0].covariance << 1, 0, 0, std::nan("");
    CHECK(make_modifier_error(spec) == where + "covariance(1, 1) = nan, must be finite");
    spec.correlated[0].covariance = Eigen::MatrixXd::Identity(2, 3);
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'r': 'g' has 2 means but a 2×3 covariance");
    spec.correlated[0].covariance = Eigen::MatrixXd::Identity(2, 2);
    spec.correlated[0].mean[1] = std::numeric_limits<double>::infinity();
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'r': 'g' has mean[1] = inf, must be finite");
    spec.correlated[0].mean[1] = 0;
    spec.correlated[0].decorrelation = Eigen::MatrixXd::Identity(3, 2);
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'r': 'g' has a 3×2 decorrelation matrix, "
                                       "must be 2×2 like its covariance");
    Eigen::MatrixXd d = Eigen::MatrixXd::Identity(2, 2);
    d(0, 1) = std::nan("");
    spec.correlated[0].decorrelation = d;
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'r': 'g' has decorrelation(0, 1) = nan, "
                                       "must be finite");
    spec.correlated[0].decorrelation = Eigen::MatrixXd::Identity(2, 2);
    CHECK(make_modifier_error(spec) == "no error");  // the same spec with a valid D: the checks above caused the errors
  }

  TEST_CASE("modifier: targets are checked: repeated, empty, NaN entries (naming channel, sample, row and column)") {
    auto spec = two_bin_spec(Eigen::MatrixXd::Ones(3, 2));
    spec.targets.push_back({"d", "s", Eigen::MatrixXd::Ones(1, 2)});
    CHECK(make_modifier_error(spec) == "no error");
    spec.targets.push_back({"c", "s", Eigen::MatrixXd::Ones(3, 2)});
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'lq': targets 0 and 2 are both sample 's' "
                                       "in channel 'c', a sample can be reweighted once");
    spec.targets.pop_back();
    spec.targets[1].density = Eigen::MatrixXd(0, 2);
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'lq': the number density of sample 's' in "
                                       "channel 'd' has no rows, needs one per bin of the channel");
    spec.targets[1].density = Eigen::MatrixXd::Ones(1, 2);
    spec.targets[1].density(0, 1) = -std::numeric_limits<double>::infinity();
    CHECK(make_modifier_error(spec) == "rein::reweight::make_modifier: reweighting 'lq': the number density of sample 's' in "
                                       "channel 'd' has density(0, 1) = -inf, must be finite");
  }

  TEST_CASE("modifier: the rates' edges must be bins + 1 finite, strictly increasing values") {
    const auto spec_with = [](std::vector<double> edges, std::size_t bins) {
      return rein::reweight::reweighting{"e", std::make_shared<edges_only_rates>(std::move(edges), bins),
                                         {{"a", 1, 0, 2}}, {}, {{"c", "s", Eigen::MatrixXd::Ones(1, 3)}}, {}};
    };
    CHECK(make_modifier_error(spec_with({0, 1, 2, 3}, 3)) == "no error");
    CHECK(make_modifier_error(spec_with({0, 1, 1, 3}, 3)) ==
          "rein::reweight::make_modifier: reweighting 'e': the rates' edges[2] = 1 is not greater than edges[1] = 1, "
          "edges must be strictly increasing");
    CHECK(make_modifier_error(spec_with({0, 2, 1, 3}, 3)).find("the rates' edges[2] = 1 is not greater than edges[1] = 2") !=
          std::string::npos);
    CHECK(make_modifier_error(spec_with({0, 1, std::nan(""), 3}, 3)) ==
          "rein::reweight::make_modifier: reweighting 'e': the rates' edges[2] = nan, must be finite");
    CHECK(make_modifier_error(spec_with({0, 1, 2}, 3)) ==
          "rein::reweight::make_modifier: reweighting 'e': the rates have 3 bins but 3 edges, must be bins + 1");
    auto nan_cutoff = spec_with({0, 1, 2, 3}, 3);
    nan_cutoff.policy.cutoff_high = std::nan("");
    CHECK(make_modifier_error(nan_cutoff) == "rein::reweight::make_modifier: reweighting 'e': the weight policy's cutoff is "
                                             "[-inf, nan], its ends must be numbers (use ±infinity for none)");
    // issue #18: a reversed cutoff switched the reweighting off, upper_bound -1 made every yield negative
    auto reversed = spec_with({0, 1, 2, 3}, 3);
    reversed.policy.cutoff_low = 20, reversed.policy.cutoff_high = 1;
    CHECK(make_modifier_error(reversed) == "rein::reweight::make_modifier: reweighting 'e': the weight policy's cutoff is "
                                           "[20, 1] is empty or reversed, need low < high");
    auto negative_bound = spec_with({0, 1, 2, 3}, 3);
    negative_bound.policy.upper_bound = -1.0;
    CHECK(make_modifier_error(negative_bound) == "rein::reweight::make_modifier: reweighting 'e': the weight policy's upper_bound "
                                                 "is -1, must be a number > 0 (or none)");
    negative_bound.policy.upper_bound = 0.0;
    CHECK(make_modifier_error(negative_bound).find("upper_bound is 0, must be a number > 0") != std::string::npos);
  }

  TEST_CASE("modifier: a number density's edges must agree with the rates' (count and values)") {
    const rein::reweight::number_density_labels labels{"nd", "c", "s", {"GeV^2"}, "events", "unit test"};
    Eigen::MatrixXd m(2, 2);
    m << 1, 3, 2, 2;
    auto spec = two_bin_spec(m);
    spec.targets = {rein::reweight::make_target(rein::reweight::make_number_density(m, {{0, 1, 2}}, {"q2"}, labels))};
    CHECK(spec.targets[0].channel == "c");
    CHECK(spec.targets[0].sample == "s");
    CHECK(spec.targets[0].density == m);
    CHECK(spec.targets[0].edges == std::vector<double>{0, 1, 2});
    CHECK(make_modifier_error(spec) == "no error");
    // the same binning computed another way: 0.1·k against 0.1 + 0.1 + ... (differ by an ulp)
    std::vector<double> product = {0.0}, summed = {0.0};
    for (int k = 1; k <= 10; ++k) {
      product.push_back(0.1 * k);
      summed.push_back(summed.back() + 0.1);
    }
    REQUIRE(product != summed);  // 0.1·6 = 0.6000000000000001 but the sum is 0.6; 0.1·10 = 1, the sum 0.9999999999999999
    auto close = two_bin_spec(Eigen::MatrixXd::Ones(1, 10));
    close.rates = two_bin_rates(product);
    close.targets[0].edges = summed;
    CHECK(make_modifier_error(close) == "no error");  // |Δ| ≤ 1.2e-16, tolerance 1e-12 · 1
    close.targets[0].edges[4] += 2e-12;  // beyond 1e-12 of the largest |edge| (1)
    CHECK(make_modifier_error(close).find("the number density of sample 's' in channel 'c' has kinematic edges[4] = "
                                          "0.40000000000200003, the rates have edges[4] = 0.40000000000000002 (the edges "
                                          "must agree to 1e-12 of the largest |edge|)") != std::string::npos);

    const auto with_edges = [&](std::vector<double> edges) {
      auto t = spec;
      t.targets[0].edges = std::move(edges);
      return make_modifier_error(t);
    };
    CHECK(with_edges({0, 1.5, 2}) == "rein::reweight::make_modifier: reweighting 'lq': the number density of sample 's' in "
                                     "channel 'c' has kinematic edges[1] = 1.5, the rates have edges[1] = 1 (the edges "
                                     "must agree to 1e-12 of the largest |edge|)");
    CHECK(with_edges({0, 1, 2, 3}) == "rein::reweight::make_modifier: reweighting 'lq': the number density of sample 's' in "
                                      "channel 'c' has 4 kinematic edges, the rates have 3 (the edges must agree)");
    CHECK(with_edges({0, 2, 1}) == "rein::reweight::make_modifier: reweighting 'lq': the number density of sample 's' in "
                                   "channel 'c' has kinematic edges[2] = 1 not greater than edges[1] = 2, edges must be "
                                   "strictly increasing");
    CHECK(with_edges({0, std::nan(""), 2}).find("has kinematic edges[1] = nan, must be finite") != std::string::npos);
    // a 2-D density cannot be a target: the modifier reweights in one variable
    const auto two_d = rein::reweight::make_number_density(Eigen::MatrixXd::Ones(1, 4), {{0, 1, 2}, {0, 1, 2}},
                                                           {"q2", "cos"}, {"nd2", "c", "s", {"GeV^2", ""}, "", ""});
    CHECK_THROWS_WITH_AS((void)rein::reweight::make_target(two_d),
                         "rein::reweight::make_target: number density 'nd2' (channel 'c', sample 's') has 2 kinematic "
                         "axes, the reweighting modifier needs exactly 1",
                         rein::invalid_argument);
  }

  TEST_CASE("modifier: a map with other than one row per channel bin is refused by make_model") {
    // make_model knows the channel's bins; the target states its rows
    auto ws = rein::io::workspace_from_json(nlohmann::json::parse(R"({
      "channels": [{"name": "c", "samples": [{"name": "s", "data": [10, 20, 30], "modifiers": []}]}],
      "observations": [{"name": "c", "data": [10, 20, 30]}], "measurements": [], "version": "1.0.0"})"),
                                            "three_bins.json");
    CHECK_NOTHROW((void)rein::likelihood::make_model(ws, {}, {rein::reweight::make_modifier(two_bin_spec(Eigen::MatrixXd::Ones(3, 2)))}));
    for (Eigen::Index rows : {2, 4}) {
      CAPTURE(rows);
      CHECK_THROWS_WITH_AS((void)rein::likelihood::make_model(
                               ws, {}, {rein::reweight::make_modifier(two_bin_spec(Eigen::MatrixXd::Ones(rows, 2)))}),
                           ("rein::likelihood::make_model: custom modifier 'lq' has " + std::to_string(rows) +
                            " outputs for sample 's' of channel 'c', which has 3 bins (one output per bin)").c_str(),
                           rein::invalid_argument);
    }
  }

  TEST_CASE("modifier: repeated inputs return the same factors and Jacobian, whatever was evaluated before") {
    // closed forms (two_bin_r): R is linear in (a, b), so every value is exact up to rounding
    Eigen::MatrixXd m(1, 2);
    m << 1, 3;
    const auto f = rein::reweight::make_modifier(two_bin_spec(m)).function;
    Eigen::MatrixXd m2(1, 2);
    m2 << 2, 0;
    const auto g = rein::reweight::make_modifier(two_bin_spec(m2)).function;
    const auto check_at = [](const rein::likelihood::bin_function& fn, double m0, double m1, double a, double b, bool jacobian) {
      CAPTURE(a);
      CAPTURE(b);
      const double x[2] = {a, b};
      double r = 0, j[2] = {-1, -1};
      fn.evaluate(x, &r, jacobian ? j : nullptr);
      const auto expected = two_bin_r(m0, m1, a, b);
      REIN_CHECK_REL(r, expected.r, 1e-15);  // a few roundings of exact quadrature
      if (jacobian) {
        REIN_CHECK_REL(j[0], expected.dr_da, 1e-15);
        REIN_CHECK_REL(j[1], expected.dr_db, 1e-15);
      }
    };
    check_at(*f, 1, 3, 2.0, 0.5, false);
    check_at(*f, 1, 3, 2.0, 0.5, true);  // same inputs, now with the Jacobian the first call did not make
    check_at(*f, 1, 3, 2.0, 0.5, true);
    check_at(*f, 1, 3, 1.5, 0.5, true);
    check_at(*f, 1, 3, 2.0, 0.5, false);
    check_at(*g, 2, 0, 2.0, 0.5, true);  // another function at the same inputs
    check_at(*f, 1, 3, 2.0, 0.5, true);
    // more functions than a thread keeps results for, evaluated in turn
    std::vector<std::shared_ptr<const rein::likelihood::bin_function>> many;
    for (int k = 0; k < 11; ++k) {
      Eigen::MatrixXd mk(1, 2);
      mk << 1, k;
      many.push_back(rein::reweight::make_modifier(two_bin_spec(mk)).function);
    }
    for (int round = 0; round < 3; ++round)
      for (int k = 0; k < 11; ++k) check_at(*many[static_cast<std::size_t>(k)], 1, k, 0.5 + round, -0.25 * round, round != 1);
    // several threads on one function, each at its own points
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 2000; ++i) {
          const double x[2] = {1.0 + t, 0.25 * (i % 3)};
          double r = 0, j[2] = {0, 0};
          f->evaluate(x, &r, j);
          const auto e = two_bin_r(1, 3, x[0], x[1]);
          if (!(rein::test::rel_close(r, e.r, 1e-15) && rein::test::rel_close(j[1], e.dr_db, 1e-15))) ++wrong[static_cast<std::size_t>(t)];
        }
      });
    for (auto& t : threads) t.join();
    CHECK(wrong == std::vector<int>(4, 0));
  }

  TEST_CASE("modifier: nll_and_gradient of the Belle II WET model is bit-identical with and without kept weights") {
    // `warm` evaluates points that share the reweighting inputs (only a workspace nuisance moves),
    // `cold` is a separate model whose reweighting function has never seen them: every nll and
    // gradient must be the same bits
    const auto warm = belle2_wet_model(rein::reweight::quadrature_rule::endpoint_adapted);
    Eigen::VectorXd a = warm.parameters().inits();
    a[static_cast<Eigen::Index>(warm.parameters().index("cvl"))] = 9.0;
    a[static_cast<Eigen::Index>(warm.parameters().index("FFK_decorrelated[2]"))] = 0.4;
    Eigen::VectorXd b = a;
    b[static_cast<Eigen::Index>(warm.parameters().index("corr_pid_c1"))] = 0.3;
    Eigen::VectorXd c = b;
    c[static_cast<Eigen::Index>(warm.parameters().index("csl"))] = 2.0;
    Eigen::VectorXd gradient;
    (void)warm.nll(a);  // keeps R at a without its Jacobian
    std::vector<double> warm_values;
    std::vector<Eigen::VectorXd> warm_gradients;
    for (const Eigen::VectorXd* theta : {&b, &b, &a, &c, &b}) {
      warm_values.push_back(warm.nll_and_gradient(*theta, warm.observed(), gradient));
      warm_gradients.push_back(gradient);
    }
    std::size_t k = 0;
    for (const Eigen::VectorXd* theta : {&b, &b, &a, &c, &b}) {
      CAPTURE(k);
      const auto cold = belle2_wet_model(rein::reweight::quadrature_rule::endpoint_adapted);
      CHECK(bits_of(cold.nll_and_gradient(*theta, cold.observed(), gradient)) == bits_of(warm_values[k]));
      std::size_t different = 0;
      for (Eigen::Index i = 0; i < gradient.size(); ++i) different += bits_of(gradient[i]) != bits_of(warm_gradients[k][i]);
      CHECK(different == 0);
      ++k;
    }
    // and the gradient with respect to the WET parameters is not zero (the Jacobian was used)
    CHECK(warm_gradients[0][static_cast<Eigen::Index>(warm.parameters().index("cvl"))] != 0.0);
    CHECK(warm_gradients[0][static_cast<Eigen::Index>(warm.parameters().index("FFK_decorrelated[0]"))] != 0.0);
  }

  TEST_CASE("modifier: the weight policy replaces negative and NaN weights, clips inside the cutoff, keeps empty rows") {
    // two_bin_r's closed forms: w_0 = a + 2b/3, w_1 = a + 14b/9; rows (1, 0), (0, 1), (0, 0) expose
    // w_0, w_1 and the empty-row rule; Jacobian columns (∂/∂a, ∂/∂b)
    Eigen::MatrixXd m(3, 2);
    m << 1, 0, 0, 1, 0, 0;
    const auto evaluate = [&](const rein::reweight::weight_policy& policy, double a, double b) {
      auto spec = two_bin_spec(m);
      spec.policy = policy;
      const auto f = rein::reweight::make_modifier(spec).function;
      const double x[2] = {a, b};
      std::vector<double> r(3), j(6);
      f->evaluate(x, r.data(), j.data());
      return std::make_pair(r, j);
    };
    const double tol = 1e-15;  // exact quadrature, a few roundings
    rein::reweight::weight_policy policy;
    {  // a = 1, b = −1: w_0 = 1/3, w_1 = −5/9 < 0 becomes 1 with zero derivative
      const auto [r, j] = evaluate(policy, 1, -1);
      REIN_CHECK_REL(r[0], 1.0 / 3.0, tol);
      CHECK(r[1] == 1.0);
      CHECK(r[2] == 1.0);  // Σ_j M_2j = 0: R = 1
      REIN_CHECK_REL(j[0], 1.0, tol);
      REIN_CHECK_REL(j[1], 2.0 / 3.0, tol);
      CHECK(j[2] == 0.0);
      CHECK(j[3] == 0.0);
      CHECK(j[4] == 0.0);
      CHECK(j[5] == 0.0);
    }
    {  // allowed, the negative weight and its derivative are kept
      policy.allow_negative = true;
      const auto [r, j] = evaluate(policy, 1, -1);
      REIN_CHECK_REL(r[1], -5.0 / 9.0, tol);
      REIN_CHECK_REL(j[3], 14.0 / 9.0, tol);
      policy.allow_negative = false;
    }
    {  // NaN inputs give NaN integrals, whose weights become 1
      const auto [r, j] = evaluate(policy, std::nan(""), 0);
      CHECK(r[0] == 1.0);
      CHECK(r[1] == 1.0);
      CHECK(j[0] == 0.0);
    }
    {  // bound 0.5 at a = 1, b = 0 (both weights 1): clipped, derivative 0
      policy.upper_bound = 0.5;
      const auto [r, j] = evaluate(policy, 1, 0);
      CHECK(r[0] == 0.5);
      CHECK(r[1] == 0.5);
      CHECK(j[0] == 0.0);
      // with the cutoff [0, 1], bin 1 is outside: it keeps w = 1, the bound does not apply to it
      policy.cutoff_low = 0;
      policy.cutoff_high = 1;
      const auto [rc, jc] = evaluate(policy, 1, 0);
      CHECK(rc[0] == 0.5);
      CHECK(rc[1] == 1.0);
      // inside the cutoff and below the bound the weight is as computed: a = 0.25, b = 0 gives 0.25
      const auto [rb, jb] = evaluate(policy, 0.25, 0);
      REIN_CHECK_REL(rb[0], 0.25, tol);
      REIN_CHECK_REL(jb[1], 2.0 / 3.0, tol);
      CHECK(rb[1] == 1.0);
      CHECK(jb[2] == 0.0);
    }
  }
}
}  // namespace modifier_test
