// rein sample WS [--chains 4] [--warmup 1000] [--draws 1000] [--seed S] [--threads T]
//   [--prior NAME=uniform:LO:HI|normal:MEAN:SIGMA|log-uniform:LO:HI ...] [--parameters A,B,...]
//   [--start best-fit|inits] [--out DRAWS.h5|DRAWS.json] [--evidence bridge]
// The posterior of a workspace or reweighted model with NUTS: every free parameter is sampled
// (uniform priors within the bounds unless --prior says otherwise; the constraint terms stay in
// the likelihood); JSON summary on stdout, the draws in HDF5 or JSON; with --evidence bridge, ln Z
// of the posterior by bridge sampling (bayes/evidence.hpp) with its standard error.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "split.hpp"

#include "rein/bayes/evidence.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/reported_parameters.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/posterior.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/posterior_draws.hpp"
#endif

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using rein::cli::arguments;
using rein::cli::split;

std::map<std::string, rein::bayes::prior> priors_of(const arguments& args) {
  std::map<std::string, rein::bayes::prior> priors;
  for (const auto& item : args.all("prior")) {
    const auto eq = item.find('=');
    const auto spec = split(eq == std::string::npos ? "" : item.substr(eq + 1), ':');
    const std::string usage = "--prior '" + item + "' must be NAME=uniform:LO:HI, NAME=normal:MEAN:SIGMA or NAME=log-uniform:LO:HI";
    if (eq == std::string::npos || spec.size() != 3) throw rein::invalid_argument(usage);
    const std::string name = item.substr(0, eq);
    const double a = rein::cli::parse_double(spec[1], "--prior " + name), b = rein::cli::parse_double(spec[2], "--prior " + name);
    if (spec[0] == "uniform") priors.emplace(name, rein::bayes::prior::uniform(a, b));
    else if (spec[0] == "normal") priors.emplace(name, rein::bayes::prior::normal(a, b));
    else if (spec[0] == "log-uniform") priors.emplace(name, rein::bayes::prior::log_uniform(a, b));
    else throw rein::invalid_argument(usage);
  }
  return priors;
}

std::size_t positive(const arguments& args, const std::string& name, long fallback) {
  const long value = args.get_long(name, fallback);
  if (value < 1) throw rein::invalid_argument("--" + name + " " + std::to_string(value) + ": must be >= 1");
  return static_cast<std::size_t>(value);
}

int sample(const arguments& args) {
  args.allow_only(rein::cli::with_model_options(
      {"chains", "warmup", "draws", "seed", "threads", "prior", "parameters", "start", "out", "metric", "evidence"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const rein::bayes::model_posterior posterior(model, model.observed(), priors_of(args));
  rein::bayes::nuts_options options;
  options.chains = positive(args, "chains", 4);
  options.warmup = static_cast<std::size_t>(std::max(0L, args.get_long("warmup", 1000)));
  options.draws = positive(args, "draws", 1000);
  const long seed = args.get_long("seed", 0);
  if (seed < 0) throw rein::invalid_argument("--seed " + std::to_string(seed) + ": must be >= 0");
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = static_cast<unsigned>(positive(args, "threads", 1));
  const std::string metric = args.get("metric", "diagonal");
  if (metric == "dense") options.metric = rein::bayes::metric_kind::dense;
  else if (metric != "diagonal") throw rein::invalid_argument("--metric '" + metric + "' must be diagonal or dense");
  const std::string start = args.get("start", "best-fit");
  Eigen::VectorXd init = model.parameters().inits();
  if (start == "best-fit") {
    rein::fit::fit_options fit;
    fit.errors = false;
    init = rein::fit::fit(model, fit).values;
    options.init_radius = 0.1;  // chains start near the mode, on the unconstrained scale
  } else if (start != "inits") {
    throw rein::invalid_argument("--start '" + start + "' must be best-fit or inits");
  }
  options.progress = rein::cli::terminal_progress("rein sample: transitions");
  const auto names = rein::bayes::reported_parameters(
      model, posterior.names(),
      args.has("parameters") ? std::optional<std::vector<std::string>>(split(args.get("parameters", ""), ',')) : std::nullopt);
  const auto target = posterior.as_target();
  const auto draws = rein::bayes::sample_nuts(target, posterior.start_point(init), options);
  const auto summary = rein::bayes::summarize(draws);

  const bool converged = rein::io::posterior_converged(draws, options, names);
  std::string out = args.get("out", "");
  if (!out.empty()) {
    if (out.size() > 3 && out.compare(out.size() - 3, 3, ".h5") == 0) {
#ifdef REIN_HAS_HDF5
      rein::io::hdf5::write_posterior_draws(out, draws, &summary);
#else
      throw rein::invalid_argument("--out " + out + ": this rein was built without HDF5; write .json");
#endif
    } else {
      rein::io::write_posterior_draws_json(out, draws);
    }
  }
  nlohmann::json evidence = nullptr;
  if (args.has("evidence")) {
    if (args.get("evidence", "") != "bridge") throw rein::invalid_argument("--evidence '" + args.get("evidence", "") + "' must be bridge");
    evidence = rein::io::to_json(rein::bayes::bridge_sampling_evidence(target, draws, {0, options.seed, options.threads}));
  }
  rein::cli::print_json({{"evidence", evidence},
                         {"parameters", rein::io::posterior_summary_json(draws, summary, draws.diagnostics, names)},
                         {"sampler", rein::io::to_json(draws, options)},
                         {"n_sampled", posterior.names().size()},
                         {"warnings", draws.diagnostics.warnings},
                         {"out", out.empty() ? nlohmann::json(nullptr) : nlohmann::json(out)},
                         {"status", converged ? "ok" : "not_converged"},
                         {"seconds", rein::cli::seconds_since(begin)}});
  return converged ? 0 : 3;
}

const bool sample_registered = rein::cli::register_verb(
    {"sample",
     "sample WS [--chains 4] [--warmup 1000] [--draws 1000] [--seed S] [--threads T] [--metric diagonal|dense] "
     "[--prior NAME=uniform:LO:HI|normal:M:S|log-uniform:LO:HI ...] [--parameters A,B] [--start best-fit|inits] "
     "[--out DRAWS.h5|DRAWS.json] [--evidence bridge] " + rein::cli::model_usage(),
     {}, sample});

}  // namespace
