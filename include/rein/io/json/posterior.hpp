#pragma once

// The JSON forms of a posterior: the summaries of chosen parameters with their diagnostics and
// verdict, the sampler's account of a NUTS run (`rein sample`), and the draws themselves — the
// JSON twin of io/hdf5/posterior_draws.hpp (format "rein-posterior-draws", version 1).
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/evidence.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/core/error.hpp"
#include "rein/io/json/read_json.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// The summaries (mean, sd, modes, HDIs, upper limits) and diagnostics (R̂, bulk and tail ESS) of
/// the parameters `names` of `draws`, as an object keyed by name. Two modes, under explicit keys:
/// `marginal_mode`, the maximum of each parameter's own (marginal) density, a reflected Gaussian
/// KDE of its draws; `joint_mode`, the parameter's value at the draw of highest posterior density
/// ln p(θ) over all chains (the joint mode as well as the draws resolve it; null when the draws
/// carry no ln p). `mode` is `marginal_mode`, as it always was here. The two differ where a
/// marginal is a plateau or skewed by the other parameters.
/// @throws invalid_argument for a name that `draws` does not hold
inline nlohmann::json posterior_summary_json(const bayes::posterior_draws& draws, const bayes::posterior_summary& summary,
                                             const bayes::diagnostics_report& diagnostics,
                                             const std::vector<std::string>& names) {
  // the draw of highest ln p(θ): (chain, draw), or none
  std::optional<std::pair<std::size_t, Eigen::Index>> densest;
  double highest = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < draws.log_prob.size() && c < draws.chains.size(); ++c)
    for (Eigen::Index d = 0; d < draws.log_prob[c].size() && d < draws.chains[c].rows(); ++d)
      if (draws.log_prob[c][d] > highest) highest = draws.log_prob[c][d], densest.emplace(c, d);
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& name : names) {
    const auto found = std::find(draws.names.begin(), draws.names.end(), name);
    if (found == draws.names.end())
      throw invalid_argument("rein::io::posterior_summary_json: no parameter '" + name + "' in the draws");
    const auto i = static_cast<std::size_t>(found - draws.names.begin());
    const auto& s = summary.parameters[i];
    const auto& d = diagnostics.parameters[i];
    nlohmann::json hdi = nlohmann::json::object();
    for (const auto& h : s.hdi)
      hdi[std::to_string(static_cast<int>(std::lround(100 * h.prob)))] = {{"lower", h.lower}, {"upper", h.upper}, {"kind", h.kind}};
    const nlohmann::json joint = densest ? nlohmann::json(draws.chains[densest->first](densest->second, static_cast<Eigen::Index>(i)))
                                         : nlohmann::json(nullptr);
    parameters[name] = {{"mean", s.mean}, {"sd", s.sd}, {"mode", s.mode}, {"marginal_mode", s.mode}, {"joint_mode", joint},
                        {"hdi95", {s.hdi[1].lower, s.hdi[1].upper}}, {"hdi", hdi},
                        {"upper_limit90", s.upper_limits[0]}, {"upper_limit95", s.upper_limits[1]},
                        {"rhat", detail::bound_json(d.rhat)}, {"ess_bulk", detail::bound_json(d.ess_bulk)},
                        {"ess_tail", detail::bound_json(d.ess_tail)}};
  }
  return parameters;
}

/// Whether a NUTS run can be trusted for the parameters `names`: every chain ok and each of them
/// bayes::converged under the run's diagnostics thresholds.
inline bool posterior_converged(const bayes::nuts_result& draws, const bayes::nuts_options& options,
                                const std::vector<std::string>& names) {
  if (draws.status != bayes::sample_status::ok) return false;
  for (const auto& name : names) {
    const auto i = static_cast<std::size_t>(std::find(draws.names.begin(), draws.names.end(), name) - draws.names.begin());
    if (i >= draws.diagnostics.parameters.size() || !bayes::converged(draws.diagnostics.parameters[i], options.diagnostics))
      return false;
  }
  return true;
}

/// The sampler's account of a NUTS run: settings, divergences, gradient evaluations, status, time.
inline nlohmann::json to_json(const bayes::nuts_result& draws, const bayes::nuts_options& options) {
  std::size_t evaluations = 0;
  for (const auto& s : draws.stats) evaluations += s.n_evaluations;
  return {{"algorithm", "nuts"}, {"metric", bayes::to_string(options.metric)}, {"chains", options.chains},
          {"warmup", options.warmup}, {"draws", options.draws}, {"seed", options.seed}, {"threads", options.threads},
          {"divergent", draws.n_divergent()}, {"gradient_evaluations", evaluations},
          {"status", bayes::to_string(draws.status)}, {"seconds", draws.seconds}};
}

/// The draws as JSON: names, chains[c][k][i] (draw k of parameter i in chain c) and log_prob[c][k].
inline nlohmann::json to_json(const bayes::posterior_draws& draws) {
  nlohmann::json chains = nlohmann::json::array(), log_prob = nlohmann::json::array();
  for (std::size_t c = 0; c < draws.n_chains(); ++c) {
    nlohmann::json chain = nlohmann::json::array();
    for (Eigen::Index k = 0; k < draws.chains[c].rows(); ++k) {
      const Eigen::VectorXd row = draws.chains[c].row(k);
      chain.push_back(std::vector<double>(row.data(), row.data() + row.size()));
    }
    chains.push_back(chain);
    log_prob.push_back(std::vector<double>(draws.log_prob[c].data(), draws.log_prob[c].data() + draws.log_prob[c].size()));
  }
  return {{"format", "rein-posterior-draws"}, {"format_version", "1"}, {"names", draws.names},
          {"chains", chains}, {"log_prob", log_prob}};
}

/// Writes the draws as JSON (to_json above, compact) to `path`.
/// @throws io_error when the file cannot be written
inline void write_posterior_draws_json(const std::string& path, const bayes::posterior_draws& draws) {
  write_json(to_json(draws), path, 0);
}

/// ln Z of a posterior by bridge sampling with its standard error and how it was reached (what
/// `rein sample --evidence bridge` prints under "evidence").
inline nlohmann::json to_json(const bayes::evidence_result& z) {
  return {{"method", "bridge"},           {"log_z", z.log_z},   {"log_z_error", z.log_z_error},
          {"iterations", z.iterations},   {"converged", z.converged}, {"posterior_draws", z.posterior_draws},
          {"proposal_draws", z.proposal_draws}};
}

/// What `rein sample` prints (and rein.sample's summary): the posterior summaries of `reported`,
/// the sampler's account, the number of parameters sampled, the diagnostics' warnings, `evidence`
/// (to_json of an evidence_result, or null), the draws file `out` ("" prints null), status "ok"
/// when posterior_converged (else "not_converged") and the wall time `seconds`.
inline nlohmann::json sample_json(const bayes::nuts_result& draws, const bayes::posterior_summary& summary,
                                  const bayes::nuts_options& options, const std::vector<std::string>& reported, std::size_t n_sampled,
                                  const nlohmann::json& evidence, const std::string& out, double seconds) {
  return {{"evidence", evidence},
          {"parameters", posterior_summary_json(draws, summary, draws.diagnostics, reported)},
          {"sampler", to_json(draws, options)},
          {"n_sampled", n_sampled},
          {"warnings", draws.diagnostics.warnings},
          {"out", out.empty() ? nlohmann::json(nullptr) : nlohmann::json(out)},
          {"status", posterior_converged(draws, options, reported) ? "ok" : "not_converged"},
          {"seconds", seconds}};
}

}  // namespace rein::io
