#pragma once

#include "rein/core/error.hpp"
#include "rein/fit/objective.hpp"

#include <Eigen/Core>

#include <cmath>
#include <string>

namespace rein::fit::detail {

/// Calls an objective, counts the calls and checks that the gradient came back with the right size.
class evaluator {
 public:
  /// @param f the objective; @param size its number of parameters; @param function caller's name.
  evaluator(const objective& f, Eigen::Index size, const char* function)
      : m_f(f), m_size(size), m_function(function) {}

  /// Evaluates f and ∇f at `x`; returns true when the value and every gradient component are finite.
  /// @throws invalid_argument if the objective resized the gradient.
  bool operator()(const Eigen::VectorXd& x, double& value, Eigen::VectorXd& gradient) {
    gradient.resize(m_size);
    ++m_count;
    value = m_f(x, &gradient);
    if (gradient.size() != m_size)
      throw invalid_argument(std::string(m_function) + ": the objective returned a gradient with " +
                             std::to_string(gradient.size()) + " entries at a point with " +
                             std::to_string(m_size) + " parameters; it must write x.size() entries");
    return std::isfinite(value) && gradient.allFinite();
  }

  /// Number of objective calls so far.
  [[nodiscard]] int count() const { return m_count; }

 private:
  const objective& m_f;
  Eigen::Index m_size;
  const char* m_function;
  int m_count = 0;
};

}  // namespace rein::fit::detail
