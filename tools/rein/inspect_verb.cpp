// rein inspect WS: channels, samples, bins, parameters and modifiers of a workspace, as JSON.
#include "cli.hpp"
#include "load_model.hpp"

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
  const auto loaded = rein::cli::load(args);
  const auto& model = loaded.model;
  const auto& ws = loaded.workspace;
  const auto& options = loaded.options;

  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) channels.push_back({{"name", c.name}, {"bins", c.bins}, {"samples", c.samples}});

  std::map<std::pair<std::string, std::string>, std::set<std::string>> uses;  // (name, type) -> channel/sample
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers) uses[{m.name, to_string(m.type)}].insert(c.name + "/" + s.name);
  for (const auto& shape : loaded.shapes)
    for (const auto& t : shape.targets) uses[{shape.name, "rein.shape"}].insert(t.channel + "/" + t.sample);
  for (const auto& r : loaded.reweightings)
    for (const auto& t : r.targets) uses[{r.name, "rein.reweight"}].insert(t.channel + "/" + t.sample);
  nlohmann::json modifiers = nlohmann::json::array();
  for (const auto& [key, where] : uses)
    modifiers.push_back({{"name", key.first}, {"type", key.second}, {"samples", where}});

  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& p : model.parameters().all()) {
    nlohmann::json item = {{"name", p.name}, {"init", p.init}, {"bounds", {p.lower, p.upper}}, {"fixed", p.fixed},
                           {"constraint", constraint_name(p.constraint)}};
    if (p.constraint == rein::constraint_kind::normal) item["aux"] = p.aux, item["sigma"] = p.sigma;
    if (p.constraint == rein::constraint_kind::poisson) item["aux"] = p.aux, item["factor"] = p.factor;
    parameters.push_back(item);
  }
  nlohmann::json measurements = nlohmann::json::array();
  for (const auto& m : ws.measurements) measurements.push_back({{"name", m.name}, {"poi", m.poi}});

  rein::cli::print_json({{"channels", channels},
                         {"n_bins", model.main_bins()},
                         {"n_parameters", model.parameters().size()},
                         {"poi", model.parameters()[model.parameters().poi_index()].name},
                         {"measurements", measurements},
                         {"interpolation", {{"normsys", to_string(options.normsys)}, {"histosys", to_string(options.histosys)}}},
                         {"modifiers", modifiers},
                         {"parameters", parameters}});
  return 0;
}

const bool registered = rein::cli::register_verb(
    {"inspect", "inspect WS [--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0]",
     {}, inspect});

}  // namespace
