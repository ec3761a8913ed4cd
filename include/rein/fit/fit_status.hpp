#pragma once

#include "rein/config.hpp"

namespace rein::fit {

/// How a minimisation ended. Only `ok` means the stopping rule was met; the other values still come
/// with the lowest point found.
enum class fit_status {
  ok,                  ///< projected gradient and estimated distance to the minimum below tolerance
  max_iterations,      ///< the iteration limit was reached first
  non_finite,          ///< f or ∇f not finite at the start point, or at every trial point of a step
  line_search_failed,  ///< no step along the search direction lowered f (noise floor reached early)
  not_converged,       ///< the Newton check kept finding a predicted decrease above tolerance
};

/// The status as a lower-case word: "ok", "max_iterations", "non_finite", "line_search_failed",
/// "not_converged".
inline const char* to_string(fit_status status) noexcept {
  switch (status) {
    case fit_status::ok: return "ok";
    case fit_status::max_iterations: return "max_iterations";
    case fit_status::non_finite: return "non_finite";
    case fit_status::line_search_failed: return "line_search_failed";
    case fit_status::not_converged: return "not_converged";
  }
  return "unknown";
}

/// Every fit status, in the order of the enumeration (for enum_from_name, enum_names).
inline constexpr fit_status all_fit_statuses[] = {fit_status::ok, fit_status::max_iterations, fit_status::non_finite,
                                                  fit_status::line_search_failed, fit_status::not_converged};

}  // namespace rein::fit
