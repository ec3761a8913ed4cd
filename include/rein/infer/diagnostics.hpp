#pragma once

// Post-fit diagnostics as Combine's FitDiagnostics and cabinetry's yield tables give them: pre-fit
// and post-fit yields per channel, sample and bin with linearly propagated uncertainties, channel
// totals, data, the correlation matrix, pulls and constraints, the fit's status (docs/diagnostics.md).
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/likelihood/model/mask.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/model/yield_jacobian.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// One sample's yields in one channel with their standard deviations.
struct sample_yield_table {
  std::string name;
  Eigen::VectorXd yields;         ///< per bin
  Eigen::VectorXd uncertainties;  ///< per bin, √(J C Jᵀ); NaN without a usable covariance
  double sum = 0;                 ///< over the channel's bins
  double sum_uncertainty = 0;     ///< of `sum`, bin-to-bin correlations included
};

/// One channel's yields: each sample, the total (correlations between samples included), the data.
struct channel_yield_table {
  std::string name;
  bool masked = false;  ///< its data were not in the fit (diagnostics_options::masked)
  std::vector<sample_yield_table> samples;
  Eigen::VectorXd total;                ///< Σ_s ν_sb per bin
  Eigen::VectorXd total_uncertainties;  ///< of `total`, per bin
  Eigen::VectorXd data;                 ///< the observed counts
  double total_sum = 0, total_sum_uncertainty = 0, data_sum = 0;
};

/// Yields of `model` at `theta` per channel, sample and bin, with uncertainties propagated linearly
/// through `covariance`: σ²(y) = (∂y/∂θ) C (∂y/∂θ)ᵀ, with the exact derivatives of
/// likelihood::yield_jacobian; totals and sums use the summed derivative rows, so correlations
/// between samples, bins and parameters are all included. `data` fills each channel's data.
/// @param covariance n × n (n parameters), or empty (0 × 0): every uncertainty is then NaN
/// @throws invalid_argument for θ, covariance or data of the wrong size
[[nodiscard]] inline std::vector<channel_yield_table> yield_tables(const likelihood::model& model, const Eigen::VectorXd& theta,
                                                                   const Eigen::MatrixXd& covariance, const Eigen::VectorXd& data) {
  const auto n = static_cast<Eigen::Index>(model.parameters().size());
  const bool have = covariance.size() != 0;
  if (have && (covariance.rows() != n || covariance.cols() != n))
    throw invalid_argument("rein::infer::yield_tables: covariance is " + std::to_string(covariance.rows()) + " x " +
                           std::to_string(covariance.cols()) + ", the model has " + std::to_string(n) + " parameters");
  if (static_cast<std::size_t>(data.size()) != model.main_bins())
    throw invalid_argument("rein::infer::yield_tables: data have " + std::to_string(data.size()) + " main bins, the model has " +
                           std::to_string(model.main_bins()));
  const auto y = likelihood::yield_jacobian(model, theta);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  // σ of the yield whose derivative row is g
  const auto sigma = [&](const Eigen::RowVectorXd& g) { return have ? std::sqrt(std::max(0.0, g.dot(g * covariance))) : nan; };
  std::vector<channel_yield_table> out;
  for (const auto& c : model.channels()) {
    const auto bins = static_cast<Eigen::Index>(c.bins);
    channel_yield_table t;
    t.name = c.name;
    t.data = data.segment(static_cast<Eigen::Index>(c.offset), bins);
    t.data_sum = t.data.sum();
    t.total = Eigen::VectorXd::Zero(bins);
    Eigen::MatrixXd total_rows = Eigen::MatrixXd::Zero(bins, n);
    for (std::size_t si = 0; si < model.samples().size(); ++si) {
      const auto& s = model.samples()[si];
      if (s.channel != c.name) continue;
      const auto first = static_cast<Eigen::Index>(y.first[si]);
      sample_yield_table st;
      st.name = s.name;
      st.yields = y.values.segment(first, bins);
      st.uncertainties.resize(bins);
      const auto rows = y.jacobian.middleRows(first, bins);
      for (Eigen::Index b = 0; b < bins; ++b) st.uncertainties[b] = sigma(rows.row(b));
      st.sum = st.yields.sum();
      st.sum_uncertainty = sigma(rows.colwise().sum());
      t.total += st.yields;
      total_rows += rows;
      t.samples.push_back(std::move(st));
    }
    t.total_uncertainties.resize(bins);
    for (Eigen::Index b = 0; b < bins; ++b) t.total_uncertainties[b] = sigma(total_rows.row(b));
    t.total_sum = t.total.sum();
    t.total_sum_uncertainty = sigma(total_rows.colwise().sum());
    out.push_back(std::move(t));
  }
  return out;
}

/// The pre-fit covariance, as cabinetry's pre-fit yield uncertainties use it: diagonal, the
/// constraint width² of every free constrained parameter (normal σ; Poisson 1/√τ, see
/// prefit_center_and_sigma), 0 for unconstrained parameters (normfactors: no pre-fit uncertainty)
/// and for fixed ones; no correlations.
[[nodiscard]] inline Eigen::MatrixXd prefit_covariance(const likelihood::model& model) {
  const auto& layout = model.parameters();
  const auto n = static_cast<Eigen::Index>(layout.size());
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);
  for (std::size_t k = 0; k < model.constrained().size(); ++k) {
    const std::size_t i = model.constrained()[k];
    if (layout[i].fixed || !(layout[i].lower < layout[i].upper)) continue;
    const double width = prefit_center_and_sigma(layout[i], model.observed().aux[static_cast<Eigen::Index>(k)]).second;
    c(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)) = width * width;
  }
  return c;
}

/// The correlation matrix of the parameters that were free in `fit`, with their names.
struct named_correlation {
  std::vector<std::string> parameters;
  Eigen::MatrixXd matrix;  ///< C_ij / √(C_ii C_jj); NaN without a usable covariance
};

/// The correlation matrix of the free parameters of `fit` (model layout order).
/// @throws invalid_argument if `fit` does not belong to `model`
[[nodiscard]] inline named_correlation correlation(const likelihood::model& model, const fit::fit_result& fit) {
  const auto& layout = model.parameters();
  if (fit.fixed.size() != layout.size())
    throw invalid_argument("rein::infer::correlation: the fit result has " + std::to_string(fit.fixed.size()) +
                           " parameters, the model has " + std::to_string(layout.size()));
  std::vector<Eigen::Index> free;
  named_correlation out;
  for (std::size_t i = 0; i < layout.size(); ++i)
    if (!fit.fixed[i]) free.push_back(static_cast<Eigen::Index>(i)), out.parameters.push_back(layout[i].name);
  const auto k = static_cast<Eigen::Index>(free.size());
  out.matrix = Eigen::MatrixXd::Constant(k, k, std::numeric_limits<double>::quiet_NaN());
  if (!fit.covariance_ok || fit.covariance.size() == 0) return out;
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b) {
      const auto i = free[static_cast<std::size_t>(a)], j = free[static_cast<std::size_t>(b)];
      out.matrix(a, b) = a == b ? 1.0 : fit.covariance(i, j) / std::sqrt(fit.covariance(i, i) * fit.covariance(j, j));
    }
  return out;
}

/// Settings of `diagnostics`.
struct diagnostics_options {
  /// Channels whose main data leave the fit (likelihood::mask_channels); they are still predicted.
  std::vector<std::string> masked;
  /// Options of the fit (the covariance is always formed).
  fit::fit_options fit;
};

/// Everything `rein fit --diagnostics` reports.
struct diagnostics_result {
  fit::fit_result fit;  ///< of the masked model (the same parameter layout as the model)
  std::vector<std::string> masked;
  Eigen::VectorXd prefit_values;  ///< the model's inits (fixed values applied)
  std::vector<channel_yield_table> prefit, postfit;
  named_correlation correlation;
  std::vector<parameter_pull> pulls;
};

/// Fits `model` on its observed data with the channels `options.masked` masked, then gives pre-fit
/// yields (inits, prefit_covariance) and post-fit yields (best fit, the fit's Hessian covariance)
/// of every channel, masked ones included, the correlation matrix and the pulls. Post-fit
/// uncertainties are NaN when the fit's covariance is not usable (fit.covariance_ok false).
/// Dense: the n × n covariance and a (sample bins) × n Jacobian, so at most
/// fit::automatic_covariance_limit parameters.
/// @throws invalid_argument for a model with more parameters than that, and as mask_channels and fit::fit
[[nodiscard]] inline diagnostics_result diagnostics(const likelihood::model& model, const diagnostics_options& options = {}) {
  if (model.parameters().size() > fit::automatic_covariance_limit)
    throw invalid_argument("rein::infer::diagnostics: the model has " + std::to_string(model.parameters().size()) +
                           " parameters; diagnostics form the dense covariance and yield Jacobian, at most " +
                           std::to_string(fit::automatic_covariance_limit) + " parameters");
  const auto masked = likelihood::mask_channels(model, options.masked);
  auto fit_options = options.fit;
  fit_options.errors = true;
  fit_options.covariance = true;
  diagnostics_result r;
  r.fit = fit::fit(masked, fit_options);
  r.masked = options.masked;
  r.prefit_values = model.parameters().inits();
  const auto& data = model.observed().main;
  r.prefit = yield_tables(model, r.prefit_values, prefit_covariance(model), data);
  const Eigen::MatrixXd none;
  r.postfit = yield_tables(model, r.fit.values, r.fit.covariance_ok ? r.fit.covariance : none, data);
  for (auto* tables : {&r.prefit, &r.postfit})
    for (auto& t : *tables) t.masked = std::find(options.masked.begin(), options.masked.end(), t.name) != options.masked.end();
  r.correlation = correlation(model, r.fit);
  r.pulls = pulls(model, model.observed(), r.fit);
  return r;
}

}  // namespace rein::infer
