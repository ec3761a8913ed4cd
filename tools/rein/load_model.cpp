#include "load_model.hpp"

#include "split.hpp"

#include "rein/io/json/patchset.hpp"
#include "rein/likelihood/interpolation.hpp"
#include "rein/likelihood/validate.hpp"
#include "rein/models/registry.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/load_model.hpp"
#endif

#include <algorithm>
#include <iostream>

namespace rein::cli {

const std::vector<std::string>& model_option_names() {
  static const std::vector<std::string> names = {"patch", "patch-name", "patch-values", "measurement", "interp",
                                                 "poi", "poi-bounds", "fix", "init", "null", "alt", "alt-table", "quadrature",
                                                 "verbose", "mask", "group", "freeze"};
  return names;
}

const std::string& model_usage() {
  static const std::string usage =
      "[--patch P [--patch-name N | --patch-values V1,V2,...]] [--verbose] [--measurement M] [--interp normsys=code1,histosys=code0] [--poi NAME] "
      "[--poi-bounds LO:HI] [--fix NAME=VALUE ...] [--init NAME=VALUE ...] [--mask CHANNEL ...] [--group NAME=PAT1,PAT2 ...] [--freeze GROUP ...] "
      "[--null NAME (--alt NAME | --alt-table Q2_RATE.csv) [--quadrature endpoint-adapted|gauss-legendre]] (WS: a pyhf workspace, one with "
      "rein.shapes (--patch applies too), a redist saved model or a reweighted workspace)";
  return usage;
}

std::vector<std::string> with_model_options(std::vector<std::string> extra) {
  auto names = model_option_names();
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

namespace {

// --interp normsys=code1,histosys=code0 (one or more settings, each a comma-separated list)
void read_interp(const arguments& args, likelihood::model_options& options) {
  for (const auto& setting : args.all("interp"))
    for (const auto& item : split(setting, ',')) {
      const auto eq = item.find('=');
      if (eq == std::string::npos)
        throw invalid_argument("--interp '" + item + "' must be TYPE=CODE, e.g. normsys=code1,histosys=code0");
      const std::string type = item.substr(0, eq);
      const auto code = likelihood::interpolation_code_from_string(item.substr(eq + 1));
      if (type == "normsys") options.normsys = code;
      else if (type == "histosys") options.histosys = code;
      else throw invalid_argument("--interp: '" + type + "' has no interpolation code (normsys or histosys)");
    }
}

// --poi-bounds LO:HI
std::pair<double, double> poi_bounds_of(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw invalid_argument("--poi-bounds '" + text + "' must be LO:HI, e.g. 0:50");
  const double lo = parse_double(text.substr(0, colon), "--poi-bounds LO");
  const double hi = parse_double(text.substr(colon + 1), "--poi-bounds HI");
  if (!(lo < hi)) throw invalid_argument("--poi-bounds '" + text + "': need LO < HI");
  return {lo, hi};
}

}  // namespace

io::load_options load_options_of(const arguments& args) {
  io::load_options options;
  const auto files = args.all("patch");
  const auto names = args.all("patch-name");
  const auto values = args.all("patch-values");
  if (names.size() > files.size()) throw invalid_argument("--patch-name needs a --patch (a patchset) to choose from");
  if (values.size() > files.size()) throw invalid_argument("--patch-values needs a --patch (a patchset) to choose from");
  if (!names.empty() && !values.empty()) throw invalid_argument("choose patchset entries by --patch-name or by --patch-values, not both");
  for (std::size_t i = 0; i < files.size(); ++i)
    options.patches.push_back({files[i], i < names.size() ? std::optional<std::string>(names[i]) : std::nullopt,
                               i < values.size() ? std::optional<nlohmann::json>(io::parse_patch_values(values[i])) : std::nullopt});
  if (args.has("measurement")) options.model.measurement = args.get("measurement", "");
  if (args.has("poi")) options.model.poi = args.get("poi", "");
  read_interp(args, options.model);
  if (args.has("poi-bounds")) options.model.poi_bounds = poi_bounds_of(args.get("poi-bounds", ""));
  // --fix NAME=VALUE holds a parameter, --init NAME=VALUE starts it there
  for (const auto& [flag, list] : {std::pair{"fix", &options.model.fixed}, std::pair{"init", &options.model.inits}})
    for (const auto& item : args.all(flag)) {
      const auto eq = item.find('=');
      if (eq == std::string::npos) throw invalid_argument(std::string("--") + flag + " '" + item + "' must be NAME=VALUE");
      list->emplace_back(item.substr(0, eq), parse_double(item.substr(eq + 1), std::string("--") + flag + " " + item.substr(0, eq)));
    }
  if (args.has("null")) options.null = models::canonical_rate_name(args.get("null", ""));
  if (args.has("alt")) options.alternative = models::canonical_rate_name(args.get("alt", ""));
  if (args.has("alt-table")) options.alternative_table = args.get("alt-table", "");
  if (args.has("quadrature")) options.quadrature = io::quadrature_rule_from_string(args.get("quadrature", ""));
  options.masked = args.all("mask");
  for (const auto& item : args.all("group")) {  // --group syst='corr_*,uncorr_*'
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw invalid_argument("--group '" + item + "' must be NAME=PATTERN[,PATTERN...], e.g. syst='corr_*,uncorr_*'");
    options.groups.push_back({item.substr(0, eq), split(item.substr(eq + 1), ',')});
  }
  options.frozen = args.all("freeze");
  return options;
}

io::loaded_model load(const arguments& args, const io::load_options& options) {
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace or a reweighted model)");
  // a second file name is a mistake (a patch without --patch, a flag's value split off), never ignored
  if (args.positional_count() > 1)
    throw invalid_argument("unexpected argument '" + args.positional(1, "") + "' (the verb takes one model file, WS; options start with --)");
#ifdef REIN_HAS_HDF5
  return io::hdf5::load_model(path, options);
#else
  return io::load_model(path, options);
#endif
}

io::loaded_model load(const arguments& args) { return load(args, load_options_of(args)); }

likelihood::model load_model(const arguments& args) {
  auto loaded = load(args);
  // pyhf ignores them silently; say so only when asked
  if (args.has("verbose"))
    for (const auto& name : likelihood::unused_observations(loaded.workspace))
      std::cerr << "rein: note: ignoring the observation of channel '" << name << "', which the (patched) workspace does not have\n";
  return std::move(loaded.model);
}

}  // namespace rein::cli
