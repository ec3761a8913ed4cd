// rein cls / upper-limit / significance / scan: frequentist inference on a workspace, JSON on stdout.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/infer/asymptotic.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/upper_limit.hpp"

#include <chrono>

namespace {

using rein::cli::arguments;

std::vector<std::string> with_model_options(std::vector<std::string> extra) {
  auto names = rein::cli::model_option_names();
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

rein::infer::asymptotic_options asymptotic_options_of(const arguments& args) {
  rein::infer::asymptotic_options options;
  options.statistic = rein::infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  if (args.has("toys"))
    throw rein::invalid_argument("--toys: the toy calculator is not available yet; use the asymptotic calculator");
  return options;
}

nlohmann::json array_of(const std::array<double, 5>& values) { return std::vector<double>(values.begin(), values.end()); }

int cls(const arguments& args) {
  args.allow_only(with_model_options({"mu", "test-stat", "toys", "seed", "threads"}));
  if (!args.has("mu")) throw rein::invalid_argument("missing --mu X, the signal strength to test");
  const double mu = args.get_double("mu", 0);
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
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
  args.allow_only(with_model_options({"cl", "rtol", "test-stat", "toys", "seed", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const rein::infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  rein::infer::upper_limit_options options;
  options.cl = args.get_double("cl", 0.95);
  options.rtol = args.get_double("rtol", 1e-6);
  const auto r = rein::infer::upper_limit(calculator, options);
  nlohmann::json exp_status = nlohmann::json::array();
  for (auto s : r.exp_status) exp_status.push_back(rein::infer::to_string(s));
  rein::cli::print_json({{"cl", r.cl},
                         {"obs", r.obs},
                         {"exp", array_of(r.exp)},
                         {"obs_status", rein::infer::to_string(r.obs_status)},
                         {"exp_status", exp_status},
                         {"poi", calculator.observed().poi_name()},
                         {"test_stat", rein::infer::to_string(calculator.options().statistic)},
                         {"calculator", "asymptotics"},
                         {"rtol", options.rtol},
                         {"evaluations", r.evaluations},
                         {"fit_status", rein::fit::to_string(r.fit_status)},
                         {"warnings", calculator.warnings()},
                         {"seconds", seconds_since(begin)}});
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
                         {"q0_asimov", r.q0_asimov},
                         {"mu_hat", r.mu_hat},
                         {"status", rein::fit::to_string(r.status)},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

int scan(const arguments& args) {
  args.allow_only(with_model_options({"poi", "range"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const std::string poi = args.get("poi", model.parameters()[model.parameters().poi_index()].name);
  const std::string range = args.get("range", "");
  const auto first = range.find(':'), second = range.rfind(':');
  if (range.empty() || first == second)
    throw rein::invalid_argument("--range '" + range + "' must be LO:HI:N, e.g. 0:10:21");
  const auto grid = rein::infer::linear_grid(rein::cli::parse_double(range.substr(0, first), "--range LO"),
                                             rein::cli::parse_double(range.substr(first + 1, second - first - 1), "--range HI"),
                                             static_cast<int>(rein::cli::parse_double(range.substr(second + 1), "--range N")));
  const auto r = rein::infer::profile_scan(model, model.observed(), poi, grid);
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"value", p.value}, {"twice_nll", p.twice_nll}, {"delta_twice_nll", p.delta_twice_nll},
                      {"status", rein::fit::to_string(p.status)}});
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto& i : r.intervals)
    intervals.push_back({{"delta_twice_nll", i.level},
                         {"lower", i.lower ? nlohmann::json(*i.lower) : nlohmann::json(nullptr)},
                         {"upper", i.upper ? nlohmann::json(*i.upper) : nlohmann::json(nullptr)}});
  rein::cli::print_json({{"poi", r.parameter},
                         {"best", r.best},
                         {"twice_nll_min", r.twice_nll_min},
                         {"points", points},
                         {"intervals", intervals},
                         {"status", rein::fit::to_string(r.status)},
                         {"seconds", seconds_since(begin)}});
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const std::string model_usage = "[--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0]";
const bool registered_cls = rein::cli::register_verb(
    {"cls", "cls WS --mu X [--test-stat qtilde|q] " + model_usage, {}, cls});
const bool registered_limit = rein::cli::register_verb(
    {"upper-limit", "upper-limit WS [--cl 0.95] [--rtol 1e-6] [--test-stat qtilde|q] " + model_usage, {}, upper_limit});
const bool registered_significance = rein::cli::register_verb(
    {"significance", "significance WS [--asimov-mu 1] " + model_usage, {}, significance});
const bool registered_scan = rein::cli::register_verb(
    {"scan", "scan WS --poi NAME --range LO:HI:N " + model_usage, {}, scan});

}  // namespace
