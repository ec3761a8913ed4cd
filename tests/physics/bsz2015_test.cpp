#include "rein/physics/bsz2015.hpp"

#include "rein/core/dual.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <string>

namespace bsz2015_test {

namespace {

using rein::physics::bsz2015_b_to_k;
using rein::physics::bsz2015_reference_central;

struct table_row {
  double q2, z, f_plus, f_zero, f_tensor;
};

// tests/data/physics/b_to_k_nunu.md, "Reference values", first table (Belle II FF central values
// of utils; EOS's BSZ2015), printed to 6 decimals.
constexpr table_row reference_table[] = {
    {0.0, 0.144596, 0.337725, 0.337725, 0.327936},      {5.0, 0.104565, 0.449368, 0.383439, 0.440703},
    {10.0, 0.056296, 0.629215, 0.446240, 0.622083},     {15.0, -0.004020, 0.954969, 0.539284, 0.949672},
    {20.0, -0.083586, 1.679404, 0.695611, 1.674708},
};

}  // namespace

TEST_SUITE("physics") {
  TEST_CASE("bsz2015: z and f+, f0, fT reproduce the reference table of b_to_k_nunu.md to 1e-6") {
    // The table prints 6 decimals: rounding ≤ 5e-7, so 1e-6 absolute (the acceptance tolerance).
    for (const auto& row : reference_table) {
      INFO("q2 = " << row.q2);
      REIN_CHECK_ABS(rein::physics::bsz2015_z(row.q2), row.z, 1e-6);
      const auto f = bsz2015_b_to_k(row.q2, bsz2015_reference_central);
      REIN_CHECK_ABS(f.f_plus, row.f_plus, 1e-6);
      REIN_CHECK_ABS(f.f_zero, row.f_zero, 1e-6);
      REIN_CHECK_ABS(f.f_tensor, row.f_tensor, 1e-6);
    }
  }

  TEST_CASE("bsz2015: f0(0) = f+(0) = alpha^f+_0 and fT(0) = alpha^fT_0 exactly") {
    // At q² = 0 the pole factors are 1 and z − z(0) = 0 (closed form).
    const auto f = bsz2015_b_to_k(0.0, bsz2015_reference_central);
    CHECK(f.f_plus == bsz2015_reference_central[0]);
    CHECK(f.f_zero == bsz2015_reference_central[0]);
    CHECK(f.f_tensor == bsz2015_reference_central[5]);
  }

  TEST_CASE("bsz2015: dual<8> derivatives equal the closed form pole·(z − z0)^k") {
    // f+ = P+ Σ α_k dz^k is linear in α: ∂f+/∂α_k = P+ dz^k, ∂f0/∂α_0 = P0, ∂f0/∂α_{3,4} = P0 dz^{1,2},
    // ∂fT/∂α_{5,6,7} = P+ dz^{0,1,2}; P and dz from bsz2015_expansion_at (closed form). 1e-15 relative.
    using d8 = rein::dual<8>;
    rein::physics::bsz2015_parameters<d8> alpha;
    for (std::size_t i = 0; i < 8; ++i) alpha[i] = d8::variable(bsz2015_reference_central[i], i);
    for (const double q2 : {0.0, 3.3, 12.0, 22.9}) {
      const auto e = rein::physics::bsz2015_expansion_at(q2);
      const auto f = bsz2015_b_to_k(q2, alpha);
      const double powers[3] = {1.0, e.dz, e.dz * e.dz};
      INFO("q2 = " << q2);
      std::array<double, 8> plus{}, zero{}, tensor{};
      for (std::size_t k = 0; k < 3; ++k) {
        plus[k] = e.pole_plus * powers[k];
        tensor[5 + k] = e.pole_plus * powers[k];
      }
      zero[0] = e.pole_zero;
      zero[3] = e.pole_zero * powers[1];
      zero[4] = e.pole_zero * powers[2];
      for (std::size_t i = 0; i < 8; ++i) {
        INFO("parameter " << i);
        REIN_CHECK_ABS(f.f_plus.derivatives[i], plus[i], 1e-15 * std::abs(e.pole_plus));
        REIN_CHECK_ABS(f.f_zero.derivatives[i], zero[i], 1e-15 * std::abs(e.pole_zero));
        REIN_CHECK_ABS(f.f_tensor.derivatives[i], tensor[i], 1e-15 * std::abs(e.pole_plus));
      }
      const auto plain = bsz2015_b_to_k(q2, bsz2015_reference_central);
      CHECK(f.f_plus.value == plain.f_plus);
      CHECK(f.f_zero.value == plain.f_zero);
      CHECK(f.f_tensor.value == plain.f_tensor);
    }
  }

  TEST_CASE("bsz2015: the embedded Belle II FFK mean and covariance equal the published likelihood") {
    // data/belle2-knunu/reinterpretation_likelihood_wet.json, new_pars → FFK (inits, cov):
    // the header holds the same decimal strings, so the doubles are identical.
    std::ifstream in(std::string(REIN_DATA_DIR) + "/belle2-knunu/reinterpretation_likelihood_wet.json");
    REQUIRE(in.good());
    const auto json = nlohmann::json::parse(in);
    for (const auto& block : json["new_pars"]) {
      const auto& ffk = block["FFK"];
      const auto inits = ffk["inits"].get<std::vector<double>>();
      const auto cov = ffk["cov"].get<std::vector<std::vector<double>>>();
      REQUIRE(inits.size() == 8);
      REQUIRE(cov.size() == 8);
      for (std::size_t i = 0; i < 8; ++i) {
        CHECK(inits[i] == rein::physics::bsz2015_belle2_mean[i]);
        for (std::size_t j = 0; j < 8; ++j) CHECK(cov[i][j] == rein::physics::bsz2015_belle2_covariance[i][j]);
      }
    }
    const Eigen::MatrixXd m = rein::physics::bsz2015_belle2_covariance_matrix();
    CHECK(m.rows() == 8);
    CHECK(m(2, 7) == rein::physics::bsz2015_belle2_covariance[2][7]);
  }

  TEST_CASE("bsz2015: uncertainty propagation, closed form at q2 = 0") {
    // At q² = 0: f+ = f0 = α_0 and fT = α_5, so σ(f+) = σ(f0) = √C_00 and σ(fT) = √C_55 exactly.
    const Eigen::MatrixXd c = rein::physics::bsz2015_belle2_covariance_matrix();
    const auto s0 = rein::physics::bsz2015_uncertainty(0.0, c);
    REIN_CHECK_REL(s0.f_plus, std::sqrt(c(0, 0)), 1e-15);
    REIN_CHECK_REL(s0.f_zero, std::sqrt(c(0, 0)), 1e-15);
    REIN_CHECK_REL(s0.f_tensor, std::sqrt(c(5, 5)), 1e-15);
    // At q² = 10: the gradient from dual numbers (independent of the hand-written one) gᵀCg, 1e-13.
    using d8 = rein::dual<8>;
    rein::physics::bsz2015_parameters<d8> alpha;
    for (std::size_t i = 0; i < 8; ++i) alpha[i] = d8::variable(rein::physics::bsz2015_belle2_mean[i], i);
    const auto f = bsz2015_b_to_k(10.0, alpha);
    const Eigen::Map<const Eigen::Matrix<double, 8, 1>> g(f.f_zero.derivatives.data());
    REIN_CHECK_REL(rein::physics::bsz2015_uncertainty(10.0, c).f_zero, std::sqrt(g.dot(c * g)), 1e-13);
  }

  TEST_CASE("bsz2015: bad input is rejected with a message naming function, argument and requirement") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(rein::physics::bsz2015_z(nan),
                         doctest::Contains("rein::physics::bsz2015_z: q2 = nan GeV^2, must be finite and below"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS(bsz2015_b_to_k(30.0, bsz2015_reference_central),
                         "rein::physics::bsz2015_b_to_k: q2 = 30 GeV^2, must be finite and below 29.322225 GeV^2 (the "
                         "nearest pole m_R^2 of the BSZ2015 parametrisation)",
                         rein::domain_error);
    auto alpha = bsz2015_reference_central;
    alpha[6] = nan;
    CHECK_THROWS_WITH_AS(bsz2015_b_to_k(1.0, alpha), "rein::physics::bsz2015_b_to_k: alpha[6] = nan, must be finite",
                         rein::invalid_argument);
    const Eigen::MatrixXd wrong = Eigen::MatrixXd::Identity(7, 8);
    CHECK_THROWS_WITH_AS(rein::physics::bsz2015_uncertainty(1.0, wrong),
                         "rein::physics::bsz2015_uncertainty: covariance is 7x8, must be 8x8 (the BSZ2015 parameters "
                         "of B->K)",
                         rein::invalid_argument);
    Eigen::MatrixXd c = rein::physics::bsz2015_belle2_covariance_matrix();
    c(1, 2) += 1e-3;
    CHECK_THROWS_WITH_AS(rein::physics::bsz2015_uncertainty(1.0, c),
                         doctest::Contains("bsz2015_uncertainty: covariance is not symmetric: (1, 2) ="),
                         rein::invalid_argument);
    c = rein::physics::bsz2015_belle2_covariance_matrix();
    c(3, 3) = -1.0;
    CHECK_THROWS_WITH_AS(rein::physics::bsz2015_uncertainty(1.0, c),
                         "rein::physics::bsz2015_uncertainty: covariance(3, 3) = -1, must be >= 0",
                         rein::invalid_argument);
    c(3, 3) = nan;
    CHECK_THROWS_WITH_AS(rein::physics::bsz2015_uncertainty(1.0, c),
                         "rein::physics::bsz2015_uncertainty: covariance(3, 3) = nan, must be finite",
                         rein::invalid_argument);
  }
}
}  // namespace bsz2015_test
