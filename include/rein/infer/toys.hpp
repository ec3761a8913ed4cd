#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/likelihood/model.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace rein::infer {

struct toy_options {
  std::size_t n_toys = 1000;            ///< toys per hypothesis, ≥ 1
  std::uint64_t seed = 0;
  unsigned threads = 1;                 ///< worker threads; results do not depend on it
  test_statistic statistic = test_statistic::q_mu_tilde;
  fit::fit_options fit;
  /// Called now and then with (toys done, toys in all) from the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Pseudo-experiments drawn LHC-style: main counts ~ Poisson(ν(θ_gen)), auxiliary data from the
/// constraint densities at θ_gen (normal: N(θ_gen, σ); Poisson: Pois(τ θ_gen)), with θ_gen =
/// θ̂̂(μ_gen) fitted to the observed data. Toy i of stream s uses an std::mt19937_64 seeded with
/// task_seed(seed, s, i): the same numbers whatever the thread count or the order of work.
inline likelihood::dataset generate_toy(const likelihood::model& model, const Eigen::VectorXd& theta_gen,
                                        std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  likelihood::dataset toy;
  const Eigen::VectorXd nu = model.expected_main(theta_gen);
  toy.main.resize(nu.size());
  for (Eigen::Index b = 0; b < nu.size(); ++b) toy.main[b] = poisson(rng, std::max(nu[b], 0.0));
  toy.aux.resize(static_cast<Eigen::Index>(model.constrained().size()));
  for (std::size_t k = 0; k < model.constrained().size(); ++k) {
    const auto& p = model.parameters()[model.constrained()[k]];
    const double t = theta_gen[static_cast<Eigen::Index>(model.constrained()[k])];
    toy.aux[static_cast<Eigen::Index>(k)] =
        p.constraint == constraint_kind::normal ? t + p.sigma * standard_normal(rng) : poisson(rng, t * p.factor);
  }
  return toy;
}

/// The test statistic at `mu` on toys generated at θ_gen: toy indices [first, first + count) of
/// `stream`. Entry i is NaN when a fit on toy i did not converge (counted, never used).
inline std::vector<double> toy_statistics(const likelihood::model& model, const Eigen::VectorXd& theta_gen, double mu,
                                          std::uint64_t stream, std::size_t first, std::size_t count,
                                          const toy_options& options) {
  std::vector<double> values(count, std::numeric_limits<double>::quiet_NaN());
  fit::fit_options fit = options.fit;
  fit.errors = false;  // a toy needs its test statistic only; the Hessian would cost 1.6× the fit
  parallel_for(count, std::max(1u, options.threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, theta_gen, task_seed(options.seed, stream, first + i));
    const profile_likelihood profile(model, toy, fit);
    const double q = profile.statistic(options.statistic, mu);
    if (profile.worst_status() == fit::fit_status::ok) values[i] = q;
  }, options.progress);
  return values;
}

/// CLs from toys at one μ, with the Monte Carlo uncertainty of each p-value.
struct toy_hypotest_result {
  double mu = 0;
  double q_obs = 0;
  double cls_obs = 0, clsb_obs = 0, clb_obs = 0;
  double cls_obs_error = 0, clsb_obs_error = 0, clb_obs_error = 0;  ///< binomial standard errors
  std::array<double, 5> cls_exp{};  ///< percentiles Φ(−2) … Φ(2) of CLs over the background toys
  std::size_t n_toys = 0;
  std::size_t failed_fits = 0;      ///< toys dropped because a fit did not converge
  fit::fit_status status = fit::fit_status::ok;  ///< of the fits to the observed data
  /// failed_fits split by hypothesis: signal + background toys, background toys.
  std::size_t failed_fits_sb = 0, failed_fits_b = 0;
  /// The CLs the dropped toys could have given: every failed toy counted as q < q_obs or q ≥ q_obs,
  /// whichever lowers (min) or raises (max) CLs; equal to cls_obs when no toy failed. +∞ when
  /// CLb could be 0. docs/infer_impacts.md ("Failed toy fits").
  double cls_obs_min = 0, cls_obs_max = 0;
};

/// The largest fraction of either hypothesis's toys whose fits may fail before a toy result is
/// not ok (docs/infer_impacts.md, "Failed toy fits"): dropping them biases CLs by at most
/// [cls_obs_min, cls_obs_max], which the result reports; beyond 5% that range is the answer's
/// main uncertainty and the fits need attention.
inline constexpr double max_failed_toy_fraction = 0.05;

/// Whether more than max_failed_toy_fraction of the signal + background or of the background
/// toys of `r` failed.
[[nodiscard]] inline bool too_many_failed_toys(const toy_hypotest_result& r) {
  const double n = static_cast<double>(r.n_toys);
  return static_cast<double>(r.failed_fits_sb) > max_failed_toy_fraction * n ||
         static_cast<double>(r.failed_fits_b) > max_failed_toy_fraction * n;
}

namespace detail {

/// How many of the sorted samples are ≥ value.
inline double count_at_or_above(const std::vector<double>& sorted, double value) {
  return static_cast<double>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), value));
}

/// Fraction of the sorted samples ≥ value (pyhf's empirical p-value).
inline double tail_fraction(const std::vector<double>& sorted, double value) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  return count_at_or_above(sorted, value) / static_cast<double>(sorted.size());
}

/// numpy's percentile with linear interpolation, q in [0, 100], on a sorted vector.
inline double percentile(const std::vector<double>& sorted, double q) {
  const double position = q / 100 * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (position - static_cast<double>(lower)) * (sorted[upper] - sorted[lower]);
}

/// The non-NaN values, sorted.
inline std::vector<double> sorted_finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values)
    if (!std::isnan(v)) out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

inline double binomial_error(double p, std::size_t n) { return std::sqrt(p * (1 - p) / static_cast<double>(n)); }

}  // namespace detail

/// CLs at μ from test statistics already computed on toys (by toy_statistics, here or in slices
/// elsewhere): the arithmetic of toy_hypotest, separate so that merged slices give identical results.
/// NaN entries (toys whose fits failed) are counted and dropped.
[[nodiscard]] inline toy_hypotest_result toy_hypotest_from(double mu, double q_obs, const std::vector<double>& sb,
                                                           const std::vector<double>& b, fit::fit_status status) {
  toy_hypotest_result r;
  r.mu = mu;
  r.q_obs = q_obs;
  r.n_toys = sb.size();
  r.status = status;
  const auto sb_finite = detail::sorted_finite(sb), b_finite = detail::sorted_finite(b);
  r.failed_fits_sb = sb.size() - sb_finite.size();
  r.failed_fits_b = b.size() - b_finite.size();
  r.failed_fits = r.failed_fits_sb + r.failed_fits_b;
  r.clsb_obs = detail::tail_fraction(sb_finite, r.q_obs);
  r.clb_obs = detail::tail_fraction(b_finite, r.q_obs);
  r.cls_obs = r.clsb_obs / r.clb_obs;
  {
    // the extreme CLs: failed toys all below q_obs or all at or above it, over every toy drawn
    const double n_sb = static_cast<double>(sb.size()), n_b = static_cast<double>(b.size());
    const double f_sb = static_cast<double>(r.failed_fits_sb), f_b = static_cast<double>(r.failed_fits_b);
    const double k_sb = detail::count_at_or_above(sb_finite, r.q_obs), k_b = detail::count_at_or_above(b_finite, r.q_obs);
    const double clsb_low = k_sb / n_sb, clsb_high = (k_sb + f_sb) / n_sb;
    const double clb_low = k_b / n_b, clb_high = (k_b + f_b) / n_b;
    if (r.failed_fits == 0) {
      r.cls_obs_min = r.cls_obs_max = r.cls_obs;
    } else {
      r.cls_obs_min = clb_high > 0 ? clsb_low / clb_high : std::numeric_limits<double>::quiet_NaN();
      r.cls_obs_max = clb_low > 0 ? clsb_high / clb_low : std::numeric_limits<double>::infinity();
    }
  }
  r.clsb_obs_error = detail::binomial_error(r.clsb_obs, sb_finite.size());
  r.clb_obs_error = detail::binomial_error(r.clb_obs, b_finite.size());
  r.cls_obs_error = r.cls_obs * std::hypot(r.clsb_obs > 0 ? r.clsb_obs_error / r.clsb_obs : 0.0,
                                           r.clb_obs > 0 ? r.clb_obs_error / r.clb_obs : 0.0);
  std::vector<double> cls_of_background;
  for (double q : b_finite) cls_of_background.push_back(detail::tail_fraction(sb_finite, q) / detail::tail_fraction(b_finite, q));
  std::sort(cls_of_background.begin(), cls_of_background.end());
  for (std::size_t k = 0; k < 5; ++k)
    r.cls_exp[k] = cls_of_background.empty()
                       ? std::numeric_limits<double>::quiet_NaN()
                       : detail::percentile(cls_of_background, 100 * normal_cdf(-expected_band_sigmas[k]));
  return r;
}

/// The fits to the observed data that a toy hypotest at μ needs: q_obs, and the generating
/// points θ̂̂(μ) (signal + background toys, stream 0) and θ̂̂(0) (background toys, stream 1).
struct toy_generators {
  double q_obs = 0;
  Eigen::VectorXd signal_background;
  Eigen::VectorXd background;
  fit::fit_status status = fit::fit_status::ok;
};

/// @throws invalid_argument for a model without a free POI.
[[nodiscard]] inline toy_generators toy_generators_at(const likelihood::model& model, const likelihood::dataset& observed,
                                                      double mu, const toy_options& options) {
  const profile_likelihood data(model, observed, options.fit);
  toy_generators g;
  g.q_obs = data.statistic(options.statistic, mu);
  g.signal_background = data.conditional_fit(mu).values;
  g.background = data.conditional_fit(0.0).values;
  g.status = data.worst_status();
  return g;
}

/// CLs at μ from toys (pyhf's ToyCalculator conventions): CLs+b = P(q ≥ q_obs | μ), CLb =
/// P(q ≥ q_obs | 0), with toys generated at θ̂̂(μ) and θ̂̂(0); expected CLs are the Φ(−2) … Φ(2)
/// percentiles of CLs evaluated at each background toy's q. Streams: 0 signal+background, 1 background.
/// @throws invalid_argument when n_toys = 0, or for a model without a free POI.
[[nodiscard]] inline toy_hypotest_result toy_hypotest(const likelihood::model& model, const likelihood::dataset& observed,
                                                      double mu, const toy_options& options) {
  if (options.n_toys == 0) throw invalid_argument("rein::infer::toy_hypotest: n_toys = 0, need at least one toy");
  const auto g = toy_generators_at(model, observed, mu, options);
  const auto sb = toy_statistics(model, g.signal_background, mu, 0, 0, options.n_toys, options);
  const auto b = toy_statistics(model, g.background, mu, 1, 0, options.n_toys, options);
  return toy_hypotest_from(mu, g.q_obs, sb, b, g.status);
}

/// Discovery p-value from toys: p0 = P(q0 ≥ q0_obs | μ = 0), with its binomial error, and the
/// expected p0 as the Φ(−2) … Φ(2) percentiles of p0 over toys generated at μ = `signal_mu`
/// (streams: 0 background, 1 signal). Toys whose fits failed are counted per hypothesis and
/// dropped, with the p0 range they allow, as for CLs (docs/infer_impacts.md, "Failed toy fits").
struct toy_significance_result {
  double q0_obs = 0;
  double p0 = 0;
  double p0_error = 0;
  std::array<double, 5> p0_exp{};  ///< ascending, pyhf's order
  std::size_t n_toys = 0;          ///< toys per hypothesis
  std::size_t failed_fits = 0;
  fit::fit_status status = fit::fit_status::ok;  ///< of the fits to the observed data
  /// failed_fits split by hypothesis: background toys (μ = 0, behind p0), signal toys (μ = signal_mu).
  std::size_t failed_fits_b = 0, failed_fits_sb = 0;
  /// The p0 the dropped background toys could have given: all below q0_obs (min) or all at or
  /// above it (max); equal to p0 when none failed.
  double p0_min = 0, p0_max = 0;
};

/// Whether more than max_failed_toy_fraction of the background or of the signal toys of `r` failed.
[[nodiscard]] inline bool too_many_failed_toys(const toy_significance_result& r) {
  const double n = static_cast<double>(r.n_toys);
  return static_cast<double>(r.failed_fits_b) > max_failed_toy_fraction * n ||
         static_cast<double>(r.failed_fits_sb) > max_failed_toy_fraction * n;
}

/// The discovery p-value from q0 already computed on background toys (`null`) and signal toys
/// (`alternative`), NaN where a fit failed: the arithmetic of toy_significance.
[[nodiscard]] inline toy_significance_result toy_significance_from(double q0_obs, const std::vector<double>& null,
                                                                   const std::vector<double>& alternative,
                                                                   fit::fit_status status) {
  toy_significance_result r;
  r.q0_obs = q0_obs;
  r.n_toys = null.size();
  r.status = status;
  const auto b = detail::sorted_finite(null), sb = detail::sorted_finite(alternative);
  r.failed_fits_b = null.size() - b.size();
  r.failed_fits_sb = alternative.size() - sb.size();
  r.failed_fits = r.failed_fits_b + r.failed_fits_sb;
  r.p0 = detail::tail_fraction(b, r.q0_obs);
  r.p0_error = detail::binomial_error(r.p0, b.size());
  {
    // every background toy drawn, the failed ones all below q0_obs or all at or above it
    const double n = static_cast<double>(null.size());
    const double tail = detail::count_at_or_above(b, r.q0_obs);
    r.p0_min = r.failed_fits_b == 0 ? r.p0 : tail / n;
    r.p0_max = r.failed_fits_b == 0 ? r.p0 : (tail + static_cast<double>(r.failed_fits_b)) / n;
  }
  std::vector<double> p0_of_signal;
  for (double q : sb) p0_of_signal.push_back(detail::tail_fraction(b, q));
  std::sort(p0_of_signal.begin(), p0_of_signal.end());
  for (std::size_t k = 0; k < 5; ++k)
    r.p0_exp[k] = p0_of_signal.empty() ? std::numeric_limits<double>::quiet_NaN()
                                       : detail::percentile(p0_of_signal, 100 * normal_cdf(-expected_band_sigmas[k]));
  return r;
}

/// @throws invalid_argument when n_toys = 0, or for a model without a free POI.
[[nodiscard]] inline toy_significance_result toy_significance(const likelihood::model& model,
                                                              const likelihood::dataset& observed, toy_options options,
                                                              double signal_mu = 1.0) {
  if (options.n_toys == 0) throw invalid_argument("rein::infer::toy_significance: n_toys = 0, need at least one toy");
  if (!std::isfinite(signal_mu))
    throw invalid_argument("rein::infer::toy_significance: signal_mu = " + rein::detail::format_value(signal_mu) + ", must be finite");
  options.statistic = test_statistic::q0;
  const profile_likelihood data(model, observed, options.fit);
  const double q0_obs = data.statistic(test_statistic::q0, 0.0);
  const auto null = toy_statistics(model, data.conditional_fit(0.0).values, 0.0, 0, 0, options.n_toys, options);
  const auto alternative = toy_statistics(model, data.conditional_fit(signal_mu).values, 0.0, 1, 0, options.n_toys, options);
  return toy_significance_from(q0_obs, null, alternative, data.worst_status());
}

/// Toy upper limits, with every CLs they evaluated: failed toy fits are summed over the μ tried,
/// and too_many_failed says whether at any of them more than max_failed_toy_fraction of either
/// hypothesis's toys failed (then the limits are not ok: the root search itself used those CLs).
struct toy_upper_limit_result : upper_limit_result {
  std::vector<toy_hypotest_result> points;  ///< one per μ evaluated, ascending in μ
  std::size_t n_toys = 0;                   ///< toys per hypothesis at each μ
  std::size_t failed_fits_sb = 0, failed_fits_b = 0;
  bool too_many_failed = false;
};

/// Observed and expected upper limits from toys: the μ where toy CLs (or each expected
/// percentile) crosses 1 − cl, bracketed and solved as the asymptotic limits are. Every μ uses the
/// same toy seeds (common random numbers), so CLs(μ) varies smoothly enough for the root finder;
/// the limits carry the toys' Monte Carlo uncertainty (see toy_hypotest_result's errors).
/// `options.progress` sees one count for the whole search: (toys done over every μ so far, an
/// estimate of the toys in all), the estimate being 2·n_toys per μ times the μ the six root
/// searches (observed, five expected) are expected to need at the rate of those done so far; it
/// stays above the count until the last call, (done, done), when the search has ended.
/// @throws invalid_argument unless 0 < cl < 1, 0 < rtol, n_toys ≥ 1 and the POI's lower bound is 0.
[[nodiscard]] inline toy_upper_limit_result toy_upper_limit(const likelihood::model& model,
                                                            const likelihood::dataset& observed, const toy_options& options,
                                                            const upper_limit_options& limit = {}) {
  std::map<double, toy_hypotest_result> cache;
  // one progress count over the whole search: the toy passes (2 per μ) finished before, the root
  // search under way (0 observed, then 1 … 5 in expected_band_search_order) and the μ evaluated so far
  std::size_t passes_done = 0, solve = 0;
  toy_options point_options = options;
  if (options.progress)
    point_options.progress = [&](std::size_t done, std::size_t total) {
      constexpr std::size_t searches = 6;
      const std::size_t so_far = passes_done * options.n_toys + done;
      // μ per search at the rate seen so far (the current μ counted), at least the current μ
      const double per_search = static_cast<double>(cache.size() + 1) / static_cast<double>(solve + 1);
      const auto estimate = static_cast<std::size_t>(std::ceil(per_search * searches)) * 2 * options.n_toys;
      options.progress(so_far, std::max(estimate, so_far + 1));
      if (done == total) ++passes_done;
    };
  const auto at = [&](double mu) -> const toy_hypotest_result& {
    auto found = cache.find(mu);
    if (found == cache.end()) found = cache.emplace(mu, toy_hypotest(model, observed, mu, point_options)).first;
    return found->second;
  };
  const profile_likelihood data(model, observed, options.fit);
  toy_upper_limit_result r;
  static_cast<upper_limit_result&>(r) =
      search_upper_limit(data, {[&](double mu) {
                                  solve = 0;
                                  return at(mu).cls_obs;
                                },
                                [&](double mu, std::size_t band) {
                                  solve = 1 + static_cast<std::size_t>(
                                                  std::find(expected_band_search_order.begin(),
                                                            expected_band_search_order.end(), band) -
                                                  expected_band_search_order.begin());
                                  return at(mu).cls_exp[band];
                                }},
                         limit, "rein::infer::toy_upper_limit");
  if (options.progress) options.progress(passes_done * options.n_toys, passes_done * options.n_toys);
  r.fit_status = data.worst_status();
  r.evaluations = static_cast<int>(cache.size());
  r.n_toys = options.n_toys;
  for (const auto& [mu, point] : cache) {
    r.points.push_back(point);
    r.failed_fits_sb += point.failed_fits_sb;
    r.failed_fits_b += point.failed_fits_b;
    r.too_many_failed = r.too_many_failed || too_many_failed_toys(point);
  }
  return r;
}

}  // namespace rein::infer
