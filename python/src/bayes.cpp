// rein._rein: posterior sampling with NUTS (what `rein sample` runs), draws as numpy arrays and
// the summaries as the CLI prints them (rein::io::posterior_summary_json).
#include "common.hpp"

#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/reported_parameters.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/posterior.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace rein::python {

namespace {

using prior_spec = std::tuple<std::string, double, double>;

bayes::prior prior_of(const std::string& name, const prior_spec& spec) {
  const auto& [kind, a, b] = spec;
  if (kind == "uniform") return bayes::prior::uniform(a, b);
  if (kind == "normal") return bayes::prior::normal(a, b);
  if (kind == "log-uniform") return bayes::prior::log_uniform(a, b);
  throw invalid_argument("rein.sample: prior of '" + name + "' is '" + kind + "'; it must be uniform, normal or log-uniform");
}

std::size_t positive(long value, const char* name) {
  if (value < 1) throw invalid_argument(std::string("rein.sample: ") + name + " = " + std::to_string(value) + ", must be >= 1");
  return static_cast<std::size_t>(value);
}

}  // namespace

void bind_bayes(py::module_& m) {
  using py::arg;
  m.def("sample", [](const io::loaded_model& l, long chains, long warmup, long draws, long seed, long threads,
                     const std::map<std::string, prior_spec>& prior_specs, const std::optional<std::vector<std::string>>& parameters,
                     const std::string& start, const std::string& metric) {
    const auto begin = std::chrono::steady_clock::now();
    const auto& model = l.model;
    std::map<std::string, bayes::prior> priors;
    for (const auto& [name, spec] : prior_specs) priors.emplace(name, prior_of(name, spec));
    const bayes::model_posterior posterior(model, model.observed(), priors);
    bayes::nuts_options options;
    options.chains = positive(chains, "chains");
    if (warmup < 0) throw invalid_argument("rein.sample: warmup = " + std::to_string(warmup) + ", must be >= 0");
    options.warmup = static_cast<std::size_t>(warmup);
    options.draws = positive(draws, "draws");
    if (seed < 0) throw invalid_argument("rein.sample: seed = " + std::to_string(seed) + ", must be >= 0");
    options.seed = static_cast<std::uint64_t>(seed);
    options.threads = static_cast<unsigned>(positive(threads, "threads"));
    if (metric == "dense") options.metric = bayes::metric_kind::dense;
    else if (metric != "diagonal") throw invalid_argument("rein.sample: metric '" + metric + "' must be diagonal or dense");
    if (start != "best-fit" && start != "inits") throw invalid_argument("rein.sample: start '" + start + "' must be best-fit or inits");
    const auto names = bayes::reported_parameters(model, posterior.names(), parameters);
    options.progress = interruptible_progress();

    bayes::nuts_result result;
    nlohmann::json summary_json;
    {
      const py::gil_scoped_release release;
      Eigen::VectorXd init = model.parameters().inits();
      if (start == "best-fit") {  // as `rein sample --start best-fit`: chains start near the mode
        fit::fit_options fit;
        fit.errors = false;
        init = fit::fit(model, fit).values;
        options.init_radius = 0.1;
      }
      result = bayes::sample_nuts(posterior.as_target(), posterior.start_point(init), options);
      const auto summary = bayes::summarize(result);
      const bool converged = io::posterior_converged(result, options, names);
      // the keys of `rein sample` (its --evidence has no Python counterpart yet: null)
      summary_json = {{"evidence", nullptr},
                      {"parameters", io::posterior_summary_json(result, summary, result.diagnostics, names)},
                      {"sampler", io::to_json(result, options)},
                      {"n_sampled", posterior.names().size()},
                      {"warnings", result.diagnostics.warnings},
                      {"out", nullptr},
                      {"status", converged ? "ok" : "not_converged"},
                      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count()}};
    }
    // draws[c, k, i]: draw k of parameter i in chain c (ArviZ's (chain, draw) order)
    const auto n_chains = static_cast<py::ssize_t>(result.n_chains()), n_draws = static_cast<py::ssize_t>(result.n_draws()),
               n_pars = static_cast<py::ssize_t>(result.n_parameters());
    py::array_t<double> values({n_chains, n_draws, n_pars});
    py::array_t<double> log_prob({n_chains, n_draws});
    auto v = values.mutable_unchecked<3>();
    auto lp = log_prob.mutable_unchecked<2>();
    for (py::ssize_t c = 0; c < n_chains; ++c)
      for (py::ssize_t k = 0; k < n_draws; ++k) {
        lp(c, k) = result.log_prob[static_cast<std::size_t>(c)][k];
        for (py::ssize_t i = 0; i < n_pars; ++i) v(c, k, i) = result.chains[static_cast<std::size_t>(c)](k, i);
      }
    py::dict out;
    out["summary"] = to_python(summary_json);
    out["names"] = result.names;
    out["draws"] = values;
    out["log_prob"] = log_prob;
    return out;
  }, arg("model"), arg("chains"), arg("warmup"), arg("draws"), arg("seed"), arg("threads"), arg("priors"), arg("parameters"),
        arg("start"), arg("metric"));
}

}  // namespace rein::python
