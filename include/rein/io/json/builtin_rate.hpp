#pragma once

// The values of a built-in rate by its registry name (`rein rate`): dB/dq² at given q² and the
// branching fraction over the full phase space, as JSON.
#include "rein/core/error.hpp"
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/hpqcd_null.hpp"
#include "rein/physics/wet_coefficients.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rein::io {

/// dB/dq² at each of `q2` (GeV²) and the total branching fraction of the built-in rate `model`:
/// "wet-b-to-k-nunu" (the WET rate with coefficients `c` and BSZ2015 form-factor parameters `ff`)
/// or "hpqcd-b-to-k-nunu" (the HPQCD SM rate; `c` and `ff` unused). `model` is a canonical name
/// (models::canonical_rate_name turns the aliases into one).
/// @return {"q2": q2, "dBdq2": [...], "BR": total}
/// @throws invalid_argument for another name; what the rates throw for q² outside their support
inline nlohmann::json builtin_rate_json(const std::string& model, const std::vector<double>& q2,
                                        const physics::wet_coefficients<double>& c = {},
                                        const physics::bsz2015_parameters<double>& ff = physics::bsz2015_reference_central) {
  nlohmann::json rates = nlohmann::json::array();
  double total = 0.0;
  if (model == "wet-b-to-k-nunu") {
    const physics::b_to_k_nunu_rate r;
    for (const double q : q2) rates.push_back(r.differential_branching_fraction(q, c, ff));
    total = r.branching_fraction(c, ff);
  } else if (model == "hpqcd-b-to-k-nunu") {
    const physics::hpqcd_null null;
    for (const double q : q2) rates.push_back(null.differential_branching_fraction(q));
    total = null.branching_fraction();
  } else {
    throw invalid_argument("unknown MODEL '" + model + "', must be wet-b-to-k-nunu or hpqcd-b-to-k-nunu (the names --alt and " +
                           "--null take; b_to_k_nunu and hpqcd_null are accepted too)");
  }
  return {{"q2", q2}, {"dBdq2", rates}, {"BR", total}};
}

}  // namespace rein::io
