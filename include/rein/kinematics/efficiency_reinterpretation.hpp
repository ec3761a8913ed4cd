#pragma once

// Reinterpretation of a published upper limit with a published efficiency map: the efficiency
// averaged over a model's rate, ε_model = Σ_i ε_i Γ_i / Σ_i Γ_i, and the rescaled limit
// B_UL(model) = B_UL(reference) · ε_reference / ε_model, with first-order propagation of the
// map's uncertainty (derivation and assumptions in docs/kinematics.md).
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/efficiency_map.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::kinematics {

/// ε averaged over a model's rate and its standard uncertainty from the map's (uncorrelated bins).
struct averaged_efficiency {
  double value = 0;        ///< ε_model = Σ_i ε_i Γ_i / Σ_i Γ_i
  double uncertainty = 0;  ///< first-order standard uncertainty of value from the map's uncertainty
};

/// An upper limit rescaled from a reference spectrum to a model spectrum with the same map.
struct rescaled_limit {
  double upper_limit = 0;  ///< B_UL(ref) · ε_ref / ε_model
  double uncertainty = 0;  ///< from the map's uncertainty, with the correlation between ε_ref and ε_model (same map) included
  averaged_efficiency reference;  ///< ε averaged over the reference rates
  averaged_efficiency model;      ///< ε averaged over the model rates
};

namespace detail {

/// The rate fractions Γ_i / Σ_j Γ_j after checking the rates against the map.
/// @throws rein::invalid_argument on a size mismatch, a negative or non-finite rate, or all rates 0
inline std::vector<double> efficiency_rate_fractions(const efficiency_map& map, const std::vector<double>& rates,
                                                     const std::string& function, const std::string& argument) {
  const std::size_t n = map.bins().size();
  if (rates.size() != n)
    throw invalid_argument(function + ": " + argument + " has " + std::to_string(rates.size()) +
                           " entries, the map has " + std::to_string(n) + " bins (one rate per flat bin)");
  double largest = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(rates[i] >= 0.0) || !std::isfinite(rates[i]))
      throw invalid_argument(function + ": " + argument + "[" + std::to_string(i) + "] = " +
                             rein::detail::format_value(rates[i]) + ", must be finite and non-negative");
    largest = std::max(largest, rates[i]);
  }
  if (!(largest > 0.0))
    throw invalid_argument(function + ": " + argument + " are all zero (" + std::to_string(n) +
                           " bins), at least one rate must be positive");
  // Divide by the largest rate first so that the sum cannot overflow.
  std::vector<double> fractions(n);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    fractions[i] = rates[i] / largest;
    sum += fractions[i];
  }
  for (double& f : fractions) f /= sum;
  return fractions;
}

/// Σ_i f_i ε_i.
inline double efficiency_average(const efficiency_map& map, const std::vector<double>& fractions) {
  double value = 0.0;
  for (std::size_t i = 0; i < fractions.size(); ++i) value += fractions[i] * map.efficiencies()[i];
  return value;
}

/// Throws unless ε averaged over `argument` is positive, naming the first bin with a positive rate.
inline void check_positive_average(double average, const efficiency_map& map, const std::vector<double>& rates,
                                   const std::string& function, const std::string& argument) {
  if (average > 0.0) return;
  std::size_t first = 0;
  while (first + 1 < rates.size() && !(rates[first] > 0.0)) ++first;
  throw invalid_argument(function + ": " + argument + " lie only in bins where the map's efficiency is 0 (e.g. " +
                         argument + "[" + std::to_string(first) + "] = " + rein::detail::format_value(rates[first]) +
                         " with efficiencies[" + std::to_string(first) + "] = " +
                         rein::detail::format_value(map.efficiencies()[first]) +
                         "), so the averaged efficiency is 0 and the limit cannot be rescaled");
}

/// √(Σ_i g_i² σ_i²) with the map's per-bin uncertainties σ_i.
inline double efficiency_uncorrelated_sigma(const efficiency_map& map, const std::vector<double>& gradient) {
  double variance = 0.0;
  for (std::size_t i = 0; i < gradient.size(); ++i) {
    const double term = gradient[i] * map.uncertainties()[i];
    variance += term * term;
  }
  return std::sqrt(variance);
}

/// Checks a covariance of the map's efficiencies: n×n, finite, non-negative diagonal, symmetric to
/// a relative 1e-12 (of max(|C_ij|, |C_ji|, √(C_ii C_jj))).
/// @throws rein::invalid_argument naming the entry and its value
inline void check_efficiency_covariance(const Eigen::MatrixXd& covariance, std::size_t n, const std::string& function) {
  const auto size = static_cast<Eigen::Index>(n);
  if (covariance.rows() != size || covariance.cols() != size)
    throw invalid_argument(function + ": covariance is " + std::to_string(covariance.rows()) + "x" +
                           std::to_string(covariance.cols()) + ", must be " + std::to_string(n) + "x" +
                           std::to_string(n) + " (one row and column per flat bin of the map)");
  const auto entry = [&function](Eigen::Index i, Eigen::Index j) {
    return function + ": covariance(" + std::to_string(i) + ", " + std::to_string(j) + ") = ";
  };
  for (Eigen::Index j = 0; j < size; ++j)
    for (Eigen::Index i = 0; i < size; ++i)
      if (!std::isfinite(covariance(i, j)))
        throw invalid_argument(entry(i, j) + rein::detail::format_value(covariance(i, j)) + ", must be finite");
  for (Eigen::Index i = 0; i < size; ++i)
    if (!(covariance(i, i) >= 0.0))
      throw invalid_argument(entry(i, i) + rein::detail::format_value(covariance(i, i)) +
                             ", diagonal entries (variances) must be non-negative");
  for (Eigen::Index i = 0; i < size; ++i)
    for (Eigen::Index j = i + 1; j < size; ++j) {
      const double upper = covariance(i, j), lower = covariance(j, i);
      const double scale =
          std::max({std::abs(upper), std::abs(lower), std::sqrt(covariance(i, i) * covariance(j, j))});
      if (std::abs(upper - lower) > 1e-12 * scale)
        throw invalid_argument(entry(i, j) + rein::detail::format_value(upper) + " and covariance(" +
                               std::to_string(j) + ", " + std::to_string(i) + ") = " +
                               rein::detail::format_value(lower) + " differ, must be symmetric");
    }
}

/// √(gᵀ C g); rounding below zero is clipped to 0, a clearly negative form throws.
/// @throws rein::invalid_argument if gᵀ C g < −1e-9 Σ_ij |g_i| |C_ij| |g_j| (C not positive semi-definite)
inline double efficiency_correlated_sigma(const Eigen::MatrixXd& covariance, const std::vector<double>& gradient,
                                          const std::string& function, const std::string& what) {
  const Eigen::Map<const Eigen::VectorXd> g(gradient.data(), static_cast<Eigen::Index>(gradient.size()));
  const double variance = g.dot(covariance * g);
  if (variance >= 0.0) return std::sqrt(variance);
  const double scale = g.cwiseAbs().dot(covariance.cwiseAbs() * g.cwiseAbs());
  if (variance < -1e-9 * scale)
    throw invalid_argument(function + ": covariance is not positive semi-definite: the variance of " + what +
                           " is " + rein::detail::format_value(variance) + ", must be non-negative");
  return 0.0;
}

/// Shared body of the two rescale_upper_limit overloads (covariance == nullptr: uncorrelated bins).
inline rescaled_limit rescale_upper_limit_impl(double reference_limit, const efficiency_map& map,
                                               const std::vector<double>& reference_rates,
                                               const std::vector<double>& model_rates,
                                               const Eigen::MatrixXd* covariance) {
  const std::string function = "rein::kinematics::rescale_upper_limit";
  if (!(reference_limit > 0.0) || !std::isfinite(reference_limit))
    throw invalid_argument(function + ": reference_limit = " + rein::detail::format_value(reference_limit) +
                           ", must be finite and positive");
  const auto a = efficiency_rate_fractions(map, reference_rates, function, "reference_rates");
  const auto b = efficiency_rate_fractions(map, model_rates, function, "model_rates");
  if (covariance) check_efficiency_covariance(*covariance, map.bins().size(), function);

  rescaled_limit result;
  result.reference.value = efficiency_average(map, a);
  result.model.value = efficiency_average(map, b);
  check_positive_average(result.reference.value, map, reference_rates, function, "reference_rates");
  check_positive_average(result.model.value, map, model_rates, function, "model_rates");

  // r = ε_ref/ε_model, ∂r/∂ε_i = (a_i − r b_i)/ε_model.
  const double ratio = result.reference.value / result.model.value;
  std::vector<double> gradient(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) gradient[i] = (a[i] - ratio * b[i]) / result.model.value;

  double ratio_sigma = 0.0;
  if (covariance) {
    result.reference.uncertainty = efficiency_correlated_sigma(*covariance, a, function, "the reference efficiency");
    result.model.uncertainty = efficiency_correlated_sigma(*covariance, b, function, "the model efficiency");
    ratio_sigma = efficiency_correlated_sigma(*covariance, gradient, function, "eps_ref/eps_model");
  } else {
    result.reference.uncertainty = efficiency_uncorrelated_sigma(map, a);
    result.model.uncertainty = efficiency_uncorrelated_sigma(map, b);
    ratio_sigma = efficiency_uncorrelated_sigma(map, gradient);
  }
  result.upper_limit = reference_limit * ratio;
  result.uncertainty = reference_limit * ratio_sigma;
  return result;
}

}  // namespace detail

/// The map's efficiency averaged over a model's rate, ε = Σ_i ε_i Γ_i / Σ_i Γ_i, and its
/// first-order uncertainty σ² = Σ_i (Γ_i/ΣΓ)² σ_i² from the map's per-bin uncertainties
/// (uncorrelated bins). An average of 0 (all the rate where ε = 0) is returned, not an error.
/// @param map    the published efficiency map
/// @param rates  Γ_i ≥ 0 per flat bin of the map (map.bins().size() entries), not all zero; only
///               their ratios matter (for 1-D maps: rein::reweight::integrate_bins(rate, edges))
/// @throws rein::invalid_argument if rates has the wrong size, an entry is negative or not finite,
///         or all entries are 0 (the message names the index and the value)
[[nodiscard]] inline averaged_efficiency model_averaged_efficiency(const efficiency_map& map,
                                                                   const std::vector<double>& rates) {
  const auto f = detail::efficiency_rate_fractions(map, rates, "rein::kinematics::model_averaged_efficiency", "rates");
  return {detail::efficiency_average(map, f), detail::efficiency_uncorrelated_sigma(map, f)};
}

/// Same with a full covariance C of the map's efficiencies: σ² = fᵀ C f, f_i = Γ_i/ΣΓ. The map's
/// own uncertainties() are not used.
/// @param covariance  n×n (n = map.bins().size(), flat bin order), symmetric positive semi-definite
/// @throws rein::invalid_argument as the uncorrelated overload, and if covariance is not n×n, has a
///         non-finite entry, a negative diagonal entry, differs from its transpose by more than a
///         relative 1e-12, or gives a clearly negative variance (not positive semi-definite)
[[nodiscard]] inline averaged_efficiency model_averaged_efficiency(const efficiency_map& map,
                                                                   const std::vector<double>& rates,
                                                                   const Eigen::MatrixXd& covariance) {
  const std::string function = "rein::kinematics::model_averaged_efficiency";
  const auto f = detail::efficiency_rate_fractions(map, rates, function, "rates");
  detail::check_efficiency_covariance(covariance, map.bins().size(), function);
  return {detail::efficiency_average(map, f),
          detail::efficiency_correlated_sigma(covariance, f, function, "the averaged efficiency")};
}

/// Rescales a published upper limit from the reference spectrum to a model spectrum:
/// B_UL(model) = B_UL(ref) · r, r = ε_ref/ε_model, both averaged over the same map. The limit is
/// not re-derived: this assumes the limit scales as 1/ε, which holds when the signal shape in the
/// fit variable is unchanged. The uncertainty is first-order propagation of the map's per-bin
/// uncertainties (uncorrelated bins) through r, σ_r² = Σ_i g_i² σ_i² with
/// g_i = ∂r/∂ε_i = (a_i − r b_i)/ε_model (a, b the reference and model rate fractions): it includes
/// the correlation of ε_ref and ε_model, and is 0 when the model spectrum equals the reference.
/// The published limit is an input without uncertainty (it already contains the analysis's own
/// efficiency systematics for the reference spectrum).
/// @param reference_limit  B_UL of the reference spectrum, finite and > 0
/// @param map              the published efficiency map
/// @param reference_rates  Γ_i of the reference spectrum per flat bin (the rates the map and the
///                         limit were made with), ≥ 0, not all zero
/// @param model_rates      Γ_i of the model per flat bin, ≥ 0, not all zero
/// @return the rescaled limit B_UL(ref)·r, its uncertainty B_UL(ref)·σ_r, and both averages
/// @throws rein::invalid_argument if reference_limit is not finite and positive, a rate vector has
///         the wrong size, a negative or non-finite entry or is all zero, or the reference or the
///         model rate lies only in bins with ε = 0 (averaged ε = 0)
[[nodiscard]] inline rescaled_limit rescale_upper_limit(double reference_limit, const efficiency_map& map,
                                                        const std::vector<double>& reference_rates,
                                                        const std::vector<double>& model_rates) {
  return detail::rescale_upper_limit_impl(reference_limit, map, reference_rates, model_rates, nullptr);
}

/// Same with a full covariance C of the map's efficiencies: σ_r² = gᵀ C g (and fᵀ C f for the two
/// averages). The map's own uncertainties() are not used.
/// @param covariance  n×n (n = map.bins().size(), flat bin order), symmetric positive semi-definite
/// @throws rein::invalid_argument as the uncorrelated overload, and if covariance is not n×n, has a
///         non-finite entry, a negative diagonal entry, differs from its transpose by more than a
///         relative 1e-12, or gives a clearly negative variance (not positive semi-definite)
[[nodiscard]] inline rescaled_limit rescale_upper_limit(double reference_limit, const efficiency_map& map,
                                                        const std::vector<double>& reference_rates,
                                                        const std::vector<double>& model_rates,
                                                        const Eigen::MatrixXd& covariance) {
  return detail::rescale_upper_limit_impl(reference_limit, map, reference_rates, model_rates, &covariance);
}

}  // namespace rein::kinematics
