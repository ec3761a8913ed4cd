#pragma once

#include "rein/core/parameter_layout.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace rein::likelihood {

/// Per-bin factors f_b(x) computed by arbitrary code from some model parameters x, with their
/// Jacobian: the extension point for multiplicative modifiers pyhf does not have (the
/// reweighting modifier of rein::reweight is one). Implementations must be thread-safe.
class bin_function {
 public:
  virtual ~bin_function() = default;
  /// Number of factors produced.
  [[nodiscard]] virtual std::size_t outputs() const = 0;
  /// Number of inputs x.
  [[nodiscard]] virtual std::size_t inputs() const = 0;
  /// Writes f(x) to `factors` (outputs() values) and, when `jacobian` is not null, ∂f_b/∂x_k to
  /// jacobian[b·inputs() + k].
  virtual void evaluate(const double* x, double* factors, double* jacobian) const = 0;
};

/// A multiplicative modifier defined in code: the parameters it brings (the bin function's inputs,
/// in order), and which outputs multiply which sample: outputs [offset, offset + bins) scale the
/// bins of `sample` in `channel`, after the additive modifiers (pyhf's rule).
struct custom_modifier {
  struct target {
    std::string channel;
    std::string sample;
    std::size_t offset = 0;
    /// How many outputs are meant for this sample; 0: not stated (then only offset + the
    /// sample's bins ≤ outputs() is checked). make_model requires it to equal the sample's bins.
    std::size_t bins = 0;
  };
  std::string name;
  std::vector<parameter> parameters;  ///< name, init, bounds, constraint; shared by name across custom modifiers
  std::shared_ptr<const bin_function> function;
  std::vector<target> targets;
};

}  // namespace rein::likelihood
