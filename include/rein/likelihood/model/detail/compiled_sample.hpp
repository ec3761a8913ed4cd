#pragma once

#include "rein/likelihood/model/interpolation.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace rein::likelihood::detail {

/// A factor common to all bins of a sample: normfactor and lumi (θ itself) or normsys (f(α)).
struct scalar_factor {
  std::size_t parameter = 0;
  bool interpolated = false;   ///< normsys
  bool additive_code = false;  ///< normsys with code0/code2: the factor is 1 + Δ(α)
  interpolation interp;
};

/// A histosys: Δ_b(α) = u(α)·p_b + v(α)·q_b, one α for all bins (see additive_weights_at).
struct additive_shift {
  std::size_t parameter = 0;
  interpolation_code code = interpolation_code::code4p;
  std::vector<double> p;
  std::vector<double> q;
};

/// A per-bin factor (staterror, shapesys, shapefactor): the parameter index for each bin.
struct bin_factor {
  std::vector<std::size_t> parameters;
};

/// A custom modifier's outputs [offset, offset + bins) multiplying a sample.
struct custom_factor {
  std::size_t modifier = 0;  ///< index into the model's custom modifiers (model::custom_modifiers())
  std::size_t offset = 0;
};

/// One sample of one channel, ready for evaluation:
/// ν_b = (nominal_b + Σ shifts_b) · Π scalars · Π bin_factors_b · Π customs_b.
struct compiled_sample {
  std::string channel;
  std::string name;
  std::size_t offset = 0;  ///< index of the sample's first bin in the main-bin vector
  std::vector<double> nominal;
  std::vector<scalar_factor> scalars;
  std::vector<additive_shift> shifts;
  std::vector<bin_factor> bin_factors;
  std::vector<custom_factor> customs;
};

}  // namespace rein::likelihood::detail
