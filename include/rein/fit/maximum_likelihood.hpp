#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/minimize.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/model.hpp"

#include <Eigen/Core>
#include <Eigen/Cholesky>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::fit {

/// Settings of a maximum-likelihood fit.
struct fit_options {
  /// Parameters held at a value (conditional fits), by name, on top of those the model fixes.
  std::vector<std::pair<std::string, double>> fixed;
  /// Start point; default: the model's inits (with `fixed` applied).
  std::optional<Eigen::VectorXd> start;
  /// Compute the Hessian, the covariance and the errors at the minimum.
  bool errors = true;
  minimize_options minimizer;
};

/// The result of a maximum-likelihood fit. `errors` and `covariance` come from the inverse of the
/// Hessian of nll over the free parameters (zero rows and columns for fixed ones);
/// `covariance_ok` is false when that Hessian is not positive definite, and the errors are then 0.
struct fit_result {
  fit_status status = fit_status::ok;
  Eigen::VectorXd values;
  Eigen::VectorXd errors;
  Eigen::MatrixXd covariance;
  bool covariance_ok = false;
  double nll = 0;
  double twice_nll = 0;
  std::vector<bool> fixed;     ///< held fixed in this fit
  std::vector<bool> at_bound;  ///< free parameters that ended on a bound
  bool precision_limited = false;  ///< `ok` at the attainable precision (minimize_result::precision_limited)
  int iterations = 0;
  int evaluations = 0;

  [[nodiscard]] bool ok() const { return status == fit_status::ok; }
};

/// The objective nll(θ) on `data` with its analytic gradient, in the minimiser's form.
inline objective nll_objective(const likelihood::model& model, const likelihood::dataset& data) {
  return [&model, &data](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
    if (gradient == nullptr) return model.nll(theta, data);
    return model.nll_and_gradient(theta, data, *gradient);
  };
}

/// Minimises nll(θ) on `data` within the parameter bounds.
/// @throws invalid_argument for an unknown fixed parameter, a fixed value outside its bounds or
///         a start point of the wrong size.
[[nodiscard]] inline fit_result fit(const likelihood::model& model, const likelihood::dataset& data,
                                    const fit_options& options = {}) {
  const auto& layout = model.parameters();
  Eigen::VectorXd start = options.start ? *options.start : layout.inits();
  if (static_cast<std::size_t>(start.size()) != layout.size())
    throw invalid_argument("rein::fit::fit: start point has " + std::to_string(start.size()) + " entries, the model has " +
                           std::to_string(layout.size()) + " parameters");
  std::vector<bool> fixed = layout.fixed();
  for (const auto& [name, value] : options.fixed) {
    const std::size_t i = layout.index(name);
    if (!(layout[i].lower <= value && value <= layout[i].upper))
      throw invalid_argument("rein::fit::fit: fixed value " + name + " = " + rein::detail::format_value(value) +
                             " lies outside its bounds [" + rein::detail::format_value(layout[i].lower) + ", " +
                             rein::detail::format_value(layout[i].upper) + "]");
    start[static_cast<Eigen::Index>(i)] = value;
    fixed[i] = true;
  }
  const Eigen::VectorXd lower = layout.lower_bounds(), upper = layout.upper_bounds();
  const auto f = nll_objective(model, data);
  const auto minimum = minimize(f, start, lower, upper, fixed, options.minimizer);

  fit_result result;
  result.status = minimum.status;
  result.values = minimum.x;
  result.nll = minimum.value;
  result.twice_nll = 2 * minimum.value;
  result.fixed = fixed;
  result.at_bound = minimum.at_bound;
  result.precision_limited = minimum.precision_limited;
  result.iterations = minimum.iterations;
  result.evaluations = minimum.evaluations;
  const Eigen::Index n = static_cast<Eigen::Index>(layout.size());
  result.errors = Eigen::VectorXd::Zero(n);
  result.covariance = Eigen::MatrixXd::Zero(n, n);
  if (!options.errors || !std::isfinite(minimum.value)) return result;

  // a parameter with lower == upper cannot move either: its Hessian row is zero (see hessian)
  std::vector<Eigen::Index> free;
  for (Eigen::Index i = 0; i < n; ++i)
    if (!fixed[static_cast<std::size_t>(i)] && lower[i] < upper[i]) free.push_back(i);
  const Eigen::MatrixXd h = hessian(f, minimum.x, lower, upper, fixed);
  const Eigen::Index k = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd reduced(k, k);
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b) reduced(a, b) = h(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(reduced);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || (ldlt.vectorD().array() <= 0).any()) return result;
  const Eigen::MatrixXd inverse = ldlt.solve(Eigen::MatrixXd::Identity(k, k));
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b)
      result.covariance(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]) = inverse(a, b);
  result.errors = result.covariance.diagonal().cwiseSqrt();
  result.covariance_ok = true;
  return result;
}

/// Minimises nll(θ) on the model's observed data.
[[nodiscard]] inline fit_result fit(const likelihood::model& model, const fit_options& options = {}) {
  return fit(model, model.observed(), options);
}

}  // namespace rein::fit
