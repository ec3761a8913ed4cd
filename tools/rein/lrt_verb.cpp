// rein lrt WS [model options] --null-fix NAME=V[,NAME=V...] [--toys N --seed S --threads T]:
// a likelihood-ratio test of a stated null (infer/likelihood_ratio.hpp), JSON on stdout.
#include "cli.hpp"
#include "infer_output.hpp"
#include "load_model.hpp"
#include "split.hpp"

#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/json/infer_results.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {

// --null-fix cvl=0,csl=0 --null-fix ctl=0 → {(cvl, 0), (csl, 0), (ctl, 0)}
std::vector<std::pair<std::string, double>> null_of(const rein::cli::arguments& args) {
  std::vector<std::pair<std::string, double>> null;
  for (const auto& setting : args.all("null-fix"))
    for (const auto& item : rein::cli::split(setting, ',')) {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw rein::invalid_argument("--null-fix '" + item + "' must be NAME=VALUE[,NAME=VALUE...], e.g. cvl=0,csl=0,ctl=0");
      null.emplace_back(item.substr(0, eq), rein::cli::parse_double(item.substr(eq + 1), "--null-fix " + item.substr(0, eq)));
    }
  if (null.empty()) throw rein::invalid_argument("rein lrt needs the null hypothesis: --null-fix NAME=VALUE[,NAME=VALUE...]");
  return null;
}

int lrt(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::with_model_options({"null-fix", "toys", "seed", "threads"}));
  const auto begin = std::chrono::steady_clock::now();
  const auto model = rein::cli::load_model(args);
  const auto null = null_of(args);
  auto r = rein::infer::likelihood_ratio_test(model, model.observed(), null);
  bool toys_ok = true;
  if (args.has("toys")) {
    const auto toys = rein::cli::toy_options_of(args);
    r.toys = rein::infer::likelihood_ratio_toy_calibration(model, r, null, {}, toys.n_toys, toys.seed, toys.threads, toys.progress);
    toys_ok = static_cast<double>(r.toys.failed) <= rein::infer::max_failed_toy_fraction * static_cast<double>(r.toys.n);
  }
  auto out = rein::io::to_json(r, model);
  if (args.has("toys")) {
    out["seed"] = args.get_long("seed", 0);
    out["max_failed_fraction"] = rein::infer::max_failed_toy_fraction;
    if (!toys_ok && r.status == rein::fit::fit_status::ok) out["status"] = "toy_fits_failed";
  }
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok && toys_ok ? 0 : 3;
}

const bool lrt_registered = rein::cli::register_verb(
    {"lrt",
     "lrt WS --null-fix NAME=VALUE[,NAME=VALUE...] [--toys N [--seed S] [--threads T]] " + rein::cli::model_usage(),
     {}, lrt});

}  // namespace
