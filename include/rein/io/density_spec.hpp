#pragma once

// The text forms in which a user names number densities to import (`rein convert --density
// NAME=FILE:CHANNEL:SAMPLE --edges VAR=SPEC --units VAR=UNIT`, docs/formats.md): SPEC is a
// comma-separated list of edges and uniform runs A:B:N (N equal bins from A to B), e.g.
// q2=-1,0:22.885:100 gives [-1] + linspace(0, 22.885, 101).
#include "rein/core/binning.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parse_number.hpp"
#include "rein/core/size_limit.hpp"
#include "rein/io/belle2_knunu_preset.hpp"
#include "rein/io/density_import.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// The density named by NAME=FILE:CHANNEL:SAMPLE (the file name may hold ':' itself).
/// @throws invalid_argument naming `text` unless all four parts are there and non-empty
inline density_source density_source_of(const std::string& text) {
  const std::size_t eq = text.find('=');
  const std::size_t last = text.rfind(':');
  const std::size_t middle = last == std::string::npos || last == 0 ? std::string::npos : text.rfind(':', last - 1);
  if (eq == std::string::npos || eq == 0 || middle == std::string::npos || middle <= eq + 1 || last == middle + 1 ||
      last + 1 == text.size())
    throw invalid_argument("--density '" + text + "' must be NAME=FILE:CHANNEL:SAMPLE (all four non-empty)");
  return {text.substr(0, eq), text.substr(eq + 1, middle - eq - 1), text.substr(middle + 1, last - middle - 1),
          text.substr(last + 1)};
}

/// The edges of SPEC: items separated by ',', each a number or A:B:N (N uniform bins on [A, B],
/// edges A + i (B − A)/N with the last exactly B); a run whose A equals the previous edge is joined
/// without repeating that edge (plain numbers are never merged, so "1,1" is refused later by the
/// density's own checks). `what` names SPEC in messages.
/// @throws invalid_argument for an item that is neither, or N that is not a positive integer;
///         (from check_input_size) for a run of more edges than the input size limit allows
inline std::vector<double> edges_of_spec(const std::string& spec, const std::string& what) {
  std::vector<double> edges;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t c1 = item.find(':');
    std::vector<double> part;
    if (c1 == std::string::npos) {
      part.push_back(parse_number(item, what + " item '" + item + "'"));
    } else {
      const std::size_t c2 = item.find(':', c1 + 1);
      if (c2 == std::string::npos || item.find(':', c2 + 1) != std::string::npos)
        throw invalid_argument(what + " item '" + item + "' must be a number or A:B:N");
      const double a = parse_number(item.substr(0, c1), what + " item '" + item + "' A");
      const double b = parse_number(item.substr(c1 + 1, c2 - c1 - 1), what + " item '" + item + "' B");
      const std::string n_text = item.substr(c2 + 1);
      char* end = nullptr;
      const long n = std::strtol(n_text.c_str(), &end, 10);
      if (n_text.empty() || *end != '\0' || n < 1)
        throw invalid_argument(what + " item '" + item + "': N = '" + n_text + "' must be a positive integer");
      check_input_size(static_cast<double>(edges.size() + static_cast<std::size_t>(n) + 1) * sizeof(double),
                       what + " item '" + item + "' (" + n_text + " bins)");
      part = make_uniform_axis(static_cast<std::size_t>(n), a, b).edges();
    }
    if (c1 != std::string::npos && !edges.empty() && part.front() == edges.back()) part.erase(part.begin());
    edges.insert(edges.end(), part.begin(), part.end());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return edges;
}

namespace detail {

// "KEY=VALUE" split at the first '='; `what` names the option.
inline std::pair<std::string, std::string> spec_key(const std::string& text, const std::string& what) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw invalid_argument(what + " '" + text + "' must be KEY=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace detail

/// The axes of `edges` items VAR=SPEC (in order) and, when `units_given`, `units` items VAR=UNIT
/// (a variable without one gets "").
/// @throws invalid_argument for a variable given twice, units of a variable without edges, or an
///         item that is not KEY=VALUE; what edges_of_spec throws
inline density_axes density_axes_of(const std::vector<std::string>& edges, const std::vector<std::string>& units, bool units_given) {
  density_axes axes;
  for (const auto& e : edges) {
    auto [variable, spec] = detail::spec_key(e, "--edges");
    if (std::find(axes.variables.begin(), axes.variables.end(), variable) != axes.variables.end())
      throw invalid_argument("--edges: variable '" + variable + "' given twice");
    axes.edges.push_back(edges_of_spec(spec, "--edges " + variable));
    axes.variables.push_back(variable);
  }
  axes.units_given = units_given;
  if (!units_given) return axes;
  axes.units.assign(axes.variables.size(), "");
  std::vector<bool> set(axes.variables.size(), false);
  for (const auto& u : units) {
    auto [variable, unit] = detail::spec_key(u, "--units");
    const auto it = std::find(axes.variables.begin(), axes.variables.end(), variable);
    if (it == axes.variables.end()) throw invalid_argument("--units: variable '" + variable + "' has no --edges");
    const auto k = static_cast<std::size_t>(it - axes.variables.begin());
    if (set[k]) throw invalid_argument("--units: variable '" + variable + "' given twice");
    set[k] = true;
    axes.units[k] = unit;
  }
  return axes;
}

/// The densities named by `sources` (NAME=FILE:CHANNEL:SAMPLE each) on `axes`, labelled with
/// `normalisation` and `source`, and checked against the workspace file `workspace` unless it is
/// empty (import_number_density, row_sum_deviations).
inline imported_densities import_densities(const std::vector<std::string>& sources, const density_axes& axes,
                                           const std::string& normalisation, const std::string& source,
                                           const std::string& workspace = "") {
  imported_densities imported;
  for (const auto& text : sources) {
    const auto d = density_source_of(text);
    imported.densities.push_back(import_number_density(d, axes, normalisation, source));
    imported.files.push_back(d.file);
  }
  if (!workspace.empty()) imported.deviations = row_sum_deviations(imported.densities, workspace);
  return imported;
}

}  // namespace rein::io
