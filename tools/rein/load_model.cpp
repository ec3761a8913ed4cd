#include "load_model.hpp"

#include "rein/io/json/read_json.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/io/json/shape_workspace.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/reweight/named_rates.hpp"
#ifdef REIN_CLI_HDF5
#include "rein/io/hdf5/reweighted_workspace.hpp"
#endif

#include <map>
#include <tuple>

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

namespace {

std::vector<io::patch_source> patches_of(const arguments& args) {
  std::vector<io::patch_source> patches;
  const auto files = args.all("patch");
  const auto names = args.all("patch-name");
  if (names.size() > files.size()) throw invalid_argument("--patch-name needs a --patch (a patchset) to choose from");
  for (std::size_t i = 0; i < files.size(); ++i)
    patches.push_back({files[i], i < names.size() ? std::optional<std::string>(names[i]) : std::nullopt});
  return patches;
}

}  // namespace

io::shape_workspace load_shape_workspace(const std::string& path, const arguments& args) {
  nlohmann::json document = io::read_json(path);
  std::string source = path;
  for (const auto& p : patches_of(args)) {
    document = io::apply_patch(document, io::select_patch(io::read_json(p.path), p.path, p.name), p.path);
    source += " patched by '" + p.path + "'";
  }
  return io::shape_workspace_from_json(std::move(document), source);
}

likelihood::workspace load_workspace(const arguments& args) {
  return io::read_workspace(args.positional(0, "WS (a pyhf JSON workspace)"), patches_of(args));
}

likelihood::model_options load_model_options(const arguments& args) {
  likelihood::model_options options;
  if (args.has("measurement")) options.measurement = args.get("measurement", "");
  if (args.has("poi")) options.poi = args.get("poi", "");
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
  return options;
}

saved_kind saved_kind_of(const std::string& path) {
  const auto document = io::read_json(path);
  if (document.is_object() && document.contains("spec") && document.contains("new_pars")) return saved_kind::redist;
  const bool reweighted = document.is_object() && document.contains("rein.reweight");
  const bool shapes = document.is_object() && document.contains("rein.shapes");
  if (reweighted && shapes)
    throw invalid_argument("'" + path + "' has both 'rein.reweight' and 'rein.shapes'; rein reads one extension per file");
  if (reweighted) return saved_kind::reweighted_workspace;
  if (shapes) return saved_kind::shape_workspace;
  return saved_kind::workspace;
}

reweight::quadrature_rule quadrature_of(const arguments& args) {
  const std::string rule = args.get("quadrature", "endpoint-adapted");
  if (rule == "endpoint-adapted") return reweight::quadrature_rule::endpoint_adapted;
  if (rule == "gauss-legendre") return reweight::quadrature_rule::gauss_legendre;
  throw invalid_argument("--quadrature '" + rule + "' must be endpoint-adapted or gauss-legendre (redist's rule)");
}

io::redist_model read_redist_named(const std::string& path, const arguments& args) {
  if (!args.has("null") || !args.has("alt"))
    throw invalid_argument("'" + path + "' is a redist saved model: say which rates it reweights with --null NAME --alt NAME "
                           "(e.g. --null hpqcd-b-to-k-nunu --alt wet-b-to-k-nunu)");
  auto saved = io::read_redist(path);
  for (auto& r : saved.reweightings) r.null = args.get("null", ""), r.alternative = args.get("alt", "");
  return saved;
}

namespace {

likelihood::model load_saved_model(const std::string& path, const arguments& args, saved_kind kind) {
  if (args.has("patch")) throw invalid_argument("--patch applies to pyhf workspaces; '" + path + "' holds a reweighted model");
  io::redist_model saved;
  if (kind == saved_kind::redist) {
    saved = read_redist_named(path, args);
  } else {
    for (const char* name : {"null", "alt"})
      if (args.has(name)) throw invalid_argument(std::string("--") + name + ": '" + path + "' names its rates itself");
#ifdef REIN_CLI_HDF5
    saved = io::hdf5::read_reweighted_workspace(path);
#else
    throw invalid_argument("'" + path + "' is a reweighted workspace with HDF5 densities; this rein was built without HDF5");
#endif
  }
  const auto rule = quadrature_of(args);
  // reweightings with the same rates over the same kinematic bins share one set of integrals
  std::map<std::tuple<std::string, std::string, std::vector<double>>, std::shared_ptr<const reweight::bin_rates>> rates;
  const auto rates_for = [&](const io::redist_reweighting& r) {
    auto& found = rates[{r.null, r.alternative, r.edges}];
    if (!found) found = reweight::make_named_rates(r.null, r.alternative, r.edges, rule);
    return found;
  };
  return naming_file(path, [&] { return io::make_redist_model(saved, rates_for, load_model_options(args)); });
}

}  // namespace

likelihood::model load_model(const arguments& args) {
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace or a reweighted model)");
  const auto kind = saved_kind_of(path);
  if (kind == saved_kind::redist || kind == saved_kind::reweighted_workspace) return load_saved_model(path, args, kind);
  for (const char* name : {"null", "alt", "quadrature"})
    if (args.has(name))
      throw invalid_argument(std::string("--") + name + " applies to reweighted models; '" + path + "' is a pyhf workspace" +
                             (kind == saved_kind::shape_workspace ? " with parametric shapes" : ""));
  if (kind == saved_kind::shape_workspace)
    return naming_file(path, [&] { return io::make_shape_model(load_shape_workspace(path, args), load_model_options(args)); });
  return naming_file(path, [&] { return likelihood::make_model(load_workspace(args), load_model_options(args)); });
}

std::vector<std::string> with_model_options(std::vector<std::string> extra) {
  auto names = model_option_names();
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace rein::cli
