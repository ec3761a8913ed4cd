// rein._rein: fits and frequentist inference, each the library call of its CLI verb (tools/rein),
// the result converted from the JSON the CLI prints (rein::io).
#include "common.hpp"

#include "rein/core/shard.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/channel_compatibility.hpp"
#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/infer/grid.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/signal_grid.hpp"
#include "rein/io/upper_limit_run.hpp"
#include "rein/likelihood/interpolation.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::python {

namespace {

using fixed_values = std::vector<std::pair<std::string, double>>;
using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point begin) { return std::chrono::duration<double>(clock::now() - begin).count(); }

// the result JSON with the wall time, as the CLI prints it
py::object finished(nlohmann::json out, clock::time_point begin) {
  out["seconds"] = seconds_since(begin);
  return to_python(out);
}

fit::fit_options fit_options_of(const likelihood::model& model, const fixed_values& fixed) {
  fit::fit_options options;
  for (const auto& [name, value] : fixed) {
    (void)model.parameters().index(name);  // an unknown name throws, naming it
    options.fixed.emplace_back(name, value);
  }
  return options;
}

infer::toy_options toy_options_of(const std::string& test_stat, long toys, long seed, long threads, const fixed_values& fixed,
                                  const likelihood::model& model) {
  if (toys < 1) throw invalid_argument("toys = " + std::to_string(toys) + ": need at least one toy");
  if (seed < 0) throw invalid_argument("seed = " + std::to_string(seed) + ": must be >= 0");
  if (threads < 1) throw invalid_argument("threads = " + std::to_string(threads) + ": must be >= 1");
  infer::toy_options options;
  options.statistic = infer::test_statistic_from_string(test_stat);
  options.n_toys = static_cast<std::size_t>(toys);
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = static_cast<unsigned>(threads);
  options.fit = fit_options_of(model, fixed);
  options.progress = interruptible_progress();
  return options;
}

infer::asymptotic_options asymptotic_options_of(const std::string& test_stat, const likelihood::model& model, const fixed_values& fixed) {
  infer::asymptotic_options options;
  options.statistic = infer::test_statistic_from_string(test_stat);
  options.fit = fit_options_of(model, fixed);
  return options;
}

unsigned threads_of(long threads) {
  if (threads < 1) throw invalid_argument("threads = " + std::to_string(threads) + ": must be >= 1");
  return static_cast<unsigned>(threads);
}

// toys (0: asymptotics), seed and threads of rein.hypotest, upper_limit, significance: checked
// whether toys run or not, so that a wrong value is never silently unused
void check_toy_counts(const char* function, long toys, long seed, long threads) {
  if (toys < 0) throw invalid_argument(std::string(function) + ": toys = " + std::to_string(toys) + ", must be >= 0 (0: asymptotics)");
  if (seed < 0) throw invalid_argument(std::string(function) + ": seed = " + std::to_string(seed) + ", must be >= 0");
  (void)threads_of(threads);
}

std::vector<double> numbers_of(const py::handle& values, const char* what) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(v.is_none() ? std::numeric_limits<double>::quiet_NaN() : v.cast<double>());
  if (out.empty()) throw invalid_argument(std::string(what) + ": needs at least one value");
  return out;
}

// the tasks [first, end) of a run of `tasks`, checked (end = None: to the last)
std::pair<std::size_t, std::size_t> task_range(std::size_t tasks, long first, const std::optional<long>& end, const char* what) {
  const auto last = end.value_or(static_cast<long>(tasks));
  if (first < 0 || last < first || static_cast<std::size_t>(last) > tasks)
    throw invalid_argument(std::string(what) + ": tasks [" + std::to_string(first) + ", " + std::to_string(last) + ") of " +
                           std::to_string(tasks) + ", need 0 <= first <= end <= " + std::to_string(tasks));
  return {static_cast<std::size_t>(first), static_cast<std::size_t>(last)};
}

// shard outputs (JSON text, as a --shard run prints them) in shard order, for io::merge_*_shards
std::vector<io::shard_file> shard_files_of(const std::vector<std::string>& texts) {
  std::vector<io::shard_file> out;
  for (std::size_t i = 0; i < texts.size(); ++i)
    out.push_back({"<rein.distributed shard " + std::to_string(i) + ">", nlohmann::json::parse(texts[i])});
  if (out.empty()) throw invalid_argument("rein.distributed: no shards to merge");
  return out;
}

fit::fit_status fit_status_of(const std::string& name) {
  if (const auto status = io::fit_status_from_name(name)) return *status;
  throw invalid_argument("unknown fit status '" + name + "'");
}

}  // namespace

void bind_infer(py::module_& m) {
  using py::arg;
  m.def("fit", [](const io::loaded_model& l, const fixed_values& fixed) {
    const auto& model = l.model;
    const auto options = fit_options_of(model, fixed);
    nlohmann::json out;
    double seconds = 0;
    {
      const py::gil_scoped_release release;
      const auto begin = clock::now();
      const auto result = fit::fit(model, options);
      seconds = seconds_since(begin);  // the fit only, as `rein fit` times it
      out = io::to_json(result, model);
    }
    out["seconds"] = seconds;
    return to_python(out);
  }, arg("model"), arg("fixed"));

  m.def("hypotest", [](const io::loaded_model& l, double mu, const std::string& test_stat, long toys, long seed, long threads,
                       const fixed_values& fixed) {
    const auto& model = l.model;
    const auto begin = clock::now();
    check_toy_counts("rein.hypotest", toys, seed, threads);
    nlohmann::json out;
    if (toys > 0) {
      const auto options = toy_options_of(test_stat, toys, seed, threads, fixed, model);
      const py::gil_scoped_release release;
      out = io::to_json(infer::toy_hypotest(model, model.observed(), mu, options), options);
    } else {
      const auto options = asymptotic_options_of(test_stat, model, fixed);
      const py::gil_scoped_release release;
      const infer::asymptotic_calculator calculator(model, model.observed(), options);
      out = io::to_json(calculator.hypotest(mu), calculator);
    }
    return finished(std::move(out), begin);
  }, arg("model"), arg("mu"), arg("test_stat"), arg("toys"), arg("seed"), arg("threads"), arg("fixed"));

  m.def("upper_limit", [](const io::loaded_model& l, double cl, double rtol, const std::string& test_stat, const py::object& scan,
                          long toys, long seed, long threads, const fixed_values& fixed) {
    const auto& model = l.model;
    const auto begin = clock::now();
    io::upper_limit_settings settings;
    settings.limit.cl = cl;
    settings.limit.rtol = rtol;
    check_toy_counts("rein.upper_limit", toys, seed, threads);
    if (toys > 0) {
      if (!scan.is_none()) throw invalid_argument("rein.upper_limit: scan draws the asymptotic CLs curve; it does not combine with toys");
      settings.toys = toy_options_of(test_stat, toys, seed, threads, fixed, model);
    } else {
      settings.asymptotic = asymptotic_options_of(test_stat, model, fixed);
      if (!scan.is_none()) settings.scan = numbers_of(scan, "rein.upper_limit: scan");
    }
    nlohmann::json out;
    {
      const py::gil_scoped_release release;
      bool ok = true;  // the status is in the JSON; rein.upper_limit does not fail on it
      out = io::upper_limit_json(model, settings, ok);
    }
    return finished(std::move(out), begin);
  }, arg("model"), arg("cl"), arg("rtol"), arg("test_stat"), arg("scan"), arg("toys"), arg("seed"), arg("threads"), arg("fixed"));

  m.def("significance", [](const io::loaded_model& l, double asimov_mu, long toys, long seed, long threads,
                           const fixed_values& fixed) {
    const auto& model = l.model;
    const auto begin = clock::now();
    check_toy_counts("rein.significance", toys, seed, threads);
    nlohmann::json out;
    if (toys > 0) {
      const auto options = toy_options_of("qtilde", toys, seed, threads, fixed, model);
      const py::gil_scoped_release release;
      out = io::to_json(infer::toy_significance(model, model.observed(), options, asimov_mu), options);
    } else {
      const auto options = fit_options_of(model, fixed);
      const py::gil_scoped_release release;
      out = io::to_json(infer::discovery_significance(model, model.observed(), options, asimov_mu));
    }
    return finished(std::move(out), begin);
  }, arg("model"), arg("asimov_mu"), arg("toys"), arg("seed"), arg("threads"), arg("fixed"));

  m.def("scan", [](const io::loaded_model& l, const std::string& parameter, const py::object& values) {
    const auto& model = l.model;
    const auto begin = clock::now();
    const auto grid = numbers_of(values, "rein.scan: values");
    const py::gil_scoped_release release;
    const auto r = infer::profile_scan(model, model.observed(), parameter, grid);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r), begin);
  }, arg("model"), arg("parameter"), arg("values"));

  m.def("scan_points", [](const io::loaded_model& l, const std::string& parameter, const py::object& values) {
    const auto& model = l.model;
    const auto grid = numbers_of(values, "rein.scan_points: values");
    const py::gil_scoped_release release;
    const auto points = infer::profile_scan_points(model, model.observed(), parameter, grid);
    const py::gil_scoped_acquire gil;
    return to_python(io::scan_points_json(points));
  }, arg("model"), arg("parameter"), arg("values"));

  m.def("scan_2d", [](const io::loaded_model& l, const std::string& x, const py::object& x_values, const std::string& y,
                      const py::object& y_values) {
    const auto& model = l.model;
    const auto begin = clock::now();
    const auto xs = numbers_of(x_values, "rein.scan_2d: x_values"), ys = numbers_of(y_values, "rein.scan_2d: y_values");
    const py::gil_scoped_release release;
    const auto r = infer::profile_scan_2d(model, model.observed(), x, xs, y, ys);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r), begin);
  }, arg("model"), arg("x"), arg("x_values"), arg("y"), arg("y_values"));

  m.def("impacts", [](const io::loaded_model& l, const std::vector<std::string>& parameters, bool prefit, long threads) {
    const auto begin = clock::now();
    infer::impacts_options options;
    options.parameters = parameters;
    options.prefit = prefit;
    options.threads = threads_of(threads);
    options.progress = interruptible_progress();
    const py::gil_scoped_release release;
    const auto r = infer::impacts(l.model, options);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r, options.threads), begin);
  }, arg("model"), arg("parameters"), arg("prefit"), arg("threads"));

  m.def("gof", [](const io::loaded_model& l, long toys, long seed, long threads, const std::string& algo) {
    const auto begin = clock::now();
    if (toys < 0) throw invalid_argument("rein.gof: toys = " + std::to_string(toys) + ", must be >= 0");
    if (seed < 0) throw invalid_argument("rein.gof: seed = " + std::to_string(seed) + ", must be >= 0");
    infer::goodness_of_fit_options options;
    options.algorithm = infer::gof_algorithm_from_string(algo);
    options.n_toys = static_cast<std::size_t>(toys);
    options.seed = static_cast<std::uint64_t>(seed);
    options.threads = threads_of(threads);
    if (options.n_toys > 0) options.progress = interruptible_progress();
    const py::gil_scoped_release release;
    const auto r = infer::goodness_of_fit(l.model, options);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r, options.seed), begin);
  }, arg("model"), arg("toys"), arg("seed"), arg("threads"), arg("algo"));

  m.def("compatibility", [](const io::loaded_model& l, long toys, long seed, long threads) {
    const auto begin = clock::now();
    if (toys < 0) throw invalid_argument("rein.compatibility: toys = " + std::to_string(toys) + ", must be >= 0");
    if (seed < 0) throw invalid_argument("rein.compatibility: seed = " + std::to_string(seed) + ", must be >= 0");
    infer::channel_compatibility_options options;
    options.n_toys = static_cast<std::size_t>(toys);
    options.seed = static_cast<std::uint64_t>(seed);
    options.threads = threads_of(threads);
    if (options.n_toys > 0) options.progress = interruptible_progress();
    const py::gil_scoped_release release;
    const auto r = infer::channel_compatibility(l.model, options);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r, options.seed), begin);
  }, arg("model"), arg("toys"), arg("seed"), arg("threads"));

  // signal grids (`rein grid`) and 1-D scans (`rein scan`) in shards of their points: a shard's
  // output is JSON text with its "first" point, merged as `rein merge` merges --shard outputs
  m.def("grid_size", [](const std::string& workspace, const std::optional<std::string>& patchset, const std::vector<std::string>& patches) {
    return io::signal_grid_of(io::read_json(workspace), workspace, patchset, patches).points.size();
  }, arg("workspace"), arg("patchset"), arg("patches"));
  m.def("grid_shard", [](const std::string& workspace, const std::optional<std::string>& patchset, const std::vector<std::string>& patches,
                         long first, const std::optional<long>& end, double cl, long threads, const std::optional<std::string>& measurement,
                         const std::optional<std::string>& poi, const std::optional<std::string>& normsys,
                         const std::optional<std::string>& histosys) {
    const auto begin = clock::now();
    likelihood::model_options model_options;
    model_options.measurement = measurement;
    model_options.poi = poi;
    if (normsys) model_options.normsys = likelihood::interpolation_code_from_string(*normsys);
    if (histosys) model_options.histosys = likelihood::interpolation_code_from_string(*histosys);
    infer::grid_options options;
    options.limit.cl = cl;
    options.threads = threads_of(threads);
    options.progress = interruptible_progress();
    std::string text;
    {
      const py::gil_scoped_release release;
      const auto background = io::read_json(workspace);
      const auto grid = io::signal_grid_of(background, workspace, patchset, patches);
      const auto [from, to] = task_range(grid.points.size(), first, end, "rein.grid");
      const auto results = infer::grid(to - from, [&](std::size_t i) {
        return io::signal_point_model(background, workspace, grid.points[from + i], model_options);
      }, options);
      bool all_ok = true;  // the status of each point is in its JSON; rein.grid does not fail on it
      auto out = io::signal_grid_json(grid, from, results, options, seconds_since(begin), all_ok);
      out["first"] = from;
      text = out.dump();
    }
    return text;
  }, arg("workspace"), arg("patchset"), arg("patches"), arg("first"), arg("end"), arg("cl"), arg("threads"), arg("measurement"),
        arg("poi"), arg("normsys"), arg("histosys"));
  m.def("merge_grid", [](const std::vector<std::string>& shards) {
    bool all_ok = true;
    return to_python(io::merge_grid_shards(shard_files_of(shards), all_ok));
  }, arg("shards"));
  m.def("scan_shard", [](const io::loaded_model& l, const std::string& parameter, const py::object& values, long first,
                         const std::optional<long>& end) {
    const auto grid = numbers_of(values, "rein.scan: values");
    const auto [from, to] = task_range(grid.size(), first, end, "rein.scan");
    const std::vector<double> part(grid.begin() + static_cast<std::ptrdiff_t>(from), grid.begin() + static_cast<std::ptrdiff_t>(to));
    nlohmann::json out;
    {
      const py::gil_scoped_release release;
      out = {{"first", from}, {"points", io::scan_points_json(infer::profile_scan_points(l.model, l.model.observed(), parameter, part))}};
    }
    return out.dump();
  }, arg("model"), arg("parameter"), arg("values"), arg("first"), arg("end"));
  m.def("merge_scan", [](const io::loaded_model& l, const std::string& parameter, const py::object& values,
                         const std::vector<std::string>& shards) {
    const auto begin = clock::now();
    const auto grid = numbers_of(values, "rein.scan: values");
    const auto files = shard_files_of(shards);
    const py::gil_scoped_release release;
    const auto r = io::merge_scan(l.model, parameter, grid, files);
    const py::gil_scoped_acquire gil;
    return finished(io::to_json(r), begin);
  }, arg("model"), arg("parameter"), arg("values"), arg("shards"));

  m.def("linear_grid", [](double lo, double hi, long n) { return infer::linear_grid(lo, hi, n); }, arg("lo"), arg("hi"), arg("n"));
  m.def("linear_grid_of", &infer::linear_grid_of, arg("text"), arg("what"));

  // the pieces of a toy run that rein.distributed spreads over workers (as `rein cls --toys
  // --shard` and `rein merge` do)
  m.def("shard_slice", [](std::size_t tasks, std::size_t index, std::size_t count) { return shard_slice(tasks, index, count); },
        arg("tasks"), arg("index"), arg("count"));
  m.def("toy_generators", [](const io::loaded_model& l, double mu, const std::string& test_stat, const fixed_values& fixed) {
    const auto options = toy_options_of(test_stat, 1, 0, 1, fixed, l.model);
    infer::toy_generators g;
    {
      const py::gil_scoped_release release;
      g = infer::toy_generators_at(l.model, l.model.observed(), mu, options);
    }
    py::dict out;
    out["q_obs"] = g.q_obs;
    out["status"] = std::string(fit::to_string(g.status));
    out["signal_background"] = to_array(g.signal_background);
    out["background"] = to_array(g.background);
    return out;
  }, arg("model"), arg("mu"), arg("test_stat"), arg("fixed"));
  m.def("toy_statistics", [](const io::loaded_model& l, const py::object& theta_gen, double mu, std::uint64_t stream, std::size_t first,
                             std::size_t count, const std::string& test_stat, long seed, long threads, const fixed_values& fixed) {
    const auto theta = parameters_of(l.model, theta_gen, "toy_statistics");
    const auto options = toy_options_of(test_stat, 1, seed, threads, fixed, l.model);
    std::vector<double> q;
    {
      const py::gil_scoped_release release;
      q = infer::toy_statistics(l.model, theta, mu, stream, first, count, options);
    }
    return to_array(q);
  }, arg("model"), arg("theta_gen"), arg("mu"), arg("stream"), arg("first"), arg("count"), arg("test_stat"), arg("seed"), arg("threads"),
        arg("fixed"));
  m.def("toy_hypotest_from", [](double mu, double q_obs, const py::object& sb, const py::object& b, const std::string& status,
                                const std::string& test_stat, long toys, long seed) {
    infer::toy_options options;
    options.statistic = infer::test_statistic_from_string(test_stat);
    options.n_toys = static_cast<std::size_t>(toys);
    options.seed = static_cast<std::uint64_t>(seed);
    const auto r = infer::toy_hypotest_from(mu, q_obs, numbers_of(sb, "sb"), numbers_of(b, "b"), fit_status_of(status));
    return to_python(io::to_json(r, options));
  }, arg("mu"), arg("q_obs"), arg("sb"), arg("b"), arg("status"), arg("test_stat"), arg("toys"), arg("seed"));
}

}  // namespace rein::python
