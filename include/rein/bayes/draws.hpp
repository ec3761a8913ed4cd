#pragma once

// Posterior draws as the samplers return them: one matrix per chain, draws × parameters.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::bayes {

/// How a sampling run ended.
enum class sample_status {
  ok,                 ///< every evaluation was a number or −∞ and the step size/scale adaptation worked
  non_finite,         ///< the log density returned NaN or +∞, or a non-finite gradient, somewhere (counted,
                      ///< treated as zero density: those proposals were rejected)
  adaptation_failed,  ///< no usable step size or proposal scale was found (improper or discontinuous
                      ///< target); the draws are returned but should not be used
};

/// The status as a lower-case word: "ok", "non_finite", "adaptation_failed".
inline const char* to_string(sample_status status) noexcept {
  switch (status) {
    case sample_status::ok: return "ok";
    case sample_status::non_finite: return "non_finite";
    case sample_status::adaptation_failed: return "adaptation_failed";
  }
  return "unknown";
}

/// Every sample status, in the order of the enumeration (for enum_from_name, enum_names).
inline constexpr sample_status all_sample_statuses[] = {sample_status::ok, sample_status::non_finite,
                                                        sample_status::adaptation_failed};

/// Draws from several chains on the constrained parameter space.
struct posterior_draws {
  std::vector<std::string> names;      ///< one per parameter
  Eigen::VectorXd lower, upper;        ///< the parameters' bounds (±∞ for none)
  std::vector<Eigen::MatrixXd> chains; ///< chains[c](draw, parameter)
  std::vector<Eigen::VectorXd> log_prob;  ///< log_prob[c](draw): the target's ln p(x) at the draw
                                          ///< (constrained space, no Jacobian)

  [[nodiscard]] std::size_t n_chains() const { return chains.size(); }
  [[nodiscard]] std::size_t n_draws() const { return chains.empty() ? 0 : static_cast<std::size_t>(chains[0].rows()); }
  [[nodiscard]] std::size_t n_parameters() const { return names.size(); }

  /// The draws of parameter i as a draws × chains matrix (the layout the diagnostics take).
  /// @throws rein::invalid_argument if i is out of range
  [[nodiscard]] Eigen::MatrixXd parameter(std::size_t i) const {
    rein::detail::check(i < n_parameters(), "rein::bayes::posterior_draws::parameter: index " + std::to_string(i) +
                                                " out of range, there are " + std::to_string(n_parameters()) +
                                                " parameters");
    Eigen::MatrixXd m(static_cast<Eigen::Index>(n_draws()), static_cast<Eigen::Index>(n_chains()));
    for (std::size_t c = 0; c < n_chains(); ++c) m.col(static_cast<Eigen::Index>(c)) = chains[c].col(static_cast<Eigen::Index>(i));
    return m;
  }

  /// Every chain's draws stacked: (chains · draws) × parameters, chain 0 first.
  [[nodiscard]] Eigen::MatrixXd pooled() const {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(n_chains() * n_draws()), static_cast<Eigen::Index>(n_parameters()));
    for (std::size_t c = 0; c < n_chains(); ++c)
      m.middleRows(static_cast<Eigen::Index>(c * n_draws()), static_cast<Eigen::Index>(n_draws())) = chains[c];
    return m;
  }

  /// The index of the parameter called `name`.
  /// @throws rein::invalid_argument if there is none
  [[nodiscard]] std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    throw invalid_argument("rein::bayes::posterior_draws::index: no parameter named '" + name + "'");
  }
};

}  // namespace rein::bayes
