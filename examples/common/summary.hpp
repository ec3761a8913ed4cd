#pragma once

// What the synthetic examples print: a limit with its expected band, a closure on Asimov data,
// and the post-fit yields that scripts/rein-plot postfit draws. Shared so that every example
// writes them the same way.
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/infer/asymptotic.hpp>
#include <rein/infer/upper_limit.hpp>
#include <rein/likelihood/model.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace examples {

/// {"obs", "exp" [5], "obs_status", "exp_status" [5]}, the limits multiplied by `unit`.
inline nlohmann::json limit_json(const rein::infer::upper_limit_result& r, double unit) {
  nlohmann::json exp = nlohmann::json::array(), exp_status = nlohmann::json::array();
  for (std::size_t k = 0; k < 5; ++k) {
    exp.push_back(r.exp[k] * unit);
    exp_status.push_back(rein::infer::to_string(r.exp_status[k]));
  }
  return {{"obs", r.obs * unit}, {"exp", exp}, {"obs_status", rein::infer::to_string(r.obs_status)},
          {"exp_status", exp_status}};
}

/// The asymptotic CLs upper limit at `cl` on the model's POI; `ok` is cleared unless its fits
/// and the observed limit ended ok.
inline rein::infer::upper_limit_result upper_limit(const rein::likelihood::model& model, double cl, bool& ok) {
  const rein::infer::asymptotic_calculator calculator(model, model.observed());
  rein::infer::upper_limit_options options;
  options.cl = cl;
  const auto limit = rein::infer::upper_limit(calculator, options);
  ok = ok && limit.fit_status == rein::fit::fit_status::ok && limit.obs_status == rein::infer::limit_status::ok;
  return limit;
}

/// Closure: Asimov data at `injected` (parameter name → value, the rest nominal), fitted freely;
/// per parameter {"injected", "fitted", "error", "fit_status"}, values multiplied by `unit`.
/// `ok` is cleared unless the fit and its covariance are ok.
inline nlohmann::json closure(const rein::likelihood::model& model,
                              const std::vector<std::pair<std::string, double>>& injected, double unit, bool& ok) {
  Eigen::VectorXd truth = model.parameters().inits();
  for (const auto& [name, value] : injected) truth[static_cast<Eigen::Index>(model.parameters().index(name))] = value;
  const auto fit = rein::fit::fit(model, rein::infer::asimov_data(model, truth));
  ok = ok && fit.ok() && fit.covariance_ok;
  nlohmann::json out;
  for (const auto& [name, value] : injected) {
    const auto i = static_cast<Eigen::Index>(model.parameters().index(name));
    out[name] = {{"injected", value * unit}, {"fitted", fit.values[i] * unit}, {"error", fit.errors[i] * unit},
                 {"fit_status", rein::fit::to_string(fit.status)}};
  }
  return out;
}

/// The free fit to the observed data, as the post-fit plot wants it:
/// {"channels": [{"name", "observed" [bins], "samples": [{"name", "yields" [bins]}]}], "status"}.
inline nlohmann::json postfit(const rein::likelihood::model& model) {
  rein::fit::fit_options options;
  options.errors = false;
  const auto best = rein::fit::fit(model, options);
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : c.samples) {
      const Eigen::VectorXd y = model.expected_sample(best.values, c.name, s);
      samples.push_back({{"name", s}, {"yields", std::vector<double>(y.data(), y.data() + y.size())}});
    }
    const auto& n = model.observed().main;
    channels.push_back({{"name", c.name},
                        {"observed", std::vector<double>(n.data() + c.offset, n.data() + c.offset + c.bins)},
                        {"samples", samples}});
  }
  return {{"channels", channels}, {"status", rein::fit::to_string(best.status)}};
}

}  // namespace examples
