#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/toys.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/model.hpp"

#include <Eigen/Core>
#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace rein::infer {

/// The two parts of the saturated-model statistic q_sat = main + constraint (docs/infer_impacts.md).
struct saturated_terms {
  /// Baker–Cousins Poisson χ² of the main bins: 2 Σ_b [ν_b − n_b + n_b ln(n_b/ν_b)] (n_b = 0: 2ν_b).
  double main = 0;
  /// 2 Σ_i [c_i(θ_i) − min c_i] over the constraint terms c_i = −ln p(a_i | θ_i) of the free
  /// constrained parameters, the minimum taken over the parameter's bounds: ((θ − a)/σ)² for a
  /// normal constraint inside its bounds; 2[τθ − a + a ln(a/(τθ))] for a Poisson one.
  double constraint = 0;
  [[nodiscard]] double total() const { return main + constraint; }
};

/// q_sat(θ) = 2 [nll(θ) − nll_sat] on `data`, split into its main-bin and constraint parts.
/// The saturated model sets every main-bin expectation to its observation (ν_b = n_b) and every
/// free constrained parameter to the minimum of its own constraint term (a_i, or a_i/τ_i for
/// Poisson, clipped into the bounds); parameters with `fixed[i]` keep θ_i in both, so their
/// constraint terms cancel. Equals 2[nll(θ) − nll_sat] to rounding.
/// @throws invalid_argument if θ, `fixed` or `data` do not match the model.
[[nodiscard]] inline saturated_terms saturated_statistic(const likelihood::model& model, const likelihood::dataset& data,
                                                         const Eigen::VectorXd& theta, const std::vector<bool>& fixed) {
  const auto& layout = model.parameters();
  if (fixed.size() != layout.size())
    throw invalid_argument("rein::infer::saturated_statistic: fixed has " + std::to_string(fixed.size()) +
                           " flags, the model has " + std::to_string(layout.size()) + " parameters");
  (void)model.nll(theta, data);  // checks the sizes of θ and data with the model's messages
  saturated_terms q;
  const Eigen::VectorXd nu = model.expected_main(theta);
  for (Eigen::Index b = 0; b < nu.size(); ++b) {
    const double n = data.main[b], v = nu[b];
    if (!(v >= 0) || (v == 0 && n > 0)) {
      q.main = std::numeric_limits<double>::infinity();
      break;
    }
    q.main += n > 0 ? 2 * (v - n + n * std::log(n / v)) : 2 * v;
  }
  for (std::size_t k = 0; k < model.constrained().size(); ++k) {
    const std::size_t i = model.constrained()[k];
    if (fixed[i]) continue;
    const auto& p = layout[i];
    const double t = theta[static_cast<Eigen::Index>(i)];
    const double a = data.aux[static_cast<Eigen::Index>(k)];
    if (p.constraint == constraint_kind::normal) {
      const double best = std::min(std::max(a, p.lower), p.upper);
      const double z = (t - a) / p.sigma, z_best = (best - a) / p.sigma;
      q.constraint += z * z - z_best * z_best;
    } else {
      // c(θ) = τθ − a ln(τθ) (+ const), minimal at τθ = a
      const auto c = [&](double x) {
        const double rate = x * p.factor;
        return a > 0 ? rate - a * std::log(rate) : rate;
      };
      const double best = std::min(std::max(a / p.factor, p.lower), p.upper);
      q.constraint += t * p.factor > 0 ? 2 * (c(t) - c(best)) : std::numeric_limits<double>::infinity();
    }
  }
  return q;
}

/// Settings of `goodness_of_fit`.
struct goodness_of_fit_options {
  /// Options of every fit (extra fixed parameters, minimiser settings).
  fit::fit_options fit;
  /// Pseudo-experiments for a toy-based p-value, generated at the best fit; 0: none.
  std::size_t n_toys = 0;
  std::uint64_t seed = 0;
  /// Worker threads for the toys, ≥ 1; the results do not depend on it.
  unsigned threads = 1;
  /// Warn when a main bin expects fewer events than this at the best fit.
  double low_count_threshold = 5;
  /// Called now and then with (toys done, toys in all) from the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// The saturated-model goodness of fit.
struct goodness_of_fit_result {
  double q_saturated = 0;  ///< q_main + q_constraint at the best fit
  double q_main = 0;
  double q_constraint = 0;
  std::size_t n_bins = 0;              ///< main bins
  std::size_t n_free = 0;              ///< free parameters of the fit
  std::size_t n_free_constrained = 0;  ///< of which constrained (each brings one auxiliary datum)
  /// n_bins + n_free_constrained − n_free = n_bins − (free unconstrained parameters).
  long ndf = 0;
  /// P(χ²_ndf ≥ q_saturated); NaN when ndf ≤ 0.
  double p_value = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_toys = 0;
  std::size_t failed_fits = 0;  ///< toys whose fit did not converge (dropped)
  /// Fraction of the converged toys with q_sat ≥ q_saturated, and its binomial standard error;
  /// NaN without toys.
  double p_value_toys = std::numeric_limits<double>::quiet_NaN();
  double p_value_toys_error = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> toy_q;  ///< q_sat of each toy, NaN where its fit failed
  fit::fit_result fit;        ///< the best fit to the data
  fit::fit_status status = fit::fit_status::ok;  ///< of the fit to the data
  std::vector<std::string> warnings;
};

/// Saturated-model goodness of fit of `model` on `data`: q_sat at the best fit (see
/// saturated_statistic), its χ² p-value with ndf = n_bins + n_free_constrained − n_free, and
/// optionally a toy-based p-value: toys drawn at the best fit θ̂ with generate_toy (toy i seeded
/// with task_seed(seed, 0, i)), each refitted (from θ̂, with the data fit's Hessian as the
/// minimiser's first matrix) and its q_sat computed on its own main and auxiliary data.
/// @throws invalid_argument if `options.threads` is 0, `options.low_count_threshold` is NaN, or
///         `options.fit.fixed` names an unknown parameter (fit::fit's own checks apply too).
[[nodiscard]] inline goodness_of_fit_result goodness_of_fit(const likelihood::model& model,
                                                            const likelihood::dataset& data,
                                                            const goodness_of_fit_options& options = {}) {
  constexpr const char* function = "rein::infer::goodness_of_fit";
  using rein::detail::format_value;
  if (options.threads == 0) throw invalid_argument(std::string(function) + ": options.threads = 0, must be >= 1");
  if (std::isnan(options.low_count_threshold))
    throw invalid_argument(std::string(function) + ": options.low_count_threshold = nan, must be a number");
  const auto& layout = model.parameters();
  for (const auto& fixed : options.fit.fixed)
    if (!layout.contains(fixed.first))
      throw invalid_argument(std::string(function) + ": options.fit.fixed names '" + fixed.first +
                             "', not a parameter of the model");
  goodness_of_fit_result r;
  fit::fit_options fit_options = options.fit;
  fit_options.errors = false;
  r.fit = fit::fit(model, data, fit_options);
  r.status = r.fit.status;
  const auto q = saturated_statistic(model, data, r.fit.values, r.fit.fixed);
  r.q_main = q.main;
  r.q_constraint = q.constraint;
  r.q_saturated = q.total();

  r.n_bins = model.main_bins();
  for (std::size_t i = 0; i < layout.size(); ++i)
    if (!r.fit.fixed[i] && layout[i].lower < layout[i].upper) {
      ++r.n_free;
      if (layout[i].constraint != constraint_kind::none) ++r.n_free_constrained;
    }
  r.ndf = static_cast<long>(r.n_bins + r.n_free_constrained) - static_cast<long>(r.n_free);
  if (r.ndf > 0 && std::isfinite(r.q_saturated)) {
    const boost::math::chi_squared_distribution<double> chi2(static_cast<double>(r.ndf));
    r.p_value = boost::math::cdf(boost::math::complement(chi2, std::max(r.q_saturated, 0.0)));
  } else if (r.ndf <= 0) {
    r.warnings.push_back("ndf = n_bins + n_free_constrained - n_free = " + std::to_string(r.ndf) +
                         " <= 0: no chi-square p-value; use toys");
  }
  if (r.status != fit::fit_status::ok)
    r.warnings.push_back(std::string("the fit to the data ended with status '") + fit::to_string(r.status) + "'");
  const Eigen::VectorXd nu = model.expected_main(r.fit.values);
  std::size_t low = 0;
  for (Eigen::Index b = 0; b < nu.size(); ++b)
    if (nu[b] < options.low_count_threshold) ++low;
  if (low > 0)
    r.warnings.push_back(std::to_string(low) + " of " + std::to_string(r.n_bins) + " main bins expect fewer than " +
                         format_value(options.low_count_threshold) +
                         " events at the best fit: the chi-square approximation of q_saturated is poor; use toys");

  r.n_toys = options.n_toys;
  if (options.n_toys == 0) return r;
  const Eigen::VectorXd lower = layout.lower_bounds(), upper = layout.upper_bounds();
  Eigen::MatrixXd start_hessian;
  if (std::isfinite(r.fit.nll)) {
    start_hessian = fit::hessian(fit::nll_objective(model, data), r.fit.values, lower, upper, r.fit.fixed);
    if (!start_hessian.allFinite()) start_hessian.resize(0, 0);
  }
  r.toy_q.assign(options.n_toys, std::numeric_limits<double>::quiet_NaN());
  parallel_for(options.n_toys, std::max(1u, options.threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, r.fit.values, task_seed(options.seed, 0, i));
    fit::fit_options toy_options = fit_options;
    toy_options.start = r.fit.values;
    if (start_hessian.size() != 0) toy_options.minimizer.start_hessian = start_hessian;
    const auto toy_fit = fit::fit(model, toy, toy_options);
    if (toy_fit.status == fit::fit_status::ok)
      r.toy_q[i] = saturated_statistic(model, toy, toy_fit.values, toy_fit.fixed).total();
  }, options.progress);

  std::size_t converged = 0, above = 0;
  for (double t : r.toy_q)
    if (!std::isnan(t)) {
      ++converged;
      if (t >= r.q_saturated) ++above;
    }
  r.failed_fits = options.n_toys - converged;
  if (converged > 0) {
    r.p_value_toys = static_cast<double>(above) / static_cast<double>(converged);
    r.p_value_toys_error = std::sqrt(r.p_value_toys * (1 - r.p_value_toys) / static_cast<double>(converged));
  }
  if (r.failed_fits > 0)
    r.warnings.push_back(std::to_string(r.failed_fits) + " of " + std::to_string(options.n_toys) +
                         " toy fits did not converge and were dropped");
  return r;
}

/// Goodness of fit on the model's observed data.
[[nodiscard]] inline goodness_of_fit_result goodness_of_fit(const likelihood::model& model,
                                                            const goodness_of_fit_options& options = {}) {
  return goodness_of_fit(model, model.observed(), options);
}

}  // namespace rein::infer
