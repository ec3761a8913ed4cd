#pragma once

// The expected count of every sample bin and its exact derivatives with respect to every
// parameter: what linear uncertainty propagation of yields (infer/diagnostics.hpp) needs. The
// model computes them (model::yield_jacobian, one formula for yields and derivatives).
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>


namespace rein::likelihood {

/// Every sample bin's ν_sb(θ) and its Jacobian ∂ν_sb/∂θ_j: model::yield_jacobian (the model's own
/// yields and derivatives), for linear uncertainty propagation of yields (infer/diagnostics.hpp).
/// @throws invalid_argument if θ has the wrong size
[[nodiscard]] inline sample_yields yield_jacobian(const model& m, const Eigen::VectorXd& theta) { return m.yield_jacobian(theta); }

}  // namespace rein::likelihood
