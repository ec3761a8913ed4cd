#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/infer/asymptotic.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
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

/// The μ in [0, upper] where the decreasing function `cls` crosses α: bracketed by an expanding
/// search from `guess`, then solved by TOMS 748 (Alefeld, Potra, Shi) to |Δμ| ≤ rtol·μ.
inline double solve_limit(const std::function<double(double)>& cls, double alpha, double guess, double upper,
                          const upper_limit_options& options, limit_status& status, int& evaluations) {
  const auto f = [&](double mu) {
    ++evaluations;
    return cls(mu) - alpha;
  };
  double lo = 0, f_lo = 1 - alpha;  // CLs(0) = 1: qμ = 0 at μ = 0 whenever μ̂ ≥ 0
  double hi = std::min(std::max(guess, 1e-3 * upper), upper);
  double f_hi = f(hi);
  while (f_hi > 0) {
    if (hi >= upper) {
      status = limit_status::above_upper_bound;
      return upper;
    }
    lo = hi, f_lo = f_hi;
    hi = std::min(2 * hi, upper);
    f_hi = f(hi);
  }
  std::uintmax_t iterations = static_cast<std::uintmax_t>(options.max_iterations);
  const double rtol = options.rtol;
  const auto tolerance = [rtol](double a, double b) { return std::abs(b - a) <= rtol * std::min(std::abs(a), std::abs(b)); };
  const auto bracket = boost::math::tools::toms748_solve(f, lo, hi, f_lo, f_hi, tolerance, iterations);
  status = iterations >= static_cast<std::uintmax_t>(options.max_iterations) ? limit_status::not_converged : limit_status::ok;
  return 0.5 * (bracket.first + bracket.second);
}

}  // namespace detail

/// The observed and expected upper limits on μ at confidence level `cl`: the μ where CLs = 1 − cl.
/// @throws invalid_argument unless 0 < cl < 1 and 0 < rtol.
[[nodiscard]] inline upper_limit_result upper_limit(const asymptotic_calculator& calculator,
                                                    const upper_limit_options& options = {}) {
  if (!(options.cl > 0 && options.cl < 1))
    throw invalid_argument("rein::infer::upper_limit: cl = " + rein::detail::format_value(options.cl) +
                           ", must lie in (0, 1)");
  if (!(options.rtol > 0))
    throw invalid_argument("rein::infer::upper_limit: rtol = " + rein::detail::format_value(options.rtol) + ", must be > 0");
  const auto& layout = calculator.observed().model().parameters();
  const auto& poi = layout[calculator.observed().poi()];
  if (!(poi.lower == 0))
    throw invalid_argument("rein::infer::upper_limit: the parameter of interest '" + poi.name + "' has lower bound " +
                           rein::detail::format_value(poi.lower) + "; limits are searched on [0, upper bound]");
  const double alpha = 1 - options.cl;
  upper_limit_result result;
  result.cl = options.cl;
  // first guess: where the median expected CLs of a Gaussian likelihood with the Asimov error
  // would cross α; doubling takes over when it is too low
  const auto& free = calculator.observed().free_fit();
  const double sigma = free.covariance_ok ? free.errors[static_cast<Eigen::Index>(calculator.observed().poi())] : 0.1 * poi.upper;
  const double guess = std::max(calculator.observed().mu_hat(), 0.0) + 2 * std::max(sigma, 1e-6 * poi.upper);
  result.obs = detail::solve_limit([&](double mu) { return calculator.hypotest(mu).cls_obs; }, alpha, guess, poi.upper,
                                   options, result.obs_status, result.evaluations);
  for (std::size_t k = 0; k < 5; ++k)
    result.exp[k] = detail::solve_limit([&](double mu) { return calculator.expected_cls(mu, k); }, alpha, guess,
                                        poi.upper, options, result.exp_status[k], result.evaluations);
  result.fit_status = calculator.observed().worst_status() != fit::fit_status::ok ? calculator.observed().worst_status()
                                                                                  : calculator.asimov().worst_status();
  return result;
}

/// CLs observed and expected at each μ of `grid`: the curve whose crossings of 1 − cl are the
/// limits (drawn as the Brazil band by scripts/rein-plot brazil).
[[nodiscard]] inline std::vector<hypotest_result> cls_curve(const asymptotic_calculator& calculator,
                                                            const std::vector<double>& grid) {
  std::vector<hypotest_result> curve;
  curve.reserve(grid.size());
  for (double mu : grid) curve.push_back(calculator.hypotest(mu));
  return curve;
}

}  // namespace rein::infer
