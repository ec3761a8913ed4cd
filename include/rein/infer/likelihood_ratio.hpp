#pragma once

// A likelihood-ratio test of a stated null hypothesis that holds several parameters at values
// (the background-only point of the WET, br_x = 0 of a resonance), with three calibrations of
// q = 2[nll(null) − nll(free)]:
//  - Wilks: χ² with dof = the number of parameters the null holds, valid when none of them sits on
//    a bound under the null and every other parameter keeps its meaning under the null;
//  - Chernoff's χ̄² mixture (infer/chi_bar_squared.hpp) when some sit on a bound (a coupling or a
//    branching fraction ≥ 0 tested at 0), with weights from the expected Fisher information at the
//    null fit — a parameter that enters the rate squared (c², as the WET's couplings) is measured in
//    u = (c − bound)², in which the rate is regular;
//  - toys generated at the null fit, the only calibration valid when a parameter exists only under
//    the alternative (a resonance's mass when br_x = 0: Davies 1987) — reported as `unidentified`.
// Convention: one-sided Z = Φ⁻¹(1 − p), clipped at 0 (docs/infer_lrt.md).
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/chi_bar_squared.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/toys.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// Z = Φ⁻¹(1 − p) for a p-value, clipped at 0 (p ≥ 1/2) and +∞ for p = 0: unclipped, rounding of
/// the fits near q = 0 would decide between 0 and large negative values.
inline double one_sided_z(double p) {
  if (std::isnan(p)) return p;
  return p >= 0.5 ? 0.0 : (p > 0 ? significance_of(p) : std::numeric_limits<double>::infinity());
}

/// The toy calibration of a likelihood-ratio test: toys generated at the null fit.
struct likelihood_ratio_toys {
  std::size_t n = 0;       ///< toys asked for
  std::size_t failed = 0;  ///< toys on which the free or the null fit did not converge (dropped)
  std::size_t exceeding = 0;  ///< converged toys with q ≥ q_obs
  double p = std::numeric_limits<double>::quiet_NaN();  ///< exceeding / (n − failed)
  double z = std::numeric_limits<double>::quiet_NaN();  ///< one_sided_z(p); +∞ when no toy exceeds
  std::uint64_t seed = 0;  ///< the seed the toys were drawn with
  /// Whether more than max_failed_toy_fraction of the toys failed (p then rests on too few).
  [[nodiscard]] bool too_many_failed() const { return static_cast<double>(failed) > max_failed_toy_fraction * static_cast<double>(n); }
};

/// A likelihood-ratio test of a null hypothesis that fixes several parameters at once.
struct likelihood_ratio_result {
  double q = 0;            ///< 2[nll(null) − nll(free)], clipped at 0
  std::size_t dof = 0;     ///< number of parameters the null fixes
  double z_sqrt_q = 0;     ///< √q: the one-degree-of-freedom convention
  double p_chi2 = 1;       ///< P(χ²_dof ≥ q): Wilks with dof degrees of freedom
  double z_chi2 = 0;       ///< one_sided_z(p_chi2)
  std::vector<std::string> on_bound;      ///< null parameters held at a bound of their range
  std::vector<std::string> squared;       ///< of those, the ones the rate depends on through (θ − bound)²
  std::vector<std::string> unidentified;  ///< free parameters without effect under the null (e.g. m_x at br_x = 0)
  std::vector<double> chibar2_weights;    ///< w_0 … w_k for the k = on_bound.size() parameters; empty when unavailable
  double p_chibar2 = std::numeric_limits<double>::quiet_NaN();  ///< Σ w_i P(χ²_{dof − k + i} ≥ q)
  double z_chibar2 = std::numeric_limits<double>::quiet_NaN();  ///< one_sided_z(p_chibar2)
  std::string chibar2_note;  ///< why the χ̄² calibration is unavailable; empty when it is given
  likelihood_ratio_toys toys;
  fit::fit_result free;
  fit::fit_result null;
  fit::fit_status status = fit::fit_status::ok;
};

namespace detail {

// The χ̄² calibration of `r` (its fits done): weights from the expected Fisher information at the
// null fit over the parameters free in the free fit.
inline void calibrate_chi_bar_squared(const likelihood::model& model, const std::vector<std::pair<std::string, double>>& null,
                                      const fit::fit_options& options, likelihood_ratio_result& r) {
  const auto& layout = model.parameters();
  const Eigen::VectorXd theta = r.null.values;
  const Eigen::VectorXd nu = model.expected_main(theta);
  std::vector<std::size_t> free;
  for (std::size_t i = 0; i < layout.size(); ++i) {
    bool held = layout[i].fixed;
    for (const auto& item : options.fixed) held = held || item.first.refers_to(layout, i);
    if (!held) free.push_back(i);
  }
  // bound: +1 at the lower bound, −1 at the upper, 0 inside
  const auto bound_side = [&](std::size_t i) {
    const auto& p = layout[i];
    return theta[static_cast<Eigen::Index>(i)] == p.lower ? 1 : (theta[static_cast<Eigen::Index>(i)] == p.upper ? -1 : 0);
  };
  const auto tested = [&](std::size_t i) {
    return std::any_of(null.begin(), null.end(), [&](const auto& item) { return item.first == layout[i].name; });
  };
  const auto shifted = [&](std::size_t i, double step) {
    Eigen::VectorXd t = theta;
    t[static_cast<Eigen::Index>(i)] += step;
    return model.expected_main(t);
  };
  // ∂ν/∂θ_i by finite differences inside the bounds (central where both sides fit). A tested
  // parameter on a bound whose forward differences at h and 2h grow like the step (ν − ν0 ∝ (θ −
  // bound)², as a rate in a coupling) is measured in u = (θ − bound)²: ∂ν/∂u, exact for a quadratic
  Eigen::MatrixXd jacobian(nu.size(), static_cast<Eigen::Index>(free.size()));
  std::vector<bool> in_u(free.size(), false);
  for (std::size_t a = 0; a < free.size(); ++a) {
    const std::size_t i = free[a];
    const auto& p = layout[i];
    const double t = theta[static_cast<Eigen::Index>(i)], h = 1e-5 * std::max(1.0, std::abs(t));
    const int side = bound_side(i);
    Eigen::VectorXd column;
    if (tested(i) && side != 0) {
      // the probe needs steps whose effect stands well above rounding (1e-5 moved a quadratic
      // Belle II signal by 1e-11 events on top of 1e3): 1e-3 of the scale, within a tenth of the range
      const double probe = std::min(1e-3 * std::max(1.0, std::abs(t)), 0.1 * (p.upper - p.lower));
      const Eigen::VectorXd d1 = (shifted(i, side * probe) - nu) / probe, d2 = (shifted(i, 2 * side * probe) - nu) / (2 * probe);
      if (d1.norm() > 0 && (d2 - 2 * d1).norm() <= 1e-3 * d1.norm()) {
        const double step = 0.01 * std::min(1.0, p.upper - p.lower);
        column = (shifted(i, side * step) - nu) / (step * step);
        in_u[a] = true;
      } else {
        column = side * (shifted(i, side * h) - nu) / h;
      }
    } else if (t - h < p.lower) {
      column = (shifted(i, h) - nu) / h;
    } else if (t + h > p.upper) {
      column = (nu - shifted(i, -h)) / h;
    } else {
      column = (shifted(i, h) - shifted(i, -h)) / (2 * h);
    }
    jacobian.col(static_cast<Eigen::Index>(a)) = column;
  }
  Eigen::VectorXd weight(nu.size());
  for (Eigen::Index b = 0; b < nu.size(); ++b) weight[b] = nu[b] > 0 ? 1.0 / nu[b] : 0.0;
  Eigen::MatrixXd fisher = jacobian.transpose() * weight.asDiagonal() * jacobian;
  for (std::size_t a = 0; a < free.size(); ++a) {
    const auto& p = layout[free[a]];
    const double t = theta[static_cast<Eigen::Index>(free[a])];
    const auto d = static_cast<Eigen::Index>(a);
    if (p.constraint == constraint_kind::normal) fisher(d, d) += 1.0 / (p.sigma * p.sigma);
    if (p.constraint == constraint_kind::poisson && t > 0) fisher(d, d) += p.factor / t;
  }
  // parameters without information under the null drop out of the covariance (and void the
  // asymptotic calibrations)
  std::vector<Eigen::Index> kept;
  for (std::size_t a = 0; a < free.size(); ++a) {
    const auto d = static_cast<Eigen::Index>(a);
    if (fisher(d, d) > 0 && std::isfinite(fisher(d, d))) kept.push_back(d);
    else if (!tested(free[a])) r.unidentified.push_back(layout[free[a]].name);
    else {
      r.chibar2_note = "the data carry no information on '" + layout[free[a]].name + "' at the null fit";
      return;
    }
  }
  for (std::size_t a = 0; a < free.size(); ++a)
    if (tested(free[a]) && bound_side(free[a]) != 0) {
      r.on_bound.push_back(layout[free[a]].name);
      if (in_u[a]) r.squared.push_back(layout[free[a]].name);
    }
  if (!r.unidentified.empty()) {
    r.chibar2_note = "parameters without effect under the null (" + std::to_string(r.unidentified.size()) +
                     ", e.g. '" + r.unidentified.front() + "'): no asymptotic formula applies, use toys";
    return;
  }
  if (r.on_bound.size() > max_chi_bar_squared_parameters) {
    r.chibar2_note = std::to_string(r.on_bound.size()) + " parameters on a bound: closed-form weights exist for at most 3";
    return;
  }
  const Eigen::MatrixXd kept_fisher = submatrix(fisher, kept, kept);
  Eigen::LDLT<Eigen::MatrixXd> ldlt(kept_fisher);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || (ldlt.vectorD().array() <= 0).any()) {
    r.chibar2_note = "the Fisher information at the null fit is not positive definite";
    return;
  }
  const Eigen::MatrixXd covariance = ldlt.solve(Eigen::MatrixXd::Identity(kept_fisher.rows(), kept_fisher.cols()));
  std::vector<Eigen::Index> rows;
  std::vector<double> signs;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const std::size_t i = free[static_cast<std::size_t>(kept[k])];
    if (tested(i) && bound_side(i) != 0) rows.push_back(static_cast<Eigen::Index>(k)), signs.push_back(bound_side(i));
  }
  const std::size_t regular = r.dof - rows.size();
  if (rows.empty()) {
    r.chibar2_weights = {1.0};
  } else {
    Eigen::MatrixXd v = submatrix(covariance, rows, rows);
    for (Eigen::Index a = 0; a < v.rows(); ++a)
      for (Eigen::Index b = 0; b < v.cols(); ++b) v(a, b) *= signs[static_cast<std::size_t>(a)] * signs[static_cast<std::size_t>(b)];
    r.chibar2_weights = chi_bar_squared_weights(v);
  }
  r.p_chibar2 = chi_bar_squared_survival(r.q, r.chibar2_weights, regular);
  r.z_chibar2 = one_sided_z(r.p_chibar2);
}

}  // namespace detail
/// Compares the free fit with the fit under `null` (parameter name → value).
/// √q is what a one-parameter test would quote; the χ²(dof) p-value is Wilks' theorem, valid when
/// none of them sits on a bound under the null; the χ̄² p-value takes the bounds into account
/// (r.chibar2_note says when it cannot be given); toys come from likelihood_ratio_toys.
/// @throws invalid_argument when `null` is empty, names an unknown parameter, names one twice, or
///         names one that the model or `options.fixed` already holds (dof would count it), and
///         (from fit) for a value outside the parameter's bounds.
[[nodiscard]] inline likelihood_ratio_result likelihood_ratio_test(const likelihood::model& model,
                                                                   const likelihood::dataset& data,
                                                                   const std::vector<std::pair<std::string, double>>& null,
                                                                   const fit::fit_options& options = {}) {
  const std::string function = "rein::infer::likelihood_ratio_test: ";
  if (null.empty()) throw invalid_argument(function + "the null hypothesis fixes no parameter");
  const auto& layout = model.parameters();
  for (std::size_t k = 0; k < null.size(); ++k) {
    const std::string& name = null[k].first;
    const std::string where = function + "null[" + std::to_string(k) + "] names '" + name + "'";
    if (!layout.contains(name)) throw invalid_argument(where + ", not a parameter of the model");
    for (std::size_t j = 0; j < k; ++j)
      if (null[j].first == name) throw invalid_argument(where + ", as null[" + std::to_string(j) + "] does");
    const std::size_t i = layout.index(name);
    bool held = layout[i].fixed;
    for (const auto& item : options.fixed) held = held || item.first.refers_to(layout, i);
    if (held) throw invalid_argument(where + ", which is fixed already (by the model or options.fixed): it is no degree of freedom");
  }
  likelihood_ratio_result r;
  r.free = fit::fit(model, data, options);
  fit::fit_options null_options = options;
  for (const auto& item : null) null_options.fixed.push_back(item);
  null_options.errors = false;
  r.null = fit::fit(model, data, null_options);
  r.dof = null.size();
  r.q = std::max(0.0, r.null.twice_nll - r.free.twice_nll);
  r.z_sqrt_q = std::sqrt(r.q);
  r.p_chi2 = boost::math::cdf(boost::math::complement(boost::math::chi_squared(static_cast<double>(r.dof)), r.q));
  r.z_chi2 = one_sided_z(r.p_chi2);
  r.status = r.free.status != fit::fit_status::ok ? r.free.status : r.null.status;
  detail::calibrate_chi_bar_squared(model, null, options, r);
  return r;
}


/// The toy calibration of `observed` (a likelihood_ratio_test of `null` on the observed data with
/// `options`): `n` toys generated at the null fit (stream 0 of `seed`, toy i seeded by
/// task_seed(seed, 0, i): the same numbers at any thread count), each fitted free and under the
/// null; p = P(q ≥ q_obs) over the toys whose two fits converged.
/// @throws invalid_argument when n = 0
[[nodiscard]] inline likelihood_ratio_toys likelihood_ratio_toy_calibration(
    const likelihood::model& model, const likelihood_ratio_result& observed,
    const std::vector<std::pair<std::string, double>>& null, const fit::fit_options& options, std::size_t n,
    std::uint64_t seed, unsigned threads = 1, const progress_callback& progress = {}) {
  if (n == 0) throw invalid_argument("rein::infer::likelihood_ratio_toy_calibration: n = 0 toys");
  fit::fit_options free_options = options, null_options = options;
  free_options.errors = null_options.errors = false;
  for (const auto& item : null) null_options.fixed.push_back(item);
  std::vector<double> q(n, std::numeric_limits<double>::quiet_NaN());
  parallel_for(n, std::max(1u, threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, observed.null.values, task_seed(seed, 0, i));
    const auto free = fit::fit(model, toy, free_options);
    const auto held = fit::fit(model, toy, null_options);
    if (free.ok() && held.ok()) q[i] = std::max(0.0, held.twice_nll - free.twice_nll);
  }, progress);
  likelihood_ratio_toys t;
  t.n = n;
  t.seed = seed;
  for (const double value : q) {
    if (std::isnan(value)) ++t.failed;
    else if (value >= observed.q) ++t.exceeding;
  }
  if (t.failed < n) {
    t.p = static_cast<double>(t.exceeding) / static_cast<double>(n - t.failed);
    t.z = one_sided_z(t.p);
  }
  return t;
}

}  // namespace rein::infer
