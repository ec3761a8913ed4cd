#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/likelihood/model.hpp"

#include <boost/math/distributions/chi_squared.hpp>

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
[[nodiscard]] inline significance_result discovery_significance(const likelihood::model& model,
                                                                const likelihood::dataset& data,
                                                                const fit::fit_options& options = {},
                                                                double asimov_mu = 1.0) {
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

/// A likelihood-ratio test of a null hypothesis that fixes several parameters at once (e.g. the
/// background-only point of a fit with three Wilson coefficients).
struct likelihood_ratio_result {
  double q = 0;            ///< 2[nll(null) − nll(free)], clipped at 0
  std::size_t dof = 0;     ///< number of parameters the null fixes
  double z_sqrt_q = 0;     ///< √q: the one-degree-of-freedom convention
  double p_chi2 = 1;       ///< P(χ²_dof ≥ q): Wilks with dof degrees of freedom
  double z_chi2 = 0;       ///< max(0, Φ⁻¹(1 − p_chi2)): 0 for p_chi2 ≥ 1/2, +∞ for p_chi2 = 0
  fit::fit_result free;
  fit::fit_result null;
  fit::fit_status status = fit::fit_status::ok;
};

/// Compares the free fit with the fit under `null` (parameter name → value).
/// The two conventions differ: √q is what a one-parameter test would quote; the χ²(dof) p-value
/// is Wilks' theorem for dof parameters, valid when none of them sits on a bound under the null
/// (when some do, the true distribution is a χ² mixture and both are approximations).
/// @throws invalid_argument when `null` is empty, names an unknown parameter, names one twice, or
///         names one that the model or `options.fixed` already holds (dof would count it), and
///         (from fit) for a value outside the parameter's bounds.
[[nodiscard]] inline likelihood_ratio_result likelihood_ratio_test(const likelihood::model& model,
                                                                   const likelihood::dataset& data,
                                                                   const std::vector<std::pair<std::string, double>>& null,
                                                                   const fit::fit_options& options = {}) {
  const std::string function = "rein::infer::likelihood_ratio_test: ";
  if (null.empty()) throw invalid_argument(function + "the null hypothesis fixes no parameter");
  const auto& layout = model.parameters();
  for (std::size_t k = 0; k < null.size(); ++k) {
    const std::string& name = null[k].first;
    const std::string where = function + "null[" + std::to_string(k) + "] names '" + name + "'";
    if (!layout.contains(name)) throw invalid_argument(where + ", not a parameter of the model");
    for (std::size_t j = 0; j < k; ++j)
      if (null[j].first == name) throw invalid_argument(where + ", as null[" + std::to_string(j) + "] does");
    bool held = layout[layout.index(name)].fixed;
    for (const auto& item : options.fixed) held = held || item.first == name;
    if (held) throw invalid_argument(where + ", which is fixed already (by the model or options.fixed): it is no degree of freedom");
  }
  likelihood_ratio_result r;
  r.free = fit::fit(model, data, options);
  fit::fit_options null_options = options;
  for (const auto& item : null) null_options.fixed.push_back(item);
  null_options.errors = false;
  r.null = fit::fit(model, data, null_options);
  r.dof = null.size();
  r.q = std::max(0.0, r.null.twice_nll - r.free.twice_nll);
  r.z_sqrt_q = std::sqrt(r.q);
  r.p_chi2 = boost::math::cdf(boost::math::complement(boost::math::chi_squared(static_cast<double>(r.dof)), r.q));
  // clipped at 0 like √q: unclipped, Φ⁻¹(1 − p) would run to −∞ as q → 0 (q = 1e-12 gave −7.1,
  // q = 0 gave 0: rounding of the fits decided between the two)
  r.z_chi2 = r.p_chi2 >= 0.5 ? 0.0 : (r.p_chi2 > 0 ? significance_of(r.p_chi2) : std::numeric_limits<double>::infinity());
  r.status = r.free.status != fit::fit_status::ok ? r.free.status : r.null.status;
  return r;
}

}  // namespace rein::infer
