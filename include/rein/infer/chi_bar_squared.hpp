#pragma once

// The χ̄² distribution of a likelihood-ratio statistic when the null puts parameters on a bound
// (Chernoff 1954; Kudo 1963; Shapiro 1985; Silvapulle & Sen, "Constrained Statistical
// Inference", 2005, §3.4): testing θ_B = 0 against θ_B ≥ 0 for k parameters whose estimators have
// the asymptotic covariance V (the other parameters profiled),
//
//     P(q ≥ c) = Σ_{i=0}^{k} w_i(k, V) · P(χ²_{r+i} ≥ c),
//
// with r further tested parameters that are not on a bound (χ²_0 is a point mass at 0). The
// weight w_i is the probability that the projection of Z ~ N(0, V) onto the orthant (in the
// metric V⁻¹) has i positive components:
//
//     w_i = Σ_{|S| = i} P(N(0, (V_S̄S̄)⁻¹) ≥ 0) · P(N(0, V_SS − V_SS̄ V_S̄S̄⁻¹ V_S̄S) ≥ 0),
//
// and the orthant probabilities have closed forms up to three dimensions, 1/2, 1/4 + asin ρ/2π
// and 1/8 + Σ asin ρ_ij / 4π (ρ the correlations); so k ≤ 3 here.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/chi_squared.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::infer {

/// The largest number of parameters on a bound whose χ̄² weights rein computes (closed forms).
inline constexpr std::size_t max_chi_bar_squared_parameters = 3;

namespace detail {

// P(N(0, Σ) ≥ 0) for dimension ≤ 3, from Σ's correlations
inline double orthant_probability(const Eigen::MatrixXd& sigma) {
  const double pi = 3.14159265358979323846;
  const auto rho = [&](Eigen::Index a, Eigen::Index b) { return sigma(a, b) / std::sqrt(sigma(a, a) * sigma(b, b)); };
  switch (sigma.rows()) {
    case 0: return 1.0;
    case 1: return 0.5;
    case 2: return 0.25 + std::asin(rho(0, 1)) / (2 * pi);
    default: return 0.125 + (std::asin(rho(0, 1)) + std::asin(rho(0, 2)) + std::asin(rho(1, 2))) / (4 * pi);
  }
}

inline Eigen::MatrixXd submatrix(const Eigen::MatrixXd& m, const std::vector<Eigen::Index>& rows, const std::vector<Eigen::Index>& cols) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = 0; b < cols.size(); ++b) out(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = m(rows[a], cols[b]);
  return out;
}

}  // namespace detail

/// The weights w_0 … w_k of the χ̄² distribution for k parameters on a bound whose estimators
/// have covariance `v` (k × k, symmetric positive definite); they sum to 1.
/// @throws invalid_argument unless 1 ≤ k ≤ 3 and `v` is finite, symmetric and positive definite
inline std::vector<double> chi_bar_squared_weights(const Eigen::MatrixXd& v) {
  const std::string where = "rein::infer::chi_bar_squared_weights: ";
  const auto k = static_cast<std::size_t>(v.rows());
  if (v.rows() != v.cols() || k < 1 || k > max_chi_bar_squared_parameters)
    throw invalid_argument(where + "the covariance is " + std::to_string(v.rows()) + "x" + std::to_string(v.cols()) +
                           "; closed forms exist for 1 to 3 parameters on a bound");
  if (!v.allFinite() || !v.isApprox(v.transpose(), 1e-12) || Eigen::LLT<Eigen::MatrixXd>(v).info() != Eigen::Success)
    throw invalid_argument(where + "the covariance must be finite, symmetric and positive definite");
  std::vector<double> w(k + 1, 0.0);
  for (unsigned mask = 0; mask < (1u << k); ++mask) {
    std::vector<Eigen::Index> in, out;  // S (the positive components) and its complement S̄
    for (std::size_t i = 0; i < k; ++i) ((mask >> i) & 1u ? in : out).push_back(static_cast<Eigen::Index>(i));
    const Eigen::MatrixXd v_oo = detail::submatrix(v, out, out);
    Eigen::MatrixXd conditional = detail::submatrix(v, in, in);
    double p_out = 1.0;
    if (!out.empty()) {
      if (!in.empty()) {  // (an empty product would hand Eigen's solver zero-sized storage)
        const Eigen::MatrixXd v_io = detail::submatrix(v, in, out);
        conditional -= v_io * v_oo.ldlt().solve(v_io.transpose());
      }
      p_out = detail::orthant_probability(v_oo.inverse());
    }
    w[in.size()] += p_out * detail::orthant_probability(conditional);
  }
  return w;
}

/// P(q ≥ c) under the χ̄² mixture with `weights` (w_i for i parameters at their bound) on top of
/// `regular_dof` tested parameters that are not on a bound: Σ_i w_i P(χ²_{regular_dof + i} ≥ c).
/// @throws invalid_argument for a negative or non-finite c or weights that are not a distribution
inline double chi_bar_squared_survival(double c, const std::vector<double>& weights, std::size_t regular_dof = 0) {
  const std::string where = "rein::infer::chi_bar_squared_survival: ";
  if (!(std::isfinite(c) && c >= 0)) throw invalid_argument(where + "c = " + rein::detail::format_value(c) + ", must be finite and >= 0");
  double total = 0, p = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0 && weights[i] <= 1)) throw invalid_argument(where + "weights[" + std::to_string(i) + "] is not in [0, 1]");
    total += weights[i];
    const std::size_t dof = regular_dof + i;
    const double tail = dof == 0 ? (c > 0 ? 0.0 : 1.0)
                                 : boost::math::cdf(boost::math::complement(boost::math::chi_squared(static_cast<double>(dof)), c));
    p += weights[i] * tail;
  }
  if (std::abs(total - 1.0) > 1e-9) throw invalid_argument(where + "the weights sum to " + rein::detail::format_value(total) + ", not 1");
  return p;
}

}  // namespace rein::infer
