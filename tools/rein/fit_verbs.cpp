// rein fit, expected, inspect, breakdown, impacts, gof, compatibility: one model, its fit and what
// follows from it (diagnostics, yields, pulls and impacts, goodness of fit). JSON on stdout.
#include "cli.hpp"

#include "rein/core/detail/check.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/multistart.hpp"
#include "rein/infer/breakdown.hpp"
#include "rein/infer/channel_compatibility.hpp"
#include "rein/infer/diagnostics.hpp"
#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/io/json/diagnostics.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/require_finite.hpp"
#include "rein/io/load_options_text.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/diagnostics.hpp"
#endif

namespace {

using namespace rein;
using cli::arguments;
using clock_type = std::chrono::steady_clock;

// --diagnostics: --mask leaves the fit but not the predictions, so the model is loaded whole
int diagnostics(const arguments& args) {
  auto load_options = cli::load_options_of(args);
  infer::diagnostics_options options;
  options.masked = std::move(load_options.masked);
  load_options.masked.clear();
  const auto model = cli::load(args, load_options).model;
  const auto begin = clock_type::now();
  const auto result = infer::diagnostics(model, options);
  auto out = io::to_json(result, model);
  if (args.has("hdf5")) {  // the same numbers as HDF5, for models too large to read as JSON
    const std::string path = args.get("hdf5", "");
#ifdef REIN_HAS_HDF5
    io::hdf5::write_diagnostics(path, result, model);
    out["hdf5"] = path;
#else
    throw invalid_argument("--hdf5 " + path + ": this rein was built without HDF5");
#endif
  }
  return cli::finish(out, begin, result.fit.ok());
}

int fit_verb(const arguments& args) {
  if (args.has("diagnostics")) return diagnostics(args);
  if (args.has("hdf5")) throw invalid_argument("--hdf5 FILE.h5 writes the diagnostics: give --diagnostics");
  const auto model = cli::load_model(args);
  const auto begin = clock_type::now();
  if (args.has("starts")) {
    const long starts = args.get_long("starts", 1);
    if (starts < 1 || starts > 100000) throw invalid_argument("--starts " + std::to_string(starts) + ": need 1 to 100000 starts");
    const auto result = fit::multistart_fit(model, model.observed(), {}, static_cast<int>(starts));
    return cli::finish(io::to_json(result, model), begin, result.best.ok());
  }
  const auto result = fit::fit(model, fit::fit_options{});
  return cli::finish(io::to_json(result, model), begin, result.ok());
}

// the expected main-bin yields at the inits, changed by --set NAME=VALUE
int expected(const arguments& args) {
  const auto model = cli::load_model(args);
  Eigen::VectorXd theta = model.parameters().inits();
  for (const auto& [name, value] : io::named_numbers_of_text(args.all("set"), "--set")) {
    const auto& p = model.parameters()[model.parameters().index(name)];
    if (!(p.lower <= value && value <= p.upper))
      throw invalid_argument("--set " + name + "=" + rein::detail::format_value(value) + " lies outside its bounds [" +
                             rein::detail::format_value(p.lower) + ", " + rein::detail::format_value(p.upper) + "]");
    theta[static_cast<Eigen::Index>(model.parameters().index(name))] = value;
  }
  const auto out = io::expected_yields_json(model, theta);
  io::require_finite(out, "rein expected");
  cli::print_json(out);
  return 0;
}

// a workspace's channels, samples, parameters and modifiers; a patchset's points
int inspect(const arguments& args) {
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace) or PATCHSET");
  if (args.positional_count() == 1 && !args.has("patch"))
    if (const auto ps = io::patchset_file(path)) {
      args.allow_only({});
      cli::print_json(io::patchset_summary_json(*ps));
      return 0;
    }
  const auto out = io::describe_json(cli::load(args, cli::load_options_of(args)));
  io::require_finite(out, "rein inspect");
  cli::print_json(out);
  return 0;
}

// the POI's uncertainty split into stat, each --group and modifier type, and syst
int breakdown(const arguments& args) {
  const auto begin = clock_type::now();
  const auto options = cli::load_options_of(args);
  const auto loaded = cli::load(args, options);
  const auto r = infer::breakdown(loaded.model, infer::breakdown_groups(options.groups, loaded.workspace, loaded.model.parameters()));
  return cli::finish(io::to_json(r), begin, r.status == fit::fit_status::ok);
}

int impacts(const arguments& args) {
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  infer::impacts_options options;
  options.parameters = args.all("parameter");
  options.prefit = !args.has("no-prefit");
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  options.progress = cli::terminal_progress("rein impacts: fits");
  const auto r = infer::impacts(model, options);
  return cli::finish(io::to_json(r, options.threads), begin, r.status == fit::fit_status::ok);
}

// --toys N (default 0: none), --seed S, --threads T of gof and compatibility
template <class Options>
Options toys_of(const arguments& args, Options options, const std::string& what) {
  options.n_toys = args.count("toys", 0, 0);
  options.seed = args.count("seed", 0, 0);
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  if (options.n_toys > 0) options.progress = cli::terminal_progress("rein " + what + ": toys");
  return options;
}

int gof(const arguments& args) {
  const auto begin = clock_type::now();
  infer::goodness_of_fit_options options;
  options.algorithm = infer::gof_algorithm_from_string(args.get("algo", "saturated"));
  const auto model = cli::load_model(args);
  options = toys_of(args, options, "gof");
  const auto r = infer::goodness_of_fit(model, options);
  return cli::finish(io::to_json(r, options.seed), begin, r.status == fit::fit_status::ok);
}

// Combine's ChannelCompatibilityCheck: each channel's own POI against the common one
int compatibility(const arguments& args) {
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  const auto options = toys_of(args, infer::channel_compatibility_options{}, "compatibility");
  const auto r = infer::channel_compatibility(model, options);
  return cli::finish(io::to_json(r, options.seed), begin, r.status == fit::fit_status::ok);
}

const auto& toy_table = cli::toy_options();

const bool fit_registered = cli::register_verb(
    {"fit", "WS",
     {{"diagnostics", "", "also yields, correlations and pulls pre- and post-fit"},
      {"hdf5", "FILE.h5", "the diagnostics also as HDF5"}, {"starts", "N", "the best of N fits from spread start points"}},
     true, fit_verb});
const bool expected_registered =
    cli::register_verb({"expected", "FILE", {{"set", "NAME=VALUE", "a parameter's value (default: its init)", true}}, true, expected});
const bool inspect_registered = cli::register_verb({"inspect", "PATCHSET (its points) | inspect WS", {}, true, inspect});
const bool breakdown_registered = cli::register_verb({"breakdown", "WS", {}, true, breakdown});
const bool impacts_registered = cli::register_verb(
    {"impacts", "WS",
     {{"parameter", "NAME", "only these nuisance parameters (default: all)", true}, {"no-prefit", "", "skip the pre-fit impacts"}, toy_table[2]},
     true, impacts});
const bool gof_registered =
    cli::register_verb({"gof", "WS", {{"algo", "saturated|ks|ad", "the statistic"}, toy_table[0], toy_table[1], toy_table[2]}, true, gof});
const bool compatibility_registered = cli::register_verb({"compatibility", "WS", toy_table, true, compatibility});

}  // namespace
