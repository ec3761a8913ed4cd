#pragma once

// The one library call behind `rein lrt`: a likelihood-ratio test of a stated null hypothesis on
// a model's observed data, calibrated by toys when asked, and its scan over a parameter that
// exists only under the alternative (`--over NAME=LO:HI:N`: local and global significance with
// the look-elsewhere effect); each as the JSON `rein lrt` prints. In io because it joins infer/
// with the JSON forms, for every front end.
#include "rein/infer/global_significance.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/json/global_significance.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/likelihood/model/model.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rein::io {

/// `rein lrt --null-fix ...`: infer::likelihood_ratio_test of `null` (parameters it holds) on the
/// observed data of `model`, with `toys` (their count, seed, threads and progress) also
/// infer::likelihood_ratio_toy_calibration; the JSON without "seconds".
/// @throws what likelihood_ratio_test and likelihood_ratio_toy_calibration throw
[[nodiscard]] inline nlohmann::json likelihood_ratio_json(const likelihood::model& model, const infer::held_parameters& null,
                                                          const std::optional<infer::toy_options>& toys) {
  auto r = infer::likelihood_ratio_test(model, model.observed(), null);
  if (toys) r.toys = infer::likelihood_ratio_toy_calibration(model, r, null, {}, toys->n_toys, toys->seed, toys->threads, toys->progress);
  return to_json(r, model);
}

/// `rein lrt --null-fix ... --over NAME=LO:HI:N`: infer::global_significance of `null` against the
/// alternative with `over` held at each of `values` (the toys, when given, with their count, seed,
/// threads and progress; Gross–Vitells' bound at `upcrossing_level`); the JSON without "seconds".
/// @throws what infer::global_significance throws
[[nodiscard]] inline nlohmann::json global_significance_json(const likelihood::model& model, const infer::held_parameters& null,
                                                             const std::string& over, const std::vector<double>& values,
                                                             const std::optional<infer::toy_options>& toys, double upcrossing_level) {
  std::vector<infer::held_parameters> points;
  for (const double value : values) points.push_back({{over, value}});
  infer::global_significance_options options;
  options.upcrossing_level = upcrossing_level;
  if (toys) options.toys = toys->n_toys, options.seed = toys->seed, options.threads = toys->threads, options.progress = toys->progress;
  return to_json(infer::global_significance(model, model.observed(), null, points, options), over, values, model, options);
}

}  // namespace rein::io
