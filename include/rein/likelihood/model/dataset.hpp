#pragma once

#include <Eigen/Core>

namespace rein::likelihood {

/// The data a likelihood is evaluated on: counts in the main bins (channels concatenated in
/// model order) and the auxiliary data of the constrained parameters (in parameter order).
struct dataset {
  Eigen::VectorXd main;
  Eigen::VectorXd aux;
};

}  // namespace rein::likelihood
