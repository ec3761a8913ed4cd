#include "rein/infer/chi_bar_squared.hpp"
#include "support/close.hpp"

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <limits>
#include <cstddef>
#include <random>
#include <vector>

namespace chi_bar_squared_test {

namespace {

const double pi = 3.14159265358979323846;

// The reference for the weights: Monte Carlo of the definition. Draw Z ~ N(0, V), project it onto
// the non-negative orthant in the metric V⁻¹ by trying every active set (the minimiser with the
// components outside S held at 0, θ_S = Z_S + P_SS⁻¹ P_SS̄ Z_S̄ with P = V⁻¹, kept when θ_S > 0),
// and count the positive components of the closest feasible point.
std::vector<double> projected_counts(const Eigen::MatrixXd& v, std::size_t draws, unsigned seed) {
  const auto k = static_cast<std::size_t>(v.rows());
  const Eigen::MatrixXd p = v.inverse();
  const Eigen::MatrixXd l = v.llt().matrixL();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> counts(k + 1, 0.0);
  for (std::size_t n = 0; n < draws; ++n) {
    Eigen::VectorXd e(v.rows());
    for (Eigen::Index i = 0; i < e.size(); ++i) e[i] = normal(rng);
    const Eigen::VectorXd z = l * e;
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_size = 0;
    for (unsigned mask = 0; mask < (1u << k); ++mask) {
      Eigen::VectorXd theta = Eigen::VectorXd::Zero(z.size());
      std::vector<Eigen::Index> in, out;
      for (std::size_t i = 0; i < k; ++i) ((mask >> i) & 1u ? in : out).push_back(static_cast<Eigen::Index>(i));
      if (!in.empty()) {
        Eigen::MatrixXd p_ss(in.size(), in.size()), p_so(in.size(), out.size());
        Eigen::VectorXd z_s(in.size()), z_o(out.size());
        for (std::size_t a = 0; a < in.size(); ++a) {
          z_s[static_cast<Eigen::Index>(a)] = z[in[a]];
          for (std::size_t b = 0; b < in.size(); ++b) p_ss(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = p(in[a], in[b]);
          for (std::size_t b = 0; b < out.size(); ++b) p_so(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = p(in[a], out[b]);
        }
        for (std::size_t b = 0; b < out.size(); ++b) z_o[static_cast<Eigen::Index>(b)] = z[out[b]];
        const Eigen::VectorXd theta_s = z_s + p_ss.inverse() * p_so * z_o;
        if ((theta_s.array() <= 0).any()) continue;
        for (std::size_t a = 0; a < in.size(); ++a) theta[in[a]] = theta_s[static_cast<Eigen::Index>(a)];
      }
      const Eigen::VectorXd d = z - theta;
      const double distance = d.dot(p * d);
      if (distance < best) best = distance, best_size = in.size();
    }
    counts[best_size] += 1.0;
  }
  for (auto& c : counts) c /= static_cast<double>(draws);
  return counts;
}

Eigen::MatrixXd covariance_3(double r12, double r13, double r23) {
  Eigen::MatrixXd v(3, 3);
  v << 1.0, r12, r13, r12, 1.0, r23, r13, r23, 1.0;
  const Eigen::Vector3d s(2.0, 0.5, 3.0);  // the weights depend on correlations only
  return s.asDiagonal() * v * s.asDiagonal();
}

}  // namespace

TEST_SUITE("infer") {
  TEST_CASE("chi-bar-squared weights: closed forms for one and two parameters (Silvapulle & Sen 2005, §3.4)") {
    const auto one = rein::infer::chi_bar_squared_weights(Eigen::MatrixXd::Constant(1, 1, 4.0));
    REIN_CHECK_ABS(one[0], 0.5, 1e-15);
    REIN_CHECK_ABS(one[1], 0.5, 1e-15);
    for (const double rho : {-0.6, 0.0, 0.3, 0.95}) {
      Eigen::MatrixXd v(2, 2);
      v << 2.0, rho * std::sqrt(2.0 * 0.7), rho * std::sqrt(2.0 * 0.7), 0.7;
      const auto w = rein::infer::chi_bar_squared_weights(v);
      CAPTURE(rho);
      // w0 = acos(ρ)/2π, w1 = 1/2, w2 = 1/2 − acos(ρ)/2π (Kudo 1963)
      REIN_CHECK_ABS(w[0], std::acos(rho) / (2 * pi), 1e-14);
      REIN_CHECK_ABS(w[1], 0.5, 1e-14);
      REIN_CHECK_ABS(w[2], 0.5 - std::acos(rho) / (2 * pi), 1e-14);
    }
  }

  TEST_CASE("chi-bar-squared weights for three parameters: closed forms and a Monte Carlo of the projection") {
    for (const auto& r : {std::array<double, 3>{0.0, 0.0, 0.0}, std::array<double, 3>{0.5, -0.3, 0.2},
                          std::array<double, 3>{-0.4, -0.4, 0.1}}) {
      const Eigen::MatrixXd v = covariance_3(r[0], r[1], r[2]);
      const auto w = rein::infer::chi_bar_squared_weights(v);
      CAPTURE(r[0]);
      CAPTURE(r[1]);
      // w3 = P(Z ≥ 0) = (2π − Σ acos ρ_ij)/4π; w0 = (Σ acos ρ_ij·k − π)/4π with the partial
      // correlations ρ_12·3 = (ρ12 − ρ13 ρ23)/√((1 − ρ13²)(1 − ρ23²)); w1 = 1/2 − w3, w2 = 1/2 − w0
      const auto partial = [](double rab, double rac, double rbc) { return (rab - rac * rbc) / std::sqrt((1 - rac * rac) * (1 - rbc * rbc)); };
      const double w3 = (2 * pi - std::acos(r[0]) - std::acos(r[1]) - std::acos(r[2])) / (4 * pi);
      const double w0 = (std::acos(partial(r[0], r[1], r[2])) + std::acos(partial(r[1], r[0], r[2])) +
                         std::acos(partial(r[2], r[0], r[1])) - pi) / (4 * pi);
      REIN_CHECK_ABS(w[3], w3, 1e-14);
      REIN_CHECK_ABS(w[0], w0, 1e-14);
      REIN_CHECK_ABS(w[1], 0.5 - w3, 1e-14);
      REIN_CHECK_ABS(w[2], 0.5 - w0, 1e-14);
      // the definition by Monte Carlo: 2·10⁵ draws, binomial σ ≤ 1.2e-3, tolerance 5σ
      const auto mc = projected_counts(v, 200000, 17);
      for (std::size_t i = 0; i < 4; ++i) REIN_CHECK_ABS(w[i], mc[i], 6e-3);
    }
  }

  TEST_CASE("chi-bar-squared p-values mix chi-squared tails; bad input") {
    // 1/2 χ²_0 + 1/2 χ²_1 at c: P = 1/2 P(χ²_1 ≥ c) = Φ(−√c) (Chernoff's boundary case)
    const double c = 3.7;
    REIN_CHECK_REL(rein::infer::chi_bar_squared_survival(c, {0.5, 0.5}), 0.5 * std::erfc(std::sqrt(c) / std::sqrt(2.0)), 1e-14);
    // one regular parameter on top: 1/2 P(χ²_1 ≥ c) + 1/2 P(χ²_2 ≥ c), P(χ²_2 ≥ c) = e^{−c/2}
    REIN_CHECK_REL(rein::infer::chi_bar_squared_survival(c, {0.5, 0.5}, 1),
                   0.5 * std::erfc(std::sqrt(c / 2)) + 0.5 * std::exp(-c / 2), 1e-14);
    REIN_CHECK_ABS(rein::infer::chi_bar_squared_survival(0.0, {0.25, 0.5, 0.25}), 1.0, 1e-15);
    CHECK_THROWS_WITH_AS((void)rein::infer::chi_bar_squared_weights(Eigen::MatrixXd::Identity(4, 4)),
                         doctest::Contains("closed forms exist for 1 to 3 parameters"), rein::invalid_argument);
    Eigen::MatrixXd singular(2, 2);
    singular << 1, 1, 1, 1;
    CHECK_THROWS_WITH_AS((void)rein::infer::chi_bar_squared_weights(singular), doctest::Contains("positive definite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::infer::chi_bar_squared_survival(1.0, {0.5, 0.6}), doctest::Contains("sum to 1.1"),
                         rein::invalid_argument);
  }
}
}  // namespace chi_bar_squared_test
