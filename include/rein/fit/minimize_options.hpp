#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/fit_status.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::fit {

/// Where the quasi-Newton matrix starts.
enum class initial_hessian {
  /// Forward differences of the analytic gradient at x0 (one gradient call per free parameter), made
  /// positive definite: the first step is a Newton step and badly scaled parameters need no learning.
  finite_differences,
  /// (yᵀs / yᵀy)·I after the first step (Nocedal & Wright eq. 6.20): cheapest start, for objectives
  /// whose gradient costs as much as many iterations of O(n²) algebra.
  scaled_identity,
};

/// Differences of the analytic gradient that build a Hessian column.
enum class hessian_differences {
  /// (g(x + h) − g(x − h)) / 2h, h = ∛ε·max(|x|, 1): error ~1e-10 relative, 2 calls per parameter.
  central,
  /// (g(x + h) − g(x)) / h, h = √ε·max(|x|, 1): error ~1e-8 × (gradient terms / curvature), 1 call.
  forward,
};

/// Settings of `minimize`. The defaults aim at |Δ(2·nll)| ≤ 1e-8 on binned likelihoods.
struct minimize_options {
  /// Maximum number of accepted steps (quasi-Newton and Newton); ≥ 0.
  int max_iterations = 1000;
  /// Bound on max_i |pg_i| · max(|x_i|, 1) over free parameters, pg the projected gradient (components
  /// that push a parameter on a bound outwards count as 0); objective units per relative (|x| ≥ 1) or
  /// absolute (|x| < 1) unit of x. ≥ 0.
  double gradient_tolerance = 1e-6;
  /// Bound on the estimated distance to the minimum, edm = g_Wᵀ H_WW⁻¹ g_W / 2 over the free parameters
  /// not held on a bound, in objective units (for nll: Δnll; 2·edm estimates Δ(2·nll)). ≥ 0.
  double edm_tolerance = 1e-10;
  /// Newton checks with a finite-difference Hessian (see polish_differences) confirm the quasi-Newton
  /// stopping rule; each also takes the Newton step if it lowers f. This bounds the checks that neither
  /// confirm nor move (a check that moves is progress, bounded by max_iterations).
  /// 0 trusts the quasi-Newton matrix alone. ≥ 0.
  int polish_rounds = 3;
  /// Differences used by the Newton check. `forward` (1 gradient call per free parameter) is the
  /// default: the check only has to confirm edm ≤ edm_tolerance, which a ~1e-8 relative Hessian
  /// does; `central` (2 calls) is more exact along nearly flat directions (curvature below ~1e-5
  /// of the gradient terms). Fit errors always use central differences (fit::hessian).
  hessian_differences polish_differences = hessian_differences::forward;
  /// Start of the quasi-Newton matrix (ignored when `start_hessian` is given).
  initial_hessian start = initial_hessian::finite_differences;
  /// Optional n × n Hessian estimate to start from instead, e.g. `minimize_result::hessian` of a fit of
  /// the same model at a nearby point (profile scans, toys); only rows and columns of free parameters
  /// are read; it is made positive definite like a finite-difference one. Empty: not given.
  Eigen::MatrixXd start_hessian;
  /// Optional structure of f's Hessian, one entry per parameter: a parameter in block b ≥ 0 couples
  /// only to the parameters with entry −1 (dense) and to those of block b, e.g. the per-bin γ of a
  /// binned likelihood, block = its bin (`fit` fills it from the model). Finite-difference Hessians
  /// then difference the block parameters in groups: d + c gradient calls for d dense parameters and
  /// at most c per block, instead of one per parameter. A wrong structure gives wrong Hessians.
  /// Empty: all dense.
  std::vector<std::ptrdiff_t> hessian_blocks;
  /// Objective calls per line search; ≥ 1.
  int max_line_search_evaluations = 30;
};

/// The outcome of `minimize`.
struct minimize_result {
  Eigen::VectorXd x;           ///< lowest point found (x0 for fixed parameters)
  double value = 0;            ///< f(x)
  Eigen::VectorXd gradient;    ///< ∇f(x), every component (also fixed ones)
  fit_status status = fit_status::ok;
  int iterations = 0;          ///< accepted steps
  int evaluations = 0;         ///< objective calls, finite-difference Hessians included
  std::vector<bool> at_bound;  ///< free parameters that ended exactly on a bound
  double edm = 0;              ///< estimated distance to the minimum at x (see minimize_options)
  /// `ok` reached at the precision f and x can be computed rather than within gradient_tolerance:
  /// some component of the projected gradient is above gradient_tolerance, but its Newton step is
  /// below 16 ulp of max(|x|, 1) (a stiff parameter; docs/fit.md, "Stopping rule").
  bool precision_limited = false;
  /// n × n Hessian of the last Newton check (differences per `polish_differences`), zero rows and
  /// columns for parameters that do not move. It was computed where that check started; the final
  /// Newton step then moved x by about √(2·edm/curvature). Empty if no check ran.
  Eigen::MatrixXd hessian;

  /// True when the stopping rule was met.
  [[nodiscard]] bool ok() const { return status == fit_status::ok; }
};

namespace detail {

/// @throws invalid_argument naming `function`, the option and its value when an option is out of range;
/// `size` is the number of parameters.
inline void check_options(const char* function, const minimize_options& options, Eigen::Index size) {
  using rein::detail::format_value;
  const std::string where = std::string(function) + ": options.";
  if (options.max_iterations < 0)
    throw invalid_argument(where + "max_iterations = " + std::to_string(options.max_iterations) + ", must be >= 0");
  if (!(options.gradient_tolerance >= 0))
    throw invalid_argument(where + "gradient_tolerance = " + format_value(options.gradient_tolerance) +
                           ", must be >= 0");
  if (!(options.edm_tolerance >= 0))
    throw invalid_argument(where + "edm_tolerance = " + format_value(options.edm_tolerance) + ", must be >= 0");
  if (options.polish_rounds < 0)
    throw invalid_argument(where + "polish_rounds = " + std::to_string(options.polish_rounds) + ", must be >= 0");
  if (options.start_hessian.size() != 0 && (options.start_hessian.rows() != size || options.start_hessian.cols() != size))
    throw invalid_argument(where + "start_hessian is " + std::to_string(options.start_hessian.rows()) + " x " +
                           std::to_string(options.start_hessian.cols()) + ", must be empty or " + std::to_string(size) +
                           " x " + std::to_string(size) + " (the number of parameters)");
  if (!options.hessian_blocks.empty() && static_cast<Eigen::Index>(options.hessian_blocks.size()) != size)
    throw invalid_argument(where + "hessian_blocks has " + std::to_string(options.hessian_blocks.size()) +
                           " entries, must be empty or " + std::to_string(size) + " (the number of parameters)");
  for (std::size_t i = 0; i < options.hessian_blocks.size(); ++i)
    if (options.hessian_blocks[i] < -1)
      throw invalid_argument(where + "hessian_blocks[" + std::to_string(i) + "] = " +
                             std::to_string(options.hessian_blocks[i]) + ", must be >= -1 (-1: dense)");
  if (options.max_line_search_evaluations < 1)
    throw invalid_argument(where + "max_line_search_evaluations = " +
                           std::to_string(options.max_line_search_evaluations) + ", must be >= 1");
}

}  // namespace detail
}  // namespace rein::fit
