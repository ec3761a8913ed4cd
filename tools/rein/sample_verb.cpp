// rein sample WS: the posterior of a workspace or reweighted model with NUTS: every free parameter
// is sampled (uniform priors within the bounds unless --prior says otherwise; the constraint terms
// stay in the likelihood); JSON summary on stdout, the draws in HDF5 or JSON; with --evidence
// bridge, ln Z of the posterior by bridge sampling (bayes/evidence.hpp) with its standard error.
#include "cli.hpp"

#include "rein/bayes/evidence.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/multistart.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/reported_parameters.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/profile_peaks.hpp"
#include "rein/io/json/multistart.hpp"
#include "rein/io/json/posterior.hpp"
#include "rein/io/load_options_text.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/posterior_draws.hpp"
#endif

namespace {

using namespace rein;
using cli::arguments;

int sample(const arguments& args) {
  const auto begin = std::chrono::steady_clock::now();
  const auto model = cli::load_model(args);
  const bayes::model_posterior posterior(model, model.observed(), io::priors_of_text(args.all("prior"), "--prior"));
  bayes::nuts_options options;
  options.chains = args.count("chains", 4, 1);
  options.warmup = static_cast<std::size_t>(std::max(0L, args.get_long("warmup", 1000)));
  options.draws = args.count("draws", 1000, 1);
  options.seed = args.count("seed", 0, 0);
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  const std::string metric = args.get("metric", "diagonal"), start = args.get("start", "best-fit");
  if (metric == "dense") options.metric = bayes::metric_kind::dense;
  else if (metric != "diagonal") throw invalid_argument("--metric '" + metric + "' must be diagonal or dense");
  options.progress = cli::terminal_progress("rein sample: transitions");
  const auto names = bayes::reported_parameters(
      model, posterior.names(), args.has("parameters") ? std::optional(io::split_text(args.get("parameters", ""), ',')) : std::nullopt);
  const auto target = posterior.as_target();
  const bool evidence = args.has("evidence");
  if (evidence && args.get("evidence", "") != "bridge") throw invalid_argument("--evidence '" + args.get("evidence", "") + "' must be bridge");
  const std::string out = args.get("out", "");
  const auto write_draws = [&](const bayes::posterior_draws& draws, const bayes::posterior_summary& summary) {
    if (out.size() > 3 && out.compare(out.size() - 3, 3, ".h5") == 0) {
#ifdef REIN_HAS_HDF5
      io::hdf5::write_posterior_draws(out, draws, &summary);
#else
      (void)draws, (void)summary;
      throw invalid_argument("--out " + out + ": this rein was built without HDF5; write .json");
#endif
    } else if (!out.empty()) {
      io::write_posterior_draws_json(out, draws);
    }
  };
  if (args.has("multistart")) {
    // chains started at the deepest peaks of the profile likelihood in NAME, one mode each
    if (args.has("start")) throw invalid_argument("--start does not apply to --multistart, whose chains start at the profile's peaks");
    const auto [over, range] = cli::assignment(args.get("multistart", ""), "--multistart", "NAME=LO:HI:N, e.g. m_x=0.3:4.5:22");
    const auto peaks = infer::profile_peaks(model, model.observed(), over, infer::linear_grid_of(range, "--multistart " + over),
                                            args.count("modes", 2, 1));
    std::vector<Eigen::VectorXd> starts;
    std::vector<double> values;
    for (const auto& peak : peaks) starts.push_back(posterior.start_point(peak.theta)), values.push_back(peak.value);
    bayes::multistart_options multistart;
    multistart.nuts = options;
    multistart.nuts.init_radius = 0.05;  // each start's chains stay in its peak
    multistart.evidence = {0, options.seed, options.threads};
    const auto r = bayes::sample_multistart(target, starts, multistart);
    const auto summary = bayes::summarize(r.combined);
    write_draws(r.combined, summary);
    const auto result = io::multistart_sample_json(r, summary, multistart, over, values, names, posterior.names().size(), evidence, out,
                                                   cli::seconds_since(begin));
    cli::print_json(result);
    return result["status"] == "ok" ? 0 : 3;
  }
  if (args.has("modes")) throw invalid_argument("--modes applies to --multistart NAME=LO:HI:N");
  Eigen::VectorXd init = model.parameters().inits();
  if (start == "best-fit") {
    fit::fit_options fit;
    fit.errors = false;
    init = fit::fit(model, fit).values;
    options.init_radius = 0.1;  // chains start near the mode, on the unconstrained scale
  } else if (start != "inits") {
    throw invalid_argument("--start '" + start + "' must be best-fit or inits");
  }
  const auto draws = bayes::sample_nuts(target, posterior.start_point(init), options);
  const auto summary = bayes::summarize(draws);
  write_draws(draws, summary);
  nlohmann::json z = nullptr;
  if (evidence) z = io::to_json(bayes::bridge_sampling_evidence(target, draws, {0, options.seed, options.threads}));
  const auto result = io::sample_json(draws, summary, options, names, posterior.names().size(), z, out, cli::seconds_since(begin));
  cli::print_json(result);
  return result["status"] == "ok" ? 0 : 3;
}

const bool sample_registered = cli::register_verb(
    {"sample", "WS",
     {{"chains", "4", "independent chains"}, {"warmup", "1000", "adaptation steps per chain"},
      {"draws", "1000", "draws per chain after warm-up"}, cli::toy_options()[1], cli::toy_options()[2],
      {"metric", "diagonal|dense", "the mass matrix adapted in warm-up"},
      {"prior", "NAME=uniform:LO:HI|normal:M:S|log-uniform:LO:HI", "a parameter's prior (default uniform in its bounds)", true},
      {"parameters", "A,B", "the parameters to summarise (default: the POI and rate parameters)"},
      {"start", "best-fit|inits", "where the chains start"}, {"out", "DRAWS.h5|DRAWS.json", "write the draws"},
      {"evidence", "bridge", "ln Z by bridge sampling"},
      {"multistart", "NAME=LO:HI:N", "chains from the profile's peaks in NAME on this grid, modes weighted by evidence"},
      {"modes", "2", "with --multistart: the deepest K peaks"}},
     true, sample});

}  // namespace
