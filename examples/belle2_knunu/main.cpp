// The real Belle II B+ → K+νν̄ combined (ITA + HTA) likelihood, published on HEPData: the best fit
// of the signal strength μ with its Hessian error and profile-likelihood interval, the observed
// and expected (μ = 1) discovery significance, and the 95% CL CLs upper limits on μ.
//
// usage: belle2_knunu [combined_likelihood.json]   (default: the copy in data/belle2-knunu)
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/infer/asymptotic.hpp>
#include <rein/infer/scan.hpp>
#include <rein/infer/significance.hpp>
#include <rein/infer/upper_limit.hpp>
#include <rein/io/json/workspace.hpp>
#include <rein/likelihood/make_model.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <exception>
#include <optional>
#include <iostream>
#include <string>

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : std::string(REIN_DATA_DIR) + "/belle2-knunu/combined_likelihood.json";
  const auto begin = std::chrono::steady_clock::now();

  const auto model = rein::likelihood::make_model(rein::io::read_workspace(path));
  const std::size_t mu = model.parameters().poi_index();
  const auto free = rein::fit::fit(model);
  rein::fit::fit_options mu_zero;
  mu_zero.fixed = {{"mu", 0.0}};
  mu_zero.errors = false;
  const auto background_only = rein::fit::fit(model, mu_zero);
  const double q0 = std::max(0.0, background_only.twice_nll - free.twice_nll);

  const auto significance = rein::infer::discovery_significance(model, model.observed());
  const auto scan = rein::infer::profile_scan(model, model.observed(), "mu", rein::infer::linear_grid(0, 10, 11));
  const rein::infer::asymptotic_calculator calculator(model, model.observed());
  const auto limit = rein::infer::upper_limit(calculator);
  const auto end = [](const std::optional<double>& x) { return x ? nlohmann::json(*x) : nlohmann::json(nullptr); };

  const bool ok = free.ok() && background_only.ok() && significance.status == rein::fit::fit_status::ok &&
                  scan.status == rein::fit::fit_status::ok && limit.fit_status == rein::fit::fit_status::ok;
  const nlohmann::json summary = {
      {"status", ok ? "ok" : "fit_failed"},
      {"likelihood", path},
      {"n_parameters", model.parameters().size()},
      {"mu_hat", free.values[static_cast<Eigen::Index>(mu)]},
      {"mu_error", free.errors[static_cast<Eigen::Index>(mu)]},
      {"mu_interval68", {end(scan.intervals[0].lower), end(scan.intervals[0].upper)}},
      {"mu_interval95", {end(scan.intervals[1].lower), end(scan.intervals[1].upper)}},
      {"twice_nll_free", free.twice_nll},
      {"twice_nll_mu0", background_only.twice_nll},
      {"q0", q0},
      {"sqrt_q0", std::sqrt(q0)},
      {"z_obs", significance.z_obs},
      {"z_exp", significance.z_exp},
      {"upper_limit95", {{"obs", limit.obs}, {"exp", limit.exp}, {"obs_status", rein::infer::to_string(limit.obs_status)}}},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}};
  std::cout << summary.dump(2) << '\n';
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "belle2_knunu: " << e.what() << '\n';
  return 1;
}
