// rein inspect WS: channels, samples, bins, parameters and modifiers of a workspace, as JSON.
#include "cli.hpp"
#include "finite_output.hpp"
#include "load_model.hpp"

#include "rein/io/json/read_json.hpp"

#include <map>
#include <set>

namespace {

const char* constraint_name(rein::constraint_kind kind) {
  switch (kind) {
    case rein::constraint_kind::none: return "none";
    case rein::constraint_kind::normal: return "normal";
    case rein::constraint_kind::poisson: return "poisson";
  }
  return "unknown";
}

int inspect(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::model_option_names());
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace, with or without rein.shapes)");
  const bool has_shapes = rein::cli::saved_kind_of(path) == rein::cli::saved_kind::shape_workspace;
  const auto shaped = has_shapes ? rein::cli::load_shape_workspace(path, args) : rein::io::shape_workspace{};
  const auto ws = has_shapes ? shaped.workspace : rein::cli::load_workspace(args);
  const auto options = rein::cli::load_model_options(args);
  const auto model = rein::cli::naming_file(
      path, [&] { return has_shapes ? rein::io::make_shape_model(shaped, options) : rein::likelihood::make_model(ws, options); });

  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) channels.push_back({{"name", c.name}, {"bins", c.bins}, {"samples", c.samples}});

  std::map<std::pair<std::string, std::string>, std::set<std::string>> uses;  // (name, type) -> channel/sample
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) uses[{m.name, to_string(m.type)}].insert(c.name + "/" + s.name);
  for (const auto& shape : shaped.shapes)
    for (const auto& t : shape.targets) uses[{shape.name, "rein.shape"}].insert(t.channel + "/" + t.sample);
  nlohmann::json modifiers = nlohmann::json::array();
  for (const auto& [key, where] : uses)
    modifiers.push_back({{"name", key.first}, {"type", key.second}, {"samples", where}});

  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& p : model.parameters().all()) {
    // an infinite bound is null, as in rein's files; every other number must be finite
    nlohmann::json item = {{"name", p.name},
                           {"init", p.init},
                           {"bounds", {rein::io::detail::bound_json(p.lower), rein::io::detail::bound_json(p.upper)}},
                           {"fixed", p.fixed},
                           {"constraint", constraint_name(p.constraint)}};
    if (p.constraint == rein::constraint_kind::normal) item["aux"] = p.aux, item["sigma"] = p.sigma;
    if (p.constraint == rein::constraint_kind::poisson) item["aux"] = p.aux, item["factor"] = p.factor;
    parameters.push_back(item);
  }
  nlohmann::json measurements = nlohmann::json::array();
  for (const auto& m : ws.measurements) measurements.push_back({{"name", m.name}, {"poi", m.poi}});

  const nlohmann::json out = {{"channels", channels},
                              {"n_bins", model.main_bins()},
                              {"n_parameters", model.parameters().size()},
                              {"poi", model.parameters()[model.parameters().poi_index()].name},
                              {"measurements", measurements},
                              {"interpolation", {{"normsys", to_string(options.normsys)}, {"histosys", to_string(options.histosys)}}},
                              {"modifiers", modifiers},
                              {"parameters", parameters}};
  rein::cli::require_finite_output(out, "inspect");
  rein::cli::print_json(out);
  return 0;
}

const bool registered = rein::cli::register_verb(
    {"inspect", "inspect WS [--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0]",
     {}, inspect});

}  // namespace
