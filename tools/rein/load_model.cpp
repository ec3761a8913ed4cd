#include "load_model.hpp"

#include "rein/likelihood/interpolation.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/load_model.hpp"
#endif

#include <algorithm>

namespace rein::cli {

const std::vector<std::string>& model_option_names() {
  static const std::vector<std::string> names = {"patch", "patch-name", "measurement", "interp",
                                                 "poi", "null", "alt", "quadrature"};
  return names;
}

const std::string& model_usage() {
  static const std::string usage =
      "[--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0] [--poi NAME] "
      "[--null NAME --alt NAME [--quadrature endpoint-adapted|gauss-legendre]] (WS: a pyhf workspace, one with "
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
  for (const auto& setting : args.all("interp")) {
    std::size_t start = 0;
    while (start <= setting.size()) {
      const std::size_t comma = std::min(setting.find(',', start), setting.size());
      const std::string item = setting.substr(start, comma - start);
      const auto eq = item.find('=');
      if (eq == std::string::npos)
        throw invalid_argument("--interp '" + item + "' must be TYPE=CODE, e.g. normsys=code1,histosys=code0");
      const std::string type = item.substr(0, eq);
      const auto code = likelihood::interpolation_code_from_string(item.substr(eq + 1));
      if (type == "normsys") options.normsys = code;
      else if (type == "histosys") options.histosys = code;
      else throw invalid_argument("--interp: '" + type + "' has no interpolation code (normsys or histosys)");
      start = comma + 1;
    }
  }
}

}  // namespace

io::load_options load_options_of(const arguments& args) {
  io::load_options options;
  const auto files = args.all("patch");
  const auto names = args.all("patch-name");
  if (names.size() > files.size()) throw invalid_argument("--patch-name needs a --patch (a patchset) to choose from");
  for (std::size_t i = 0; i < files.size(); ++i)
    options.patches.push_back({files[i], i < names.size() ? std::optional<std::string>(names[i]) : std::nullopt});
  if (args.has("measurement")) options.model.measurement = args.get("measurement", "");
  if (args.has("poi")) options.model.poi = args.get("poi", "");
  read_interp(args, options.model);
  if (args.has("null")) options.null = args.get("null", "");
  if (args.has("alt")) options.alternative = args.get("alt", "");
  if (args.has("quadrature")) options.quadrature = io::quadrature_rule_from_string(args.get("quadrature", ""));
  return options;
}

io::loaded_model load(const arguments& args) {
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace or a reweighted model)");
#ifdef REIN_HAS_HDF5
  return io::hdf5::load_model(path, load_options_of(args));
#else
  return io::load_model(path, load_options_of(args));
#endif
}

likelihood::model load_model(const arguments& args) { return load(args).model; }

}  // namespace rein::cli
