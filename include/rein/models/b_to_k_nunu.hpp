#pragma once

// The built-in B → K ν ν̄ rates for reweighting (Belle II's reinterpretation, arXiv:2507.12393):
// the HPQCD-based Standard Model as the null and the weak effective theory with BSZ2015 form
// factors as the alternative. The physics is rein::physics's; this header names it and says how
// it is integrated.
#include "rein/models/rate_entry.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/callables.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/wet_coefficients.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rein::models {

/// "hpqcd-b-to-k-nunu": physics::b_to_k_nunu_null, dB/dq² of the HPQCD-based SM (Belle II's null).
inline null_rate hpqcd_b_to_k_nunu() {
  const physics::b_to_k_nunu_null sm;
  return {"hpqcd-b-to-k-nunu", "B+ -> K+ nu nubar in the SM with HPQCD form factors (Belle II's null)",
          [sm](double q2) { return sm(q2); }, sm.q2_min(), sm.q2_max()};
}

/// "wet-b-to-k-nunu": physics::b_to_k_nunu_alternative, dB/dq² in the WET with BSZ2015 form
/// factors; parameters cvl (init: its SM value), csl, ctl in [0, 20] and FFK[0..7] (inits: Belle
/// II's mean, unbounded), as in data/belle2-knunu/reinterpretation_likelihood_wet.json. Integrated
/// as a quadratic-form kernel (one integral per bin, exact Jacobian).
inline alternative_rate wet_b_to_k_nunu() {
  std::vector<rate_parameter> parameters = {{"cvl", physics::c_vl_sm, 0, 20}, {"csl", 0, 0, 20}, {"ctl", 0, 0, 20}};
  for (std::size_t k = 0; k < physics::bsz2015_parameter_count; ++k)
    parameters.push_back({"FFK[" + std::to_string(k) + "]", physics::bsz2015_belle2_mean[k]});
  const auto make_rates = [](const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule)
      -> std::shared_ptr<const reweight::bin_rates> {
    const physics::b_to_k_nunu_alternative wet;
    const auto kernel_at = [wet](double q2) { return wet.kernel(q2); };
    return std::make_shared<reweight::kernel_rates<physics::b_to_k_nunu_parameter_count, decltype(kernel_at)>>(
        null.rate, kernel_at, edges, support_options(null.q2_min, null.q2_max, rule),
        support_options(wet.q2_min(), wet.q2_max(), rule));
  };
  return {"wet-b-to-k-nunu", "B+ -> K+ nu nubar in the weak effective theory with BSZ2015 form factors",
          std::move(parameters), make_rates};
}

}  // namespace rein::models
