#pragma once

// Shared machinery of the samplers: the density on the unconstrained space, start points, the
// thread pool over chains, argument checks.
#include "rein/bayes/draws.hpp"
#include "rein/bayes/target.hpp"
#include "rein/bayes/transform.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/random.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace rein::bayes::detail {

/// ln p on the unconstrained space, y ↦ ln p(T(y)) + ln|det J(y)|, with reusable buffers (one
/// object per chain: not thread-safe). NaN or +∞ values, and non-finite gradients at a finite
/// value, are counted in `non_finite` and returned as −∞ (zero density).
class unconstrained_density {
 public:
  unconstrained_density(const target& t, const unconstrained_transform& transform)
      : m_target(&t), m_transform(&transform) {
    m_x.resize(static_cast<Eigen::Index>(t.size()));
  }

  /// ln p on y; `gradient` (sized by the caller) receives ∂/∂y when not null.
  double operator()(const Eigen::VectorXd& y, Eigen::VectorXd* gradient) {
    ++evaluations;
    m_transform->to_constrained(y, m_x);
    double value = m_target->log_prob(m_x, gradient);
    log_prob_x = value;
    if (std::isnan(value) || value == std::numeric_limits<double>::infinity()) {
      ++non_finite;
      log_prob_x = -std::numeric_limits<double>::infinity();
      return log_prob_x;
    }
    if (value == -std::numeric_limits<double>::infinity()) return value;
    if (gradient && !gradient->allFinite()) {
      ++non_finite;
      log_prob_x = -std::numeric_limits<double>::infinity();
      return log_prob_x;
    }
    return m_transform->to_unconstrained_density(y, value, gradient);
  }

  /// The constrained point of the last evaluation.
  [[nodiscard]] const Eigen::VectorXd& last_x() const { return m_x; }

  std::size_t evaluations = 0;
  std::size_t non_finite = 0;
  double log_prob_x = 0;  ///< ln p(x) (no Jacobian) of the last evaluation

 private:
  const target* m_target;
  const unconstrained_transform* m_transform;
  Eigen::VectorXd m_x;
};

/// The seed of chain `chain` of a run seeded with `seed`: task_seed(seed, stream, chain).
inline std::uint64_t chain_seed(std::uint64_t seed, std::uint64_t stream, std::size_t chain) {
  return task_seed(seed, stream, static_cast<std::uint64_t>(chain));
}

/// A uniform integer in {0, …, n − 1} from one uniform01 draw: ⌊u·n⌋.
template <class Rng>
std::size_t uniform_index(Rng& rng, std::size_t n) {
  const auto k = static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n));
  return k < n ? k : n - 1;
}

/// Checks the target and the start point: x₀ of the target's size, strictly inside the bounds,
/// with a finite log density (and a finite gradient when `with_gradient`). Returns y₀ = T⁻¹(x₀).
/// @throws rein::invalid_argument naming `function`, the argument, the index and the value
inline Eigen::VectorXd check_start(const target& t, const unconstrained_transform& transform,
                                   const Eigen::VectorXd& init, bool with_gradient, const std::string& function) {
  rein::detail::check(static_cast<std::size_t>(init.size()) == t.size(),
                      function + ": init has " + std::to_string(init.size()) + " entries, the target has " +
                          std::to_string(t.size()) + " parameters");
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    if (!(init[k] > t.lower[k] && init[k] < t.upper[k]))
      throw invalid_argument(function + ": init[" + std::to_string(i) + "] ('" + t.name(i) + "') = " +
                             rein::detail::format_value(init[k]) + ", must lie strictly inside (" +
                             rein::detail::format_value(t.lower[k]) + ", " + rein::detail::format_value(t.upper[k]) +
                             ")");
  }
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(init.size());
  const double value = t.log_prob(init, with_gradient ? &gradient : nullptr);
  if (!std::isfinite(value))
    throw invalid_argument(function + ": the log density at the start point init is " +
                           rein::detail::format_value(value) + ", must be finite");
  if (with_gradient)
    for (Eigen::Index k = 0; k < gradient.size(); ++k)
      if (!std::isfinite(gradient[k]))
        throw invalid_argument(function + ": the gradient of the log density at the start point init has component " +
                               std::to_string(k) + " ('" + t.name(static_cast<std::size_t>(k)) + "') = " +
                               rein::detail::format_value(gradient[k]) + ", must be finite");
  return transform.to_unconstrained(init);
}

/// Checks the sizes common to every sampler's options.
inline void check_counts(std::size_t chains, std::size_t draws, std::size_t thin, const std::string& function,
                         const char* chains_name = "chains") {
  rein::detail::check(chains >= 1, function + ": options." + chains_name + " = 0, must be at least 1");
  rein::detail::check(draws >= 1, function + ": options.draws = 0, must be at least 1");
  rein::detail::check(thin >= 1, function + ": options.thin = 0, must be at least 1");
}

/// Throws invalid_argument "<function>: options.<name> = <value>, must be <requirement>" unless
/// `ok` (callers test with !(x > 0) and the like, so that NaN fails).
inline void check_option(bool ok, double value, const std::string& function, const char* name, const char* requirement) {
  if (!ok)
    throw invalid_argument(function + ": options." + name + " = " + rein::detail::format_value(value) + ", must be " +
                           requirement);
}

/// The draws' names and bounds from the target, and `chains` empty chains to fill.
inline void prepare_draws(posterior_draws& r, const target& t, std::size_t chains) {
  r.names.resize(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) r.names[i] = t.name(i);
  r.lower = t.lower;
  r.upper = t.upper;
  r.chains.resize(chains);
  r.log_prob.resize(chains);
}

/// A start point near y₀: y₀ + r·(2u − 1) componentwise (u uniform01), redrawn up to 100 times
/// until the log density (and gradient when asked) is finite; y₀ itself after 100 failures.
/// r = 0 returns y₀ without drawing.
template <class Rng>
Eigen::VectorXd jittered_start(unconstrained_density& density, const Eigen::VectorXd& y0, double radius, Rng& rng,
                               bool with_gradient) {
  if (radius == 0) return y0;
  Eigen::VectorXd y(y0.size()), gradient(y0.size());
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = y0[i] + radius * (2 * uniform01(rng) - 1);
    const std::size_t bad = density.non_finite;
    const double value = density(y, with_gradient ? &gradient : nullptr);
    density.non_finite = bad;  // a rejected start point is not an error of the run
    if (std::isfinite(value)) return y;
  }
  return y0;
}

/// Seconds elapsed since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace rein::bayes::detail
