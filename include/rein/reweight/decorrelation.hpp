#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <cmath>
#include <string>

namespace rein::reweight {

/// D = U √S for a covariance C = U S Uᵀ, eigenvalues S descending, so that θ = mean + D η with
/// η ~ N(0, 1) has covariance C. Eigenvector signs are fixed by making each column's entry of
/// largest magnitude positive (any sign gives the same distribution of θ; reproducing another
/// tool's η → θ map needs its D, which `reweighting` accepts explicitly).
/// @param what names the covariance in error messages
/// @throws invalid_argument unless C is square, finite, symmetric (to 1e-12 of its largest entry)
///         and positive semi-definite (eigenvalues ≥ −1e-12 of the largest).
inline Eigen::MatrixXd decorrelation_matrix(const Eigen::MatrixXd& covariance, const std::string& what) {
  const Eigen::Index n = covariance.rows();
  if (n == 0 || covariance.cols() != n)
    throw invalid_argument(what + ": covariance is " + std::to_string(covariance.rows()) + "×" +
                           std::to_string(covariance.cols()) + ", must be square and non-empty");
  const double scale = covariance.cwiseAbs().maxCoeff();
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!std::isfinite(covariance(i, j)))
        throw invalid_argument(what + ": covariance(" + std::to_string(i) + ", " + std::to_string(j) + ") = " +
                               rein::detail::format_value(covariance(i, j)) + ", must be finite");
      if (std::abs(covariance(i, j) - covariance(j, i)) > 1e-12 * scale)
        throw invalid_argument(what + ": covariance is not symmetric: (" + std::to_string(i) + ", " + std::to_string(j) +
                               ") = " + rein::detail::format_value(covariance(i, j)) + " but (" + std::to_string(j) +
                               ", " + std::to_string(i) + ") = " + rein::detail::format_value(covariance(j, i)));
    }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  const Eigen::VectorXd values = solver.eigenvalues();  // ascending
  if (values[0] < -1e-12 * values[n - 1])
    throw invalid_argument(what + ": covariance is not positive semi-definite (smallest eigenvalue " +
                           rein::detail::format_value(values[0]) + ")");
  Eigen::MatrixXd d(n, n);
  for (Eigen::Index k = 0; k < n; ++k) {
    Eigen::VectorXd column = solver.eigenvectors().col(n - 1 - k);
    Eigen::Index largest = 0;
    column.cwiseAbs().maxCoeff(&largest);
    if (column[largest] < 0) column = -column;
    d.col(k) = column * std::sqrt(std::max(values[n - 1 - k], 0.0));
  }
  return d;
}

}  // namespace rein::reweight
