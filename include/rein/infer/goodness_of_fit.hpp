#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/enum_names.hpp"
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

namespace detail {

/// The Baker–Cousins Poisson χ² 2 Σ_b [ν_b − n_b + n_b ln(n_b/ν_b)] (n_b = 0: 2ν_b); +∞ when a
/// bin expects a negative count, or none but has data.
inline double baker_cousins(const Eigen::Ref<const Eigen::VectorXd>& nu, const Eigen::Ref<const Eigen::VectorXd>& n) {
  double q = 0;
  for (Eigen::Index b = 0; b < nu.size(); ++b) {
    if (!(nu[b] >= 0) || (nu[b] == 0 && n[b] > 0)) return std::numeric_limits<double>::infinity();
    q += n[b] > 0 ? 2 * (nu[b] - n[b] + n[b] * std::log(n[b] / nu[b])) : 2 * nu[b];
  }
  return q;
}

}  // namespace detail

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
  q.main = detail::baker_cousins(model.expected_main(theta), data.main);
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

/// The goodness-of-fit test statistics of CMS Combine's `-M GoodnessOfFit --algo`.
enum class gof_algorithm {
  saturated,  ///< q_sat = 2[nll(θ̂) − nll_sat] (saturated_statistic); channels: their main-bin parts
  ks,         ///< Kolmogorov–Smirnov distance of each channel's data and post-fit shapes, summed over channels
  ad,         ///< Anderson–Darling distance of each channel's data and post-fit shapes, summed over channels
};

inline const char* to_string(gof_algorithm a) {
  switch (a) {
    case gof_algorithm::saturated: return "saturated";
    case gof_algorithm::ks: return "ks";
    case gof_algorithm::ad: return "ad";
  }
  return "?";
}

inline constexpr gof_algorithm gof_algorithms[] = {gof_algorithm::saturated, gof_algorithm::ks, gof_algorithm::ad};

/// The algorithm called `name` (saturated, ks, ad).
/// @throws invalid_argument naming the value and the known names.
[[nodiscard]] inline gof_algorithm gof_algorithm_from_string(const std::string& name) {
  if (const auto found = enum_from_name(name, gof_algorithms)) return *found;
  throw invalid_argument("rein::infer::gof_algorithm_from_string: unknown goodness-of-fit algorithm '" + name +
                         "' (known: " + enum_names(gof_algorithms) + ")");
}

/// Combine's Kolmogorov–Smirnov (`ks`) or Anderson–Darling (`ad`) distance between the observed
/// counts n_b and the expected counts ν_b of one channel, bins in the order of the observable.
/// With the cumulative fractions E_b = Σ_{b'≤b} n_b' / N (N = Σ n) and F_b = Σ_{b'≤b} ν_b' / Σ ν
/// at each bin's upper edge: KS = max_b |E_b − F_b|; AD = N Σ_b (E_b − F_b)² / (F_b (1 − F_b)) ·
/// (F_b − F_{b−1}), a bin with F_b ≤ 0 or F_b ≥ 1 adding nothing (Combine's GoodnessOfFit, after
/// L. Demortier, CDF/ANAL/JET/CDFR/3419). Both compare shapes only: the normalisation is the
/// saturated statistic's business. A channel without data gives −1 (Combine's convention); one
/// that expects no events but has data gives +∞.
/// @throws invalid_argument for `saturated`, or for sizes that differ.
[[nodiscard]] inline double shape_distance(gof_algorithm algorithm, const Eigen::Ref<const Eigen::VectorXd>& expected,
                                           const Eigen::Ref<const Eigen::VectorXd>& observed) {
  if (algorithm == gof_algorithm::saturated)
    throw invalid_argument("rein::infer::shape_distance: the saturated statistic is not a shape distance (use ks or ad)");
  if (expected.size() != observed.size())
    throw invalid_argument("rein::infer::shape_distance: " + std::to_string(expected.size()) + " expected counts, " +
                           std::to_string(observed.size()) + " observed");
  const double n_total = observed.sum(), nu_total = expected.sum();
  if (!(n_total > 0)) return -1;
  if (!(nu_total > 0)) return std::numeric_limits<double>::infinity();
  double value = 0, e = 0, f = 0;
  for (Eigen::Index b = 0; b < expected.size(); ++b) {
    const double f_previous = f;
    e += observed[b] / n_total;
    f += expected[b] / nu_total;
    if (algorithm == gof_algorithm::ks)
      value = std::max(value, std::abs(e - f));
    else if (f > 0 && f < 1)
      value += n_total * (e - f) * (e - f) / (f * (1 - f)) * (f - f_previous);
  }
  return value;
}

/// The statistic of `algorithm` per channel of `model` at θ on `data`: saturated: the channel's
/// main-bin Baker–Cousins part of q_sat (the constraint part belongs to no channel); ks, ad:
/// shape_distance of the channel's bins.
/// @throws invalid_argument if θ or `data` do not match the model.
[[nodiscard]] inline std::vector<double> channel_statistics(const likelihood::model& model, const likelihood::dataset& data,
                                                           const Eigen::VectorXd& theta, gof_algorithm algorithm) {
  (void)model.nll(theta, data);  // checks the sizes of θ and data with the model's messages
  const Eigen::VectorXd nu = model.expected_main(theta);
  std::vector<double> values;
  for (const auto& c : model.channels()) {
    const auto first = static_cast<Eigen::Index>(c.offset), bins = static_cast<Eigen::Index>(c.bins);
    if (algorithm != gof_algorithm::saturated) {
      values.push_back(shape_distance(algorithm, nu.segment(first, bins), data.main.segment(first, bins)));
      continue;
    }
    values.push_back(detail::baker_cousins(nu.segment(first, bins), data.main.segment(first, bins)));
  }
  return values;
}

/// Settings of `goodness_of_fit`.
struct goodness_of_fit_options {
  /// Options of every fit (extra fixed parameters, minimiser settings).
  fit::fit_options fit;
  /// The statistic the toys test (`statistic`, `p_value_toys`); q_saturated is computed always.
  gof_algorithm algorithm = gof_algorithm::saturated;
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

/// One channel's part of a goodness of fit.
struct channel_goodness_of_fit {
  std::string name;
  std::size_t n_bins = 0;
  double statistic = 0;  ///< channel_statistics of the algorithm at the best fit
  /// Fraction of the converged toys whose channel statistic is ≥ `statistic`, its binomial error;
  /// NaN without toys.
  double p_value_toys = std::numeric_limits<double>::quiet_NaN();
  double p_value_toys_error = std::numeric_limits<double>::quiet_NaN();
};

/// A goodness of fit: the saturated model's, and the chosen algorithm's statistic with toys.
struct goodness_of_fit_result {
  gof_algorithm algorithm = gof_algorithm::saturated;
  /// The algorithm's statistic on the data: q_saturated, or the sum of the channels' KS or AD
  /// distances (Combine's sum over channels).
  double statistic = 0;
  std::vector<channel_goodness_of_fit> channels;  ///< per channel, in the model's order
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
  /// Fraction of the converged toys whose statistic (of the algorithm) is ≥ `statistic`, and its
  /// binomial standard error; NaN without toys.
  double p_value_toys = std::numeric_limits<double>::quiet_NaN();
  double p_value_toys_error = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> toy_q;  ///< the statistic of each toy, NaN where its fit failed
  fit::fit_result fit;        ///< the best fit to the data
  fit::fit_status status = fit::fit_status::ok;  ///< of the fit to the data
  std::vector<std::string> warnings;
};

/// Goodness of fit of `model` on `data`: q_sat at the best fit (see saturated_statistic), its χ²
/// p-value with ndf = n_bins + n_free_constrained − n_free, the statistic of `options.algorithm`
/// in all and per channel (channel_statistics), and optionally toy-based p-values of that
/// statistic, in all and per channel: toys drawn at the best fit θ̂ with generate_toy (toy i
/// seeded with task_seed(seed, 0, i)), each refitted (from θ̂, with the data fit's Hessian as the
/// minimiser's first matrix) and its statistic computed on its own main and auxiliary data at its
/// own best fit, as Combine's `-M GoodnessOfFit -t N --toysFrequentist` does.
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
    if (!fixed.first.in(layout))
      throw invalid_argument(std::string(function) + ": options.fit.fixed names '" + fixed.first.name_in(layout) +
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
  r.algorithm = options.algorithm;
  // the algorithm's statistic in all (first) and per channel at a fit θ̂ to `d`
  const auto statistics = [&](const likelihood::dataset& d, const fit::fit_result& f) {
    std::vector<double> values = channel_statistics(model, d, f.values, options.algorithm);
    double total = 0;
    if (options.algorithm == gof_algorithm::saturated)
      total = saturated_statistic(model, d, f.values, f.fixed).total();
    else
      for (double v : values) total += v;
    values.insert(values.begin(), total);
    return values;
  };
  {
    const auto values = statistics(data, r.fit);
    r.statistic = values[0];
    for (std::size_t c = 0; c < model.channels().size(); ++c)
      r.channels.push_back({model.channels()[c].name, model.channels()[c].bins, values[c + 1],
                            std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()});
  }

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
  const std::size_t n_channels = model.channels().size();
  // toy i's statistic in all and per channel: row i of n_channels + 1 values, NaN where its fit failed
  std::vector<double> toy_values(options.n_toys * (n_channels + 1), std::numeric_limits<double>::quiet_NaN());
  parallel_for(options.n_toys, std::max(1u, options.threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, r.fit.values, task_seed(options.seed, 0, i));
    fit::fit_options toy_options = fit_options;
    toy_options.start = r.fit.values;
    if (start_hessian.size() != 0) toy_options.minimizer.start_hessian = start_hessian;
    const auto toy_fit = fit::fit(model, toy, toy_options);
    if (toy_fit.status == fit::fit_status::ok) {
      const auto values = statistics(toy, toy_fit);
      std::copy(values.begin(), values.end(), toy_values.begin() + static_cast<std::ptrdiff_t>(i * (n_channels + 1)));
    }
  }, options.progress);

  // the fraction of the converged toys at or above `observed` in column k, and its binomial error
  const auto tail = [&](std::size_t k, double observed, double& p, double& error) {
    std::size_t converged = 0, above = 0;
    for (std::size_t i = 0; i < options.n_toys; ++i) {
      const double t = toy_values[i * (n_channels + 1) + k];
      if (std::isnan(t)) continue;
      ++converged;
      if (t >= observed) ++above;
    }
    if (converged == 0) return converged;
    p = static_cast<double>(above) / static_cast<double>(converged);
    error = detail::binomial_error(p, converged);
    return converged;
  };
  r.toy_q.resize(options.n_toys);
  for (std::size_t i = 0; i < options.n_toys; ++i) r.toy_q[i] = toy_values[i * (n_channels + 1)];
  r.failed_fits = options.n_toys - tail(0, r.statistic, r.p_value_toys, r.p_value_toys_error);
  for (std::size_t c = 0; c < n_channels; ++c)
    (void)tail(c + 1, r.channels[c].statistic, r.channels[c].p_value_toys, r.channels[c].p_value_toys_error);
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
