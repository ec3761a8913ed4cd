#pragma once

// The extended binned fit of one histogram with a sum of parametric shapes, as a likelihood::model:
// expected_i = Σ_c N_c f_{c,i}(θ_c), every parameter (yields N_c and shape parameters θ_c) a model
// parameter, so that fits, limits, scans and samplers apply unchanged.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/histogram.hpp"
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/shapes/parametric_shape.hpp"
#include "rein/likelihood/workspace/builder.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// One component of a shape fit: the sample `sample` with yield N·f_i(θ) in bin i, N the
/// parameter `yield` (the expected number of events within the histogram's range) and f the
/// binned density `shape` (its name, kind and parameters; its edges and targets are the
/// histogram's and are set by make_shape_fit_model).
struct shape_component {
  std::string sample;
  parametric_shape shape;
  shape_parameter yield;
};

/// The model of the extended binned fit of `observed` (one channel named `channel`, its data the
/// histogram's Σw per bin; entries outside the binning are not part of the fit) with the
/// components' sum. `poi` names the parameter of interest: a yield or a shape parameter, the
/// first component's yield if empty. The yields' bounds are taken as given: give a signal yield
/// a finite upper bound when limits are to be set on it (upper_limit scans within the bounds).
/// @throws invalid_argument naming the histogram bin or component for: a histogram that is not
///         one-dimensional, a bin with a negative or non-finite Σw, an empty histogram (Σw = 0
///         in every bin: it determines no shape), no components, an empty sample name, a
///         component whose shape gives edges other than the histogram's; and as
///         make_parametric_shape (the shape's parameters) and make_model (duplicate names).
inline model make_shape_fit_model(const histogram& observed, std::vector<shape_component> components,
                                  std::string poi = {}, const std::string& channel = "data") {
  const std::string function = "rein::likelihood::make_shape_fit_model";
  if (observed.bins().dimension() != 1)
    throw invalid_argument(function + ": the histogram has " + std::to_string(observed.bins().dimension()) +
                           " axes, a shape fit needs one (the observable)");
  const auto& edges = observed.bins().axis(0).edges();
  const auto& counts = observed.values();
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (!(counts[i] >= 0.0) || !std::isfinite(counts[i]))
      throw invalid_argument(function + ": histogram bin " + std::to_string(i) + " has sum of weights " +
                             rein::detail::format_value(counts[i]) + ", must be finite and >= 0 (counts)");
  if (!(observed.total() > 0.0))
    throw invalid_argument(function + ": the histogram is empty (sum of weights 0 in all " + std::to_string(counts.size()) +
                           " bins; " + std::to_string(observed.outside().entries) + " entries outside its range, " +
                           std::to_string(observed.invalid().entries) + " NaN): it determines no shape or yield");
  if (components.empty()) throw invalid_argument(function + ": no components, needs at least one shape");

  workspace_builder builder;
  builder.channel(channel, counts.size());
  std::vector<custom_modifier> shapes;
  for (std::size_t c = 0; c < components.size(); ++c) {
    auto& component = components[c];
    const std::string where = function + ": component " + std::to_string(c) + " ('" + component.sample + "')";
    if (component.sample.empty()) throw invalid_argument(where + " has an empty sample name");
    if (!component.shape.edges.empty() && component.shape.edges != edges)
      throw invalid_argument(where + ": shape '" + component.shape.name + "' has " +
                             std::to_string(component.shape.edges.size()) +
                             " edges other than the histogram's; leave them empty to take the histogram's");
    component.shape.edges = edges;
    component.shape.targets = {{channel, component.sample, 0, 0}};
    shapes.push_back(make_parametric_shape(component.shape));
    builder.sample(component.sample, std::vector<double>(counts.size(), 1.0)).normfactor(component.yield.name);
  }
  if (poi.empty()) poi = components.front().yield.name;
  builder.observation(channel, counts).measurement("shape_fit", poi);
  for (const auto& component : components) {
    const auto& n = component.yield;
    builder.init(n.name, n.init).bounds(n.name, n.lower, n.upper);
    if (n.fixed) builder.fixed(n.name);
  }
  return make_model(builder.build(), {}, shapes);
}

}  // namespace rein::likelihood
