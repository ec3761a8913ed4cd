#pragma once

// The JSON form of a multi-start posterior (bayes/multistart.hpp): what `rein sample --multistart`
// prints, the keys of `rein sample` (io/json/posterior.hpp sample_json) plus "modes".
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/multistart.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/io/json/posterior.hpp"
#include "rein/io/json/read_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace rein::io {

namespace detail {

// Per parameter, the worst of the modes' diagnostics: the largest R̂, the smallest ESS. R̂ across
// modes says nothing (the chains of separated modes never mix); within each, it does.
inline bayes::diagnostics_report worst_mode_diagnostics(const bayes::multistart_result& r) {
  bayes::diagnostics_report worst;
  for (const auto& mode : r.modes) {
    if (worst.parameters.empty()) {
      worst.parameters = mode.diagnostics.parameters;
      continue;
    }
    for (std::size_t i = 0; i < worst.parameters.size() && i < mode.diagnostics.parameters.size(); ++i) {
      auto& w = worst.parameters[i];
      const auto& d = mode.diagnostics.parameters[i];
      // NaN (no diagnostics) wins: an unknown R̂ is not a good one
      const auto larger = [](double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b); };
      const auto smaller = [](double a, double b) { return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b); };
      w.rhat = larger(w.rhat, d.rhat);
      w.ess_bulk = smaller(w.ess_bulk, d.ess_bulk);
      w.ess_tail = smaller(w.ess_tail, d.ess_tail);
    }
  }
  worst.warnings = r.warnings;
  return worst;
}

}  // namespace detail

/// What `rein sample --multistart NAME=LO:HI:N` prints: the keys of sample_json, summarising the
/// mixture (r.combined) with each parameter's worst within-mode R̂ and ESS, and "modes": for each
/// mode the values of `over` it was started from (`starts`), `weight`, `weight_error`, `log_z`,
/// `log_z_error`, `evidence_converged` and the summaries of `reported` within the mode. `sampler`
/// adds `starts` and `chains_per_start` (its `chains` counts every chain), `evidence` (when
/// `evidence` is true) is the mixture's ln Z with its error, and `status` is "ok" when every run
/// is ok and every mode converged on `reported`.
/// @param combined bayes::summarize(r.combined), computed once by the caller, who also writes the draws
/// @param start_values the value of `over` at each start, in the order of the starts
inline nlohmann::json multistart_sample_json(const bayes::multistart_result& r, const bayes::posterior_summary& combined,
                                             const bayes::multistart_options& options,
                                             const std::string& over, const std::vector<double>& start_values,
                                             const std::vector<std::string>& reported, std::size_t n_sampled, bool evidence,
                                             const std::string& out, double seconds) {
  bool converged = r.status == bayes::sample_status::ok;
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& mode : r.modes) {
    std::vector<double> starts;
    for (const std::size_t k : mode.starts) starts.push_back(start_values.at(k));
    for (const auto& name : reported) {
      const auto i = static_cast<std::size_t>(std::find(mode.draws.names.begin(), mode.draws.names.end(), name) - mode.draws.names.begin());
      converged = converged && i < mode.diagnostics.parameters.size() && bayes::converged(mode.diagnostics.parameters[i], options.nuts.diagnostics);
    }
    modes.push_back({{"starts", starts},
                     {"weight", detail::bound_json(mode.weight)},
                     {"weight_error", detail::bound_json(mode.weight_error)},
                     {"log_z", detail::bound_json(mode.evidence.log_z)},
                     {"log_z_error", detail::bound_json(mode.evidence.log_z_error)},
                     {"evidence_converged", mode.evidence.converged},
                     {"parameters", posterior_summary_json(mode.draws, bayes::summarize(mode.draws), mode.diagnostics, reported)}});
  }
  const auto& nuts = options.nuts;
  const nlohmann::json sampler = {{"algorithm", "nuts"}, {"metric", bayes::to_string(nuts.metric)},
                                  {"chains", nuts.chains * start_values.size()}, {"chains_per_start", nuts.chains},
                                  {"starts", start_values}, {"over", over}, {"warmup", nuts.warmup}, {"draws", nuts.draws},
                                  {"seed", nuts.seed}, {"threads", nuts.threads}, {"divergent", r.divergent},
                                  {"gradient_evaluations", r.gradient_evaluations}, {"status", bayes::to_string(r.status)},
                                  {"seconds", r.seconds}};
  const nlohmann::json z = evidence ? nlohmann::json{{"method", "bridge"}, {"log_z", detail::bound_json(r.log_z)},
                                                     {"log_z_error", detail::bound_json(r.log_z_error)}, {"modes", r.modes.size()}}
                                    : nlohmann::json(nullptr);
  return {{"evidence", z},
          {"parameters", posterior_summary_json(r.combined, combined, detail::worst_mode_diagnostics(r), reported)},
          {"sampler", sampler},
          {"n_sampled", n_sampled},
          {"warnings", r.warnings},
          {"out", out.empty() ? nlohmann::json(nullptr) : nlohmann::json(out)},
          {"modes", modes},
          {"status", converged ? "ok" : "not_converged"},
          {"seconds", seconds}};
}

}  // namespace rein::io
