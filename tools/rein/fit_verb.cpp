// rein fit WS [--fix NAME=VALUE ...]: maximum-likelihood fit, JSON on stdout.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/model_results.hpp"

#include <chrono>

namespace {

int fit(const rein::cli::arguments& args) {
  auto known = rein::cli::model_option_names();
  known.push_back("fix");
  args.allow_only(known);
  const auto model = rein::cli::load_model(args);
  rein::fit::fit_options options;
  for (const auto& item : args.all("fix")) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw rein::invalid_argument("--fix '" + item + "' must be NAME=VALUE");
    const std::string name = item.substr(0, eq);
    (void)model.parameters().index(name);
    options.fixed.emplace_back(name, rein::cli::parse_double(item.substr(eq + 1), "--fix " + name));
  }
  const auto begin = std::chrono::steady_clock::now();
  const auto result = rein::fit::fit(model, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  auto out = rein::io::to_json(result, model);
  out["seconds"] = seconds;
  rein::cli::print_json(out);
  return result.ok() ? 0 : 3;
}

const bool registered = rein::cli::register_verb(
    {"fit",
     "fit WS [--fix NAME=VALUE ...] " + rein::cli::model_usage(),
     {}, fit});

}  // namespace
