#include "rein/physics/b_to_k_nunu.hpp"

#include "rein/core/dual.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/constants.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace b_to_k_nunu_test {

namespace {

using rein::physics::b_to_k_nunu_rate;
using rein::physics::bsz2015_reference_central;
using rein::physics::wet_coefficients;

struct rate_row {
  double q2, sm, scalar, tensor;
};

// tests/data/physics/b_to_k_nunu.md, "Reference values", second table: dB/dq² [GeV⁻²] with EOS
// constants, FF central values of utils, m_b = 4.177, m_s = 0.081; columns C_VL = 6.613115 (SM),
// C_SL = 1 only, C_TL = 1 only. Printed to 7 significant digits.
constexpr rate_row reference_rates[] = {
    {0.0, 2.966480e-07, 0.0, 0.0},
    {5.0, 2.844303e-07, 6.372126e-09, 1.501532e-08},
    {10.0, 2.549770e-07, 1.329752e-08, 2.735907e-08},
    {15.0, 1.960532e-07, 2.020803e-08, 3.192541e-08},
    {20.0, 8.369486e-08, 2.316817e-08, 1.827254e-08},
};

using theta_type = std::array<double, 11>;

/// A point with every coefficient non-zero, so that no derivative vanishes.
theta_type generic_theta() {
  theta_type t{8.2, 3.1, 4.7};
  for (std::size_t i = 0; i < 8; ++i) t[3 + i] = rein::physics::bsz2015_belle2_mean[i];
  return t;
}

double rate_at(const b_to_k_nunu_rate& r, double q2, const theta_type& t) {
  rein::physics::bsz2015_parameters<double> ff;
  for (std::size_t i = 0; i < 8; ++i) ff[i] = t[3 + i];
  return r.differential_branching_fraction(q2, wet_coefficients<double>{t[0], t[1], t[2]}, ff);
}

/// 6th-order central difference of f along parameter i. It is exact for polynomials of degree ≤ 6
/// and the rate is quadratic in each parameter, so a large step (0.1·max(1, |θ_i|)) costs no
/// truncation error and keeps the rounding error ~1e-16·|f|/h small.
template <class F>
double central_difference(const F& f, const theta_type& theta, std::size_t i) {
  const double h = 0.1 * std::fmax(1.0, std::abs(theta[i]));
  const auto at = [&](double k) {
    auto t = theta;
    t[i] += k * h;
    return f(t);
  };
  return (45.0 * (at(1) - at(-1)) - 9.0 * (at(2) - at(-2)) + (at(3) - at(-3))) / (60.0 * h);
}

}  // namespace

TEST_SUITE("physics") {
  TEST_CASE("b_to_k_nunu_rate: dB/dq2 reproduces the reference table of b_to_k_nunu.md to 1e-6") {
    // 7 significant digits: rounding ≤ 1.7e-7 relative, tolerance 1e-6 relative (acceptance).
    const b_to_k_nunu_rate r;
    const auto& ff = bsz2015_reference_central;
    for (const auto& row : reference_rates) {
      INFO("q2 = " << row.q2);
      REIN_CHECK_REL(r.differential_branching_fraction(row.q2, wet_coefficients<double>{}, ff), row.sm, 1e-6);
      if (row.q2 == 0.0) {
        // The scalar and tensor terms carry a factor q²: exactly zero at q² = 0.
        CHECK(r.differential_branching_fraction(0.0, wet_coefficients<double>{0.0, 1.0, 0.0}, ff) == 0.0);
        CHECK(r.differential_branching_fraction(0.0, wet_coefficients<double>{0.0, 0.0, 1.0}, ff) == 0.0);
        continue;
      }
      REIN_CHECK_REL(r.differential_branching_fraction(row.q2, wet_coefficients<double>{0.0, 1.0, 0.0}, ff), row.scalar,
                     1e-6);
      REIN_CHECK_REL(r.differential_branching_fraction(row.q2, wet_coefficients<double>{0.0, 0.0, 1.0}, ff), row.tensor,
                     1e-6);
    }
  }

  TEST_CASE("b_to_k_nunu_rate: b_V, b_S, b_T and B_SM reproduce b_to_k_nunu.md to 1e-6") {
    // b_to_k_nunu.md: over [0, (m_B+ − m_K+)² = 22.902570], b_V = 1.097757e-07, b_S = 3.142057e-07,
    // b_T = 4.609391e-07, B_SM = 4.800852e-06 (7 digits: rounding ≤ 4.6e-7 relative).
    const b_to_k_nunu_rate r;
    REIN_CHECK_REL(r.q2_max(), 22.902570, 1e-7);  // printed to 6 decimals
    const auto b = r.integrated_coefficients(bsz2015_reference_central);
    REIN_CHECK_REL(b.b_v, 1.097757e-07, 1e-6);
    REIN_CHECK_REL(b.b_s, 3.142057e-07, 1e-6);
    REIN_CHECK_REL(b.b_t, 4.609391e-07, 1e-6);
    const double b_sm = r.branching_fraction(wet_coefficients<double>{}, bsz2015_reference_central);
    REIN_CHECK_REL(b_sm, 4.800852e-06, 1e-6);
    // No interference: B(cvl, csl, ctl) = b_V cvl² + b_S csl² + b_T ctl² (identity; rounding 1e-14).
    const wet_coefficients<double> c{3.0, 2.0, 5.0};
    REIN_CHECK_REL(r.branching_fraction(c, bsz2015_reference_central), 9.0 * b.b_v + 4.0 * b.b_s + 25.0 * b.b_t, 1e-14);
  }

  TEST_CASE("b_to_k_nunu_rate: EOS's unit test b-to-k-nu-nu_TEST.cc, partial branching fractions") {
    // EOS's test (and b_to_k_nunu.md): |V_tb| = 1, |V_ts| = 0.04, m_B = 5.2796, m_K = 0.49368,
    // α^{f+} = (0.32909, −0.86695, 0.0060957), other inputs at EOS defaults:
    // 2.05845e-06 on [0, 8], 1.68211e-06 on [8, 16], 0.59978e-06 on [16, 22.9], 4.34034e-06 on
    // [0, 22.9] (6 digits; EOS checks them to 1e-4).
    //
    // EOS runs that test with model "CKM", whose C_VL is computed in the SM (X_t at NLO with EOS's
    // default SM inputs), not the WET default 6.613114906357177 used here: the four ratios
    // computed/reference all equal 1 + 2.7e-5 within their rounding (±0.8e-5), i.e. that SM C_VL
    // is ~1.4e-5 smaller. Hence: (a) every ratio of two partial branching fractions, which does
    // not depend on C_VL, to 1e-5 (the acceptance tolerance; the 6-digit rounding of the
    // references contributes up to 0.8e-5 + 0.1e-5); (b) the absolute values to 1e-4, EOS's own
    // tolerance, at the WET default C_VL.
    rein::physics::b_to_k_nunu_constants constants;
    constants.v_tb = 1.0;
    constants.v_ts = 0.04;
    constants.b_mass = 5.2796;
    constants.k_mass = 0.49368;
    const b_to_k_nunu_rate r(constants);
    auto ff = bsz2015_reference_central;  // only f+ matters at cSL = cTL = 0
    ff[0] = 0.32909;
    ff[1] = -0.86695;
    ff[2] = 0.0060957;
    const wet_coefficients<double> sm;
    const double b1 = r.branching_fraction(0.0, 8.0, sm, ff);
    const double b2 = r.branching_fraction(8.0, 16.0, sm, ff);
    const double b3 = r.branching_fraction(16.0, 22.9, sm, ff);
    const double total = r.branching_fraction(0.0, 22.9, sm, ff);
    REIN_CHECK_REL(b1 / total, 2.05845e-06 / 4.34034e-06, 1e-5);
    REIN_CHECK_REL(b2 / total, 1.68211e-06 / 4.34034e-06, 1e-5);
    REIN_CHECK_REL(b3 / total, 0.59978e-06 / 4.34034e-06, 1e-5);
    REIN_CHECK_REL(b1 / b2, 2.05845e-06 / 1.68211e-06, 1e-5);
    REIN_CHECK_REL(b1, 2.05845e-06, 1e-4);
    REIN_CHECK_REL(b2, 1.68211e-06, 1e-4);
    REIN_CHECK_REL(b3, 0.59978e-06, 1e-4);
    REIN_CHECK_REL(total, 4.34034e-06, 1e-4);
    // Additivity of the integrals (same rule, 1e-14).
    REIN_CHECK_REL(b1 + b2 + b3, total, 1e-14);
  }

  TEST_CASE("b_to_k_nunu_rate: binned integrals match the exact Belle II WET bin integrals") {
    // tests/data/belle2-knunu/reference.json, wet_weights_regA_sm: alt_bin_integrals by adaptive
    // scipy quad (epsrel 1e-13) at cvl = 6.613114906357177, FF = Belle II mean; "exact to ~1e-12".
    // This path (Boost's 30-point tables + substitution) is independent of rein::reweight's.
    std::ifstream in(std::string(REIN_TEST_DATA_DIR) + "/belle2-knunu/reference.json");
    REQUIRE(in.good());
    const auto section = nlohmann::json::parse(in)["wet_weights_regA_sm"]["values"];
    const auto alt_ref = section["alt_bin_integrals"].get<std::vector<double>>();
    std::vector<double> edges{-1.0};
    for (int i = 0; i < 100; ++i) edges.push_back(i * (22.885 / 100.0));
    edges.push_back(22.885);
    const b_to_k_nunu_rate r;
    const auto bins = r.binned_branching_fractions(edges, wet_coefficients<double>{}, rein::physics::bsz2015_belle2_mean);
    REQUIRE(bins.size() == 101);
    CHECK(bins[0] == 0.0);  // [−1, 0] is outside phase space
    for (std::size_t j = 1; j < 101; ++j) {
      INFO("bin " << j);
      REIN_CHECK_REL(bins[j], alt_ref[j], 1e-11);
    }
    REIN_CHECK_REL(r.branching_fraction(0.0, 22.885, wet_coefficients<double>{}, rein::physics::bsz2015_belle2_mean),
                   section["alt_integral_0_22885"].get<double>(), 1e-11);
  }

  TEST_CASE("b_to_k_nunu_rate: derivatives agree with 6th-order finite differences to 1e-7") {
    // dual<11> gradient of dB/dq² with respect to (cvl, csl, ctl, FFK[0..7]) against central
    // differences (exact for this quadratic dependence up to rounding ~1e-16·|f|/h, below 1e-9 of
    // the smallest derivative here); and against the hand-written kernel gradient (1e-13).
    using d11 = rein::dual<11>;
    const b_to_k_nunu_rate r;
    const theta_type theta = generic_theta();
    rein::physics::bsz2015_parameters<d11> ff;
    for (std::size_t i = 0; i < 8; ++i) ff[i] = d11::variable(theta[3 + i], 3 + i);
    const wet_coefficients<d11> c{d11::variable(theta[0], 0), d11::variable(theta[1], 1), d11::variable(theta[2], 2)};
    for (const double q2 : {0.5, 7.0, 14.0, 21.0, 22.9}) {
      const d11 rate = r.differential_branching_fraction(q2, c, ff);
      REIN_CHECK_REL(rate.value, rate_at(r, q2, theta), 1e-15);
      std::array<double, 11> gradient{};
      REIN_CHECK_REL(r.kernel(q2).contract_with_gradient(theta, gradient), rate.value, 1e-13);
      for (std::size_t i = 0; i < 11; ++i) {
        INFO("q2 = " << q2 << ", parameter " << i);
        const double fd = central_difference([&](const theta_type& t) { return rate_at(r, q2, t); }, theta, i);
        REIN_CHECK_REL(rate.derivatives[i], fd, 1e-7);
        REIN_CHECK_REL(gradient[i], rate.derivatives[i], 1e-13);
      }
    }
  }

  TEST_CASE("b_to_k_nunu_rate: derivatives of binned integrals agree with finite differences to 1e-7") {
    using d11 = rein::dual<11>;
    const b_to_k_nunu_rate r;
    const theta_type theta = generic_theta();
    rein::physics::bsz2015_parameters<d11> ff;
    for (std::size_t i = 0; i < 8; ++i) ff[i] = d11::variable(theta[3 + i], 3 + i);
    const wet_coefficients<d11> c{d11::variable(theta[0], 0), d11::variable(theta[1], 1), d11::variable(theta[2], 2)};
    const std::vector<double> edges{0.0, 4.0, 12.0, 22.885};
    const auto bins = r.binned_branching_fractions(edges, c, ff);
    const auto plain = [&](const theta_type& t, std::size_t j) {
      rein::physics::bsz2015_parameters<double> p;
      for (std::size_t i = 0; i < 8; ++i) p[i] = t[3 + i];
      return r.binned_branching_fractions(edges, wet_coefficients<double>{t[0], t[1], t[2]}, p)[j];
    };
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t i = 0; i < 11; ++i) {
        INFO("bin " << j << ", parameter " << i);
        const double fd = central_difference([&](const theta_type& t) { return plain(t, j); }, theta, i);
        REIN_CHECK_REL(bins[j].derivatives[i], fd, 1e-7);
      }
  }

  TEST_CASE("b_to_k_nunu_rate: dGamma/dq2 times tau/hbar is dB/dq2; constants can be overridden") {
    const b_to_k_nunu_rate r;
    const auto& ff = bsz2015_reference_central;
    const wet_coefficients<double> c{4.0, 1.5, 2.5};
    const double width = r.differential_decay_width(11.0, c, ff);
    const auto& k = r.constants();
    REIN_CHECK_REL(width * k.b_lifetime / k.hbar, r.differential_branching_fraction(11.0, c, ff), 1e-15);
    // The rate is ∝ |V_tb V_ts*|² and ∝ G_F², exactly (closed form; rounding 1e-15).
    rein::physics::b_to_k_nunu_constants doubled;
    doubled.v_ts = 2.0 * k.v_ts;
    doubled.fermi_constant = 3.0 * k.fermi_constant;
    REIN_CHECK_REL(b_to_k_nunu_rate(doubled).differential_branching_fraction(11.0, c, ff),
                   36.0 * r.differential_branching_fraction(11.0, c, ff), 1e-14);
    // Only the scalar term depends on m_b − m_s, as 1/(m_b − m_s)².
    rein::physics::b_to_k_nunu_constants masses;
    masses.s_quark_mass = masses.b_quark_mass - 0.5 * (k.b_quark_mass - k.s_quark_mass);
    const wet_coefficients<double> scalar_only{0.0, 1.0, 0.0};
    REIN_CHECK_REL(b_to_k_nunu_rate(masses).differential_branching_fraction(11.0, scalar_only, ff),
                   4.0 * r.differential_branching_fraction(11.0, scalar_only, ff), 1e-13);
  }

  TEST_CASE("b_to_k_nunu_rate: the kernel contracts to the rate, pointwise and integrated") {
    const b_to_k_nunu_rate r;
    const auto& ff = rein::physics::bsz2015_belle2_mean;
    const wet_coefficients<double> c{5.0, 2.0, 3.0};
    for (const double q2 : {0.0, 9.0, 22.9}) {
      INFO("q2 = " << q2);
      REIN_CHECK_REL(r.kernel(q2).contract(c, ff), r.differential_branching_fraction(q2, c, ff), 1e-14);
    }
    const auto b = r.integrated_kernel(2.0, 9.0).coefficients(ff);
    REIN_CHECK_REL(r.integrated_coefficients(2.0, 9.0, ff).b_s, b.b_s, 1e-15);
    REIN_CHECK_REL(r.branching_fraction(2.0, 9.0, c, ff), 25.0 * b.b_v + 4.0 * b.b_s + 9.0 * b.b_t, 1e-14);
  }

  TEST_CASE("b_to_k_nunu_rate: integrals treat the rate as zero outside phase space") {
    const b_to_k_nunu_rate r;
    const auto& ff = bsz2015_reference_central;
    const wet_coefficients<double> c;
    CHECK(r.branching_fraction(-3.0, -1.0, c, ff) == 0.0);
    CHECK(r.branching_fraction(23.0, 30.0, c, ff) == 0.0);
    CHECK(r.branching_fraction(-1.0, 40.0, c, ff) == r.branching_fraction(0.0, r.q2_max(), c, ff));
    // At the endpoint itself λ = 0: the rate vanishes.
    CHECK(r.differential_branching_fraction(r.q2_max(), c, ff) == 0.0);
  }

  TEST_CASE("b_to_k_nunu_rate: uncertainty from the FF covariance, and a covariance of wrong dimension") {
    const b_to_k_nunu_rate r;
    const auto& ff = rein::physics::bsz2015_belle2_mean;
    const wet_coefficients<double> c{6.0, 1.0, 2.0};
    const Eigen::MatrixXd cov = rein::physics::bsz2015_belle2_covariance_matrix();
    // gᵀ C g with g from dual<8> (independent of the kernel gradient used inside): 1e-13.
    using d8 = rein::dual<8>;
    rein::physics::bsz2015_parameters<d8> alpha;
    for (std::size_t i = 0; i < 8; ++i) alpha[i] = d8::variable(ff[i], i);
    const d8 rate = r.differential_branching_fraction(12.0, wet_coefficients<d8>{6.0, 1.0, 2.0}, alpha);
    const Eigen::Map<const Eigen::Matrix<double, 8, 1>> g(rate.derivatives.data());
    REIN_CHECK_REL(r.differential_branching_fraction_uncertainty(12.0, c, ff, cov), std::sqrt(g.dot(cov * g)), 1e-13);
    CHECK_THROWS_WITH_AS((void)r.differential_branching_fraction_uncertainty(12.0, c, ff, Eigen::MatrixXd::Identity(11, 11)),
                         "rein::physics::b_to_k_nunu_rate::differential_branching_fraction_uncertainty: covariance is "
                         "11x11, must be 8x8 (the BSZ2015 parameters of B->K)",
                         rein::invalid_argument);
  }

  TEST_CASE("b_to_k_nunu_rate: bad input is rejected with a message naming function, argument, value and requirement") {
    const b_to_k_nunu_rate r;
    const auto& ff = bsz2015_reference_central;
    const wet_coefficients<double> c;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS((void)r.differential_branching_fraction(23.0, c, ff),
                         "rein::physics::b_to_k_nunu_rate::differential_branching_fraction: q2 = 23 GeV^2 is outside the "
                         "physical region [0, (m_B - m_K)^2 = 22.902570349569004] GeV^2",
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)r.differential_branching_fraction(-1e-9, c, ff),
                         doctest::Contains("q2 = -1.0000000000000001e-09 GeV^2 is outside the physical region"),
                         rein::domain_error);
    CHECK_THROWS_WITH_AS((void)r.differential_decay_width(nan, c, ff),
                         doctest::Contains("differential_decay_width: q2 = nan GeV^2 is outside"), rein::domain_error);
    CHECK_THROWS_WITH_AS((void)r.kernel(nan), doctest::Contains("b_to_k_nunu_rate::kernel: q2 = nan"), rein::domain_error);
    CHECK_THROWS_WITH_AS((void)r.differential_branching_fraction(1.0, wet_coefficients<double>{1.0, nan, 0.0}, ff),
                         "rein::physics::b_to_k_nunu_rate::differential_branching_fraction: coefficients.csl = nan, "
                         "must be finite",
                         rein::invalid_argument);
    auto bad = ff;
    bad[4] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS((void)r.branching_fraction(0.0, 1.0, c, bad),
                         "rein::physics::b_to_k_nunu_rate::branching_fraction: alpha[4] = inf, must be finite",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)r.integrated_kernel(2.0, 1.0),
                         "rein::physics::b_to_k_nunu_rate::integrated_kernel: q2_min = 2 must not exceed q2_max = 1",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)r.integrated_kernel(nan, 1.0),
                         "rein::physics::b_to_k_nunu_rate::integrated_kernel: q2_min = nan, must be finite",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)r.binned_branching_fractions({0.0, 3.0, 2.0}, c, ff),
                         "rein::physics::b_to_k_nunu_rate::binned_branching_fractions: edges[2] = 2 must be greater "
                         "than edges[1] = 3 (edges must increase strictly)",
                         rein::invalid_argument);
    rein::physics::b_to_k_nunu_constants k;
    k.hbar = 0.0;
    CHECK_THROWS_WITH_AS(b_to_k_nunu_rate{k},
                         "rein::physics::b_to_k_nunu_rate::b_to_k_nunu_rate: constants.hbar = 0, must be positive and "
                         "finite",
                         rein::invalid_argument);
    k = {};
    k.k_mass = 6.0;
    CHECK_THROWS_WITH_AS(b_to_k_nunu_rate{k}, doctest::Contains("constants.k_mass = 6 must be below constants.b_mass"),
                         rein::invalid_argument);
    k = {};
    k.s_quark_mass = 5.0;
    CHECK_THROWS_WITH_AS(b_to_k_nunu_rate{k}, doctest::Contains("constants.s_quark_mass = 5 must be below"),
                         rein::invalid_argument);
  }
}
}  // namespace b_to_k_nunu_test
