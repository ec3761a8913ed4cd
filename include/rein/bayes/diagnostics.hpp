#pragma once

// Convergence diagnostics: rank-normalised split-R̂, bulk/tail ESS (Vehtari, Gelman, Simpson,
// Carpenter, Bürkner 2021, Bayesian Analysis 16, 667, as implemented by ArviZ), Monte Carlo standard
// errors and emcee's integrated autocorrelation time. Every function takes one parameter's draws as
// a draws × chains matrix.
#include "rein/bayes/detail/fft.hpp"
#include "rein/bayes/detail/numbers.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>
#include <boost/math/special_functions/erf.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace rein::bayes {

using draws_matrix = Eigen::Ref<const Eigen::MatrixXd>;

namespace detail {

/// Throws unless there is at least one chain and at least `min_draws` draws per chain.
inline void check_draws(const draws_matrix& x, const char* function, Eigen::Index min_draws = 4) {
  rein::detail::check(x.cols() >= 1, std::string("rein::bayes::") + function +
                                          ": draws has 0 columns (chains), must have at least 1");
  rein::detail::check(x.rows() >= min_draws, std::string("rein::bayes::") + function + ": draws has " +
                                                 std::to_string(x.rows()) + " rows (draws per chain), must have at least " +
                                                 std::to_string(min_draws));
}

inline bool all_finite(const draws_matrix& x) { return x.allFinite(); }

/// Each chain cut into its first and last ⌊n/2⌋ draws (the middle draw of an odd n is dropped):
/// ⌊n/2⌋ × 2m, the first halves first (ArviZ's `_split_chains`).
inline Eigen::MatrixXd split_chains(const draws_matrix& x) {
  const Eigen::Index half = x.rows() / 2, m = x.cols();
  Eigen::MatrixXd out(half, 2 * m);
  out.leftCols(m) = x.topRows(half);
  out.rightCols(m) = x.bottomRows(half);
  return out;
}

/// The classic potential scale reduction of the given chains (no splitting):
/// √((B/W + n − 1)/n), B = n·var(chain means), W = mean of the chain variances (both with n − 1
/// resp. m − 1 denominators): ArviZ's `_rhat`.
inline double rhat_core(const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.rows(), m = x.cols();
  const auto nd = static_cast<double>(n);
  Eigen::VectorXd means = x.colwise().mean().transpose();
  double within = 0;
  for (Eigen::Index c = 0; c < m; ++c) within += (x.col(c).array() - means[c]).square().sum() / (nd - 1);
  within /= static_cast<double>(m);
  const double grand = means.mean();
  const double between = m > 1 ? nd * (means.array() - grand).square().sum() / static_cast<double>(m - 1) : 0.0;
  return std::sqrt((between / within + nd - 1) / nd);
}

/// ESS of the given chains (no splitting) by Geyer's initial monotone sequence on the
/// multi-chain autocorrelation estimate ρ̂_t = 1 − (W − mean_c γ_{c,t})/var⁺ (Stan / ArviZ `_ess`):
/// τ̂ = −1 + 2 Σ_{t ≤ max_t} ρ̂_t + ρ̂_{max_t+1}, τ̂ ≥ 1/log₁₀(mn), ESS = mn/τ̂. Constant draws give mn.
inline double ess_core(const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.rows(), m = x.cols();
  const auto nd = static_cast<double>(n);
  if (x.maxCoeff() - x.minCoeff() < 1e-15) return static_cast<double>(n * m);
  std::vector<std::vector<double>> acov(static_cast<std::size_t>(m));
  Eigen::VectorXd means(m);
  const auto twiddles = fft_twiddles(next_power_of_two(2 * static_cast<std::size_t>(n)));
  for (Eigen::Index c = 0; c < m; ++c) {
    acov[static_cast<std::size_t>(c)] = autocovariance(x.col(c).data(), static_cast<std::size_t>(n), &twiddles);
    means[c] = x.col(c).mean();
  }
  const auto mean_acov = [&](Eigen::Index t) {
    double s = 0;
    for (const auto& a : acov) s += a[static_cast<std::size_t>(t)];
    return s / static_cast<double>(m);
  };
  const double mean_var = mean_acov(0) * nd / (nd - 1);
  double var_plus = mean_var * (nd - 1) / nd;
  if (m > 1) var_plus += (means.array() - means.mean()).square().sum() / static_cast<double>(m - 1);
  std::vector<double> rho(static_cast<std::size_t>(n), 0.0);
  double rho_even = 1.0, rho_odd = 1.0 - (mean_var - mean_acov(1)) / var_plus;
  rho[0] = rho_even;
  rho[1] = rho_odd;
  Eigen::Index t = 1;
  while (t < n - 3 && rho_even + rho_odd > 0) {  // Geyer's initial positive sequence
    rho_even = 1.0 - (mean_var - mean_acov(t + 1)) / var_plus;
    rho_odd = 1.0 - (mean_var - mean_acov(t + 2)) / var_plus;
    if (rho_even + rho_odd >= 0) {
      rho[static_cast<std::size_t>(t + 1)] = rho_even;
      rho[static_cast<std::size_t>(t + 2)] = rho_odd;
    }
    t += 2;
  }
  const Eigen::Index max_t = t - 2;
  if (rho_even > 0) rho[static_cast<std::size_t>(max_t + 1)] = rho_even;
  for (t = 1; t <= max_t - 2; t += 2) {  // Geyer's initial monotone sequence
    auto& a = rho[static_cast<std::size_t>(t + 1)];
    auto& b = rho[static_cast<std::size_t>(t + 2)];
    const double previous = rho[static_cast<std::size_t>(t - 1)] + rho[static_cast<std::size_t>(t)];
    if (a + b > previous) {
      a = previous / 2;
      b = a;
    }
  }
  const double total = static_cast<double>(n * m);
  double tau = -1.0;
  for (Eigen::Index k = 0; k <= max_t; ++k) tau += 2 * rho[static_cast<std::size_t>(k)];
  if (max_t + 1 < n) tau += rho[static_cast<std::size_t>(max_t + 1)];
  tau = std::max(tau, 1.0 / std::log10(total));
  for (double r : rho)
    if (std::isnan(r)) return nan;
  return total / tau;
}

/// Ranks 1 … N of all entries (ties get the average of their ranks, as scipy's
/// rankdata(method="average")), in the matrix's shape.
inline Eigen::MatrixXd average_ranks(const Eigen::MatrixXd& x) {
  const auto size = static_cast<std::size_t>(x.size());
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const double* v = x.data();
  std::stable_sort(order.begin(), order.end(), [v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  Eigen::MatrixXd ranks(x.rows(), x.cols());
  double* r = ranks.data();
  for (std::size_t i = 0; i < size;) {
    std::size_t j = i + 1;
    while (j < size && v[order[j]] == v[order[i]]) ++j;
    const double average = 0.5 * static_cast<double>(i + 1 + j);  // mean of ranks i+1 … j
    for (std::size_t k = i; k < j; ++k) r[order[k]] = average;
    i = j;
  }
  return ranks;
}

/// Φ⁻¹(p) = −√2 erfc⁻¹(2p).
inline double normal_quantile(double p) {
  return -1.41421356237309504880168872420969808 * boost::math::erfc_inv(2 * p);
}

/// Type-7 (linear interpolation, R's default, numpy's "linear") quantile of sorted values:
/// h = (N − 1)p, Q = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).
inline double quantile_sorted(const std::vector<double>& sorted, double p) {
  const std::size_t n = sorted.size();
  if (n == 0) return nan;
  const double h = (static_cast<double>(n) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

inline std::vector<double> sorted_values(const draws_matrix& x) {
  std::vector<double> v(static_cast<std::size_t>(x.size()));
  std::size_t k = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index r = 0; r < x.rows(); ++r) v[k++] = x(r, c);
  std::sort(v.begin(), v.end());
  return v;
}

/// The normalised autocorrelation ρ_k = γ_k/γ_0 of one series (emcee's `function_1d`).
inline std::vector<double> autocorrelation(const double* x, std::size_t n,
                                           const std::vector<std::complex<double>>* twiddles = nullptr) {
  auto a = autocovariance(x, n, twiddles);
  const double a0 = a[0];
  for (auto& v : a) v /= a0;
  return a;
}

}  // namespace detail

/// Rank normalisation: z = Φ⁻¹((r − 3/8)/(N + 1/4)) with r the average rank of each draw among
/// all N draws of all chains (Blom's offsets; ArviZ's `_z_scale`).
/// @throws rein::invalid_argument if x is empty
[[nodiscard]] inline Eigen::MatrixXd rank_normalize(const draws_matrix& x) {
  detail::check_draws(x, "rank_normalize", 1);
  Eigen::MatrixXd z = detail::average_ranks(x);
  const double size = static_cast<double>(x.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = detail::normal_quantile((z(i) - 0.375) / (size + 0.25));
  return z;
}

/// Classic split-R̂ (Gelman et al., BDA3, §11.4): the chains are split in halves and
/// R̂ = √((B/W + n − 1)/n) over the 2m half-chains (ArviZ `rhat(method="split")`).
/// NaN when a draw is not finite or every draw is equal.
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double split_rhat(const draws_matrix& x) {
  detail::check_draws(x, "split_rhat");
  if (!detail::all_finite(x)) return detail::nan;
  return detail::rhat_core(detail::split_chains(x));
}

/// Bulk R̂: split-R̂ of the rank-normalised split chains (Vehtari et al. 2021, eq. 13–14).
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double rhat_bulk(const draws_matrix& x) {
  detail::check_draws(x, "rhat_bulk");
  if (!detail::all_finite(x)) return detail::nan;
  return detail::rhat_core(rank_normalize(detail::split_chains(x)));
}

/// Tail (folded) R̂: split-R̂ of the rank-normalised |x − median| over the split chains, the
/// median taken over all draws (type-7).
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double rhat_tail(const draws_matrix& x) {
  detail::check_draws(x, "rhat_tail");
  if (!detail::all_finite(x)) return detail::nan;
  Eigen::MatrixXd split = detail::split_chains(x);
  const double median = detail::quantile_sorted(detail::sorted_values(split), 0.5);
  split = (split.array() - median).abs().matrix();
  return detail::rhat_core(rank_normalize(split));
}

/// The rank-normalised split-R̂ of Vehtari et al. (2021): max(bulk R̂, tail R̂) (ArviZ
/// `rhat(method="rank")`, Stan's and posterior's `rhat`). Values above 1.01 signal chains that
/// have not mixed. NaN when a draw is not finite or every draw is equal.
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double rhat(const draws_matrix& x) {
  detail::check_draws(x, "rhat");
  if (!detail::all_finite(x)) return detail::nan;
  return std::max(rhat_bulk(x), rhat_tail(x));
}

/// ESS for the mean: ess_core on the split chains without rank normalisation (ArviZ
/// `ess(method="mean")`, posterior's `ess_mean`). NaN when a draw is not finite.
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double ess_mean(const draws_matrix& x) {
  detail::check_draws(x, "ess_mean");
  if (!detail::all_finite(x)) return detail::nan;
  return detail::ess_core(detail::split_chains(x));
}

/// Bulk ESS: ess_core on the rank-normalised split chains (ArviZ `ess(method="bulk")`).
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double ess_bulk(const draws_matrix& x) {
  detail::check_draws(x, "ess_bulk");
  if (!detail::all_finite(x)) return detail::nan;
  return detail::ess_core(rank_normalize(detail::split_chains(x)));
}

/// ESS of the p-quantile: ess_core on the split chains of the indicator I(x ≤ q_p), q_p the
/// type-7 quantile of all draws (ArviZ `ess(method="quantile")`).
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain, or p ∉ [0, 1]
[[nodiscard]] inline double ess_quantile(const draws_matrix& x, double p) {
  detail::check_draws(x, "ess_quantile");
  if (!(p >= 0 && p <= 1))
    throw invalid_argument("rein::bayes::ess_quantile: p = " + rein::detail::format_value(p) + ", must be in [0, 1]");
  if (!detail::all_finite(x)) return detail::nan;
  const double q = detail::quantile_sorted(detail::sorted_values(x), p);
  const Eigen::MatrixXd indicator = (x.array() <= q).cast<double>().matrix();
  return detail::ess_core(detail::split_chains(indicator));
}

/// Tail ESS: min(ESS of the 5% quantile, ESS of the 95% quantile) (ArviZ `ess(method="tail")`).
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double ess_tail(const draws_matrix& x) {
  detail::check_draws(x, "ess_tail");
  return std::min(ess_quantile(x, 0.05), ess_quantile(x, 0.95));
}

/// Monte Carlo standard error of the mean: sd/√ess_mean, sd over all draws with N − 1.
/// @throws rein::invalid_argument for fewer than 4 draws per chain or no chain
[[nodiscard]] inline double mcse_mean(const draws_matrix& x) {
  detail::check_draws(x, "mcse_mean");
  const double mean = x.mean();
  const double sd = std::sqrt((x.array() - mean).square().sum() / static_cast<double>(x.size() - 1));
  return sd / std::sqrt(ess_mean(x));
}

/// emcee's integrated autocorrelation time.
struct integrated_time_result {
  double tau = 0;           ///< τ̂ = 1 + 2 Σ_{k=1}^{M} ρ̂_k
  std::size_t window = 0;   ///< M: the first M with M ≥ c·τ̂_M (or the last lag)
  bool reliable = false;    ///< tol·τ̂ ≤ draws per chain (emcee raises AutocorrError otherwise)
};

/// The integrated autocorrelation time as emcee 3's `integrated_time` (Sokal's adaptive window):
/// ρ̂_k averaged over the chains (columns, e.g. walkers), τ̂_M = 2 Σ_{k=0}^{M} ρ̂_k − 1, M the
/// smallest lag with M ≥ c·τ̂_M. For a single AR(1) series with coefficient ρ, τ = (1 + ρ)/(1 − ρ).
/// @param x draws × chains
/// @param c the window factor (emcee: 5)
/// @param tol the reliability factor (emcee: 50): reliable when tol·τ̂ ≤ draws per chain
/// @throws rein::invalid_argument for fewer than 4 draws per chain, no chain, non-finite draws,
///         or c ≤ 0
[[nodiscard]] inline integrated_time_result integrated_time(const draws_matrix& x, double c = 5, double tol = 50) {
  detail::check_draws(x, "integrated_time");
  if (!(c > 0)) throw invalid_argument("rein::bayes::integrated_time: c = " + rein::detail::format_value(c) + ", must be > 0");
  rein::detail::check(detail::all_finite(x), "rein::bayes::integrated_time: draws contain a non-finite value");
  const auto n = static_cast<std::size_t>(x.rows());
  std::vector<double> f(n, 0.0);
  const auto twiddles = detail::fft_twiddles(detail::next_power_of_two(2 * n));
  for (Eigen::Index k = 0; k < x.cols(); ++k) {
    const Eigen::VectorXd column = x.col(k);
    if (column.maxCoeff() == column.minCoeff()) continue;  // a constant series has no autocorrelation
    const auto a = detail::autocorrelation(column.data(), n, &twiddles);
    for (std::size_t t = 0; t < n; ++t) f[t] += a[t];
  }
  for (auto& v : f) v /= static_cast<double>(x.cols());
  integrated_time_result r;
  double cumulative = 0;
  r.window = n - 1;
  std::vector<double> taus(n);
  for (std::size_t m = 0; m < n; ++m) {
    cumulative += f[m];
    taus[m] = 2 * cumulative - 1;
  }
  for (std::size_t m = 0; m < n; ++m)
    if (!(static_cast<double>(m) < c * taus[m])) {
      r.window = m;
      break;
    }
  r.tau = taus[r.window];
  r.reliable = tol * r.tau <= static_cast<double>(n);
  return r;
}

/// The diagnostics of one parameter.
struct parameter_diagnostics {
  std::string name;
  double rhat = detail::nan;          ///< rank-normalised split-R̂ (max of bulk and tail)
  double ess_bulk = detail::nan;
  double ess_tail = detail::nan;
  double ess_mean = detail::nan;
  double mcse_mean = detail::nan;     ///< sd/√ess_mean
  double integrated_time = detail::nan;  ///< emcee's τ̂, ACF averaged over the chains
};

/// Thresholds for the warnings of `diagnose`.
struct diagnostics_options {
  double max_rhat = 1.01;   ///< warn when R̂ > max_rhat (Vehtari et al. 2021)
  double min_ess = 400;     ///< warn when bulk or tail ESS < min_ess (100 per chain for 4 chains)
};

/// R̂ within the threshold (NaN fails): the chains agree.
[[nodiscard]] inline bool rhat_ok(double rhat, const diagnostics_options& options = {}) { return rhat <= options.max_rhat; }

/// An effective sample size at the threshold or above (NaN fails).
[[nodiscard]] inline bool ess_ok(double ess, const diagnostics_options& options = {}) { return ess >= options.min_ess; }

/// R̂ and bulk ESS within the thresholds: the verdict on one parameter's summaries (mean, HDI,
/// limits) that rein reports; `diagnose` warns about each part, and about the tail ESS too.
[[nodiscard]] inline bool converged(const parameter_diagnostics& d, const diagnostics_options& options = {}) {
  return rhat_ok(d.rhat, options) && ess_ok(d.ess_bulk, options);
}

/// Diagnostics of every parameter and the warnings they raise.
struct diagnostics_report {
  std::vector<parameter_diagnostics> parameters;
  std::vector<std::string> warnings;  ///< empty when nothing was flagged
  [[nodiscard]] bool ok() const { return warnings.empty(); }
};

/// R̂, ESS (bulk, tail, mean), MCSE of the mean and τ̂ for every parameter, with a warning for each
/// R̂ > max_rhat, bulk or tail ESS < min_ess, and non-finite diagnostics. Needs ≥ 4 draws per chain
/// (fewer: one warning, no numbers).
[[nodiscard]] inline diagnostics_report diagnose(const posterior_draws& draws, const diagnostics_options& options = {}) {
  diagnostics_report report;
  if (draws.n_chains() == 0 || draws.n_draws() < 4) {
    report.warnings.push_back("fewer than 4 draws per chain: no diagnostics computed");
    return report;
  }
  const auto fmt = [](double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
  };
  for (std::size_t i = 0; i < draws.n_parameters(); ++i) {
    const Eigen::MatrixXd x = draws.parameter(i);
    parameter_diagnostics d;
    d.name = draws.names[i];
    if (!x.allFinite()) {
      report.warnings.push_back("parameter '" + d.name + "' has non-finite draws");
      report.parameters.push_back(d);
      continue;
    }
    d.rhat = rhat(x);
    d.ess_bulk = ess_bulk(x);
    d.ess_tail = ess_tail(x);
    d.ess_mean = ess_mean(x);
    d.mcse_mean = mcse_mean(x);
    d.integrated_time = integrated_time(x).tau;
    const bool constant = x.maxCoeff() == x.minCoeff();
    if (constant)
      report.warnings.push_back("parameter '" + d.name + "' never moved (every draw equal)");
    else if (!rhat_ok(d.rhat, options))
      report.warnings.push_back("parameter '" + d.name + "': R-hat = " + fmt(d.rhat) + " > " + fmt(options.max_rhat));
    if (!constant && !ess_ok(d.ess_bulk, options))
      report.warnings.push_back("parameter '" + d.name + "': bulk ESS = " + fmt(d.ess_bulk) + " < " +
                                fmt(options.min_ess));
    if (!constant && !ess_ok(d.ess_tail, options))
      report.warnings.push_back("parameter '" + d.name + "': tail ESS = " + fmt(d.ess_tail) + " < " +
                                fmt(options.min_ess));
    report.parameters.push_back(d);
  }
  return report;
}

}  // namespace rein::bayes
