#pragma once

// The Belle II B+→K+νν̄ WET reinterpretation model for benchmarks: the published redist file
// (data/belle2-knunu/reinterpretation_likelihood_wet.json) with rein's built-in rates, the
// HPQCD null and the EOS-convention WET alternative (reweight::make_named_rates), the three
// published modifiers merged into one reweighting, with rein's default decorrelation matrix.
#include "rein/io/json/redist.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/reweight/modifier.hpp"
#include "rein/reweight/named_rates.hpp"

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
  auto rates = reweight::make_named_rates("hpqcd-b-to-k-nunu", "wet-b-to-k-nunu", redist.reweightings[0].edges, rule);
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
