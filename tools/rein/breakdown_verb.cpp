// rein breakdown WS [--group NAME=PAT,... ...] [model options]: the POI's uncertainty split into
// stat, each group and syst by quadrature differences (docs/diagnostics.md). JSON on stdout.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/infer/breakdown.hpp"
#include "rein/io/json/diagnostics.hpp"
#include "rein/likelihood/parameter_groups.hpp"
#include "rein/likelihood/workspace.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

int breakdown(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::model_option_names());
  const auto begin = std::chrono::steady_clock::now();
  const auto options = rein::cli::load_options_of(args);
  const auto loaded = rein::cli::load(args, options);
  // the --group definitions, then every modifier type the model has
  std::vector<std::string> names;
  for (const auto& g : options.groups) names.push_back(g.name);
  for (const char* type : {"normfactor", "normsys", "histosys", "shapesys", "shapefactor", "staterror", "lumi"})
    if (std::find(names.begin(), names.end(), type) == names.end()) names.emplace_back(type);
  std::vector<rein::infer::indexed_group> groups;
  for (const auto& name : names) {
    auto members = rein::likelihood::group_members(name, options.groups, loaded.workspace, loaded.model.parameters());
    if (!members.empty()) groups.push_back({name, std::move(members)});
  }
  const auto r = rein::infer::breakdown(loaded.model, groups);
  auto out = rein::io::to_json(r);
  out["seconds"] = rein::cli::seconds_since(begin);
  rein::cli::print_json(out);
  return r.status == rein::fit::fit_status::ok ? 0 : 3;
}

const bool breakdown_registered = rein::cli::register_verb(
    {"breakdown", "breakdown WS [--group NAME=PAT1,PAT2 ...] " + rein::cli::model_usage(), {}, breakdown});

}  // namespace
