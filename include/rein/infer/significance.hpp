#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/likelihood/model/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// Discovery significance from q0 (asymptotics: p0 = Φ(−√q0), Z = √q0).
struct significance_result {
  double q0 = 0;
  double p0 = 0.5;
  double z_obs = 0;
  double q0_asimov = 0;  ///< q0 on the Asimov data at μ = `asimov_mu`, θ̂̂(asimov_mu) fitted to the data
  double p0_exp = 0.5;
  double z_exp = 0;
  /// Expected p0 with the observed significance fluctuating by +2σ … −2σ around z_exp:
  /// Φ(−(z_exp + n)) for n = 2, 1, 0, −1, −2 (ascending p0, pyhf's order).
  std::array<double, 5> p0_exp_band{};
  double mu_hat = 0;
  fit::fit_status status = fit::fit_status::ok;
};

/// Observed and expected discovery significance of the model's parameter of interest.
/// @param asimov_mu signal strength of the expected significance (1: the nominal signal).
/// @throws invalid_argument for a non-finite asimov_mu
[[nodiscard]] inline significance_result discovery_significance(const likelihood::model& model,
                                                                const likelihood::dataset& data,
                                                                const fit::fit_options& options = {},
                                                                double asimov_mu = 1.0) {
  if (!std::isfinite(asimov_mu))
    throw invalid_argument("rein::infer::discovery_significance: asimov_mu = " + rein::detail::format_value(asimov_mu) +
                           ", must be finite");
  const profile_likelihood observed(model, data, options);
  significance_result r;
  r.mu_hat = observed.mu_hat();
  r.q0 = observed.statistic(test_statistic::q0, 0.0);
  r.z_obs = std::sqrt(r.q0);
  r.p0 = normal_survival(r.z_obs);
  const profile_likelihood asimov(model, asimov_data(model, observed.conditional_fit(asimov_mu).values), options);
  r.q0_asimov = asimov.statistic(test_statistic::q0, 0.0);
  r.z_exp = std::sqrt(r.q0_asimov);
  r.p0_exp = normal_survival(r.z_exp);
  for (std::size_t k = 0; k < 5; ++k) r.p0_exp_band[k] = normal_survival(r.z_exp + expected_band_sigmas[k]);
  r.status = observed.worst_status() != fit::fit_status::ok ? observed.worst_status() : asimov.worst_status();
  return r;
}

}  // namespace rein::infer
