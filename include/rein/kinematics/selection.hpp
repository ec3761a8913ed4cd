#pragma once

// Event selection: NaN-safe interval cuts, mass-veto windows, multiplicity requirements.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::kinematics {

/// Which ends of an interval belong to it.
enum class interval_bounds {
  closed,        ///< [lower, upper]
  open,          ///< (lower, upper)
  closed_open,   ///< [lower, upper)
  open_closed,   ///< (lower, upper]
};

/// A cut lower ≤ x ≤ upper (ends per interval_bounds); ±∞ bounds make one-sided cuts.
/// NaN never passes: passes(NaN) is false for every interval.
class interval_cut {
 public:
  /// @param lower   lower bound (−∞ allowed)
  /// @param upper   upper bound (+∞ allowed), ≥ lower
  /// @param bounds  which ends are included
  /// @param name    label (for cut flows and messages)
  /// @throws rein::invalid_argument if a bound is NaN, lower > upper, lower = +∞ or upper = −∞
  interval_cut(double lower, double upper, interval_bounds bounds = interval_bounds::closed, std::string name = {})
      : m_lower(lower), m_upper(upper), m_bounds(bounds), m_name(std::move(name)) {
    const std::string function =
        "rein::kinematics::interval_cut" + (m_name.empty() ? std::string() : " '" + m_name + "'");
    if (std::isnan(lower) || std::isnan(upper) || !(lower <= upper) || lower == std::numeric_limits<double>::infinity() ||
        upper == -std::numeric_limits<double>::infinity())
      throw invalid_argument(function + ": lower = " + rein::detail::format_value(lower) + ", upper = " +
                             rein::detail::format_value(upper) + ", must be non-NaN with lower <= upper, lower < +inf "
                             "and upper > -inf");
  }

  /// x ≥ lower (x > lower if the lower end is open).
  [[nodiscard]] static interval_cut at_least(double lower, std::string name = {}) {
    return {lower, std::numeric_limits<double>::infinity(), interval_bounds::closed, std::move(name)};
  }
  /// x ≤ upper.
  [[nodiscard]] static interval_cut at_most(double upper, std::string name = {}) {
    return {-std::numeric_limits<double>::infinity(), upper, interval_bounds::closed, std::move(name)};
  }

  /// Whether x passes; false for NaN.
  [[nodiscard]] bool passes(double x) const noexcept {
    const bool lower_ok = (m_bounds == interval_bounds::closed || m_bounds == interval_bounds::closed_open)
                              ? x >= m_lower
                              : x > m_lower;
    const bool upper_ok = (m_bounds == interval_bounds::closed || m_bounds == interval_bounds::open_closed)
                              ? x <= m_upper
                              : x < m_upper;
    return lower_ok && upper_ok;  // every comparison with NaN is false
  }
  /// Same as passes(x).
  [[nodiscard]] bool operator()(double x) const noexcept { return passes(x); }

  [[nodiscard]] double lower() const noexcept { return m_lower; }
  [[nodiscard]] double upper() const noexcept { return m_upper; }
  [[nodiscard]] interval_bounds bounds() const noexcept { return m_bounds; }
  [[nodiscard]] const std::string& name() const noexcept { return m_name; }

 private:
  double m_lower;
  double m_upper;
  interval_bounds m_bounds;
  std::string m_name;
};

/// A set of mass windows to veto (e.g. J/ψ and ψ(2S) in M(ℓℓ), D0 in M(Kπ)). No window is built
/// in: the caller gives each one. A mass passes if it is in no (closed) window; NaN never passes.
class mass_veto {
 public:
  /// One closed window [lower, upper].
  struct window {
    double lower;
    double upper;
    std::string name;
  };

  /// Adds the window [lower, upper].
  /// @throws rein::invalid_argument if a bound is not finite or lower ≥ upper
  mass_veto& add_window(double lower, double upper, std::string name = {}) {
    const std::string function = "rein::kinematics::mass_veto::add_window";
    rein::detail::check_finite(lower, function + ": lower");
    rein::detail::check_finite(upper, function + ": upper");
    if (!(lower < upper))
      throw invalid_argument(function + ": lower = " + rein::detail::format_value(lower) +
                             " is not below upper = " + rein::detail::format_value(upper));
    m_windows.push_back({lower, upper, std::move(name)});
    return *this;
  }

  /// Adds the window [center − below, center + above] (e.g. an asymmetric radiative-tail window).
  /// @throws rein::invalid_argument if center is not finite or below/above are not finite and ≥ 0
  ///         with below + above > 0
  mass_veto& add_window_around(double center, double below, double above, std::string name = {}) {
    const std::string function = "rein::kinematics::mass_veto::add_window_around";
    rein::detail::check_finite(center, function + ": center");
    if (!(below >= 0.0) || !std::isfinite(below) || !(above >= 0.0) || !std::isfinite(above) || !(below + above > 0.0))
      throw invalid_argument(function + ": below = " + rein::detail::format_value(below) + ", above = " +
                             rein::detail::format_value(above) + ", must be finite, non-negative and not both zero");
    return add_window(center - below, center + above, std::move(name));
  }

  /// Index of the first window containing m, or windows().size() if none (and for NaN).
  [[nodiscard]] std::size_t find(double m) const noexcept {
    for (std::size_t i = 0; i < m_windows.size(); ++i)
      if (m >= m_windows[i].lower && m <= m_windows[i].upper) return i;
    return m_windows.size();
  }
  /// Whether m is inside a window (false for NaN).
  [[nodiscard]] bool vetoed(double m) const noexcept { return find(m) != m_windows.size(); }
  /// Whether m is a number outside every window.
  [[nodiscard]] bool passes(double m) const noexcept { return !std::isnan(m) && !vetoed(m); }
  /// The windows, in the order added.
  [[nodiscard]] const std::vector<window>& windows() const noexcept { return m_windows; }

 private:
  std::vector<window> m_windows;
};

/// A requirement min ≤ n ≤ max on a multiplicity (tracks, photons, leptons, candidates).
class multiplicity_cut {
 public:
  /// @throws rein::invalid_argument if min > max
  multiplicity_cut(std::size_t min, std::size_t max, std::string name = {})
      : m_min(min), m_max(max), m_name(std::move(name)) {
    rein::detail::check(min <= max, "rein::kinematics::multiplicity_cut" +
                                        (m_name.empty() ? std::string() : " '" + m_name + "'") +
                                        ": min = " + std::to_string(min) + " is above max = " + std::to_string(max));
  }
  /// Exactly n.
  [[nodiscard]] static multiplicity_cut exactly(std::size_t n, std::string name = {}) { return {n, n, std::move(name)}; }
  /// At least n.
  [[nodiscard]] static multiplicity_cut at_least(std::size_t n, std::string name = {}) {
    return {n, std::numeric_limits<std::size_t>::max(), std::move(name)};
  }

  [[nodiscard]] bool passes(std::size_t n) const noexcept { return n >= m_min && n <= m_max; }
  [[nodiscard]] bool operator()(std::size_t n) const noexcept { return passes(n); }
  [[nodiscard]] std::size_t min() const noexcept { return m_min; }
  [[nodiscard]] std::size_t max() const noexcept { return m_max; }
  [[nodiscard]] const std::string& name() const noexcept { return m_name; }

  /// Counts the elements of [first, last) for which pred holds and applies the cut to the count.
  template <class Iterator, class Predicate>
  [[nodiscard]] bool passes(Iterator first, Iterator last, Predicate pred) const {
    std::size_t n = 0;
    for (; first != last; ++first)
      if (pred(*first)) ++n;
    return passes(n);
  }

 private:
  std::size_t m_min;
  std::size_t m_max;
  std::string m_name;
};

}  // namespace rein::kinematics
