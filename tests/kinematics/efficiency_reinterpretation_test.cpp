#include "rein/kinematics/efficiency_reinterpretation.hpp"

#include "rein/core/random.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace efficiency_reinterpretation_test {

namespace {
using rein::kinematics::efficiency_map;
using rein::kinematics::model_averaged_efficiency;
using rein::kinematics::rescale_upper_limit;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

// The 3-bin q² map of the hand calculations: ε = (0.2, 0.4, 0.6), σ = (0.02, 0.03, 0.05) × scale.
efficiency_map three_bin_map(double sigma_scale = 1.0) {
  return efficiency_map(rein::binning(rein::axis({0.0, 4.0, 8.0, 12.0}, "q2")), {0.2, 0.4, 0.6},
                        {0.02 * sigma_scale, 0.03 * sigma_scale, 0.05 * sigma_scale});
}

Eigen::MatrixXd diagonal_covariance(const efficiency_map& map) {
  const auto n = static_cast<Eigen::Index>(map.bins().size());
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double s = map.uncertainties()[static_cast<std::size_t>(i)];
    c(i, i) = s * s;
  }
  return c;
}

// doctest::Contains takes a doctest::String; the messages here are built as std::string.
doctest::Contains contains(const std::string& text) { return doctest::Contains(text.c_str()); }

const std::vector<double> flat_rates{1.0, 1.0, 1.0};
const std::vector<double> model_rates{1.0, 0.0, 3.0};
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("efficiency_reinterpretation: 3-bin map, averages and rescaled limit by hand") {
    const auto map = three_bin_map();
    // Reference flat: a = (1/3, 1/3, 1/3), ε_ref = (0.2 + 0.4 + 0.6)/3 = 0.4,
    //   σ_ref² = (0.02² + 0.03² + 0.05²)/9 = (0.0004 + 0.0009 + 0.0025)/9 = 0.0038/9.
    // Model (1, 0, 3): b = (1/4, 0, 3/4), ε_model = 0.2/4 + 0.6·3/4 = 0.05 + 0.45 = 0.5,
    //   σ_model² = 0.0004/16 + 9·0.0025/16 = 0.0229/16.
    // r = 0.4/0.5 = 0.8; g_i = (a_i − r b_i)/ε_model:
    //   g_0 = (1/3 − 0.2)/0.5 = 4/15, g_1 = (1/3 − 0)/0.5 = 10/15, g_2 = (1/3 − 0.6)/0.5 = −8/15,
    //   σ_r² = (16·0.0004 + 100·0.0009 + 64·0.0025)/225 = (0.0064 + 0.09 + 0.16)/225 = 0.2564/225.
    // Tolerance 1e-14 relative: sums of three O(1) terms, a few roundings each.
    const auto ref = model_averaged_efficiency(map, flat_rates);
    REIN_CHECK_REL(ref.value, 0.4, 1e-14);
    REIN_CHECK_REL(ref.uncertainty, std::sqrt(0.0038) / 3.0, 1e-14);
    const auto mod = model_averaged_efficiency(map, model_rates);
    REIN_CHECK_REL(mod.value, 0.5, 1e-14);
    REIN_CHECK_REL(mod.uncertainty, std::sqrt(0.0229) / 4.0, 1e-14);

    const double b_ref = 2e-5;
    const auto r = rescale_upper_limit(b_ref, map, flat_rates, model_rates);
    REIN_CHECK_REL(r.upper_limit, 1.6e-5, 1e-14);
    REIN_CHECK_REL(r.uncertainty, b_ref * std::sqrt(0.2564) / 15.0, 1e-14);
    REIN_CHECK_REL(r.reference.value, 0.4, 1e-14);
    REIN_CHECK_REL(r.reference.uncertainty, std::sqrt(0.0038) / 3.0, 1e-14);
    REIN_CHECK_REL(r.model.value, 0.5, 1e-14);
    REIN_CHECK_REL(r.model.uncertainty, std::sqrt(0.0229) / 4.0, 1e-14);
    // Adding the relative uncertainties of ε_ref and ε_model in quadrature (ignoring that they
    // come from the same map) would give 1.6e-5·√(0.0038/9/0.16 + 0.0229/16/0.25) ≈ 1.26e-6,
    // not 2e-5·√0.2564/15 ≈ 6.75e-7.
    const double naive = 1.6e-5 * std::sqrt(0.0038 / 9.0 / 0.16 + 0.0229 / 16.0 / 0.25);
    CHECK_FALSE(rein::test::rel_close(r.uncertainty, naive, 0.5));
    // Only the ratios of the rates matter.
    const auto scaled = rescale_upper_limit(b_ref, map, {7.0, 7.0, 7.0}, {0.25, 0.0, 0.75});
    REIN_CHECK_REL(scaled.upper_limit, r.upper_limit, 1e-15);
    REIN_CHECK_REL(scaled.uncertainty, r.uncertainty, 1e-14);
  }

  TEST_CASE("efficiency_reinterpretation: a model equal to the reference keeps the limit, with zero uncertainty") {
    // r = ε_ref/ε_ref = 1 and g_i = (a_i − 1·a_i)/ε = 0 exactly: the correlation cancels the whole
    // map uncertainty. Treating ε_ref and ε_model as independent would give √2 σ_ε/ε ≠ 0.
    const auto map = three_bin_map();
    const std::vector<double> rates{1.0, 2.0, 3.0};
    const auto r = rescale_upper_limit(3.5e-5, map, rates, rates);
    CHECK(r.upper_limit == 3.5e-5);
    CHECK(r.uncertainty == 0.0);
    CHECK(r.reference.value == r.model.value);
    CHECK(r.model.uncertainty > 0.0);
    const auto rc = rescale_upper_limit(3.5e-5, map, rates, rates, diagonal_covariance(map));
    CHECK(rc.upper_limit == 3.5e-5);
    CHECK(rc.uncertainty == 0.0);
    // The same spectrum with another normalisation: equal up to the rounding of the fractions
    // (1e-15 relative on the limit, 1e-15 × B_UL absolute on an uncertainty that is 0 exactly).
    const auto s = rescale_upper_limit(3.5e-5, map, rates, {0.7, 1.4, 2.1});
    REIN_CHECK_REL(s.upper_limit, 3.5e-5, 1e-15);
    REIN_CHECK_ABS(s.uncertainty, 0.0, 1e-15 * 3.5e-5);
  }

  TEST_CASE("efficiency_reinterpretation: a 2-D map uses the flat bin order of its binning") {
    // q² ∈ {[0,4), [4,8)} × cos θ ∈ {[−1,0), [0,1)}, flat order q² slowest: (0,0) (0,1) (1,0) (1,1).
    const rein::binning bins({rein::axis({0.0, 4.0, 8.0}, "q2"), rein::axis({-1.0, 0.0, 1.0}, "cos_theta")});
    const efficiency_map map(bins, {0.1, 0.3, 0.5, 0.7}, {0.01, 0.02, 0.03, 0.04});
    // Reference density 1: Γ_i = bin area = 4. Model density q²: Γ_i = (hi² − lo²)/2 · Δcos θ,
    // = 8 for the q² bin [0, 4) and 24 for [4, 8); built here from the binning's own unflatten.
    std::vector<double> reference(bins.size()), model(bins.size());
    for (std::size_t flat = 0; flat < bins.size(); ++flat) {
      const auto idx = bins.unflatten(flat);
      const double lo = bins.axis(0).lower(idx[0]), hi = bins.axis(0).upper(idx[0]);
      const double dc = bins.axis(1).width(idx[1]);
      reference[flat] = (hi - lo) * dc;
      model[flat] = 0.5 * (hi * hi - lo * lo) * dc;
    }
    CHECK(model == std::vector<double>{8.0, 8.0, 24.0, 24.0});
    // a = (1/4)·4: ε_ref = (0.1 + 0.3 + 0.5 + 0.7)/4 = 0.4, σ_ref² = (1 + 4 + 9 + 16)e-4/16 = 0.003/16.
    // b = (1/8, 1/8, 3/8, 3/8): ε_model = (0.1 + 0.3)/8 + 3(0.5 + 0.7)/8 = 0.05 + 0.45 = 0.5,
    //   σ_model² = (1 + 4)e-4/64 + 9(9 + 16)e-4/64 = 0.023/64.
    // r = 0.8; g = 2(a − 0.8 b) = (0.3, 0.3, −0.1, −0.1);
    //   σ_r² = 0.09(1 + 4)e-4 + 0.01(9 + 16)e-4 = 4.5e-5 + 2.5e-5 = 7e-5.
    // Tolerance 1e-14 relative: sums of four O(1) terms.
    const auto r = rescale_upper_limit(1e-5, map, reference, model);
    REIN_CHECK_REL(r.reference.value, 0.4, 1e-14);
    REIN_CHECK_REL(r.reference.uncertainty, std::sqrt(0.003) / 4.0, 1e-14);
    REIN_CHECK_REL(r.model.value, 0.5, 1e-14);
    REIN_CHECK_REL(r.model.uncertainty, std::sqrt(0.023) / 8.0, 1e-14);
    REIN_CHECK_REL(r.upper_limit, 8e-6, 1e-14);
    REIN_CHECK_REL(r.uncertainty, 1e-5 * std::sqrt(7e-5), 1e-14);
  }

  TEST_CASE("efficiency_reinterpretation: first-order uncertainty agrees with Monte Carlo for small sigma") {
    // Independent check of the propagation: sample ε_i ~ N(ε_i, σ_i) (σ = the map's / 10, so that
    // the ratio is close to linear), compute r = Σ a_i ε_i / Σ b_i ε_i directly, compare the sample
    // standard deviation with the linear σ_r = √0.2564/150 (the 3-bin hand result with σ/10).
    // Tolerance 1%: the standard error of a sample std at N = 1e5 is 1/√(2N) = 0.22%, and the
    // second-order terms are O((σ_ε/ε)²) ≈ 1e-4 relative; 1% is 4.5 standard errors.
    const auto map = three_bin_map(0.1);
    const auto r = rescale_upper_limit(1.0, map, flat_rates, model_rates);
    const double linear = std::sqrt(0.2564) / 150.0;
    REIN_CHECK_REL(r.uncertainty, linear, 1e-14);

    std::mt19937_64 rng(20240607);
    const std::size_t n = 100000;
    double mean = 0.0, m2 = 0.0;  // Welford
    for (std::size_t k = 0; k < n; ++k) {
      double e[3];
      for (std::size_t i = 0; i < 3; ++i) e[i] = rein::normal(rng, map.efficiencies()[i], map.uncertainties()[i]);
      const double ratio = ((e[0] + e[1] + e[2]) / 3.0) / (0.25 * e[0] + 0.75 * e[2]);
      const double delta = ratio - mean;
      mean += delta / static_cast<double>(k + 1);
      m2 += delta * (ratio - mean);
    }
    const double sample_sd = std::sqrt(m2 / static_cast<double>(n - 1));
    REIN_CHECK_REL(sample_sd, r.uncertainty, 0.01);
    REIN_CHECK_REL(mean, 0.8, 1e-3);  // bias O(σ²) ≈ 6e-5 relative, standard error 1.3e-5
    // The MC discriminates: independent ε_ref, ε_model would give 0.8·√((σ_ref/0.4)² + (σ_m/0.5)²),
    // more than twice the sampled spread.
    const double naive = 0.8 * std::hypot(r.reference.uncertainty / 0.4, r.model.uncertainty / 0.5);
    CHECK(naive > 2.0 * sample_sd);
  }

  TEST_CASE("efficiency_reinterpretation: covariance overloads, diagonal and fully correlated") {
    const auto map = three_bin_map();
    // Diagonal C = diag(σ²) is the uncorrelated case (1e-14: the same sums in another order).
    const auto c_diag = diagonal_covariance(map);
    const auto u = rescale_upper_limit(2e-5, map, flat_rates, model_rates);
    const auto d = rescale_upper_limit(2e-5, map, flat_rates, model_rates, c_diag);
    REIN_CHECK_REL(d.upper_limit, u.upper_limit, 1e-15);
    REIN_CHECK_REL(d.uncertainty, u.uncertainty, 1e-14);
    REIN_CHECK_REL(d.reference.uncertainty, u.reference.uncertainty, 1e-14);
    REIN_CHECK_REL(d.model.uncertainty, u.model.uncertainty, 1e-14);
    const auto md = model_averaged_efficiency(map, model_rates, c_diag);
    REIN_CHECK_REL(md.value, 0.5, 1e-14);
    REIN_CHECK_REL(md.uncertainty, std::sqrt(0.0229) / 4.0, 1e-14);

    // Fully correlated C_ij = σ_i σ_j: every variance is a square, (Σ_i w_i σ_i)².
    //   ε_ref:   (0.02 + 0.03 + 0.05)/3 = 0.1/3
    //   ε_model: 0.02/4 + 3·0.05/4 = 0.005 + 0.0375 = 0.0425
    //   r:       Σ g_i σ_i = (4·0.02 + 10·0.03 − 8·0.05)/15 = (0.08 + 0.3 − 0.4)/15 = −0.02/15,
    //            so σ_UL = 2e-5 · 0.02/15 = 2e-5/750.
    // Tolerance 1e-12 relative: gᵀCg cancels from terms ~(0.4/15)² to (0.02/15)², a factor 400.
    const Eigen::Vector3d s(0.02, 0.03, 0.05);
    const Eigen::MatrixXd c_full = s * s.transpose();
    const auto f = rescale_upper_limit(2e-5, map, flat_rates, model_rates, c_full);
    REIN_CHECK_REL(f.upper_limit, 1.6e-5, 1e-14);
    REIN_CHECK_REL(f.uncertainty, 2e-5 / 750.0, 1e-12);
    REIN_CHECK_REL(f.reference.uncertainty, 0.1 / 3.0, 1e-14);
    REIN_CHECK_REL(f.model.uncertainty, 0.0425, 1e-14);
    const auto mf = model_averaged_efficiency(map, model_rates, c_full);
    REIN_CHECK_REL(mf.uncertainty, 0.0425, 1e-14);
  }

  TEST_CASE("efficiency_reinterpretation: a rate only where epsilon = 0 averages to 0, and cannot be rescaled") {
    const efficiency_map map(rein::binning(rein::axis({0.0, 4.0, 8.0, 12.0}, "q2")), {0.2, 0.0, 0.6},
                             {0.02, 0.0, 0.05});
    const auto a = model_averaged_efficiency(map, {0.0, 3.0, 0.0});
    CHECK(a.value == 0.0);
    CHECK(a.uncertainty == 0.0);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, {0.0, 3.0, 0.0}),
                         doctest::Contains("rein::kinematics::rescale_upper_limit: model_rates lie only in bins where "
                                           "the map's efficiency is 0 (e.g. model_rates[1] = 3 with efficiencies[1] = 0)"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, {0.0, 1.0, 0.0}, flat_rates),
                         doctest::Contains("reference_rates lie only in bins where the map's efficiency is 0 (e.g. "
                                           "reference_rates[1] = 1 with efficiencies[1] = 0)"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(
        (void)rescale_upper_limit(1e-5, map, flat_rates, {0.0, 3.0, 0.0}, diagonal_covariance(map)),
        doctest::Contains("model_rates lie only in bins where the map's efficiency is 0"), rein::invalid_argument);
  }

  TEST_CASE("efficiency_reinterpretation: bad rates are rejected with the argument, index and value") {
    const auto map = three_bin_map();
    const std::string avg = "rein::kinematics::model_averaged_efficiency: ";
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {1.0, 1.0}),
                         contains(avg + "rates has 2 entries, the map has 3 bins"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {1.0, -1.0, 1.0}),
                         contains(avg + "rates[1] = -1, must be finite and non-negative"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {1.0, 1.0, qnan}),
                         contains(avg + "rates[2] = nan, must be finite and non-negative"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {inf, 1.0, 1.0}),
                         contains(avg + "rates[0] = inf, must be finite and non-negative"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {0.0, 0.0, 0.0}),
                         contains(avg + "rates are all zero (3 bins), at least one rate must be positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {1.0, -1.0, 1.0}, diagonal_covariance(map)),
                         contains(avg + "rates[1] = -1"), rein::invalid_argument);
    // Huge rates do not overflow the sum.
    REIN_CHECK_REL(model_averaged_efficiency(map, {0.5e308, 0.0, 1.5e308}).value, 0.5, 1e-14);

    const std::string res = "rein::kinematics::rescale_upper_limit: ";
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, {1.0, 1.0, 1.0, 1.0}, model_rates),
                         contains(res + "reference_rates has 4 entries, the map has 3 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, {}),
                         contains(res + "model_rates has 0 entries, the map has 3 bins"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, {1.0, qnan, 1.0}, model_rates),
                         contains(res + "reference_rates[1] = nan, must be finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, {-2.0, 0.0, 3.0}),
                         contains(res + "model_rates[0] = -2, must be finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, {0.0, 0.0, -inf}),
                         contains(res + "model_rates[2] = -inf, must be finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, {0.0, 0.0, 0.0}),
                         contains(res + "model_rates are all zero (3 bins), at least one rate must be positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, {0.0, 0.0, 0.0}, model_rates, diagonal_covariance(map)),
                         contains(res + "reference_rates are all zero"), rein::invalid_argument);
  }

  TEST_CASE("efficiency_reinterpretation: a bad reference limit is rejected") {
    const auto map = three_bin_map();
    const std::string res = "rein::kinematics::rescale_upper_limit: reference_limit = ";
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(0.0, map, flat_rates, model_rates),
                         contains(res + "0, must be finite and positive"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(-1e-5, map, flat_rates, model_rates),
                         contains(res + "-1.0000000000000001e-05, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(qnan, map, flat_rates, model_rates),
                         contains(res + "nan, must be finite and positive"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(inf, map, flat_rates, model_rates, diagonal_covariance(map)),
                         contains(res + "inf, must be finite and positive"), rein::invalid_argument);
  }

  TEST_CASE("efficiency_reinterpretation: a bad covariance is rejected with the entry and value") {
    const auto map = three_bin_map();
    const std::string avg = "rein::kinematics::model_averaged_efficiency: ";
    const std::string res = "rein::kinematics::rescale_upper_limit: ";
    const Eigen::MatrixXd good = diagonal_covariance(map);

    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, flat_rates, Eigen::MatrixXd::Zero(2, 2)),
                         contains(avg + "covariance is 2x2, must be 3x3"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, model_rates, Eigen::MatrixXd::Zero(3, 4)),
                         contains(res + "covariance is 3x4, must be 3x3"), rein::invalid_argument);

    Eigen::MatrixXd asym = good;
    asym(0, 1) = 0.25;
    asym(1, 0) = 0.5;
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, flat_rates, asym),
                         contains(avg + "covariance(0, 1) = 0.25 and covariance(1, 0) = 0.5 differ, must be symmetric"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, model_rates, asym),
                         contains(res + "covariance(0, 1) = 0.25 and covariance(1, 0) = 0.5 differ"),
                         rein::invalid_argument);

    Eigen::MatrixXd negative = good;
    negative(2, 2) = -1.0;
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, flat_rates, negative),
                         contains(avg + "covariance(2, 2) = -1, diagonal entries (variances) must be non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, model_rates, negative),
                         contains(res + "covariance(2, 2) = -1, diagonal entries"), rein::invalid_argument);

    Eigen::MatrixXd not_finite = good;
    not_finite(1, 0) = qnan;
    CHECK_THROWS_WITH_AS((void)rescale_upper_limit(1e-5, map, flat_rates, model_rates, not_finite),
                         contains(res + "covariance(1, 0) = nan, must be finite"), rein::invalid_argument);

    // Symmetric, non-negative diagonal, but not positive semi-definite: with f = (1/2, 0, 1/2),
    // fᵀCf = (1 + 1)/4 − 2·2/4 = −0.5.
    Eigen::MatrixXd indefinite = Eigen::MatrixXd::Identity(3, 3);
    indefinite(0, 2) = indefinite(2, 0) = -2.0;
    CHECK_THROWS_WITH_AS((void)model_averaged_efficiency(map, {1.0, 0.0, 1.0}, indefinite),
                         contains(avg + "covariance is not positive semi-definite: the variance of the averaged "
                                                 "efficiency is -0.5, must be non-negative"),
                         rein::invalid_argument);
    // Asymmetry at the rounding level is accepted.
    Eigen::MatrixXd rounded = good;
    rounded(0, 1) = 1e-4;
    rounded(1, 0) = 1e-4 * (1.0 + 1e-15);
    CHECK_NOTHROW((void)rescale_upper_limit(1e-5, map, flat_rates, model_rates, rounded));
  }
}
}  // namespace efficiency_reinterpretation_test
