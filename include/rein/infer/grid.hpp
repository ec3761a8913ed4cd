#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/likelihood/model/model.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace rein::infer {

struct grid_options {
  upper_limit_options limit;        ///< confidence level and tolerance of every limit
  asymptotic_options asymptotic;    ///< test statistic and fit options (fixed parameters, ...)
  double mu = 1;                    ///< the signal strength of the CLs column (`cls_mu1`)
  unsigned threads = 1;             ///< worker threads, >= 1; results do not depend on it
  /// Called now and then with (points done, points in all) from the calling thread.
  progress_callback progress;
};

/// One signal point of a grid: the observed and expected asymptotic CLs upper limits and CLs at
/// `grid_options::mu`, or why they could not be computed.
struct grid_point_result {
  /// "ok"; a fit status ("line_search_failed", ...) or limit status ("above_upper_bound",
  /// "not_converged") when one fit or limit did not end ok; "error: ..." when the model could not
  /// be built or the calculation threw (then the numbers are zero).
  std::string status = "ok";
  upper_limit_result limit;
  hypotest_result cls;  ///< at grid_options::mu
  double seconds = 0;   ///< wall time of this point
  [[nodiscard]] bool ok() const { return status == "ok"; }
};

/// The status text of one point from its fits and limits: the first that is not ok.
inline std::string grid_status(const upper_limit_result& limit, const hypotest_result& cls) {
  if (cls.status != fit::fit_status::ok) return fit::to_string(cls.status);
  if (limit.fit_status != fit::fit_status::ok) return fit::to_string(limit.fit_status);
  if (limit.obs_status != limit_status::ok) return to_string(limit.obs_status);
  for (const auto s : limit.exp_status)
    if (s != limit_status::ok) return to_string(s);
  return "ok";
}

/// Upper limits and CLs at μ = `options.mu` for `count` signal points, point i's model built by
/// `make_model(i)` (on a worker thread, so reading and patching run in parallel too). A point that
/// fails (its model throws, or a fit or limit does not end ok) does not stop the others: its
/// status says why. Results are in point order and independent of `options.threads`.
/// @throws invalid_argument for `options.threads` = 0, or limit.cl outside (0, 1) or limit.rtol <= 0
///         (checked once here, not failing every point alike).
[[nodiscard]] inline std::vector<grid_point_result> grid(std::size_t count,
                                                         const std::function<likelihood::model(std::size_t)>& make_model,
                                                         const grid_options& options = {}) {
  if (options.threads == 0) throw invalid_argument("rein::infer::grid: options.threads = 0, must be >= 1");
  if (!(options.limit.cl > 0 && options.limit.cl < 1))
    throw invalid_argument("rein::infer::grid: options.limit.cl = " + rein::detail::format_value(options.limit.cl) + ", must lie in (0, 1)");
  if (!(options.limit.rtol > 0))
    throw invalid_argument("rein::infer::grid: options.limit.rtol = " + rein::detail::format_value(options.limit.rtol) + ", must be > 0");
  std::vector<grid_point_result> results(count);
  parallel_for(count, options.threads, [&](std::size_t i) {
    const auto begin = std::chrono::steady_clock::now();
    auto& r = results[i];
    try {
      const likelihood::model model = make_model(i);
      const asymptotic_calculator calculator(model, model.observed(), options.asymptotic);
      r.cls = calculator.hypotest(options.mu);
      r.limit = upper_limit(calculator, options.limit);
      r.status = grid_status(r.limit, r.cls);
    } catch (const std::exception& e) {
      r = grid_point_result{};
      r.status = std::string("error: ") + e.what();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  }, options.progress);
  return results;
}

}  // namespace rein::infer
