// rein fit WS [--diagnostics [--hdf5 FILE.h5] | --starts N] [--fix NAME=VALUE ...] [model options]:
// maximum-likelihood fit, JSON on stdout; with --starts the lowest of N fits from spread start
// points; with --diagnostics also pre-/post-fit yields with uncertainties, the correlation matrix
// and the pulls (docs/diagnostics.md), with --hdf5 also as an HDF5 file.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/multistart.hpp"
#include "rein/infer/diagnostics.hpp"
#include "rein/io/json/diagnostics.hpp"
#include "rein/io/json/model_results.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/diagnostics.hpp"
#endif

#include <chrono>

namespace {

// --mask leaves the fit but not the predictions: the model is loaded whole, diagnostics masks it
int diagnostics(const rein::cli::arguments& args) {
  auto load_options = rein::cli::load_options_of(args);
  rein::infer::diagnostics_options options;
  options.masked = std::move(load_options.masked);
  load_options.masked.clear();
  const auto model = rein::cli::load(args, load_options).model;
  const auto begin = std::chrono::steady_clock::now();
  const auto result = rein::infer::diagnostics(model, options);
  auto out = rein::io::to_json(result, model);
  if (args.has("hdf5")) {  // the same numbers as HDF5, for models too large to read as JSON
    const std::string path = args.get("hdf5", "");
#ifdef REIN_HAS_HDF5
    rein::io::hdf5::write_diagnostics(path, result, model);
    out["hdf5"] = path;
#else
    throw rein::invalid_argument("--hdf5 " + path + ": this rein was built without HDF5");
#endif
  }
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return result.fit.ok() ? 0 : 3;
}

int fit(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::with_model_options({"diagnostics", "hdf5", "starts"}));
  if (args.has("diagnostics")) return diagnostics(args);
  if (args.has("hdf5")) throw rein::invalid_argument("--hdf5 FILE.h5 writes the diagnostics: give --diagnostics");
  const auto model = rein::cli::load_model(args);  // --fix NAME=VALUE holds parameters in the model
  const rein::fit::fit_options options;
  const auto begin = std::chrono::steady_clock::now();
  if (args.has("starts")) {
    const long starts = args.get_long("starts", 1);
    if (starts < 1 || starts > 100000)
      throw rein::invalid_argument("--starts " + std::to_string(starts) + ": need 1 to 100000 starts");
    const auto result = rein::fit::multistart_fit(model, model.observed(), options, static_cast<int>(starts));
    auto out = rein::io::to_json(result, model);
    out["seconds"] = rein::cli::seconds_since(begin);
    rein::cli::print_json(out);
    return result.best.ok() ? 0 : 3;
  }
  const auto result = rein::fit::fit(model, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  auto out = rein::io::to_json(result, model);
  out["seconds"] = seconds;
  rein::cli::print_json(out);
  return result.ok() ? 0 : 3;
}

const bool fit_registered = rein::cli::register_verb(
    {"fit",
     "fit WS [--diagnostics [--hdf5 FILE.h5] | --starts N] " + rein::cli::model_usage(),
     {"diagnostics"}, fit});

}  // namespace
