// rein._rein: posterior sampling with NUTS (what `rein sample` runs: io::sample_model), draws as
// numpy arrays and the summary as the CLI prints it (rein::io::sample_json), the evidence by
// bridge sampling (`rein sample --evidence bridge`), and runs of some of the chains that
// rein.distributed.sample joins (bayes::join_nuts_chains) into the one-process run; chains from
// the profile's peaks (`rein sample --multistart`: io::sample_from_profile_peaks).
#include "common.hpp"

#include <pybind11/eigen.h>

#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/model_sampling.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/prior.hpp"
#include "rein/bayes/reported_parameters.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/io/json/multistart.hpp"
#include "rein/io/json/posterior.hpp"
#include "rein/io/sample_model.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace rein::python {

namespace {

using prior_spec = std::tuple<std::string, double, double>;

std::size_t positive(long value, const char* name) {
  if (value < 1) throw invalid_argument(std::string("rein.sample: ") + name + " = " + std::to_string(value) + ", must be >= 1");
  return static_cast<std::size_t>(value);
}

std::map<std::string, bayes::prior> priors_of(const std::map<std::string, prior_spec>& specs) {
  std::map<std::string, bayes::prior> priors;
  for (const auto& [name, spec] : specs)
    priors.emplace(name, bayes::prior_of_family(std::get<0>(spec), std::get<1>(spec), std::get<2>(spec), "rein.sample: prior of '" + name + "'"));
  return priors;
}

// What rein.sample returns: the summary `rein sample` prints, its evidence, and the draws as
// arrays, draws[c, k, i]: draw k of parameter i in chain c (ArviZ's (chain, draw) order).
py::dict posterior_to_python(const bayes::posterior_draws& r, const nlohmann::json& summary) {
  const auto n_chains = static_cast<py::ssize_t>(r.n_chains()), n_draws = static_cast<py::ssize_t>(r.n_draws()),
             n_pars = static_cast<py::ssize_t>(r.n_parameters());
  py::array_t<double> values({n_chains, n_draws, n_pars});
  py::array_t<double> log_prob({n_chains, n_draws});
  auto v = values.mutable_unchecked<3>();
  auto lp = log_prob.mutable_unchecked<2>();
  for (py::ssize_t c = 0; c < n_chains; ++c)
    for (py::ssize_t k = 0; k < n_draws; ++k) {
      lp(c, k) = r.log_prob[static_cast<std::size_t>(c)][k];
      for (py::ssize_t i = 0; i < n_pars; ++i) v(c, k, i) = r.chains[static_cast<std::size_t>(c)](k, i);
    }
  py::dict out;
  out["summary"] = to_python(summary);
  out["names"] = r.names;
  out["draws"] = values;
  out["log_prob"] = log_prob;
  out["evidence"] = out["summary"]["evidence"];
  return out;
}

// The posterior and sampler settings of a `rein sample` run, as rein.sample passes them.
struct sampling {
  bayes::model_posterior posterior;
  bayes::nuts_options options;
  bayes::sample_start start;

  sampling(const likelihood::model& model, long chains, long warmup, long draws, long seed, long threads,
           const std::map<std::string, prior_spec>& prior_specs, const std::string& start_name, const std::string& metric)
      : posterior(model, model.observed(), priors_of(prior_specs)),
        start(bayes::sample_start_from_string(start_name, "rein.sample: start")) {
    options.chains = positive(chains, "chains");
    if (warmup < 0) throw invalid_argument("rein.sample: warmup = " + std::to_string(warmup) + ", must be >= 0");
    options.warmup = static_cast<std::size_t>(warmup);
    options.draws = positive(draws, "draws");
    if (seed < 0) throw invalid_argument("rein.sample: seed = " + std::to_string(seed) + ", must be >= 0");
    options.seed = static_cast<std::uint64_t>(seed);
    options.threads = static_cast<unsigned>(positive(threads, "threads"));
    options.metric = bayes::adapted_metric_from_string(metric, "rein.sample: metric");
    options.progress = interruptible_progress();
  }

  /// The result of rein.sample from the draws of all chains: the summary `rein sample` prints
  /// (with the evidence when asked) and the draws as arrays. With the GIL.
  [[nodiscard]] py::dict result(const bayes::nuts_result& r, const std::optional<std::vector<std::string>>& parameters, bool evidence,
                                std::chrono::steady_clock::time_point begin) const {
    const auto names = bayes::reported_parameters(posterior.model(), posterior.names(), parameters);
    nlohmann::json summary_json;
    {
      const py::gil_scoped_release release;
      // what `rein sample` prints, without a draws file ("out": null)
      summary_json = io::sample_json(posterior, r, bayes::summarize(r), options, names, evidence, "", begin);
    }
    return posterior_to_python(r, summary_json);
  }
};

// One chain of a partial run as a dict of numbers and arrays (what a Dask worker sends back), and back.
py::dict chain_to_python(const bayes::nuts_result& r, std::size_t c) {
  const auto& s = r.stats[c];
  py::dict d;
  d["draws"] = r.chains[c];
  d["log_prob"] = r.log_prob[c];
  d["accept_stat"] = s.accept_stat, d["step_size"] = s.step_size, d["energy"] = s.energy;
  d["tree_depth"] = s.tree_depth, d["n_leapfrog"] = s.n_leapfrog, d["divergent"] = s.divergent;
  d["adapted_step_size"] = s.adapted_step_size, d["inverse_metric"] = s.inverse_metric;
  d["n_divergent"] = s.n_divergent, d["n_divergent_warmup"] = s.n_divergent_warmup, d["n_max_depth"] = s.n_max_depth;
  d["n_non_finite"] = s.n_non_finite, d["n_evaluations"] = s.n_evaluations;
  d["warmup_seconds"] = s.warmup_seconds, d["sampling_seconds"] = s.sampling_seconds;
  d["status"] = std::string(bayes::to_string(s.status));
  d["seconds"] = r.seconds;
  return d;
}

bayes::sample_status sample_status_of(const std::string& name) {
  if (const auto status = enum_from_name(name, bayes::all_sample_statuses)) return *status;
  throw invalid_argument("rein.distributed.sample: unknown chain status '" + name + "'");
}

// the chain of chain_to_python as a one-chain run with the names and bounds of `t`
bayes::nuts_result chain_of(const py::dict& d, const bayes::target& t) {
  bayes::nuts_result r;
  for (std::size_t i = 0; i < t.size(); ++i) r.names.push_back(t.name(i));
  r.lower = t.lower, r.upper = t.upper;
  r.chains.push_back(d["draws"].cast<Eigen::MatrixXd>());
  r.log_prob.push_back(d["log_prob"].cast<Eigen::VectorXd>());
  bayes::nuts_chain_stats s;
  s.accept_stat = d["accept_stat"].cast<Eigen::VectorXd>(), s.step_size = d["step_size"].cast<Eigen::VectorXd>();
  s.energy = d["energy"].cast<Eigen::VectorXd>(), s.tree_depth = d["tree_depth"].cast<Eigen::VectorXi>();
  s.n_leapfrog = d["n_leapfrog"].cast<Eigen::VectorXi>(), s.divergent = d["divergent"].cast<Eigen::VectorXi>();
  s.adapted_step_size = d["adapted_step_size"].cast<double>(), s.inverse_metric = d["inverse_metric"].cast<Eigen::MatrixXd>();
  s.n_divergent = d["n_divergent"].cast<std::size_t>(), s.n_divergent_warmup = d["n_divergent_warmup"].cast<std::size_t>();
  s.n_max_depth = d["n_max_depth"].cast<std::size_t>(), s.n_non_finite = d["n_non_finite"].cast<std::size_t>();
  s.n_evaluations = d["n_evaluations"].cast<std::size_t>();
  s.warmup_seconds = d["warmup_seconds"].cast<double>(), s.sampling_seconds = d["sampling_seconds"].cast<double>();
  s.status = sample_status_of(d["status"].cast<std::string>());
  r.stats.push_back(std::move(s));
  r.seconds = d["seconds"].cast<double>();
  return r;
}

}  // namespace

void bind_bayes(py::module_& m) {
  using py::arg;
  m.def("sample", [](const io::loaded_model& l, long chains, long warmup, long draws, long seed, long threads,
                     const std::map<std::string, prior_spec>& prior_specs, const std::optional<std::vector<std::string>>& parameters,
                     const std::string& start, const std::string& metric, bool evidence) {
    const auto begin = std::chrono::steady_clock::now();
    const sampling run(l.model, chains, warmup, draws, seed, threads, prior_specs, start, metric);
    (void)bayes::reported_parameters(l.model, run.posterior.names(), parameters);  // unknown names throw before sampling
    bayes::nuts_result result;
    {
      const py::gil_scoped_release release;
      result = io::sample_model(run.posterior, run.start, run.options);
    }
    return run.result(result, parameters, evidence, begin);
  }, arg("model"), arg("chains"), arg("warmup"), arg("draws"), arg("seed"), arg("threads"), arg("priors"), arg("parameters"),
        arg("start"), arg("metric"), arg("evidence"));

  // `rein sample --multistart NAME=LO:HI:N --modes K`: chains from the profile's deepest peaks
  m.def("sample_multistart", [](const io::loaded_model& l, const std::string& over, const std::vector<double>& values, long modes,
                                long chains, long warmup, long draws, long seed, long threads,
                                const std::map<std::string, prior_spec>& prior_specs,
                                const std::optional<std::vector<std::string>>& parameters, const std::string& metric, bool evidence) {
    const auto begin = std::chrono::steady_clock::now();
    if (values.empty()) throw invalid_argument("rein.sample_multistart: values: needs at least one value of '" + over + "'");
    const sampling run(l.model, chains, warmup, draws, seed, threads, prior_specs, "best-fit", metric);
    const auto names = bayes::reported_parameters(l.model, run.posterior.names(), parameters);
    const auto multistart = bayes::mode_start_options(run.options);
    nlohmann::json summary;
    bayes::posterior_draws combined;
    {
      const py::gil_scoped_release release;
      auto r = io::sample_from_profile_peaks(run.posterior, over, values, positive(modes, "modes"), multistart);
      // what `rein sample --multistart` prints, without a draws file ("out": null)
      summary = io::multistart_sample_json(r.result, bayes::summarize(r.result.combined), multistart, over, r.start_values, names,
                                           run.posterior.names().size(), evidence, "",
                                           std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
      combined = std::move(r.result.combined);
    }
    return posterior_to_python(combined, summary);
  }, arg("model"), arg("over"), arg("values"), arg("modes"), arg("chains"), arg("warmup"), arg("draws"), arg("seed"), arg("threads"),
        arg("priors"), arg("parameters"), arg("metric"), arg("evidence"));

  // rein.distributed.sample: the start point once, chains [first, first + count) on a worker, the
  // chains of all workers joined into the one-process run
  m.def("sample_start", [](const io::loaded_model& l, const std::map<std::string, prior_spec>& prior_specs, const std::string& start) {
    const sampling run(l.model, 1, 0, 1, 0, 1, prior_specs, start, "diagonal");
    const py::gil_scoped_release release;
    return run.posterior.start_point(io::sample_start_theta(run.posterior, run.start));
  }, arg("model"), arg("priors"), arg("start"));
  m.def("sample_chains", [](const io::loaded_model& l, const Eigen::VectorXd& x0, long first, long count, long warmup, long draws,
                            long seed, long threads, const std::map<std::string, prior_spec>& prior_specs, const std::string& start,
                            const std::string& metric) {
    if (first < 0) throw invalid_argument("rein.distributed.sample: first chain " + std::to_string(first) + ", must be >= 0");
    const sampling run(l.model, count, warmup, draws, seed, threads, prior_specs, start, metric);
    auto options = bayes::started_options(run.options, run.start);  // the chains of rein.sample's run
    options.first_chain = static_cast<std::size_t>(first);
    bayes::nuts_result r;
    {
      const py::gil_scoped_release release;
      r = bayes::sample_nuts(run.posterior.as_target(), x0, options);
    }
    py::list out;
    for (std::size_t c = 0; c < r.n_chains(); ++c) out.append(chain_to_python(r, c));
    return out;
  }, arg("model"), arg("x0"), arg("first"), arg("count"), arg("warmup"), arg("draws"), arg("seed"), arg("threads"), arg("priors"),
        arg("start"), arg("metric"));
  m.def("sample_join", [](const io::loaded_model& l, const py::list& chain_dicts, long warmup, long draws, long seed, long threads,
                          const std::map<std::string, prior_spec>& prior_specs, const std::optional<std::vector<std::string>>& parameters,
                          const std::string& start, const std::string& metric, bool evidence, double seconds) {
    const auto begin = std::chrono::steady_clock::now() -
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    const sampling run(l.model, static_cast<long>(chain_dicts.size()), warmup, draws, seed, threads, prior_specs, start, metric);
    const auto target = run.posterior.as_target();
    std::vector<bayes::nuts_result> parts;
    for (const auto& d : chain_dicts) parts.push_back(chain_of(d.cast<py::dict>(), target));
    auto joined = bayes::join_nuts_chains(std::move(parts), bayes::started_options(run.options, run.start));
    joined.seconds = seconds;
    return run.result(joined, parameters, evidence, begin);
  }, arg("model"), arg("chains"), arg("warmup"), arg("draws"), arg("seed"), arg("threads"), arg("priors"), arg("parameters"),
        arg("start"), arg("metric"), arg("evidence"), arg("seconds"));
}

}  // namespace rein::python
