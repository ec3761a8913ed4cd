// rein impacts / gof / compatibility: pulls, constraints and impacts on the POI; goodness of fit
// (saturated, KS, AD); channel compatibility.
// JSON on stdout.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"

#include "rein/infer/channel_compatibility.hpp"
#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/io/json/infer_results.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace {

using rein::cli::arguments;

using rein::cli::seconds_since;
using rein::cli::with_model_options;

using rein::cli::terminal_progress;

unsigned threads_of(const arguments& args) {
  const long threads = args.get_long("threads", 1);
  if (threads < 1) throw rein::invalid_argument("--threads = " + std::to_string(threads) + ", must be >= 1");
  return static_cast<unsigned>(threads);
}

// --toys N (default 0: none), --seed S (default 0), both ≥ 0, and --threads of gof and compatibility
template <class Options>
void read_toys(const arguments& args, Options& options) {
  const long toys = args.get_long("toys", 0);
  if (toys < 0) throw rein::invalid_argument("--toys = " + std::to_string(toys) + ", must be >= 0");
  options.n_toys = static_cast<std::size_t>(toys);
  const long seed = args.get_long("seed", 0);
  if (seed < 0) throw rein::invalid_argument("--seed = " + std::to_string(seed) + ", must be >= 0");
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = threads_of(args);
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
  auto out = rein::io::to_json(r, options.threads);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int gof(const arguments& args) {
  args.allow_only(with_model_options({"toys", "seed", "threads", "algo"}));
  const auto begin = std::chrono::steady_clock::now();
  rein::infer::goodness_of_fit_options options;
  options.algorithm = rein::infer::gof_algorithm_from_string(args.get("algo", "saturated"));
  const auto model = rein::cli::load_model(args);
  read_toys(args, options);
  if (options.n_toys > 0) options.progress = terminal_progress("rein gof: toys");
  const auto r = rein::infer::goodness_of_fit(model, options);
  auto out = rein::io::to_json(r, options.seed);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

// Combine's ChannelCompatibilityCheck: each channel's own POI against the common one.
int compatibility(const arguments& args) {
  args.allow_only(with_model_options({"toys", "seed", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  rein::infer::channel_compatibility_options options;
  read_toys(args, options);
  if (options.n_toys > 0) options.progress = terminal_progress("rein compatibility: toys");
  const auto r = rein::infer::channel_compatibility(model, options);
  auto out = rein::io::to_json(r, options.seed);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const bool registered_impacts = rein::cli::register_verb(
    {"impacts", "impacts WS [--parameter NAME ...] [--no-prefit] [--threads T] " + rein::cli::model_usage(), {"no-prefit"}, impacts});
const bool registered_gof = rein::cli::register_verb(
    {"gof", "gof WS [--algo saturated|ks|ad] [--toys N [--seed S] [--threads T]] " + rein::cli::model_usage(), {}, gof});
const bool compatibility_registered = rein::cli::register_verb(
    {"compatibility", "compatibility WS [--toys N [--seed S] [--threads T]] " + rein::cli::model_usage(), {}, compatibility});

}  // namespace
