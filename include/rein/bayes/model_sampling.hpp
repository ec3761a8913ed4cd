#pragma once

// Where the NUTS chains of a model's posterior start, as every front end starts them (`rein
// sample`, rein.sample): from one point (the best fit or the inits, `sample_start`), or from
// several modes (a resonance's mass with separated peaks) weighted by their evidences. The best
// fit and the profile's peaks need fit/ and infer/, which bayes does not include: the caller
// finds them (io/sample_model.hpp does) and passes the full parameter vectors here.
#include "rein/bayes/evidence.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/multistart.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace rein::bayes {

/// Where a model posterior's chains start.
enum class sample_start {
  best_fit,  ///< near the maximum-likelihood fit: chains spread 0.1 around it (unconstrained scale)
  inits,     ///< at the parameters' initial values, spread as nuts_options::init_radius says
};

/// The start as the command line spells it: "best-fit", "inits".
inline const char* to_string(sample_start start) noexcept {
  switch (start) {
    case sample_start::best_fit: return "best-fit";
    case sample_start::inits: return "inits";
  }
  return "unknown";
}

/// Every start, in the order of the enumeration (for enum_from_name, enum_names).
inline constexpr sample_start all_sample_starts[] = {sample_start::best_fit, sample_start::inits};

/// The start named `name`; `what` names the option in messages (`--start`, `rein.sample: start`).
/// @throws invalid_argument "WHAT 'NAME' must be best-fit or inits" for any other name
inline sample_start sample_start_from_string(const std::string& name, const std::string& what) {
  if (const auto found = enum_from_name(name, all_sample_starts)) return *found;
  throw invalid_argument(what + " '" + name + "' must be " + enum_names(all_sample_starts, " or "));
}

/// How far chains spread around a best-fit start, on the unconstrained scale: they start near the
/// mode, not across the prior.
inline constexpr double best_fit_init_radius = 0.1;
/// How far the chains of each mode spread around its start: they stay in that mode's basin.
inline constexpr double mode_init_radius = 0.05;

/// `options` for chains that start as `start` says (init_radius best_fit_init_radius for a best
/// fit; unchanged for the inits).
[[nodiscard]] inline nuts_options started_options(nuts_options options, sample_start start) {
  if (start == sample_start::best_fit) options.init_radius = best_fit_init_radius;
  return options;
}

/// The settings of the evidence of a NUTS run (bridge sampling): as many proposal draws as
/// posterior draws, the run's seed and threads.
[[nodiscard]] inline evidence_options evidence_options_of(const nuts_options& options) {
  evidence_options evidence;
  evidence.seed = options.seed;
  evidence.threads = options.threads;
  return evidence;
}

/// NUTS on `posterior` from `theta` (a full parameter vector of its model: the best fit when
/// `start` is best_fit, else the inits), moved inside the prior's bounds (start_point), with
/// started_options(options, start).
/// @throws what sample_nuts throws
[[nodiscard]] inline nuts_result sample_model_posterior(const model_posterior& posterior, const Eigen::VectorXd& theta,
                                                        sample_start start, const nuts_options& options) {
  return sample_nuts(posterior.as_target(), posterior.start_point(theta), started_options(options, start));
}

/// The multi-start settings of chains started at modes: `nuts` per start with init_radius
/// mode_init_radius, and each mode's evidence with evidence_options_of(nuts).
[[nodiscard]] inline multistart_options mode_start_options(const nuts_options& nuts) {
  multistart_options options;
  options.nuts = nuts;
  options.nuts.init_radius = mode_init_radius;
  options.evidence = evidence_options_of(nuts);
  return options;
}

/// sample_multistart on `posterior` from each of `thetas` (full parameter vectors of its model,
/// e.g. the peaks of a profile likelihood), each moved inside the prior's bounds (start_point).
/// @param options usually mode_start_options(nuts)
/// @throws invalid_argument when thetas is empty, and what sample_multistart throws
[[nodiscard]] inline multistart_result sample_from_modes(const model_posterior& posterior, const std::vector<Eigen::VectorXd>& thetas,
                                                         const multistart_options& options) {
  std::vector<Eigen::VectorXd> starts;
  for (const auto& theta : thetas) starts.push_back(posterior.start_point(theta));
  return sample_multistart(posterior.as_target(), starts, options);
}

}  // namespace rein::bayes
