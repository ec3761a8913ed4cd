#pragma once

#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"

#include <string>

namespace rein::infer {

/// Profile-likelihood test statistics, with pyhf's conventions. Every statistic is built from
/// t(μ) = max(0, 2[nll(μ, θ̂̂(μ)) − nll(μ̂, θ̂)]), the free fit respecting the POI's bounds (a POI
/// bounded below at 0 makes μ̂ ≥ 0, which is what the "tilde" variants assume):
enum class test_statistic {
  q0,          ///< discovery: t(0), and 0 when μ̂ < 0
  q_mu,        ///< upper limits: t(μ), and 0 when μ̂ > μ; asymptotics of Cowan et al. eq. (53)
  q_mu_tilde,  ///< as q_mu with μ̂ ≥ 0; the two-branch asymptotic formula of eq. (66)
  t_mu,        ///< two-sided: t(μ)
  t_mu_tilde,  ///< two-sided with μ̂ ≥ 0
};

/// "q0", "q", "qtilde", "t", "ttilde" (pyhf's names).
inline const char* to_string(test_statistic statistic) {
  switch (statistic) {
    case test_statistic::q0: return "q0";
    case test_statistic::q_mu: return "q";
    case test_statistic::q_mu_tilde: return "qtilde";
    case test_statistic::t_mu: return "t";
    case test_statistic::t_mu_tilde: return "ttilde";
  }
  return "unknown";
}

/// Parses pyhf's name of a test statistic.
/// @throws invalid_argument for any other name.
inline test_statistic test_statistic_from_string(const std::string& name) {
  static constexpr test_statistic all[] = {test_statistic::q0, test_statistic::q_mu, test_statistic::q_mu_tilde,
                                           test_statistic::t_mu, test_statistic::t_mu_tilde};
  if (const auto found = enum_from_name(name, all)) return *found;
  throw invalid_argument("rein::infer::test_statistic_from_string: unknown test statistic '" + name +
                         "', expected q0, q, qtilde, t or ttilde");
}

/// The statistic's value from t(μ), μ̂ and the tested μ.
inline double test_statistic_value(test_statistic statistic, double t, double mu_hat, double mu) {
  const double clipped = t > 0 ? t : 0.0;
  switch (statistic) {
    case test_statistic::q0: return mu_hat < 0 ? 0.0 : clipped;
    case test_statistic::q_mu:
    case test_statistic::q_mu_tilde: return mu_hat > mu ? 0.0 : clipped;
    case test_statistic::t_mu:
    case test_statistic::t_mu_tilde: return clipped;
  }
  return clipped;
}

}  // namespace rein::infer
