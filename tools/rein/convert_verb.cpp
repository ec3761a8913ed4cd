// rein convert: number densities from CSV matrices or HEPData JSON tables into one HDF5 file
// (format "rein-number-density", docs/formats.md), and the Belle II B+ → K+ νν̄ preset.
//   rein convert --to h5 OUT.h5 --density NAME=FILE:CHANNEL:SAMPLE [--density ...]
//                [--edges VAR=SPEC ...] [--units VAR=UNIT ...] [--normalisation TEXT] [--source TEXT]
//                [--workspace WS.json]
//   rein convert belle2-knunu DATA_DIR OUT.h5
//   rein convert redist SAVED.json OUT.json DENSITIES.h5 --null NAME --alt NAME
// SPEC is a comma-separated list of edges and uniform runs A:B:N (N equal bins from A to B), e.g.
// q2=-1,0:22.885:100 gives [-1] + linspace(0, 22.885, 101).
#include "cli.hpp"
#include "load_model.hpp"

#ifdef REIN_HAS_HDF5

#include "rein/core/binning.hpp"
#include "rein/core/size_limit.hpp"
#include "rein/io/density_import.hpp"
#include "rein/io/hdf5/number_density.hpp"
#include "rein/io/hdf5/reweighted_workspace.hpp"
#include "rein/models/registry.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

rein::io::density_source parse_density(const std::string& text) {
  const std::string what = "--density '" + text + "'";
  const std::size_t eq = text.find('=');
  const std::size_t last = text.rfind(':');
  const std::size_t middle = last == std::string::npos || last == 0 ? std::string::npos : text.rfind(':', last - 1);
  if (eq == std::string::npos || eq == 0 || middle == std::string::npos || middle <= eq + 1 || last == middle + 1 ||
      last + 1 == text.size())
    throw rein::invalid_argument(what + " must be NAME=FILE:CHANNEL:SAMPLE (all four non-empty)");
  return {text.substr(0, eq), text.substr(eq + 1, middle - eq - 1), text.substr(middle + 1, last - middle - 1),
          text.substr(last + 1)};
}

/// Parses SPEC: items separated by ',', each a number or A:B:N (N uniform bins on [A, B], edges
/// A + i (B − A)/N with the last exactly B); a run A:B:N whose A equals the previous edge is joined
/// without repeating that edge (plain numbers are never merged, so "1,1" is an error later).
std::vector<double> parse_edges(const std::string& spec, const std::string& what) {
  std::vector<double> edges;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t c1 = item.find(':');
    std::vector<double> part;
    if (c1 == std::string::npos) {
      part.push_back(rein::cli::parse_double(item, what + " item '" + item + "'"));
    } else {
      const std::size_t c2 = item.find(':', c1 + 1);
      if (c2 == std::string::npos || item.find(':', c2 + 1) != std::string::npos)
        throw rein::invalid_argument(what + " item '" + item + "' must be a number or A:B:N");
      const double a = rein::cli::parse_double(item.substr(0, c1), what + " item '" + item + "' A");
      const double b = rein::cli::parse_double(item.substr(c1 + 1, c2 - c1 - 1), what + " item '" + item + "' B");
      const std::string n_text = item.substr(c2 + 1);
      char* end = nullptr;
      const long n = std::strtol(n_text.c_str(), &end, 10);
      if (n_text.empty() || *end != '\0' || n < 1)
        throw rein::invalid_argument(what + " item '" + item + "': N = '" + n_text + "' must be a positive integer");
      rein::check_input_size(static_cast<double>(edges.size() + static_cast<std::size_t>(n) + 1) * sizeof(double),
                             what + " item '" + item + "' (" + n_text + " bins)");
      part = rein::make_uniform_axis(static_cast<std::size_t>(n), a, b).edges();
    }
    if (c1 != std::string::npos && !edges.empty() && part.front() == edges.back()) part.erase(part.begin());
    edges.insert(edges.end(), part.begin(), part.end());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return edges;
}

/// Splits "KEY=VALUE"; `what` names the option.
std::pair<std::string, std::string> split_key(const std::string& text, const std::string& what) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw rein::invalid_argument(what + " '" + text + "' must be KEY=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

/// Writes, reads back, compares exactly, prints a JSON summary.
int write_and_report(const std::string& output, const rein::io::imported_densities& imported) {
  rein::io::hdf5::write_number_densities(output, imported.densities);
  if (rein::io::hdf5::read_number_densities(output) != imported.densities)
    throw rein::io_error("'" + output + "': reading back did not give the written densities");
  rein::cli::print_json({{"output", output},
                         {"format", rein::io::hdf5::number_density_format},
                         {"format_version", "1"},
                         {"verified", "read back and compared bit for bit"},
                         {"densities", rein::io::imported_densities_json(imported)}});
  return 0;
}

int convert_belle2(const rein::cli::arguments& args) {
  args.allow_only({});
  if (args.positional_count() != 3)
    throw rein::invalid_argument("usage: rein convert belle2-knunu DATA_DIR OUT.h5");
  const std::string dir = args.positional(1, "DATA_DIR");
  const std::string output = args.positional(2, "OUT.h5");
  return write_and_report(output, rein::io::import_density_preset(rein::io::belle2_knunu_preset(), dir));
}

// A redist saved model as rein's reweighted workspace: the same likelihood, with the rates named
// in the file and the maps as HDF5 number densities beside it.
int convert_redist(const rein::cli::arguments& args) {
  args.allow_only({"null", "alt", "source"});
  if (args.positional_count() != 4)
    throw rein::invalid_argument("usage: rein convert redist SAVED.json OUT.json DENSITIES.h5 --null NAME --alt NAME");
  const std::string input = args.positional(1, "SAVED.json"), output = args.positional(2, "OUT.json");
  const std::string densities = args.positional(3, "DENSITIES.h5");
  if (densities.find('/') != std::string::npos)
    throw rein::invalid_argument("DENSITIES.h5 '" + densities + "' is a file name: it is written next to OUT.json");
  auto saved = rein::io::read_reweighted_model(input, rein::io::model_file_kind::redist, rein::cli::load_options_of(args));
  // the rates must exist under these names before they are written down
  for (const auto& r : saved.reweightings) (void)rein::models::make_named_rates(r.null, r.alternative, r.edges);
  rein::io::hdf5::reweighted_workspace_options options;
  options.source = args.get("source", "converted by rein convert redist from " + input);
  rein::io::hdf5::write_reweighted_workspace(output, densities, saved, options);
  const auto back = rein::io::hdf5::read_reweighted_workspace(output);
  nlohmann::json names = nlohmann::json::array();
  for (const auto& r : back.reweightings) names.push_back(r.name);
  rein::cli::print_json({{"output", output}, {"densities", densities}, {"reweightings", names}, {"verified", "read back"}});
  return 0;
}

int convert(const rein::cli::arguments& args) {
  if (args.positional_count() > 0 && args.positional(0, "") == "belle2-knunu") return convert_belle2(args);
  if (args.positional_count() > 0 && args.positional(0, "") == "redist") return convert_redist(args);
  args.allow_only({"to", "density", "edges", "units", "normalisation", "source", "workspace"});
  if (args.get("to", "") != "h5")
    throw rein::invalid_argument("--to must be h5 (the only output format), found '" + args.get("to", "") + "'");
  if (args.positional_count() != 1)
    throw rein::invalid_argument("expected exactly one positional argument OUT.h5, found " +
                                 std::to_string(args.positional_count()));
  const std::string output = args.positional(0, "OUT.h5");
  const std::vector<std::string> density_args = args.all("density");
  if (density_args.empty()) throw rein::invalid_argument("missing --density NAME=FILE:CHANNEL:SAMPLE");

  rein::io::density_axes axes;
  for (const auto& e : args.all("edges")) {
    auto [variable, spec] = split_key(e, "--edges");
    if (std::find(axes.variables.begin(), axes.variables.end(), variable) != axes.variables.end())
      throw rein::invalid_argument("--edges: variable '" + variable + "' given twice");
    axes.edges.push_back(parse_edges(spec, "--edges " + variable));
    axes.variables.push_back(variable);
  }
  axes.units_given = args.has("units");
  if (axes.units_given) {
    axes.units.assign(axes.variables.size(), "");
    std::vector<bool> set(axes.variables.size(), false);
    for (const auto& u : args.all("units")) {
      auto [variable, unit] = split_key(u, "--units");
      const auto it = std::find(axes.variables.begin(), axes.variables.end(), variable);
      if (it == axes.variables.end())
        throw rein::invalid_argument("--units: variable '" + variable + "' has no --edges");
      const auto k = static_cast<std::size_t>(it - axes.variables.begin());
      if (set[k]) throw rein::invalid_argument("--units: variable '" + variable + "' given twice");
      set[k] = true;
      axes.units[k] = unit;
    }
  }
  const std::string normalisation = args.get("normalisation", "");
  const std::string source = args.get("source", "");
  rein::io::imported_densities imported;
  for (const auto& text : density_args) {
    const auto d = parse_density(text);
    imported.densities.push_back(rein::io::import_number_density(d, axes, normalisation, source));
    imported.files.push_back(d.file);
  }
  if (args.has("workspace")) imported.deviations = rein::io::row_sum_deviations(imported.densities, args.get("workspace", ""));
  return write_and_report(output, imported);
}

const bool convert_registered = rein::cli::register_verb(
    {"convert",
     "convert --to h5 OUT.h5 --density NAME=FILE:CHANNEL:SAMPLE [--edges VAR=SPEC] [--units VAR=UNIT] "
     "[--normalisation T] [--source T] [--workspace WS]   number densities (CSV / HEPData JSON) to HDF5\n"
     "  convert belle2-knunu DATA_DIR OUT.h5   the Belle II B->Knunu number densities of data/belle2-knunu to HDF5\n"
     "  convert redist SAVED.json OUT.json DENSITIES.h5 --null NAME --alt NAME   a redist saved model as rein's "
     "reweighted workspace",
     {},
     convert});

}  // namespace

#else

namespace {

const bool convert_registered = rein::cli::register_verb(
    {"convert", "convert ...                  (unavailable: rein was built without HDF5)", {},
     [](const rein::cli::arguments&) -> int {
       throw rein::invalid_argument("this rein was built without HDF5 (rein::hdf5 target missing), convert is unavailable");
     }});

}  // namespace

#endif
