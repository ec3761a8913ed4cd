// rein impacts / gof: pulls, constraints and impacts on the POI; saturated-model goodness of fit.
// JSON on stdout.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"

#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/impacts.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <string>
#include <vector>


namespace {

using rein::cli::arguments;

using rein::cli::seconds_since;
using rein::cli::with_model_options;

using rein::cli::number;
using rein::cli::terminal_progress;

nlohmann::json pair_of(const std::array<double, 2>& values) { return {number(values[0]), number(values[1])}; }

unsigned threads_of(const arguments& args) {
  const long threads = args.get_long("threads", 1);
  if (threads < 1) throw rein::invalid_argument("--threads = " + std::to_string(threads) + ", must be >= 1");
  return static_cast<unsigned>(threads);
}

int impacts(const arguments& args) {
  args.allow_only(with_model_options({"parameter", "no-prefit", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  rein::infer::impacts_options options;
  options.parameters = args.all("parameter");
  options.prefit = !args.has("no-prefit");
  options.threads = threads_of(args);
  options.progress = terminal_progress("rein impacts: fits");
  const auto r = rein::infer::impacts(model, options);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : r.impacts)
    items.push_back({{"name", item.name},
                     {"constrained", item.constrained},
                     {"value", number(item.value)},
                     {"error", number(item.error)},
                     {"prefit_center", number(item.prefit_center)},
                     {"prefit_sigma", number(item.prefit_sigma)},
                     {"pull", number(item.pull)},
                     {"constraint", number(item.constraint)},
                     {"held_postfit", pair_of(item.postfit_held)},
                     {"held_prefit", pair_of(item.prefit_held)},
                     {"impact_postfit", pair_of(item.impact_postfit)},
                     {"impact_prefit", pair_of(item.impact_prefit)},
                     {"status", rein::fit::to_string(item.status)}});
  rein::cli::print_json({{"poi", r.poi},
                         {"mu_hat", number(r.mu_hat)},
                         {"mu_error", number(r.mu_error)},
                         {"twice_nll", number(r.free_fit.twice_nll)},
                         {"covariance_ok", r.free_fit.covariance_ok},
                         {"impacts", items},
                         {"definition", "impact = mu_hat(theta_i held) - mu_hat, theta_i held at theta_hat -/+ "
                                        "post-fit error or -/+ pre-fit width, clipped into its bounds; "
                                        "pairs are [down, up]; ranked by max |post-fit impact|"},
                         {"fits", r.fits},
                         {"threads", options.threads},
                         {"status", rein::fit::to_string(r.status)},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int gof(const arguments& args) {
  args.allow_only(with_model_options({"toys", "seed", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  rein::infer::goodness_of_fit_options options;
  const long toys = args.get_long("toys", 0);
  if (toys < 0) throw rein::invalid_argument("--toys = " + std::to_string(toys) + ", must be >= 0");
  options.n_toys = static_cast<std::size_t>(toys);
  const long seed = args.get_long("seed", 0);
  if (seed < 0) throw rein::invalid_argument("--seed = " + std::to_string(seed) + ", must be >= 0");
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = threads_of(args);
  if (options.n_toys > 0) options.progress = terminal_progress("rein gof: toys");
  const auto r = rein::infer::goodness_of_fit(model, options);
  nlohmann::json out = {{"q_saturated", number(r.q_saturated)},
                        {"q_main", number(r.q_main)},
                        {"q_constraint", number(r.q_constraint)},
                        {"ndf", r.ndf},
                        {"p_value", number(r.p_value)},
                        {"n_bins", r.n_bins},
                        {"n_free_parameters", r.n_free},
                        {"n_free_constrained", r.n_free_constrained},
                        {"ndf_convention", "n_bins + n_free_constrained - n_free_parameters"},
                        {"twice_nll", number(r.fit.twice_nll)},
                        {"status", rein::fit::to_string(r.status)},
                        {"warnings", r.warnings}};
  if (r.n_toys > 0) {
    nlohmann::json q = nlohmann::json::array();
    for (double x : r.toy_q) q.push_back(number(x));
    out["toys"] = {{"n_toys", r.n_toys},
                   {"seed", options.seed},
                   {"p_value", number(r.p_value_toys)},
                   {"p_value_error", number(r.p_value_toys_error)},
                   {"failed_fits", r.failed_fits},
                   {"q_saturated", q}};
  }
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const bool registered_impacts = rein::cli::register_verb(
    {"impacts", "impacts WS [--parameter NAME ...] [--no-prefit] [--threads T] " + rein::cli::model_usage(), {"no-prefit"}, impacts});
const bool registered_gof = rein::cli::register_verb(
    {"gof", "gof WS [--toys N [--seed S] [--threads T]] " + rein::cli::model_usage(), {}, gof});

}  // namespace
