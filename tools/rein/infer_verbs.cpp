// rein cls, upper-limit, significance, scan, lrt: frequentist inference on a model (CLs, limits,
// discovery significance, profile scans, likelihood-ratio tests), JSON on stdout.
#include "cli.hpp"

#include "rein/infer/asymptotic.hpp"
#include "rein/infer/global_significance.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/global_significance.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/load_options_text.hpp"

namespace {

using namespace rein;
using cli::arguments;
using clock_type = std::chrono::steady_clock;

infer::asymptotic_options asymptotic_options_of(const arguments& args) {
  infer::asymptotic_options options;
  options.statistic = infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  return options;
}

void asymptotic_only(const arguments& args) {
  for (const char* name : {"seed", "threads"})
    if (args.has(name)) throw invalid_argument(std::string("--") + name + " applies to toys: give --toys N");
}

int cls(const arguments& args) {
  if (!args.has("mu")) throw invalid_argument("missing --mu X, the signal strength to test");
  const double mu = args.get_double("mu", 0);
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  if (args.has("shard") && !args.has("toys")) throw invalid_argument("--shard splits toys: give --toys N");
  if (args.has("toys")) {
    const auto options = cli::toy_options_of(args);
    if (const auto s = cli::shard_of(args, options.n_toys)) {  // the test statistic of each toy of the slice
      const auto g = infer::toy_generators_at(model, model.observed(), mu, options);
      const auto part = io::toy_shard_json({}, mu, g.q_obs, g.status, s->first,
                                           infer::toy_statistics(model, g.signal_background, mu, 0, s->first, s->end - s->first, options),
                                           infer::toy_statistics(model, g.background, mu, 1, s->first, s->end - s->first, options));
      cli::print_json(cli::signed_shard(part, "cls", *s, args));
      return g.status == fit::fit_status::ok ? 0 : 3;
    }
    const auto out = io::to_json(infer::toy_hypotest(model, model.observed(), mu, options), options);
    return cli::finish(out, begin, out["status"] == "ok");
  }
  asymptotic_only(args);
  const infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  const auto r = calculator.hypotest(mu);
  return cli::finish(io::to_json(r, calculator), begin, r.status == fit::fit_status::ok);
}

// The limit of one model as `rein upper-limit` prints it; `ok` says whether every fit converged
// (and, with toys, whether few enough toy fits failed).
nlohmann::json limit_json(const arguments& args, const likelihood::model& model, bool& ok) {
  infer::upper_limit_options options;
  options.cl = args.get_double("cl", 0.95);
  options.rtol = args.get_double("rtol", 1e-6);
  const std::string poi = model.parameters()[model.parameters().poi_index()].name;
  if (args.has("toys")) {
    if (args.has("scan")) throw invalid_argument("--scan draws the asymptotic CLs curve; it does not combine with --toys");
    const auto toys = cli::toy_options_of(args);
    auto out = io::to_json(infer::toy_upper_limit(model, model.observed(), toys, options), poi, toys, options);
    ok = out["status"] == "ok";
    return out;
  }
  const infer::asymptotic_calculator calculator(model, model.observed(), asymptotic_options_of(args));
  const auto r = infer::upper_limit(calculator, options);
  // the CLs curve behind the limits, for the Brazil band (scripts/rein-plot brazil)
  const auto curve = args.has("scan") ? infer::cls_curve(calculator, infer::linear_grid_of(args.get("scan", ""), "--scan"))
                                      : std::vector<infer::hypotest_result>{};
  ok = r.fit_status == fit::fit_status::ok;
  return io::to_json(r, poi, calculator, options, curve);
}

int upper_limit(const arguments& args) {
  const auto begin = clock_type::now();
  bool ok = true;
  if (!args.has("over")) {
    auto out = limit_json(args, cli::load_model(args), ok);
    return cli::finish(out, begin, ok);
  }
  // --over NAME=LO:HI:N: the limit with NAME held at each grid value (a resonance's mass), one list
  const auto [name, range] = cli::assignment(args.get("over", ""), "--over", "NAME=LO:HI:N, e.g. m_x=0.5:4.5:17");
  nlohmann::json points = nlohmann::json::array();
  for (const double value : infer::linear_grid_of(range, "--over " + name)) {
    auto options = cli::load_options_of(args);
    options.model.fixed.emplace_back(name, value);
    bool point_ok = true;
    auto point = limit_json(args, cli::load(args, options).model, point_ok);
    point["value"] = value;
    points.push_back(std::move(point));
    ok = ok && point_ok;
  }
  return cli::finish({{"over", name}, {"points", points}, {"status", ok ? "ok" : "not_converged"}}, begin, ok);
}

int significance(const arguments& args) {
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  const double signal_mu = args.get_double("asimov-mu", 1.0);
  nlohmann::json out;
  if (args.has("toys")) {
    const auto toys = cli::toy_options_of(args);
    out = io::to_json(infer::toy_significance(model, model.observed(), toys, signal_mu), toys);
  } else {
    asymptotic_only(args);
    out = io::to_json(infer::discovery_significance(model, model.observed(), {}, signal_mu));
  }
  return cli::finish(out, begin, out["status"] == "ok");
}

int scan(const arguments& args) {
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  const std::string poi = args.get("poi", model.parameters()[model.parameters().poi_index()].name);
  if (args.has("expected") && (args.has("poi2") || args.has("range2") || args.has("shard")))
    throw invalid_argument("--expected draws the expected curve of a one-parameter scan; drop --poi2 / --shard");
  const bool two = args.has("poi2") || args.has("range2");  // the profile in two parameters on the product grid
  if (two && args.has("shard")) throw invalid_argument("--shard splits one-parameter scans only; drop it or --poi2");
  const auto grid = infer::linear_grid_of(args.get("range", ""), "--range");
  if (two) {
    const auto r = infer::profile_scan_2d(model, model.observed(), poi, grid, args.get("poi2", ""),
                                          infer::linear_grid_of(args.get("range2", ""), "--range2"));
    return cli::finish(io::to_json(r), begin, r.status == fit::fit_status::ok);
  }
  if (const auto s = cli::shard_of(args, grid.size())) {
    const std::vector<double> part(grid.begin() + static_cast<std::ptrdiff_t>(s->first), grid.begin() + static_cast<std::ptrdiff_t>(s->end));
    const auto points = infer::profile_scan_points(model, model.observed(), poi, part);
    const bool ok = std::all_of(points.begin(), points.end(), [](const infer::scan_point& p) { return p.status == fit::fit_status::ok; });
    cli::print_json(cli::signed_shard({{"points", io::scan_points_json(points)}}, "scan", *s, args));
    return ok ? 0 : 3;
  }
  const auto r = infer::profile_scan(model, model.observed(), poi, grid);
  auto out = io::to_json(r);
  if (args.has("expected"))
    out["expected"] = io::to_json(infer::expected_profile_scan(model, model.observed(), poi, grid, args.get_double("expected", 1.0)));
  return cli::finish(out, begin, r.status == fit::fit_status::ok);
}

const cli::option test_stat{"test-stat", "qtilde|q", "the test statistic (default qtilde)"};

cli::option_table with_toys(cli::option_table own) {
  own.insert(own.end(), cli::toy_options().begin(), cli::toy_options().end());
  return own;
}

const bool cls_registered = cli::register_verb(
    {"cls", "WS --mu X", with_toys({{"mu", "X", "the signal strength to test"}, test_stat,
                                    {"shard", "I/N", "slice I of N of the toys (rein merge joins them)"}}), true, cls});
const bool upper_limit_registered = cli::register_verb(
    {"upper-limit", "WS",
     with_toys({{"cl", "0.95", "the confidence level"}, {"rtol", "1e-6", "the limits' relative tolerance"}, test_stat,
                {"scan", "LO:HI:N", "the asymptotic CLs curve on this grid (Brazil band)"},
                {"over", "NAME=LO:HI:N", "one limit for each value of NAME held on this grid"}}),
     true, upper_limit});
const bool significance_registered = cli::register_verb(
    {"significance", "WS", with_toys({{"asimov-mu", "1", "the signal strength of the expected significance"}}), true, significance});
const bool scan_registered = cli::register_verb(
    {"scan", "WS --poi NAME --range LO:HI:N",
     {{"range", "LO:HI:N", "the grid of the scanned parameter (--poi)"},
      {"expected", "MU", "also the expected curve, on the Asimov data with the parameter at MU"},
      {"shard", "I/N", "slice I of N of the grid points (rein merge joins them)"},
      {"poi2", "NAME", "a second parameter: a two-parameter scan"},
      {"range2", "LO:HI:N", "the grid of --poi2"}},
     true, scan});

int lrt(const arguments& args) {
  const auto begin = clock_type::now();
  const auto model = cli::load_model(args);
  const auto null = io::named_numbers_of_text(args.all("null-fix"), "--null-fix", true);  // cvl=0,csl=0 ctl=0
  if (null.empty()) throw invalid_argument("rein lrt needs the null hypothesis: --null-fix NAME=VALUE[,NAME=VALUE...]");
  if (args.has("over")) {
    // --over NAME=LO:HI:N: a parameter that exists only under the alternative (a resonance's mass),
    // scanned: local and global significance with the look-elsewhere effect
    const auto [name, range] = cli::assignment(args.get("over", ""), "--over", "NAME=LO:HI:N, e.g. m_x=0.5:4.5:17");
    const auto values = infer::linear_grid_of(range, "--over " + name);
    std::vector<infer::held_parameters> points;
    for (const double value : values) points.push_back({{name, value}});
    infer::global_significance_options options;
    options.upcrossing_level = args.get_double("upcrossing-level", options.upcrossing_level);
    if (args.has("toys")) {
      const auto toys = cli::toy_options_of(args);
      options.toys = toys.n_toys, options.seed = toys.seed, options.threads = toys.threads, options.progress = toys.progress;
    }
    const auto out = io::to_json(infer::global_significance(model, model.observed(), null, points, options), name, values, model, options);
    return cli::finish(out, begin, out["status"] == "ok");
  }
  if (args.has("upcrossing-level")) throw invalid_argument("--upcrossing-level applies to a scan: give --over NAME=LO:HI:N");
  auto r = infer::likelihood_ratio_test(model, model.observed(), null);
  if (args.has("toys")) {
    const auto toys = cli::toy_options_of(args);
    r.toys = infer::likelihood_ratio_toy_calibration(model, r, null, {}, toys.n_toys, toys.seed, toys.threads, toys.progress);
  }
  const auto out = io::to_json(r, model);
  return cli::finish(out, begin, out["status"] == "ok");
}

const bool lrt_registered = cli::register_verb(
    {"lrt", "WS --null-fix NAME=VALUE[,NAME=VALUE...]",
     with_toys({{"null-fix", "NAME=VALUE[,NAME=VALUE...]", "the null hypothesis: parameters it holds", true},
                {"over", "NAME=LO:HI:N", "scan NAME (defined only under the alternative): local and global significance"},
                {"upcrossing-level", "1", "u of the Gross-Vitells bound on the global p-value (with --over)"}}),
     true, lrt});

}  // namespace
