#pragma once

// Named groups of parameters, as CMS Combine's nuisance groups: by name patterns
// (`--group syst='corr_*,uncorr_*'`) or by modifier type (`staterror`, `shapesys`, `normsys`,
// `histosys`, `lumi`, `shapefactor`, `normfactor`); and models with a group held fixed
// (`--freeze GROUP`, docs/diagnostics.md).
#include "rein/core/error.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/model/reparametrize.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// A group defined by glob patterns (`*` any run of characters, `?` one character) matched against
/// each parameter's name (`gamma_stat[2]`) and its set's name (`gamma_stat`).
struct parameter_group {
  std::string name;
  std::vector<std::string> patterns;
};

/// Whether `text` matches the glob `pattern` (`*`, `?`; every other character stands for itself).
[[nodiscard]] inline bool glob_match(const std::string& pattern, const std::string& text) {
  std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, resume = t;
    } else if (star != std::string::npos) {
      p = star + 1, t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// The indices (layout order) of the parameters of group `name`: a group of `defined` with that
/// name (its patterns), else a modifier type's name (the parameters of every modifier of that type
/// in `ws`; a set shared by normsys and histosys belongs to both types).
/// @throws invalid_argument for a name that is neither (listing both), or a group that matches no
///         parameter (a likely typo in a pattern)
[[nodiscard]] inline std::vector<std::size_t> group_members(const std::string& name, const std::vector<parameter_group>& defined,
                                                            const workspace& ws, const parameter_layout& layout) {
  std::vector<std::size_t> out;
  const auto group = std::find_if(defined.begin(), defined.end(), [&](const parameter_group& g) { return g.name == name; });
  if (group != defined.end()) {
    for (std::size_t i = 0; i < layout.size(); ++i)
      for (const auto& pattern : group->patterns)
        if (glob_match(pattern, layout[i].name) || glob_match(pattern, layout[i].set)) {
          out.push_back(i);
          break;
        }
    if (out.empty())
      throw invalid_argument("rein::likelihood::group_members: group '" + name + "' matches no parameter of the model");
    return out;
  }
  const std::vector<modifier_type> types = {modifier_type::normfactor, modifier_type::normsys,     modifier_type::histosys,
                                            modifier_type::shapesys,   modifier_type::shapefactor, modifier_type::staterror,
                                            modifier_type::lumi};
  const auto type = std::find_if(types.begin(), types.end(), [&](modifier_type t) { return name == to_string(t); });
  if (type == types.end()) {
    std::string known;
    for (const auto& g : defined) known += "'" + g.name + "', ";
    for (auto t : types) known += std::string("'") + to_string(t) + "', ";
    throw invalid_argument("rein::likelihood::group_members: no group '" + name + "' (groups: " + known.substr(0, known.size() - 2) + ")");
  }
  std::set<std::string> sets;
  for (const auto& c : ws.channels)
    for (const auto& s : c.samples)
      for (const auto& m : s.modifiers)
        if (m.type == *type) sets.insert(m.name);
  for (std::size_t i = 0; i < layout.size(); ++i)
    if (sets.count(layout[i].set) != 0) out.push_back(i);
  return out;
}

/// `m` with parameters held fixed: each (index, value) fixes that parameter at `value` (its init
/// becomes `value`); the rest of the model is unchanged.
/// @throws invalid_argument for an index out of range or a value outside the parameter's bounds
[[nodiscard]] inline model fix_parameters(const model& m, const std::vector<std::pair<std::size_t, double>>& held) {
  auto parameters = m.parameters().all();
  for (const auto& [i, value] : held) {
    if (i >= parameters.size())
      throw invalid_argument("rein::likelihood::fix_parameters: index " + std::to_string(i) + ", the model has " +
                             std::to_string(parameters.size()) + " parameters");
    if (!(parameters[i].lower <= value && value <= parameters[i].upper))
      throw invalid_argument("rein::likelihood::fix_parameters: " + parameters[i].name + " = " + std::to_string(value) +
                             " lies outside its bounds");
    parameters[i].fixed = true;
    parameters[i].init = value;
  }
  const auto poi = m.parameters().poi();
  parameter_layout layout(std::move(parameters), poi ? std::optional<std::string>(m.parameters()[*poi].name) : std::nullopt);
  return reparametrize(m, std::move(layout));
}

}  // namespace rein::likelihood
