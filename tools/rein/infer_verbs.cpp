// rein cls / upper-limit / significance / scan: frequentist inference on a workspace, JSON on stdout.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "shard.hpp"
#include "shard_digest.hpp"

#include "rein/infer/asymptotic.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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
  return [what](std::size_t done, std::size_t total) {
    std::fprintf(stderr, "\r%s %zu/%zu%s", what.c_str(), done, total, done == total ? "\n" : "");
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

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

namespace {

nlohmann::json array_of(const std::array<double, 5>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}

}  // namespace

nlohmann::json toy_cls_json(const infer::toy_hypotest_result& r, const infer::toy_options& options) {
  return {{"mu", r.mu},
          {"cls_obs", number(r.cls_obs)},
          {"cls_exp", array_of(r.cls_exp)},
          {"clsb_obs", number(r.clsb_obs)},
          {"clb_obs", number(r.clb_obs)},
          {"cls_obs_error", number(r.cls_obs_error)},
          {"clsb_obs_error", number(r.clsb_obs_error)},
          {"clb_obs_error", number(r.clb_obs_error)},
          {"test_stat", infer::to_string(options.statistic)},
          {"calculator", "toys"},
          {"toys", r.n_toys},
          {"seed", options.seed},
          {"failed_fits", r.failed_fits},
          {"failed_fits_sb", r.failed_fits_sb},
          {"failed_fits_b", r.failed_fits_b},
          {"cls_obs_range", {number(r.cls_obs_min), number(r.cls_obs_max)}},
          {"max_failed_fraction", infer::max_failed_toy_fraction},
          {"toy_status", r.failed_fits == 0 ? "ok" : infer::too_many_failed_toys(r) ? "too_many_failed" : "some_failed"},
          {"q_obs", r.q_obs},
          // not ok when the observed fits are not, or when too many toy fits failed (docs/infer_impacts.md)
          {"status", r.status != fit::fit_status::ok || !infer::too_many_failed_toys(r) ? fit::to_string(r.status) : "toy_fits_failed"}};
}

nlohmann::json scan_json(const infer::scan_result& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"value", p.value}, {"twice_nll", p.twice_nll}, {"delta_twice_nll", p.delta_twice_nll},
                      {"status", fit::to_string(p.status)}});
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto& i : r.intervals)
    intervals.push_back({{"delta_twice_nll", i.level},
                         {"lower", i.lower ? nlohmann::json(*i.lower) : nlohmann::json(nullptr)},
                         {"upper", i.upper ? nlohmann::json(*i.upper) : nlohmann::json(nullptr)}});
  return {{"poi", r.parameter},
          {"best", r.best},
          {"twice_nll_min", r.twice_nll_min},
          {"points", points},
          {"intervals", intervals},
          {"status", fit::to_string(r.status)}};
}

}  // namespace rein::cli

namespace {

using rein::cli::arguments;
using rein::cli::number;
using rein::cli::seconds_since;
using rein::cli::with_model_options;

rein::infer::asymptotic_options asymptotic_options_of(const arguments& args) {
  rein::infer::asymptotic_options options;
  options.statistic = rein::infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  return options;
}

nlohmann::json array_of(const std::array<double, 5>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(number(v));
  return out;
}

// A slice of the toys of `rein cls --toys`: the test statistic of each toy (null: its fit failed).
int cls_toy_shard(const arguments& args, const rein::likelihood::model& model, double mu, const rein::cli::shard& s) {
  const auto options = rein::cli::toy_options_of(args);
  const auto g = rein::infer::toy_generators_at(model, model.observed(), mu, options);
  const auto [first, end] = rein::cli::slice(options.n_toys, s);
  nlohmann::json sb = nlohmann::json::array(), b = nlohmann::json::array();
  for (double q : rein::infer::toy_statistics(model, g.signal_background, mu, 0, first, end - first, options)) sb.push_back(number(q));
  for (double q : rein::infer::toy_statistics(model, g.background, mu, 1, first, end - first, options)) b.push_back(number(q));
  nlohmann::json out = {{"shard", rein::cli::shard_record("cls", s, args)},
                        {"mu", mu},
                        {"q_obs", g.q_obs},
                        {"status", rein::fit::to_string(g.status)},
                        {"first", first},
                        {"sb", sb},
                        {"b", b}};
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
    auto out = rein::cli::toy_cls_json(r, options);
    out["seconds"] = seconds_since(begin);
    rein::cli::print_json(out);
    return out["status"] == "ok" ? 0 : 3;
  }
  for (const char* name : {"seed", "threads"})
    if (args.has(name)) throw rein::invalid_argument(std::string("--") + name + " applies to toys: give --toys N");
  const rein::infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  const auto r = calculator.hypotest(mu);
  rein::cli::print_json({{"mu", mu},
                         {"cls_obs", r.cls_obs},
                         {"cls_exp", array_of(r.cls_exp)},
                         {"clsb_obs", r.clsb_obs},
                         {"clb_obs", r.clb_obs},
                         {"test_stat", rein::infer::to_string(calculator.options().statistic)},
                         {"calculator", "asymptotics"},
                         {"q_obs", r.q_obs},
                         {"q_asimov", r.q_asimov},
                         {"status", rein::fit::to_string(r.status)},
                         {"warnings", calculator.warnings()},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int upper_limit(const arguments& args) {
  args.allow_only(with_model_options({"cl", "rtol", "test-stat", "toys", "seed", "threads", "scan"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  rein::infer::upper_limit_options options;
  options.cl = args.get_double("cl", 0.95);
  options.rtol = args.get_double("rtol", 1e-6);
  nlohmann::json out;
  std::vector<std::string> warnings;
  rein::infer::upper_limit_result r;
  std::string statistic;
  if (args.has("toys")) {
    if (args.has("scan")) throw rein::invalid_argument("--scan draws the asymptotic CLs curve; it does not combine with --toys");
    const auto toys = rein::cli::toy_options_of(args);
    r = rein::infer::toy_upper_limit(model, model.observed(), toys, options);
    statistic = rein::infer::to_string(toys.statistic);
    out = {{"calculator", "toys"}, {"toys", toys.n_toys}, {"seed", toys.seed}};
  } else {
    const rein::infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
    r = rein::infer::upper_limit(calculator, options);
    statistic = rein::infer::to_string(calculator.options().statistic);
    warnings = calculator.warnings();
    out = {{"calculator", "asymptotics"}};
    // the CLs curve behind the limits, for the Brazil band (scripts/rein-plot brazil)
    if (args.has("scan")) {
      nlohmann::json scan = nlohmann::json::array();
      for (double mu : rein::cli::scan_grid(args.get("scan", ""), "--scan")) {
        const auto h = calculator.hypotest(mu);
        scan.push_back({{"mu", mu}, {"cls_obs", number(h.cls_obs)}, {"cls_exp", array_of(h.cls_exp)}});
      }
      out["scan"] = scan;
    }
  }
  nlohmann::json exp_status = nlohmann::json::array();
  for (auto s : r.exp_status) exp_status.push_back(rein::infer::to_string(s));
  out.update({{"cl", r.cl},
              {"obs", r.obs},
              {"exp", array_of(r.exp)},
              {"obs_status", rein::infer::to_string(r.obs_status)},
              {"exp_status", exp_status},
              {"poi", model.parameters()[model.parameters().poi_index()].name},
              {"test_stat", statistic},
              {"rtol", options.rtol},
              {"evaluations", r.evaluations},
              {"fit_status", rein::fit::to_string(r.fit_status)},
              {"warnings", warnings},
              {"seconds", seconds_since(begin)}});
  rein::cli::print_json(out);
  return r.fit_status == rein::fit::fit_status::ok ? 0 : 3;
}

int significance(const arguments& args) {
  args.allow_only(with_model_options({"asimov-mu"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const auto r = rein::infer::discovery_significance(model, model.observed(), {}, args.get_double("asimov-mu", 1.0));
  rein::cli::print_json({{"q0", r.q0},
                         {"p0", r.p0},
                         {"z_obs", r.z_obs},
                         {"z_exp", r.z_exp},
                         {"p0_exp", r.p0_exp},
                         {"p0_exp_band", array_of(r.p0_exp_band)},
                         {"q0_asimov", r.q0_asimov},
                         {"mu_hat", r.mu_hat},
                         {"status", rein::fit::to_string(r.status)},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

// rein scan --poi2 B --range2 LO:HI:N: the profile in two parameters on the product grid.
int scan_2d(const arguments& args, const rein::likelihood::model& model, const std::string& poi,
            std::chrono::steady_clock::time_point begin) {
  if (args.has("shard")) throw rein::invalid_argument("--shard splits one-parameter scans only; drop it or --poi2");
  const std::string second = args.get("poi2", "");
  const auto r = rein::infer::profile_scan_2d(model, model.observed(), poi, rein::cli::scan_grid(args.get("range", ""), "--range"),
                                              second, rein::cli::scan_grid(args.get("range2", ""), "--range2"));
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"value", {p.x, p.y}}, {"twice_nll", p.twice_nll}, {"delta_twice_nll", p.delta_twice_nll},
                      {"status", rein::fit::to_string(p.status)}});
  rein::cli::print_json({{"poi", {r.x_parameter, r.y_parameter}},
                         {"best", {r.best_x, r.best_y}},
                         {"twice_nll_min", r.twice_nll_min},
                         {"shape", {r.nx, r.ny}},
                         {"points", points},
                         {"levels", {{"68", 2.29574893}, {"95", 5.99146455}}},  // χ²₂ quantiles
                         {"status", rein::fit::to_string(r.status)},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int scan(const arguments& args) {
  args.allow_only(with_model_options({"range", "shard", "poi2", "range2"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const std::string poi = args.get("poi", model.parameters()[model.parameters().poi_index()].name);
  if (args.has("poi2") || args.has("range2")) return scan_2d(args, model, poi, begin);
  const auto grid = rein::cli::scan_grid(args.get("range", ""), "--range");
  if (const auto shard = rein::cli::shard_of(args)) {
    const auto [first, end] = rein::cli::slice(grid.size(), *shard);
    const std::vector<double> part(grid.begin() + static_cast<std::ptrdiff_t>(first), grid.begin() + static_cast<std::ptrdiff_t>(end));
    nlohmann::json points = nlohmann::json::array();
    bool ok = true;
    for (const auto& p : rein::infer::profile_scan_points(model, model.observed(), poi, part)) {
      points.push_back({{"value", p.value}, {"twice_nll", p.twice_nll}, {"status", rein::fit::to_string(p.status)}});
      ok = ok && p.status == rein::fit::fit_status::ok;
    }
    nlohmann::json out = {{"shard", rein::cli::shard_record("scan", *shard, args)}, {"first", first}, {"points", points}};
    rein::cli::sign_shard(out, "scan", args);
    rein::cli::print_json(out);
    return ok ? 0 : 3;
  }
  const auto r = rein::infer::profile_scan(model, model.observed(), poi, grid);
  auto out = rein::cli::scan_json(r);
  out["seconds"] = seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const bool registered_cls = rein::cli::register_verb(
    {"cls", "cls WS --mu X [--test-stat qtilde|q] [--toys N [--seed S] [--threads T] [--shard I/N]] " + rein::cli::model_usage(),
     {}, cls});
const bool registered_limit = rein::cli::register_verb(
    {"upper-limit",
     "upper-limit WS [--cl 0.95] [--rtol 1e-6] [--test-stat qtilde|q] [--scan LO:HI:N] [--toys N [--seed S] [--threads T]] " +
         rein::cli::model_usage(),
     {}, upper_limit});
const bool registered_significance = rein::cli::register_verb(
    {"significance", "significance WS [--asimov-mu 1] " + rein::cli::model_usage(), {}, significance});
const bool registered_scan = rein::cli::register_verb(
    {"scan", "scan WS --poi NAME --range LO:HI:N [--shard I/N | --poi2 NAME --range2 LO:HI:N] " + rein::cli::model_usage(), {},
     scan});

}  // namespace
