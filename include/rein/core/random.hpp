#pragma once

// Reproducible random draws: our own transforms from the engine's integers, never
// std::*_distribution (whose algorithms differ between standard libraries).
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace rein {

namespace detail {

inline constexpr double two_pi = 6.283185307179586476925286766559005768;

template <class>
inline constexpr bool always_false = false;

/// 53 uniformly distributed random bits from a 64-bit or 32-bit UniformRandomBitGenerator:
/// 64-bit engines: the top 53 bits of one draw; 32-bit engines: (a >> 5)·2²⁶ + (b >> 6) from two
/// draws a, b (MT19937's genrand_res53 construction).
template <class Rng>
[[nodiscard]] inline std::uint64_t random_bits53(Rng& rng) {
  using result_type = typename Rng::result_type;
  static_assert(std::is_unsigned_v<result_type>, "rein: the engine must return unsigned integers");
  constexpr std::uint64_t range = static_cast<std::uint64_t>(Rng::max() - Rng::min());
  if constexpr (range == std::numeric_limits<std::uint64_t>::max()) {
    return static_cast<std::uint64_t>(rng() - Rng::min()) >> 11;
  } else if constexpr (range == 0xFFFFFFFFull) {
    const std::uint64_t a = static_cast<std::uint64_t>(rng() - Rng::min()) >> 5;
    const std::uint64_t b = static_cast<std::uint64_t>(rng() - Rng::min()) >> 6;
    return (a << 26) | b;
  } else {
    static_assert(always_false<Rng>, "rein: the engine must produce the full 32-bit or 64-bit range "
                                     "(e.g. std::mt19937_64, std::mt19937)");
    return 0;
  }
}

}  // namespace detail

/// A uniform double in [0, 1): k·2⁻⁵³ with k the 53 random bits of detail::random_bits53 (one draw
/// of a 64-bit engine, two of a 32-bit engine). Identical on every platform for a given engine.
template <class Rng>
[[nodiscard]] inline double uniform01(Rng& rng) {
  return static_cast<double>(detail::random_bits53(rng)) * 0x1.0p-53;
}

/// A uniform double in the open interval (0, 1): (k + ½)·2⁻⁵² with k the top 52 of the 53 bits, so
/// that log(u) and 1/u are always finite. Values lie in [2⁻⁵³, 1 − 2⁻⁵³].
template <class Rng>
[[nodiscard]] inline double uniform_open01(Rng& rng) {
  return (static_cast<double>(detail::random_bits53(rng) >> 1) + 0.5) * 0x1.0p-52;
}

/// A standard normal deviate by the Box–Muller transform, one value per call:
/// z = √(−2 ln u₁) cos(2π u₂), with u₁ = uniform_open01 drawn first and u₂ = uniform01 second.
template <class Rng>
[[nodiscard]] inline double standard_normal(Rng& rng) {
  const double u1 = uniform_open01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(detail::two_pi * u2);
}

/// A normal deviate mean + sigma·z, z = standard_normal(rng).
/// @throws rein::invalid_argument if mean is not finite or sigma is not finite and positive
template <class Rng>
[[nodiscard]] inline double normal(Rng& rng, double mean, double sigma) {
  if (!std::isfinite(mean)) rein::detail::check_finite(mean, "rein::normal: mean");
  if (!(sigma > 0.0) || !std::isfinite(sigma))
    throw invalid_argument("rein::normal: sigma = " + rein::detail::format_value(sigma) +
                           ", must be finite and positive");
  return mean + sigma * standard_normal(rng);
}

/// A mass from the non-relativistic Breit–Wigner (Cauchy) density ∝ 1/((m − m₀)² + Γ²/4) truncated
/// to [lower, upper], by inverting its CDF: m = m₀ + Γ/2 · tan(a + u (b − a)), a, b = atan(2(lower −
/// m₀)/Γ), atan(2(upper − m₀)/Γ), u = uniform01 (one draw).
/// @throws rein::invalid_argument if a parameter is not finite, width ≤ 0, or lower ≥ upper
template <class Rng>
[[nodiscard]] inline double breit_wigner(Rng& rng, double mass, double width, double lower, double upper) {
  if (!(std::isfinite(mass) && width > 0.0 && std::isfinite(width) && std::isfinite(lower) && std::isfinite(upper) &&
        lower < upper)) {
    const std::string function = "rein::breit_wigner";
    rein::detail::check_finite(mass, function + ": mass");
    if (!(width > 0.0) || !std::isfinite(width))
      throw invalid_argument(function + ": width = " + rein::detail::format_value(width) +
                             ", must be finite and positive");
    rein::detail::check_finite(lower, function + ": lower");
    rein::detail::check_finite(upper, function + ": upper");
    throw invalid_argument(function + ": lower = " + rein::detail::format_value(lower) +
                           " is not below upper = " + rein::detail::format_value(upper));
  }
  const double half = 0.5 * width;
  const double a = std::atan((lower - mass) / half);
  const double b = std::atan((upper - mass) / half);
  const double m = mass + half * std::tan(a + uniform01(rng) * (b - a));
  return m < lower ? lower : (m > upper ? upper : m);  // guard the last ulp of tan
}

/// A Poisson deviate with the given mean, as a double. Means below 10 use inversion by sequential
/// search (one uniform01); larger means use Hörmann's transformed rejection PTRS (W. Hörmann,
/// Insurance: Mathematics and Economics 12 (1993) 39), two uniforms per trial. Identical on every
/// platform for a given engine.
/// @throws rein::invalid_argument unless mean is finite and ≥ 0
template <class Rng>
[[nodiscard]] inline double poisson(Rng& rng, double mean) {
  if (!(mean >= 0.0) || !std::isfinite(mean))
    throw invalid_argument("rein::poisson: mean = " + rein::detail::format_value(mean) + ", must be finite and >= 0");
  if (mean == 0.0) return 0.0;
  if (mean < 10.0) {
    const double u = uniform01(rng);
    double p = std::exp(-mean), cumulative = p, k = 0;
    while (u > cumulative && p > 0) {
      k += 1;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }
  const double sqrt_mean = std::sqrt(mean), log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform01(rng) - 0.5;
    const double v = uniform_open01(rng);
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + k * log_mean - std::lgamma(k + 1))
      return k;
  }
}

/// splitmix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit hash, used to derive independent
/// engine seeds from (seed, stream, index) so that every task draws the same numbers whatever
/// the thread that runs it.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// The seed of task `index` in stream `stream` of a run seeded with `seed`.
inline std::uint64_t task_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index);
}

}  // namespace rein
