#pragma once

// The Belle II B+→K+νν̄ WET reinterpretation model for benchmarks: the published redist file
// (data/belle2-knunu/reinterpretation_likelihood_wet.json) with rein's built-in rates, the
// HPQCD null and the EOS-convention WET alternative integrated by kernel_rates. The same
// construction as belle2_wet_model in tests/reweight/modifier_test.cpp (copied, so that the
// benchmarks do not depend on tests/), with rein's default decorrelation matrix.
#include "rein/io/json/redist.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/physics/callables.hpp"
#include "rein/reweight/bin_rates.hpp"
#include "rein/reweight/modifier.hpp"

#include <memory>
#include <string>

namespace rein::bench {

/// The file the model is read from.
inline std::string belle2_wet_file() {
  return std::string(REIN_DATA_DIR) + "/belle2-knunu/reinterpretation_likelihood_wet.json";
}

/// The three published reweighting modifiers (regA, regB, hta) as one reweighting "wet" with
/// three targets: they share parameters (cvl, csl, ctl, FFK), binning and cutoff.
inline reweight::reweighting belle2_wet_reweighting(
    reweight::quadrature_rule rule = reweight::quadrature_rule::endpoint_adapted) {
  const auto redist = io::read_redist(belle2_wet_file());
  const physics::b_to_k_nunu_null null;
  const physics::b_to_k_nunu_alternative alternative;
  reweight::bin_integration_options null_options, alternative_options;
  null_options.rule = alternative_options.rule = rule;
  null_options.lower_limit = alternative_options.lower_limit = 0;
  null_options.endpoint = null.q2_max();
  alternative_options.endpoint = alternative.q2_max();
  const auto kernel_at = [alternative](double q2) { return alternative.kernel(q2); };
  auto rates = std::make_shared<reweight::kernel_rates<11, decltype(kernel_at)>>(
      [null](double q2) { return null(q2); }, kernel_at, redist.reweightings[0].edges, null_options, alternative_options);
  reweight::reweighting spec{"wet", rates, redist.reweightings[0].free, redist.reweightings[0].correlated, {},
                             redist.reweightings[0].policy};
  for (const auto& r : redist.reweightings)
    for (const auto& t : r.targets) spec.targets.push_back(t);
  return spec;
}

/// The reweighted model: the workspace of the redist file with the "wet" modifier.
inline likelihood::model belle2_wet_model(reweight::quadrature_rule rule = reweight::quadrature_rule::endpoint_adapted) {
  return likelihood::make_model(io::read_redist(belle2_wet_file()).workspace, {},
                                {reweight::make_modifier(belle2_wet_reweighting(rule))});
}

/// The same workspace without any reweighting (the published SM likelihood's structure).
inline likelihood::model belle2_wet_workspace_model() {
  return likelihood::make_model(io::read_redist(belle2_wet_file()).workspace);
}

}  // namespace rein::bench
