#pragma once

// The JSON form of a local and global significance over a one-parameter scan (what `rein lrt
// --over NAME=LO:HI:N` prints; docs/models.md lists the keys). NaN and ±∞ print null.
#include "rein/fit/fit_status.hpp"
#include "rein/infer/global_significance.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/read_json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::io {

/// Whether more than infer::max_failed_toy_fraction of the toys of `r` failed (its p-values then
/// rest on too few toys).
[[nodiscard]] inline bool too_many_failed_toys(const infer::global_significance_result& r) {
  return static_cast<double>(r.failed) > infer::max_failed_toy_fraction * static_cast<double>(r.toys);
}

/// `r`, scanned over the parameter `over` at `values` (points[s] holds over = values[s]), as
/// `rein lrt --over` prints it: `over`, `points` [{`value`, `q`}], `best` {`value`, `index`, `q`
/// and `<over>`: the value}, `local` (the test at the best point: `q`, `dof`, `p_chi2`, `z_chi2`,
/// `p_chibar2`, `z_chibar2`, `chibar2_weights`, `chibar2_note`, and from the toys `p_toys`,
/// `z_toys`, `exceeding`), `global` (`p_toys`, `z_toys`, `exceeding`, `upcrossing_level`,
/// `mean_upcrossings`, Gross–Vitells' `p_gross_vitells`, `z_gross_vitells`), `trials_factor`,
/// `trials_factor_gross_vitells`, `toys` {`n`, `failed`, `seed`, `max_failed_fraction`} (null
/// without toys), the local test's `null_fit` and `free_fit`, and `status`: the worst fit status
/// on the data, "toy_fits_failed" when those are ok but more than 5 % of the toys failed. A toy Z
/// that is infinite (no toy exceeds) prints null with `z_above`, the Z of one toy in those run.
/// @throws invalid_argument when values and r.q differ in length
[[nodiscard]] inline nlohmann::json to_json(const infer::global_significance_result& r, const std::string& over,
                                            const std::vector<double>& values, const likelihood::model& model,
                                            const infer::global_significance_options& options) {
  if (values.size() != r.q.size())
    throw invalid_argument("rein::io::to_json(global_significance_result): " + std::to_string(values.size()) + " values for " +
                           std::to_string(r.q.size()) + " scan points");
  nlohmann::json points = nlohmann::json::array();
  for (std::size_t s = 0; s < values.size(); ++s) points.push_back({{"value", values[s]}, {"q", detail::bound_json(r.q[s])}});
  nlohmann::json best = {{"value", values[r.best]}, {"index", r.best}, {"q", r.q_max}};
  best[over] = values[r.best];
  const bool toys = r.toys > 0;
  const std::size_t converged = r.toys - r.failed;
  // the Z above which the toys cannot resolve a p-value: one toy in those that converged
  const auto toy_z = [&](nlohmann::json& block, double p, double z, std::size_t exceeding) {
    block["p_toys"] = detail::bound_json(p);
    block["z_toys"] = detail::bound_json(z);
    block["exceeding"] = toys ? nlohmann::json(exceeding) : nlohmann::json(nullptr);
    if (toys && exceeding == 0 && converged > 0) block["z_above"] = infer::one_sided_z(1.0 / static_cast<double>(converged));
  };
  const auto& l = r.local;
  nlohmann::json local = {{"q", l.q},
                          {"dof", l.dof},
                          {"p_chi2", l.p_chi2},
                          {"z_chi2", detail::bound_json(l.z_chi2)},
                          {"p_chibar2", detail::bound_json(l.p_chibar2)},
                          {"z_chibar2", detail::bound_json(l.z_chibar2)},
                          {"chibar2_weights", l.chibar2_weights.empty() ? nlohmann::json(nullptr) : detail::numbers_json(l.chibar2_weights)},
                          {"chibar2_note", l.chibar2_note}};
  toy_z(local, r.p_local, r.z_local, r.local_exceeding);
  nlohmann::json global = nlohmann::json::object();
  toy_z(global, r.p_global, r.z_global, r.global_exceeding);
  global["upcrossing_level"] = options.upcrossing_level;
  global["mean_upcrossings"] = detail::bound_json(r.mean_upcrossings);
  global["p_gross_vitells"] = detail::bound_json(r.p_global_asymptotic);
  global["z_gross_vitells"] = detail::bound_json(r.z_global_asymptotic);
  const nlohmann::json toy_block = toys ? nlohmann::json{{"n", r.toys},
                                                         {"failed", r.failed},
                                                         {"seed", options.seed},
                                                         {"max_failed_fraction", infer::max_failed_toy_fraction}}
                                        : nlohmann::json(nullptr);
  const bool toys_failed = toys && too_many_failed_toys(r) && r.status == fit::fit_status::ok;
  return {{"over", over},
          {"points", points},
          {"best", best},
          {"local", local},
          {"global", global},
          {"trials_factor", detail::bound_json(r.trials_factor)},
          {"trials_factor_gross_vitells", detail::bound_json(r.trials_factor_asymptotic)},
          {"toys", toy_block},
          {"null_fit", to_json(l.null, model)},
          {"free_fit", to_json(l.free, model)},
          {"status", toys_failed ? std::string("toy_fits_failed") : fit::to_string(r.status)}};
}

}  // namespace rein::io
