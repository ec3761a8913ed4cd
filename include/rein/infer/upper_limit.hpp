#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/infer/asymptotic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace rein::infer {

/// How one limit ended.
enum class limit_status {
  ok,                 ///< CLs(μ) = α found to the tolerance
  above_upper_bound,  ///< CLs > α up to the POI's upper bound: the limit lies beyond it (value = bound)
  not_converged,      ///< the root finder ran out of iterations (value = best estimate)
};

inline const char* to_string(limit_status status) {
  switch (status) {
    case limit_status::ok: return "ok";
    case limit_status::above_upper_bound: return "above_upper_bound";
    case limit_status::not_converged: return "not_converged";
  }
  return "unknown";
}

struct upper_limit_options {
  double cl = 0.95;          ///< confidence level, 0 < cl < 1
  double rtol = 1e-6;        ///< relative tolerance on each limit
  int max_iterations = 100;  ///< per limit
};

struct upper_limit_result {
  double cl = 0.95;
  double obs = 0;
  std::array<double, 5> exp{};  ///< −2σ … +2σ (ascending), pyhf's order
  limit_status obs_status = limit_status::ok;
  std::array<limit_status, 5> exp_status{};
  int evaluations = 0;  ///< CLs evaluations (each one or two conditional fits)
  fit::fit_status fit_status = fit::fit_status::ok;
};

namespace detail {

/// The μ in [0, upper] where the decreasing function `cls` crosses α, to a bracket lo < μ < hi with
/// hi − lo ≤ rtol·lo (the result is the secant root inside it). `known` holds CLs at the μ already
/// computed, μ = 0 with CLs = 1 at least (qμ = 0 there whenever μ̂ ≥ 0); each new evaluation is
/// added to it.
///
/// Each step predicts the root by the secant through the two known points closest to it in the
/// variable z = −Φ⁻¹(w·CLs): with `weight` w chosen as the CLs of a Gaussian likelihood (Φ(μ̂/σ)
/// for the observed, Φ(−t_k) for expected band k), z is linear in μ for a Gaussian likelihood and nearly so
/// otherwise, and the interpolation converges superlinearly. Once two successive predictions agree
/// to rtol·μ/4, the next point is set rtol·μ/3 beyond the prediction, on the side of the far end of
/// the bracket, so that the bracket closes from both sides. A prediction on or beyond an end of
/// the bracket (rounding at the root, or a flat CLs as between the steps of toy CLs) steps
/// rtol·lo/3 inside that end; three steps that did not halve the bracket give a bisection. Before
/// the root is bracketed a step at most doubles the largest μ known (or reaches `guess`) and moves
/// above it by at least rtol·μ/3, 8 times more each time in a row; `guess` is used while fewer than
/// two points are known. A CLs that is not finite ends the search, `not_converged`, at its μ.
inline double solve_limit(const std::function<double(double)>& cls, double alpha, double weight, double guess,
                          double upper, std::map<double, double>& known, const upper_limit_options& options,
                          limit_status& status, int& evaluations) {
  const auto z = [weight](double c) {
    const double p = std::clamp(weight * c, 1e-300, 1 - 1e-16);
    return -normal_quantile(p);
  };
  const double z_target = z(alpha);
  double previous = std::numeric_limits<double>::quiet_NaN();
  double reference_width = std::numeric_limits<double>::infinity();  // the bracket when it last halved
  int unhalved = 0;                                                   // steps since then
  double creep = options.rtol / 3;  // relative step above the largest μ when the prediction is not
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    // the bracket: hi the smallest μ with CLs ≤ α, lo the largest below it with CLs > α
    auto hi = std::find_if(known.begin(), known.end(), [alpha](const auto& point) { return !(point.second > alpha); });
    if (hi != known.end() && hi->second == alpha) {
      status = limit_status::ok;
      return hi->first;
    }
    const auto lo = std::prev(hi);  // known holds μ = 0 with CLs = 1 > α
    const bool bracketed = hi != known.end();
    if (bracketed && hi->first - lo->first <= options.rtol * lo->first) {
      status = limit_status::ok;
      // the interpolated root inside the final bracket: far closer than its middle
      const double z_lo = z(lo->second), z_hi = z(hi->second);
      const double root = lo->first + (z_target - z_lo) * (hi->first - lo->first) / (z_hi - z_lo);
      return root >= lo->first && root <= hi->first ? root : 0.5 * (lo->first + hi->first);
    }
    if (!bracketed && lo->first >= upper) {
      status = limit_status::above_upper_bound;
      return upper;
    }
    // the prediction: the secant through the two known points closest to the target in z
    double x = guess;
    if (known.size() >= 2) {
      std::array<std::pair<double, double>, 2> closest{};  // (|z − target|, μ) ascending
      closest.fill({std::numeric_limits<double>::infinity(), 0.0});
      std::array<double, 2> z_closest{};
      for (const auto& [mu, value] : known) {
        const double zi = z(value), distance = std::abs(zi - z_target);
        if (distance < closest[1].first) {
          const std::size_t slot = distance < closest[0].first ? 0 : 1;
          if (slot == 0) closest[1] = closest[0], z_closest[1] = z_closest[0];
          closest[slot] = {distance, mu};
          z_closest[slot] = zi;
        }
      }
      x = closest[0].second + (z_target - z_closest[0]) * (closest[1].second - closest[0].second) / (z_closest[1] - z_closest[0]);
    }
    bool bisect = !std::isfinite(x);
    if (bracketed) {
      const double width = hi->first - lo->first;
      if (width <= 0.5 * reference_width) reference_width = width, unhalved = 0;
      else ++unhalved;
      bisect = bisect || unhalved >= 3;
    }
    if (bisect && bracketed) {
      x = 0.5 * (lo->first + hi->first);
      previous = std::numeric_limits<double>::quiet_NaN();
    } else {
      // close the bracket from the far side once the predictions agree
      const double step = options.rtol * std::abs(x) / 3;
      const bool agreed = std::abs(x - previous) <= 0.25 * options.rtol * std::abs(x);
      previous = x;
      if (bracketed) {
        if (agreed) x = hi->first - x > x - lo->first ? x + step : x - step;
        // a prediction on or beyond an end (rounding at the root, or a flat CLs) steps inside it
        const double inside = std::min(options.rtol * lo->first / 3, 0.5 * (hi->first - lo->first));
        if (!(x > lo->first)) x = lo->first + inside;
        if (!(x < hi->first)) x = hi->first - inside;
      } else if (known.size() >= 2) {
        // above the largest μ, at most doubling it; a prediction at or below it (CLs > α there by
        // rounding, or a flat CLs) creeps up from it by rtol·μ/3, 8 times farther each time in a row
        const double last = known.rbegin()->first, cap = std::max(2 * last, guess);
        if (agreed) x += step;
        if (x > last) {
          x = std::min(x, cap);
          creep = options.rtol / 3;
        } else {
          x = std::min(last * (1 + creep), cap);
          creep *= 8;
        }
      }
    }
    x = std::min(std::max(x, std::nextafter(lo->first, upper)), upper);
    ++evaluations;
    const double value = cls(x);
    if (!std::isfinite(value)) {  // a failed fit: the calculator's status says which
      status = limit_status::not_converged;
      return x;
    }
    known[x] = value;
  }
  status = limit_status::not_converged;
  const auto hi = std::find_if(known.begin(), known.end(), [alpha](const auto& point) { return !(point.second > alpha); });
  return hi == known.end() ? upper : 0.5 * (std::prev(hi)->first + hi->first);
}

/// √qμ,A at which the asymptotic expected CLs of band k (pyhf's order) equals α:
/// Φ(−(t_k + s)) / Φ(−t_k) = α with t_k = expected_band_sigmas[k].
inline double band_sqrt_q_asimov(double alpha, std::size_t band) {
  const double t = expected_band_sigmas[band];
  return -normal_quantile(alpha * normal_survival(t)) - t;
}

}  // namespace detail

/// The order in which the expected limits are searched: the median first, then outwards (each
/// search starts from the points of those before).
inline constexpr std::array<std::size_t, 5> expected_band_search_order = {2, 1, 3, 0, 4};

/// What a limit search asks of a calculator (asymptotic or toys): CLs observed, and expected in
/// band k = 0 … 4 (−2σ … +2σ, pyhf's order), at μ. Each expected search reads every band at every
/// μ evaluated before by either function: the calculator must keep what it computed there.
struct cls_functions {
  std::function<double(double)> observed;
  std::function<double(double, std::size_t)> expected;
};

/// The observed and expected upper limits at confidence level `cl`, the μ where CLs = 1 − cl, on
/// [0, the POI's upper bound] of `data` (the fits to the observed data, whose free fit gives the
/// first guess); `function` names the caller in errors. fit_status is the caller's to fill.
/// @throws invalid_argument unless 0 < cl < 1, 0 < rtol and the POI's lower bound is 0
[[nodiscard]] inline upper_limit_result search_upper_limit(const profile_likelihood& data, const cls_functions& cls,
                                                           const upper_limit_options& options, const std::string& function) {
  if (!(options.cl > 0 && options.cl < 1))
    throw invalid_argument(function + ": cl = " + rein::detail::format_value(options.cl) + ", must lie in (0, 1)");
  if (!(options.rtol > 0))
    throw invalid_argument(function + ": rtol = " + rein::detail::format_value(options.rtol) + ", must be > 0");
  const auto& poi = data.model().parameters()[data.poi()];
  if (!(poi.lower == 0))
    throw invalid_argument(function + ": the parameter of interest '" + poi.name + "' has lower bound " +
                           rein::detail::format_value(poi.lower) + "; limits are searched on [0, upper bound]");
  const double alpha = 1 - options.cl;
  upper_limit_result result;
  result.cl = options.cl;
  // The observed search starts from a Gaussian likelihood of width σ (the POI's error in the free
  // fit), √qμ = (μ − μ̂)/σ and √qμ,A = μ/σ, whose limit solves Φ((μ̂ − μ)/σ) = α Φ(μ̂/σ). Each
  // expected band starts from CLs at every μ evaluated before (free: the calculators keep them)
  // and at μ = 0.
  const auto& free = data.free_fit();
  const double sigma = std::max(free.covariance_ok ? free.errors[static_cast<Eigen::Index>(data.poi())] : 0.1 * poi.upper,
                                1e-6 * poi.upper);
  const double mu_hat = data.mu_hat();
  const double weight = std::isfinite(mu_hat) ? normal_cdf(mu_hat / sigma) : 0.5;
  const double guess = std::max(weight * alpha > 0 ? mu_hat - sigma * normal_quantile(alpha * weight)
                                                   : sigma * detail::band_sqrt_q_asimov(alpha, 2),
                                 0.1 * sigma);
  std::map<double, double> known = {{0.0, 1.0}};
  result.obs = detail::solve_limit(cls.observed, alpha, weight, guess, poi.upper, known, options, result.obs_status,
                                   result.evaluations);
  std::vector<double> evaluated;
  for (const auto& [mu, value] : known) evaluated.push_back(mu);
  for (const std::size_t k : expected_band_search_order) {
    std::map<double, double> band;
    for (const double mu : evaluated) band[mu] = mu == 0 ? 1.0 : cls.expected(mu, k);
    result.exp[k] = detail::solve_limit([&](double mu) { return cls.expected(mu, k); }, alpha,
                                        normal_survival(expected_band_sigmas[k]), sigma * detail::band_sqrt_q_asimov(alpha, k),
                                        poi.upper, band, options, result.exp_status[k], result.evaluations);
    for (const auto& [mu, value] : band)
      if (!std::binary_search(evaluated.begin(), evaluated.end(), mu))
        evaluated.insert(std::upper_bound(evaluated.begin(), evaluated.end(), mu), mu);
  }
  return result;
}

/// The observed and expected upper limits on μ at confidence level `cl`: the μ where CLs = 1 − cl.
/// @throws invalid_argument unless 0 < cl < 1 and 0 < rtol.
[[nodiscard]] inline upper_limit_result upper_limit(const asymptotic_calculator& calculator,
                                                    const upper_limit_options& options = {}) {
  auto result = search_upper_limit(
      calculator.observed(),
      {[&](double mu) { return calculator.hypotest(mu).cls_obs; },
       [&](double mu, std::size_t band) { return calculator.expected_cls(mu, band); }},
      options, "rein::infer::upper_limit");
  result.fit_status = calculator.observed().worst_status() != fit::fit_status::ok ? calculator.observed().worst_status()
                                                                                  : calculator.asimov().worst_status();
  return result;
}

/// CLs observed and expected at each μ of `grid`: the curve whose crossings of 1 − cl are the
/// limits (drawn as the Brazil band by scripts/rein-plot brazil).
/// @throws invalid_argument for a non-finite μ in `grid` (naming its index)
[[nodiscard]] inline std::vector<hypotest_result> cls_curve(const asymptotic_calculator& calculator,
                                                            const std::vector<double>& grid) {
  for (std::size_t i = 0; i < grid.size(); ++i)
    if (!std::isfinite(grid[i]))
      throw invalid_argument("rein::infer::cls_curve: grid[" + std::to_string(i) + "] = " + rein::detail::format_value(grid[i]) +
                             ", must be finite");
  std::vector<hypotest_result> curve;
  curve.reserve(grid.size());
  for (double mu : grid) curve.push_back(calculator.hypotest(mu));
  return curve;
}

}  // namespace rein::infer
