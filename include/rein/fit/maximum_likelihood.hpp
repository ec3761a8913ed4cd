#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_key.hpp"
#include "rein/fit/detail/bin_profile.hpp"
#include "rein/fit/detail/finite_difference.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/minimize.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/model.hpp"

#include <Eigen/Core>
#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::fit {

/// Whether `fit` minimises the per-bin parameters bin by bin (docs/fit.md, "Per-bin profiling").
enum class bin_profiling {
  /// When the model has at least `automatic_profiling_threshold` local per-bin parameters.
  automatic,
  /// Whenever the model has a local per-bin parameter.
  always,
  /// Never: one minimisation over all parameters.
  never,
};

/// Local per-bin parameters from which `bin_profiling::automatic` profiles them: below it the full
/// minimisation (dense n × n curvature) takes at most tens of milliseconds.
inline constexpr std::size_t automatic_profiling_threshold = 512;

/// Parameters up to which `fit` forms the n × n covariance matrix unless told (fit_options::covariance).
inline constexpr std::size_t automatic_covariance_limit = 4096;

/// Settings of a maximum-likelihood fit.
struct fit_options {
  /// Parameters held at a value (conditional fits), on top of those the model fixes: by index in
  /// the model's parameter layout, or by name (a convenience: {{"mu", 1.0}}).
  std::vector<std::pair<parameter_key, double>> fixed;
  /// Start point; default: the model's inits (with `fixed` applied).
  std::optional<Eigen::VectorXd> start;
  /// Compute the Hessian, the covariance and the errors at the minimum.
  bool errors = true;
  /// Form the n × n `covariance` matrix (with `errors`); unset: when the model has at most
  /// `automatic_covariance_limit` parameters. The errors and `covariance_ok` do not need it.
  std::optional<bool> covariance;
  /// Profile the local per-bin parameters (staterror, shapesys, shapefactor γ of one bin) bin by bin.
  bin_profiling profiling = bin_profiling::automatic;
  minimize_options minimizer;
};

/// The result of a maximum-likelihood fit. `errors` and `covariance` come from the inverse of the
/// Hessian of nll over the free parameters (zero rows and columns for fixed ones);
/// `covariance_ok` is false when that Hessian is not positive definite, and the errors are then 0.
/// `covariance` is empty (0 × 0) when it was not asked for (fit_options::covariance) or errors were off.
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
  /// Per-bin parameters minimised bin by bin inside the objective (0: one full minimisation);
  /// iterations and evaluations then count the minimisation over the other parameters.
  std::size_t profiled = 0;
  /// The minimiser's last Newton-check Hessian over all parameters (minimize_result::hessian) on the
  /// full minimisation, a start matrix (minimize_options::start_hessian) for fits at nearby points;
  /// empty on the profiled path or when no check ran.
  Eigen::MatrixXd hessian;

  [[nodiscard]] bool ok() const { return status == fit_status::ok; }
};

/// The objective nll(θ) on `data` with its analytic gradient, in the minimiser's form.
inline objective nll_objective(const likelihood::model& model, const likelihood::dataset& data) {
  return [&model, &data](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
    if (gradient == nullptr) return model.nll(theta, data);
    return model.nll_and_gradient(theta, data, *gradient);
  };
}

namespace detail {

/// Whether `fit` forms the n × n covariance matrix.
inline bool form_covariance(const fit_options& options, std::size_t parameters) {
  return options.covariance ? *options.covariance : parameters <= automatic_covariance_limit;
}

/// `fit` with the local per-bin parameters profiled bin by bin (docs/fit.md, "Per-bin profiling"):
/// `minimize` runs over the other parameters on P(θ_g) = nll(θ_g, γ̂(θ_g)) with the envelope gradient.
/// Errors: the Hessian of P (central differences) is the Schur complement S of the full Hessian over
/// the global block, so C_gg = S⁻¹; with J = dγ̂/dθ_g (central differences of the profiled solution)
/// and the per-bin blocks H_bb (analytic), C_γγ = H_bb⁻¹ + J C_gg Jᵀ and C_γg = J C_gg.
inline fit_result profiled_fit(const likelihood::model& model, const likelihood::dataset& data,
                               const fit_options& options, const bin_profile& profile, Eigen::VectorXd start,
                               const std::vector<bool>& fixed, const Eigen::VectorXd& lower,
                               const Eigen::VectorXd& upper) {
  const auto& outer = profile.outer();
  const auto m = static_cast<Eigen::Index>(outer.size());
  const Eigen::Index n = start.size();
  Eigen::VectorXd x0(m), outer_lower(m), outer_upper(m);
  std::vector<bool> outer_fixed(static_cast<std::size_t>(m));
  for (Eigen::Index a = 0; a < m; ++a) {
    const Eigen::Index i = outer[static_cast<std::size_t>(a)];
    x0[a] = start[i];
    outer_lower[a] = lower[i];
    outer_upper[a] = upper[i];
    outer_fixed[static_cast<std::size_t>(a)] = fixed[static_cast<std::size_t>(i)];
  }
  // the last finite point: its per-bin parameters start the next bin-by-bin minimisation
  Eigen::VectorXd theta = std::move(start);
  Eigen::VectorXd full_gradient;
  const objective f = [&](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
    Eigen::VectorXd t = theta;
    for (Eigen::Index a = 0; a < m; ++a) t[outer[static_cast<std::size_t>(a)]] = x[a];
    (void)profile.profile(t);  // a bin that did not converge is caught at the final point
    const double value = gradient ? model.nll_and_gradient(t, data, full_gradient) : model.nll(t, data);
    if (gradient)
      for (Eigen::Index a = 0; a < m; ++a) (*gradient)[a] = full_gradient[outer[static_cast<std::size_t>(a)]];
    if (std::isfinite(value)) theta = std::move(t);
    return value;
  };
  minimize_options minimizer = options.minimizer;
  if (minimizer.start_hessian.size() != 0) {  // given over all parameters: keep the outer block
    Eigen::MatrixXd b(m, m);
    for (Eigen::Index c = 0; c < m; ++c)
      for (Eigen::Index r = 0; r < m; ++r)
        b(r, c) = options.minimizer.start_hessian(outer[static_cast<std::size_t>(r)], outer[static_cast<std::size_t>(c)]);
    minimizer.start_hessian = std::move(b);
  }
  minimizer.hessian_blocks.clear();  // the profiled nll couples every outer parameter
  const auto minimum = minimize(f, x0, outer_lower, outer_upper, outer_fixed, minimizer);

  fit_result result;
  Eigen::VectorXd values = theta;
  for (Eigen::Index a = 0; a < m; ++a) values[outer[static_cast<std::size_t>(a)]] = minimum.x[a];
  const bool inner_ok = profile.profile(values);
  result.nll = model.nll(values, data);
  result.twice_nll = 2 * result.nll;
  result.status = minimum.status == fit_status::ok && !inner_ok ? fit_status::not_converged : minimum.status;
  result.values = values;
  result.fixed = fixed;
  result.at_bound.assign(static_cast<std::size_t>(n), false);
  for (Eigen::Index a = 0; a < m; ++a)
    result.at_bound[static_cast<std::size_t>(outer[static_cast<std::size_t>(a)])] = minimum.at_bound[static_cast<std::size_t>(a)];
  for (std::size_t j = 0; j < profile.local_count(); ++j) {
    const Eigen::Index i = profile.local_parameter(j);
    result.at_bound[static_cast<std::size_t>(i)] = values[i] <= lower[i] || values[i] >= upper[i];
  }
  result.precision_limited = minimum.precision_limited;
  result.iterations = minimum.iterations;
  result.evaluations = minimum.evaluations;
  result.profiled = profile.local_count();
  result.errors = Eigen::VectorXd::Zero(n);
  const bool form = form_covariance(options, static_cast<std::size_t>(n));
  if (form && options.errors) result.covariance = Eigen::MatrixXd::Zero(n, n);
  if (!options.errors || !std::isfinite(result.nll)) return result;

  // C_gg: the inverse of the Hessian of P over the free outer parameters
  std::vector<Eigen::Index> free;  // positions in `outer`
  for (Eigen::Index a = 0; a < m; ++a)
    if (!outer_fixed[static_cast<std::size_t>(a)] && outer_lower[a] < outer_upper[a]) free.push_back(a);
  const auto k = static_cast<Eigen::Index>(free.size());
  const Eigen::MatrixXd h = hessian(f, minimum.x, outer_lower, outer_upper, outer_fixed);
  Eigen::MatrixXd reduced(k, k);
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b) reduced(a, b) = h(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(reduced);
  if (k > 0 && (ldlt.info() != Eigen::Success || !ldlt.isPositive() || (ldlt.vectorD().array() <= 0).any())) return result;
  const Eigen::MatrixXd c_gg = k > 0 ? Eigen::MatrixXd(ldlt.solve(Eigen::MatrixXd::Identity(k, k))) : Eigen::MatrixXd();

  // J = dγ̂/dθ_g: central differences of the profiled solution (second-order one-sided at a bound)
  const auto locals = static_cast<Eigen::Index>(profile.local_count());
  Eigen::MatrixXd jacobian(locals, k);
  const auto solution = [&](Eigen::Index i, double value, Eigen::VectorXd& gamma) {
    Eigen::VectorXd t = values;
    t[i] = value;
    (void)profile.profile(t);
    gamma.resize(locals);
    for (Eigen::Index j = 0; j < locals; ++j) gamma[j] = t[profile.local_parameter(static_cast<std::size_t>(j))];
  };
  Eigen::VectorXd gamma0, gamma1, gamma2;
  solution(0, values[0], gamma0);
  for (Eigen::Index a = 0; a < k; ++a) {
    const Eigen::Index i = outer[static_cast<std::size_t>(free[static_cast<std::size_t>(a)])];
    const double xi = values[i];
    const double step = base_step(xi, central_relative_step);
    const double room_up = upper[i] - xi, room_down = xi - lower[i];
    if (room_up >= step && room_down >= step) {
      const double hp = (xi + step) - xi, hm = xi - (xi - step);
      solution(i, xi + hp, gamma1);
      solution(i, xi - hm, gamma2);
      jacobian.col(a) = (gamma1 - gamma2) / (hp + hm);
    } else {
      const double side = room_up >= room_down ? 1.0 : -1.0;
      const double s = side * std::min(step, (side > 0 ? room_up : room_down) / 2);
      const double exact = (xi + s) - xi;
      solution(i, xi + exact, gamma1);
      solution(i, xi + 2 * exact, gamma2);
      jacobian.col(a) = (-3 * gamma0 + 4 * gamma1 - gamma2) / (2 * exact);
    }
  }
  if (!jacobian.allFinite()) return result;

  // the per-bin blocks H_bb⁻¹ and the local errors
  Eigen::VectorXd errors = Eigen::VectorXd::Zero(n);
  bool blocks_ok = true;
  const Eigen::MatrixXd jc = k > 0 ? Eigen::MatrixXd(jacobian * c_gg) : Eigen::MatrixXd::Zero(locals, 0);
  profile.for_each_block(values, [&](std::size_t first, Eigen::Index size, const Eigen::MatrixXd& block) {
    const Eigen::LDLT<Eigen::MatrixXd> factor(block);
    if (factor.info() != Eigen::Success || !factor.isPositive() || (factor.vectorD().array() <= 0).any()) {
      blocks_ok = false;
      return;
    }
    const Eigen::MatrixXd inverse = factor.solve(Eigen::MatrixXd::Identity(size, size));
    const auto j0 = static_cast<Eigen::Index>(first);
    for (Eigen::Index q = 0; q < size; ++q) {
      const Eigen::Index i = profile.local_parameter(first + static_cast<std::size_t>(q));
      errors[i] = std::sqrt(inverse(q, q) + jc.row(j0 + q).dot(jacobian.row(j0 + q)));
      if (!form) continue;
      for (Eigen::Index p = 0; p < size; ++p)
        result.covariance(profile.local_parameter(first + static_cast<std::size_t>(p)), i) = inverse(p, q);
    }
  });
  if (!blocks_ok) return result;
  for (Eigen::Index a = 0; a < k; ++a)
    errors[outer[static_cast<std::size_t>(free[static_cast<std::size_t>(a)])]] = std::sqrt(c_gg(a, a));
  if (form) {
    std::vector<Eigen::Index> global(static_cast<std::size_t>(k));
    for (Eigen::Index a = 0; a < k; ++a) global[static_cast<std::size_t>(a)] = outer[static_cast<std::size_t>(free[static_cast<std::size_t>(a)])];
    for (Eigen::Index a = 0; a < k; ++a)
      for (Eigen::Index b = 0; b < k; ++b) result.covariance(global[static_cast<std::size_t>(a)], global[static_cast<std::size_t>(b)]) = c_gg(a, b);
    const Eigen::MatrixXd low_rank = jc * jacobian.transpose();  // J C_gg Jᵀ
    for (Eigen::Index l = 0; l < locals; ++l) {
      const Eigen::Index column = profile.local_parameter(static_cast<std::size_t>(l));
      for (Eigen::Index a = 0; a < k; ++a) {
        result.covariance(column, global[static_cast<std::size_t>(a)]) = jc(l, a);
        result.covariance(global[static_cast<std::size_t>(a)], column) = jc(l, a);
      }
      for (Eigen::Index j = 0; j < locals; ++j)
        result.covariance(profile.local_parameter(static_cast<std::size_t>(j)), column) += low_rank(j, l);
    }
  }
  result.errors = errors;
  result.covariance_ok = true;
  return result;
}

}  // namespace detail

/// Minimises nll(θ) on `data` within the parameter bounds.
///
/// With `fit_options::profiling` (by default for models with at least `automatic_profiling_threshold`
/// of them) the local per-bin parameters — staterror, shapesys and shapefactor γ acting on one bin —
/// are minimised bin by bin inside the objective and `minimize` runs over the others only; the minimum
/// is the same, the cost grows linearly with the number of bins (docs/fit.md, "Per-bin profiling").
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
  for (const auto& [key, value] : options.fixed) {
    const std::size_t i = key.index_in(layout);
    const std::string& name = layout[i].name;
    if (!(layout[i].lower <= value && value <= layout[i].upper))
      throw invalid_argument("rein::fit::fit: fixed value " + name + " = " + rein::detail::format_value(value) +
                             " lies outside its bounds [" + rein::detail::format_value(layout[i].lower) + ", " +
                             rein::detail::format_value(layout[i].upper) + "]");
    start[static_cast<Eigen::Index>(i)] = value;
    fixed[i] = true;
  }
  const Eigen::VectorXd lower = layout.lower_bounds(), upper = layout.upper_bounds();
  const bool sizes_match = static_cast<std::size_t>(data.main.size()) == model.main_bins() &&
                           static_cast<std::size_t>(data.aux.size()) == model.constrained().size();
  if (options.profiling != bin_profiling::never && sizes_match) {
    const detail::bin_profile profile(model, data, fixed);
    const std::size_t needed = options.profiling == bin_profiling::always ? 1 : automatic_profiling_threshold;
    if (profile.local_count() >= needed) {
      detail::check_box("rein::fit::fit", "start", start, lower, upper, fixed);
      detail::check_options("rein::fit::fit", options.minimizer, start.size());
      return detail::profiled_fit(model, data, options, profile, std::move(start), fixed, lower, upper);
    }
  }
  const auto f = nll_objective(model, data);
  // the per-bin γ couple only within their bin: Hessians by groups of columns
  minimize_options minimizer = options.minimizer;
  if (minimizer.hessian_blocks.empty()) minimizer.hessian_blocks = detail::hessian_blocks(model, fixed);
  auto minimum = minimize(f, start, lower, upper, fixed, minimizer);

  fit_result result;
  result.hessian = std::move(minimum.hessian);
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
  const bool form = detail::form_covariance(options, layout.size());
  if (form && options.errors) result.covariance = Eigen::MatrixXd::Zero(n, n);
  if (!options.errors || !std::isfinite(minimum.value)) return result;

  // a parameter with lower == upper cannot move either: its Hessian row is zero (see hessian)
  std::vector<Eigen::Index> free;
  for (Eigen::Index i = 0; i < n; ++i)
    if (!fixed[static_cast<std::size_t>(i)] && lower[i] < upper[i]) free.push_back(i);
  const Eigen::MatrixXd h = hessian(f, minimum.x, lower, upper, fixed, minimizer.hessian_blocks);
  const Eigen::Index k = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd reduced(k, k);
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b) reduced(a, b) = h(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(reduced);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || (ldlt.vectorD().array() <= 0).any()) return result;
  const Eigen::MatrixXd inverse = ldlt.solve(Eigen::MatrixXd::Identity(k, k));
  for (Eigen::Index a = 0; a < k; ++a) result.errors[free[static_cast<std::size_t>(a)]] = std::sqrt(inverse(a, a));
  if (form)
    for (Eigen::Index a = 0; a < k; ++a)
      for (Eigen::Index b = 0; b < k; ++b)
        result.covariance(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]) = inverse(a, b);
  result.covariance_ok = true;
  return result;
}

/// Minimises nll(θ) on the model's observed data.
[[nodiscard]] inline fit_result fit(const likelihood::model& model, const fit_options& options = {}) {
  return fit(model, model.observed(), options);
}

}  // namespace rein::fit
