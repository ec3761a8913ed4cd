#pragma once

#include "rein/core/error.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rein {

/// How a parameter enters the likelihood's constraint term.
enum class constraint_kind {
  none,     ///< unconstrained (normfactor, shapefactor, custom parameters)
  normal,   ///< Gaussian: −ln N(aux | θ, σ)
  poisson,  ///< continuous Poisson: −ln Pois(aux | θ·τ), τ = `factor`
};

/// The constraint as a lower-case word: "none", "normal", "poisson".
inline const char* to_string(constraint_kind kind) noexcept {
  switch (kind) {
    case constraint_kind::none: return "none";
    case constraint_kind::normal: return "normal";
    case constraint_kind::poisson: return "poisson";
  }
  return "unknown";
}

/// One scalar parameter of a model: pyhf's conventions for names (`name` or `name[i]`),
/// inits, bounds, fixed flags and auxiliary data.
struct parameter {
  std::string name;          ///< full name, `set` or `set[i]`
  std::string set;           ///< name of the parameter set (the modifier name)
  double init = 0;
  double lower = 0;
  double upper = 0;
  bool fixed = false;
  constraint_kind constraint = constraint_kind::none;
  double aux = 0;            ///< auxiliary datum (normal: mean; poisson: observed aux count)
  double sigma = 1;          ///< normal: width
  double factor = 1;         ///< poisson: τ, the rate is θ·τ
};

/// The ordered parameters of a model, with lookup by name and the parameter of interest.
class parameter_layout {
 public:
  parameter_layout() = default;

  /// @throws invalid_argument if a name repeats or `poi` is not among the names.
  explicit parameter_layout(std::vector<parameter> parameters, std::optional<std::string> poi = {})
      : m_parameters(std::move(parameters)) {
    for (std::size_t i = 0; i < m_parameters.size(); ++i)
      if (!m_index.emplace(m_parameters[i].name, i).second)
        throw invalid_argument("rein::parameter_layout: parameter '" + m_parameters[i].name +
                               "' appears twice");
    if (poi) m_poi = index(*poi);
  }

  [[nodiscard]] std::size_t size() const { return m_parameters.size(); }
  [[nodiscard]] const parameter& operator[](std::size_t i) const { return m_parameters[i]; }
  [[nodiscard]] const std::vector<parameter>& all() const { return m_parameters; }
  [[nodiscard]] bool contains(const std::string& name) const { return m_index.count(name) != 0; }

  /// Index of the parameter called `name`.
  /// @throws invalid_argument if there is none.
  [[nodiscard]] std::size_t index(const std::string& name) const {
    const auto found = m_index.find(name);
    if (found == m_index.end())
      throw invalid_argument("rein::parameter_layout: no parameter named '" + name + "'");
    return found->second;
  }

  /// Index of the parameter of interest, if the model has one.
  [[nodiscard]] std::optional<std::size_t> poi() const { return m_poi; }

  /// Index of the parameter of interest.
  /// @throws invalid_argument if the model has none.
  [[nodiscard]] std::size_t poi_index() const {
    if (!m_poi) throw invalid_argument("rein::parameter_layout: the model has no parameter of interest");
    return *m_poi;
  }

  [[nodiscard]] Eigen::VectorXd inits() const { return collect(&parameter::init); }
  [[nodiscard]] Eigen::VectorXd lower_bounds() const { return collect(&parameter::lower); }
  [[nodiscard]] Eigen::VectorXd upper_bounds() const { return collect(&parameter::upper); }
  [[nodiscard]] std::vector<bool> fixed() const {
    std::vector<bool> flags(size());
    for (std::size_t i = 0; i < size(); ++i) flags[i] = m_parameters[i].fixed;
    return flags;
  }

 private:
  [[nodiscard]] Eigen::VectorXd collect(double parameter::*field) const {
    Eigen::VectorXd values(static_cast<Eigen::Index>(size()));
    for (std::size_t i = 0; i < size(); ++i) values[static_cast<Eigen::Index>(i)] = m_parameters[i].*field;
    return values;
  }

  std::vector<parameter> m_parameters;
  std::map<std::string, std::size_t> m_index;
  std::optional<std::size_t> m_poi;
};

}  // namespace rein
