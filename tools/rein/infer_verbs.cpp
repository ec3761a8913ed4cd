// rein cls / upper-limit / significance / scan: frequentist inference on a workspace, JSON on stdout.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "shard.hpp"

#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace rein::cli {

infer::toy_options toy_options_of(const arguments& args) {
  infer::toy_options options;
  options.statistic = infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  const long toys = args.get_long("toys", 0), seed = args.get_long("seed", 0), threads = args.get_long("threads", 1);
  if (toys < 1) throw invalid_argument("--toys " + std::to_string(toys) + ": need at least one toy");
  if (seed < 0) throw invalid_argument("--seed " + std::to_string(seed) + ": must be >= 0");
  if (threads < 1) throw invalid_argument("--threads " + std::to_string(threads) + ": must be >= 1");
  options.n_toys = static_cast<std::size_t>(toys);
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = static_cast<unsigned>(threads);
  options.progress = terminal_progress("rein: toys");
  return options;
}

std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what) {
  if (isatty(STDERR_FILENO) == 0) return {};
  const auto begin = std::chrono::steady_clock::now();
  return [what, begin](std::size_t done, std::size_t total) {
    const auto minutes_seconds = [](double seconds) {
      const auto s = static_cast<long>(std::lround(seconds));
      return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
    };
    const double elapsed = seconds_since(begin);
    // the rest at the rate so far; when done, the time it took
    const std::string time = done == total ? ", " + minutes_seconds(elapsed)
                             : done > 0    ? ", ETA " + minutes_seconds(elapsed * static_cast<double>(total - done) / static_cast<double>(done))
                                           : "";
    // \033[K clears what a longer earlier line left behind
    std::fprintf(stderr, "\r%s %zu/%zu%s\033[K%s", what.c_str(), done, total, time.c_str(), done == total ? "\n" : "");
    std::fflush(stderr);
  };
}

std::vector<double> scan_grid(const std::string& range, const std::string& option) {
  const auto first = range.find(':'), second = range.rfind(':');
  if (range.empty() || first == second)
    throw invalid_argument(option + " '" + range + "' must be LO:HI:N, e.g. 0:10:21");
  const std::string count = range.substr(second + 1);
  char* end = nullptr;
  const long n = std::strtol(count.c_str(), &end, 10);
  if (count.empty() || *end != '\0') throw invalid_argument(option + " N = '" + count + "' is not an integer");
  return infer::linear_grid(parse_double(range.substr(0, first), option + " LO"),
                            parse_double(range.substr(first + 1, second - first - 1), option + " HI"), static_cast<int>(n));
}

}  // namespace rein::cli

namespace {

using rein::cli::arguments;
using rein::cli::seconds_since;
using rein::cli::with_model_options;

rein::infer::asymptotic_options asymptotic_options_of(const arguments& args) {
  rein::infer::asymptotic_options options;
  options.statistic = rein::infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  return options;
}

// A slice of the toys of `rein cls --toys`: the test statistic of each toy (null: its fit failed).
int cls_toy_shard(const arguments& args, const rein::likelihood::model& model, double mu, const rein::cli::shard& s) {
  const auto options = rein::cli::toy_options_of(args);
  const auto g = rein::infer::toy_generators_at(model, model.observed(), mu, options);
  const auto [first, end] = rein::cli::slice(options.n_toys, s);
  auto out = rein::io::toy_shard_json(rein::cli::shard_record("cls", s, args), mu, g.q_obs, g.status, first,
                                      rein::infer::toy_statistics(model, g.signal_background, mu, 0, first, end - first, options),
                                      rein::infer::toy_statistics(model, g.background, mu, 1, first, end - first, options));
  rein::cli::sign_shard(out, "cls", args);
  rein::cli::print_json(out);
  return g.status == rein::fit::fit_status::ok ? 0 : 3;
}

int cls(const arguments& args) {
  args.allow_only(with_model_options({"mu", "test-stat", "toys", "seed", "threads", "shard"}));
  if (!args.has("mu")) throw rein::invalid_argument("missing --mu X, the signal strength to test");
  const double mu = args.get_double("mu", 0);
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const auto shard = rein::cli::shard_of(args);
  if (shard && !args.has("toys")) throw rein::invalid_argument("--shard splits toys: give --toys N");
  if (shard) return cls_toy_shard(args, model, mu, *shard);
  if (args.has("toys")) {
    const auto options = rein::cli::toy_options_of(args);
    const auto r = rein::infer::toy_hypotest(model, model.observed(), mu, options);
    auto out = rein::io::to_json(r, options);
    out["seconds"] = seconds_since(begin);
    rein::cli::print_json(out);
    return out["status"] == "ok" ? 0 : 3;
  }
  for (const char* name : {"seed", "threads"})
    if (args.has(name)) throw rein::invalid_argument(std::string("--") + name + " applies to toys: give --toys N");
  const rein::infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  const auto r = calculator.hypotest(mu);
  auto out = rein::io::to_json(r, calculator);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

// The limit of one model as `rein upper-limit` prints it; `ok` says whether every fit converged
// (and, with toys, whether few enough toy fits failed).
nlohmann::json limit_json(const arguments& args, const rein::likelihood::model& model, bool& ok) {
  rein::infer::upper_limit_options options;
  options.cl = args.get_double("cl", 0.95);
  options.rtol = args.get_double("rtol", 1e-6);
  const std::string poi = model.parameters()[model.parameters().poi_index()].name;
  if (args.has("toys")) {
    if (args.has("scan")) throw rein::invalid_argument("--scan draws the asymptotic CLs curve; it does not combine with --toys");
    const auto toys = rein::cli::toy_options_of(args);
    auto out = rein::io::to_json(rein::infer::toy_upper_limit(model, model.observed(), toys, options), poi, toys, options);
    ok = out["status"] == "ok";
    return out;
  }
  const rein::infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  const auto r = rein::infer::upper_limit(calculator, options);
  // the CLs curve behind the limits, for the Brazil band (scripts/rein-plot brazil)
  const auto curve = args.has("scan") ? rein::infer::cls_curve(calculator, rein::cli::scan_grid(args.get("scan", ""), "--scan"))
                                      : std::vector<rein::infer::hypotest_result>{};
  ok = r.fit_status == rein::fit::fit_status::ok;
  return rein::io::to_json(r, poi, calculator, options, curve);
}

// --over NAME=LO:HI:N: the limit with NAME held at each grid value (a resonance's mass), one list
int upper_limit_over(const arguments& args, std::chrono::steady_clock::time_point begin) {
  const std::string over = args.get("over", "");
  const auto eq = over.find('=');
  if (eq == std::string::npos || eq == 0) throw rein::invalid_argument("--over '" + over + "' must be NAME=LO:HI:N, e.g. m_x=0.5:4.5:17");
  const std::string name = over.substr(0, eq);
  const auto values = rein::cli::scan_grid(over.substr(eq + 1), "--over " + name);
  nlohmann::json points = nlohmann::json::array();
  bool all_ok = true;
  for (const double value : values) {
    auto options = rein::cli::load_options_of(args);
    options.model.fixed.emplace_back(name, value);
    const auto model = rein::cli::load(args, options).model;
    bool ok = true;
    auto point = limit_json(args, model, ok);
    point["value"] = value;
    points.push_back(std::move(point));
    all_ok = all_ok && ok;
  }
  nlohmann::json out = {{"over", name}, {"points", points}, {"status", all_ok ? "ok" : "not_converged"}};
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return all_ok ? 0 : 3;
}

int upper_limit(const arguments& args) {
  args.allow_only(with_model_options({"cl", "rtol", "test-stat", "toys", "seed", "threads", "scan", "over"}));
  const auto begin = std::chrono::steady_clock::now();
  if (args.has("over")) return upper_limit_over(args, begin);
  const auto model = rein::cli::load_model(args);
  bool ok = true;
  auto out = limit_json(args, model, ok);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return ok ? 0 : 3;
}

int significance(const arguments& args) {
  args.allow_only(with_model_options({"asimov-mu", "toys", "seed", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const double signal_mu = args.get_double("asimov-mu", 1.0);
  nlohmann::json out;
  if (args.has("toys")) {
    const auto toys = rein::cli::toy_options_of(args);
    out = rein::io::to_json(rein::infer::toy_significance(model, model.observed(), toys, signal_mu), toys);
  } else {
    for (const char* name : {"seed", "threads"})
      if (args.has(name)) throw rein::invalid_argument(std::string("--") + name + " applies to toys: give --toys N");
    out = rein::io::to_json(rein::infer::discovery_significance(model, model.observed(), {}, signal_mu));
  }
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return out["status"] == "ok" ? 0 : 3;
}

// rein scan --poi2 B --range2 LO:HI:N: the profile in two parameters on the product grid.
int scan_2d(const arguments& args, const rein::likelihood::model& model, const std::string& poi,
            std::chrono::steady_clock::time_point begin) {
  if (args.has("shard")) throw rein::invalid_argument("--shard splits one-parameter scans only; drop it or --poi2");
  const std::string second = args.get("poi2", "");
  const auto r = rein::infer::profile_scan_2d(model, model.observed(), poi, rein::cli::scan_grid(args.get("range", ""), "--range"),
                                              second, rein::cli::scan_grid(args.get("range2", ""), "--range2"));
  auto out = rein::io::to_json(r);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int scan(const arguments& args) {
  args.allow_only(with_model_options({"range", "shard", "poi2", "range2", "expected"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const std::string poi = args.get("poi", model.parameters()[model.parameters().poi_index()].name);
  if (args.has("expected") && (args.has("poi2") || args.has("range2") || args.has("shard")))
    throw rein::invalid_argument("--expected draws the expected curve of a one-parameter scan; drop --poi2 / --shard");
  if (args.has("poi2") || args.has("range2")) return scan_2d(args, model, poi, begin);
  const auto grid = rein::cli::scan_grid(args.get("range", ""), "--range");
  if (const auto shard = rein::cli::shard_of(args)) {
    const auto [first, end] = rein::cli::slice(grid.size(), *shard);
    const std::vector<double> part(grid.begin() + static_cast<std::ptrdiff_t>(first), grid.begin() + static_cast<std::ptrdiff_t>(end));
    const auto points = rein::infer::profile_scan_points(model, model.observed(), poi, part);
    bool ok = true;
    for (const auto& p : points) ok = ok && p.status == rein::fit::fit_status::ok;
    nlohmann::json out = {{"shard", rein::cli::shard_record("scan", *shard, args)}, {"first", first},
                          {"points", rein::io::scan_points_json(points)}};
    rein::cli::sign_shard(out, "scan", args);
    rein::cli::print_json(out);
    return ok ? 0 : 3;
  }
  const auto r = rein::infer::profile_scan(model, model.observed(), poi, grid);
  auto out = rein::io::to_json(r);
  if (args.has("expected")) {
    // the expected curve: the same scan on the Asimov data of the fit with the parameter held at MU
    const double at = args.get_double("expected", 1.0);
    rein::fit::fit_options held;
    held.fixed = {{poi, at}};
    held.errors = false;
    const auto generator = rein::fit::fit(model, model.observed(), held);
    const auto expected = rein::infer::profile_scan(model, rein::infer::asimov_data(model, generator.values), poi, grid);
    out["expected"] = rein::io::to_json(expected);
    out["expected"]["asimov_value"] = at;
    out["expected"]["asimov_fit_status"] = rein::fit::to_string(generator.status);
  }
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const bool registered_cls = rein::cli::register_verb(
    {"cls", "cls WS --mu X [--test-stat qtilde|q] [--toys N [--seed S] [--threads T] [--shard I/N]] " + rein::cli::model_usage(),
     {}, cls});
const bool registered_limit = rein::cli::register_verb(
    {"upper-limit",
     "upper-limit WS [--cl 0.95] [--rtol 1e-6] [--test-stat qtilde|q] [--scan LO:HI:N] [--toys N [--seed S] [--threads T]] "
     "[--over NAME=LO:HI:N] " +
         rein::cli::model_usage(),
     {}, upper_limit});
const bool registered_significance = rein::cli::register_verb(
    {"significance",
     "significance WS [--asimov-mu 1] [--toys N [--seed S] [--threads T]] " + rein::cli::model_usage(), {}, significance});
const bool registered_scan = rein::cli::register_verb(
    {"scan", "scan WS --poi NAME --range LO:HI:N [--expected MU] [--shard I/N | --poi2 NAME --range2 LO:HI:N] " + rein::cli::model_usage(), {},
     scan});

}  // namespace
