// rein sample WS: the posterior of a workspace or reweighted model with NUTS: every free parameter
// is sampled (uniform priors within the bounds unless --prior says otherwise; the constraint terms
// stay in the likelihood); JSON summary on stdout, the draws in HDF5 or JSON; with --evidence
// bridge, ln Z of the posterior by bridge sampling (bayes/evidence.hpp) with its standard error.
#include "cli.hpp"

#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/model_sampling.hpp"
#include "rein/bayes/reported_parameters.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/io/json/multistart.hpp"
#include "rein/io/json/posterior.hpp"
#include "rein/io/load_options_text.hpp"
#include "rein/io/sample_model.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/posterior_draws.hpp"
#endif

namespace {

using namespace rein;
using cli::arguments;

// --out DRAWS.h5 | DRAWS.json: the draws (with their summary in HDF5)
void write_draws(const std::string& out, const bayes::posterior_draws& draws, const bayes::posterior_summary& summary) {
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
}

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
  options.metric = bayes::adapted_metric_from_string(args.get("metric", "diagonal"), "--metric");
  const auto start = bayes::sample_start_from_string(args.get("start", "best-fit"), "--start");
  options.progress = cli::terminal_progress("rein sample: transitions");
  const auto names = bayes::reported_parameters(
      model, posterior.names(), args.has("parameters") ? std::optional(io::split_text(args.get("parameters", ""), ',')) : std::nullopt);
  const bool evidence = args.has("evidence");
  if (evidence && args.get("evidence", "") != "bridge") throw invalid_argument("--evidence '" + args.get("evidence", "") + "' must be bridge");
  const std::string out = args.get("out", "");
  nlohmann::json result;
  if (args.has("multistart")) {
    if (args.has("start")) throw invalid_argument("--start does not apply to --multistart, whose chains start at the profile's peaks");
    const auto [over, range] = cli::assignment(args.get("multistart", ""), "--multistart", "NAME=LO:HI:N, e.g. m_x=0.3:4.5:22");
    const auto multistart = bayes::mode_start_options(options);
    const auto r = io::sample_from_profile_peaks(posterior, over, infer::linear_grid_of(range, "--multistart " + over),
                                                 args.count("modes", 2, 1), multistart);
    const auto summary = bayes::summarize(r.result.combined);
    write_draws(out, r.result.combined, summary);
    result = io::multistart_sample_json(r.result, summary, multistart, over, r.start_values, names, posterior.names().size(), evidence,
                                        out, cli::seconds_since(begin));
  } else {
    if (args.has("modes")) throw invalid_argument("--modes applies to --multistart NAME=LO:HI:N");
    const auto draws = io::sample_model(posterior, start, options);
    const auto summary = bayes::summarize(draws);
    write_draws(out, draws, summary);
    result = io::sample_json(posterior, draws, summary, options, names, evidence, out, begin);
  }
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
