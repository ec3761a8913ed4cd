#pragma once

// What the registry of named rates (models/registry.hpp) holds: a null rate as a plain callable
// on its support, an alternative as its parameters plus a factory of reweight::bin_rates.
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace rein::models {

/// One parameter θ_k of an alternative rate, in the rate's order.
struct rate_parameter {
  std::string name;
  double init = 0;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  /// Held at init unless the user fixes it elsewhere (e.g. a resonance's width).
  bool fixed = false;
};

/// A null rate σ0(q²): a plain callable on its support [q2_min, q2_max] (zero outside; bin
/// integrals clip there).
struct null_rate {
  std::string name;
  std::string description;
  std::function<double(double)> rate;
  double q2_min = 0, q2_max = 0;
};

/// An alternative rate σ1(q²; θ): its parameters, and how to integrate it with a null over
/// kinematic bins (the factory chooses the integration: exact Jacobians through duals or kernels).
struct alternative_rate {
  std::string name;
  std::string description;
  std::vector<rate_parameter> parameters;
  /// The bin integrals of `null` and of this alternative over `edges` with quadrature `rule`.
  std::function<std::shared_ptr<const reweight::bin_rates>(const null_rate& null, const std::vector<double>& edges,
                                                           reweight::quadrature_rule rule)>
      make_rates;
};

/// The integration options of a rate on its support [q2_min, q2_max] with `rule`.
inline reweight::bin_integration_options support_options(double q2_min, double q2_max, reweight::quadrature_rule rule) {
  reweight::bin_integration_options options;
  options.rule = rule;
  options.lower_limit = q2_min;
  options.endpoint = q2_max;
  return options;
}

}  // namespace rein::models
