#pragma once

// A model under a new parameter layout, with some channels' samples reading one parameter in place
// of another: how infer::split_poi_by_channel gives each channel a POI of its own and
// fix_parameters holds parameters, without either touching the compiled samples.
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/model/model.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// In the samples of channel `channel`, the modifiers that read parameter `from` read `to` instead.
struct parameter_redirect {
  std::string channel;
  std::size_t from = 0;
  std::size_t to = 0;
};

/// `m` with the parameter layout `layout` and the redirects applied, in order, to its HistFactory modifiers
/// (normfactor, lumi, normsys, histosys, staterror, shapesys, shapefactor); channels, yields,
/// interpolation, custom modifiers and observed data are m's. `layout` may change parameters
/// (bounds, inits, fixed, names) and append new ones, but must keep m's constrained parameters
/// at their indices, so that m's auxiliary data (and every dataset of m) fit the result.
/// @throws invalid_argument if `layout` has fewer parameters than `m` or other constrained
///         parameters, or a redirect names a channel `m` lacks, an index outside `layout`, or a
///         `from` that a custom modifier reads (custom modifiers are not redirected).
[[nodiscard]] inline model reparametrize(const model& m, parameter_layout layout,
                                         const std::vector<parameter_redirect>& redirects = {}) {
  constexpr const char* function = "rein::likelihood::reparametrize: ";
  if (layout.size() < m.parameters().size())
    throw invalid_argument(std::string(function) + "the layout has " + std::to_string(layout.size()) +
                           " parameters, the model has " + std::to_string(m.parameters().size()));
  std::vector<std::size_t> constrained;
  for (std::size_t i = 0; i < layout.size(); ++i)
    if (layout[i].constraint != constraint_kind::none) constrained.push_back(i);
  if (constrained != m.constrained())
    throw invalid_argument(std::string(function) + "the layout's constrained parameters differ from the model's");
  for (const auto& r : redirects) {
    if (std::none_of(m.channels().begin(), m.channels().end(), [&](const channel_layout& c) { return c.name == r.channel; }))
      throw invalid_argument(std::string(function) + "the model has no channel '" + r.channel + "'");
    if (r.from >= layout.size() || r.to >= layout.size())
      throw invalid_argument(std::string(function) + "redirect " + std::to_string(r.from) + " -> " + std::to_string(r.to) +
                             " in channel '" + r.channel + "': the layout has " + std::to_string(layout.size()) + " parameters");
    for (const auto& custom : m.custom_modifiers())
      if (std::find(custom.inputs.begin(), custom.inputs.end(), r.from) != custom.inputs.end())
        throw invalid_argument(std::string(function) + "custom modifier '" + custom.name + "' reads parameter " +
                               std::to_string(r.from) + ", which cannot be redirected");
  }
  auto samples = detail::model_access::samples(m);
  for (auto& s : samples)
    for (const auto& r : redirects) {
      if (s.channel != r.channel) continue;
      for (auto& f : s.scalars)
        if (f.parameter == r.from) f.parameter = r.to;
      for (auto& f : s.shifts)
        if (f.parameter == r.from) f.parameter = r.to;
      for (auto& f : s.bin_factors) std::replace(f.parameters.begin(), f.parameters.end(), r.from, r.to);
    }
  return detail::model_access::make(std::move(layout), m.channels(), std::move(samples), m.observed(), m.custom_modifiers());
}

}  // namespace rein::likelihood
