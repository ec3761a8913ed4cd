// The real Belle II B+ → K+νν̄ combined (ITA + HTA) likelihood, published on HEPData: the best fit
// of the signal strength μ, its Hessian error, and the likelihood ratio to μ = 0.
//
// usage: belle2_knunu [combined_likelihood.json]   (default: the copy in data/belle2-knunu)
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/io/json/workspace.hpp>
#include <rein/likelihood/make_model.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <exception>
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

  const bool ok = free.ok() && background_only.ok();
  const nlohmann::json summary = {
      {"status", ok ? "ok" : "fit_failed"},
      {"likelihood", path},
      {"n_parameters", model.parameters().size()},
      {"mu_hat", free.values[static_cast<Eigen::Index>(mu)]},
      {"mu_error", free.errors[static_cast<Eigen::Index>(mu)]},
      {"twice_nll_free", free.twice_nll},
      {"twice_nll_mu0", background_only.twice_nll},
      {"q0", q0},
      {"sqrt_q0", std::sqrt(q0)},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}};
  std::cout << summary.dump(2) << '\n';
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "belle2_knunu: " << e.what() << '\n';
  return 1;
}
