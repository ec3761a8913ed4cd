// rein cls, upper-limit, significance, scan, lrt: frequentist inference on a model (CLs, limits,
// discovery significance, profile scans, likelihood-ratio tests), JSON on stdout.
#include "cli.hpp"

#include "rein/infer/asymptotic.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/likelihood_ratio_run.hpp"
#include "rein/io/load_options_text.hpp"
#include "rein/io/upper_limit_run.hpp"

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

int upper_limit(const arguments& args) {
  const auto begin = clock_type::now();
  io::upper_limit_settings settings;
  settings.limit.cl = args.get_double("cl", 0.95);
  settings.limit.rtol = args.get_double("rtol", 1e-6);
  if (args.has("toys")) {
    if (args.has("scan")) throw invalid_argument("--scan draws the asymptotic CLs curve; it does not combine with --toys");
    settings.toys = cli::toy_options_of(args);
  } else {
    settings.asymptotic = asymptotic_options_of(args);
    if (args.has("scan")) settings.scan = infer::linear_grid_of(args.get("scan", ""), "--scan");  // for the Brazil band
  }
  bool ok = true;
  if (!args.has("over")) {
    auto out = io::upper_limit_json(cli::load_model(args), settings, ok);
    return cli::finish(out, begin, ok);
  }
  // --over NAME=LO:HI:N: the limit with NAME held at each grid value (a resonance's mass), one list
  const auto [name, range] = cli::assignment(args.get("over", ""), "--over", "NAME=LO:HI:N, e.g. m_x=0.5:4.5:17");
  const auto model_at = [&, name = name](double value) {
    auto options = cli::load_options_of(args);
    options.model.fixed.emplace_back(name, value);
    return cli::load(args, options).model;
  };
  auto out = io::upper_limits_over_json(name, infer::linear_grid_of(range, "--over " + name), model_at, settings, ok);
  return cli::finish(out, begin, ok);
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
  const auto toys = args.has("toys") ? std::optional(cli::toy_options_of(args)) : std::nullopt;
  nlohmann::json out;
  if (args.has("over")) {
    // --over NAME=LO:HI:N: a parameter that exists only under the alternative (a resonance's mass),
    // scanned: local and global significance with the look-elsewhere effect
    const auto [name, range] = cli::assignment(args.get("over", ""), "--over", "NAME=LO:HI:N, e.g. m_x=0.5:4.5:17");
    out = io::global_significance_json(model, null, name, infer::linear_grid_of(range, "--over " + name), toys,
                                       args.get_double("upcrossing-level", 1));
  } else {
    if (args.has("upcrossing-level")) throw invalid_argument("--upcrossing-level applies to a scan: give --over NAME=LO:HI:N");
    out = io::likelihood_ratio_json(model, null, toys);
  }
  return cli::finish(out, begin, out["status"] == "ok");
}

const bool lrt_registered = cli::register_verb(
    {"lrt", "WS --null-fix NAME=VALUE[,NAME=VALUE...]",
     with_toys({{"null-fix", "NAME=VALUE[,NAME=VALUE...]", "the null hypothesis: parameters it holds", true},
                {"over", "NAME=LO:HI:N", "scan NAME (defined only under the alternative): local and global significance"},
                {"upcrossing-level", "1", "u of the Gross-Vitells bound on the global p-value (with --over)"}}),
     true, lrt});

}  // namespace
