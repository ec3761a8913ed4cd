// rein fit WS [--fix NAME=VALUE ...] [model options]: maximum-likelihood fit, JSON on stdout.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/model_results.hpp"

#include <chrono>

namespace {

int fit(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::model_option_names());
  const auto model = rein::cli::load_model(args);  // --fix NAME=VALUE holds parameters in the model
  const rein::fit::fit_options options;
  const auto begin = std::chrono::steady_clock::now();
  const auto result = rein::fit::fit(model, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  auto out = rein::io::to_json(result, model);
  out["seconds"] = seconds;
  rein::cli::print_json(out);
  return result.ok() ? 0 : 3;
}

const bool fit_registered = rein::cli::register_verb(
    {"fit",
     "fit WS " + rein::cli::model_usage(),
     {}, fit});

}  // namespace
