#pragma once

// The one library call behind `rein sample` and rein.sample: a model's posterior by NUTS from the
// best fit or the inits, or from the deepest peaks of its profile likelihood in one parameter
// (`rein sample --multistart NAME=LO:HI:N --modes K`), and the summary JSON with the evidence.
// It sits in io, the edge, because it joins fit/ and infer/ (the best fit, the profile's peaks)
// with bayes/, which may include neither (DESIGN.md: bayes depends on likelihood only); the
// start policy itself is bayes/model_sampling.hpp.
#include "rein/bayes/evidence.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/model_sampling.hpp"
#include "rein/bayes/multistart.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/profile_peaks.hpp"
#include "rein/io/json/posterior.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::io {

/// The full parameter vector the chains of `posterior` start from: for best_fit the
/// maximum-likelihood fit of its model to its data (without errors; its status is not checked:
/// the chains only start there), for inits the model's initial values.
[[nodiscard]] inline Eigen::VectorXd sample_start_theta(const bayes::model_posterior& posterior, bayes::sample_start start) {
  if (start == bayes::sample_start::inits) return posterior.model().parameters().inits();
  fit::fit_options options;
  options.errors = false;
  return fit::fit(posterior.model(), posterior.data(), options).values;
}

/// NUTS on `posterior` as `rein sample --start` runs it: bayes::sample_model_posterior from
/// sample_start_theta(posterior, start).
/// @throws what sample_nuts throws
[[nodiscard]] inline bayes::nuts_result sample_model(const bayes::model_posterior& posterior, bayes::sample_start start,
                                                     const bayes::nuts_options& options) {
  return bayes::sample_model_posterior(posterior, sample_start_theta(posterior, start), start, options);
}

/// What sample_from_profile_peaks returns.
struct profile_peaks_sample {
  std::vector<double> start_values;  ///< the scanned parameter's value at each start (peak), deepest first
  bayes::multistart_result result;   ///< the modes, their weights and the mixture
};

/// `rein sample --multistart PARAMETER=LO:HI:N --modes K`: chains started at the `modes` deepest
/// peaks of the profile likelihood in `parameter` on `grid` (infer::profile_peaks on the
/// posterior's model and data), one mode each, weighted by their evidences
/// (bayes::sample_from_modes).
/// @param options usually bayes::mode_start_options(nuts)
/// @throws what infer::profile_peaks throws (modes = 0, an unknown or fixed parameter, a grid
///         outside its bounds, no converged fit) and what bayes::sample_multistart throws
[[nodiscard]] inline profile_peaks_sample sample_from_profile_peaks(const bayes::model_posterior& posterior, const std::string& parameter,
                                                                    const std::vector<double>& grid, std::size_t modes,
                                                                    const bayes::multistart_options& options) {
  const auto peaks = infer::profile_peaks(posterior.model(), posterior.data(), parameter, grid, modes);
  profile_peaks_sample out;
  std::vector<Eigen::VectorXd> thetas;
  for (const auto& peak : peaks) out.start_values.push_back(peak.value), thetas.push_back(peak.theta);
  out.result = bayes::sample_from_modes(posterior, thetas, options);
  return out;
}

/// sample_json of a run on `posterior` with, when `evidence`, ln Z by bridge sampling
/// (bayes::bridge_sampling_evidence with bayes::evidence_options_of(options)) under "evidence";
/// "seconds" counts from `begin` to the end of the evidence.
[[nodiscard]] inline nlohmann::json sample_json(const bayes::model_posterior& posterior, const bayes::nuts_result& draws,
                                                const bayes::posterior_summary& summary, const bayes::nuts_options& options,
                                                const std::vector<std::string>& reported, bool evidence, const std::string& out,
                                                std::chrono::steady_clock::time_point begin) {
  nlohmann::json z = nullptr;
  if (evidence) z = to_json(bayes::bridge_sampling_evidence(posterior.as_target(), draws, bayes::evidence_options_of(options)));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return sample_json(draws, summary, options, reported, posterior.names().size(), z, out, seconds);
}

}  // namespace rein::io
