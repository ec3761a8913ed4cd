// io/likelihood_ratio_run.hpp, the call behind `rein lrt`: the likelihood-ratio test of μ = 0 in a
// one-bin counting experiment against its closed form, q = 2[n ln(n/b) − (n − b)] for n > b with
// p = P(χ²₁ ≥ q) = erfc(√(q/2)), with and without toys, and its scan over a parameter that only
// scales the signal (q is the same at every held value: μ̂ absorbs it).
#include "rein/io/json/workspace.hpp"
#include "rein/io/likelihood_ratio_run.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <vector>

namespace likelihood_ratio_run_test {

namespace {

// n = 8 over b = 3, signal 1·μ·k: μ ∈ [0, 60] (the tested one), k ∈ [0.5, 3] (the signal's scale)
rein::likelihood::model counting() {
  return rein::likelihood::make_model(rein::io::workspace_from_json(nlohmann::json::parse(R"({
    "channels": [{"name": "c", "samples": [
      {"name": "s", "data": [1.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null},
                                                 {"name": "k", "type": "normfactor", "data": null}]},
      {"name": "b", "data": [3.0], "modifiers": []}]}],
    "observations": [{"name": "c", "data": [8.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [
      {"name": "mu", "bounds": [[0, 60]]}, {"name": "k", "bounds": [[0.5, 3]], "inits": [1.0], "fixed": true}]}}],
    "version": "1.0.0"})"), "counting.json"));
}

const double exact_q = 2 * (8 * std::log(8.0 / 3.0) - 5);

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("likelihood_ratio_run: the test of mu = 0 against its closed form, then calibrated by toys") {
    const auto model = counting();
    const auto out = rein::io::likelihood_ratio_json(model, {{"mu", 0.0}}, std::nullopt);
    CHECK(out["status"] == "ok");
    // the fits converge to |Δ2nll| ≲ 1e-9: q ≈ 5.69 to 1e-7 relative
    REIN_CHECK_REL(out["q"].get<double>(), exact_q, 1e-7);
    REIN_CHECK_REL(out["p_chi2"].get<double>(), std::erfc(std::sqrt(exact_q / 2)), 1e-6);
    CHECK(out["toys"].is_null());
    rein::infer::toy_options toys;
    toys.n_toys = 40, toys.seed = 9, toys.threads = 2;
    const auto calibrated = rein::io::likelihood_ratio_json(model, {{"mu", 0.0}}, toys);
    CHECK(calibrated["toys"]["n"] == 40);
    CHECK(calibrated["seed"] == 9);
    REIN_CHECK_REL(calibrated["q"].get<double>(), exact_q, 1e-7);
  }

  TEST_CASE("likelihood_ratio_run: the scan over the signal's scale (rein lrt --over)") {
    const auto model = counting();
    const auto out = rein::io::global_significance_json(model, {{"mu", 0.0}}, "k", {1.0, 2.0}, std::nullopt, 1.0);
    REQUIRE(out["points"].size() == 2);
    for (const auto& point : out["points"]) REIN_CHECK_REL(point["q"].get<double>(), exact_q, 1e-7);
    REIN_CHECK_REL(out["local"]["q"].get<double>(), exact_q, 1e-7);
    CHECK(out["toys"].is_null());
    CHECK(out["global"]["upcrossing_level"] == 1.0);
  }
}

}  // namespace likelihood_ratio_run_test
