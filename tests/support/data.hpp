#pragma once

// Paths of the test reference data (tests/data, with provenance in tests/data/README.md) and of
// the shipped Belle II data (data/belle2-knunu).
#include "rein/io/json/read_json.hpp"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <string>

namespace rein::test {

inline std::string test_data(const std::string& relative) { return std::string(REIN_TEST_DATA_DIR) + "/" + relative; }
inline std::string shipped_data(const std::string& relative) { return std::string(REIN_DATA_DIR) + "/" + relative; }
/// The ATLAS sbottom likelihoods (tests/data/atlas-sbottom), unpacked into the build tree by tests/CMakeLists.txt.
inline std::string sbottom(const std::string& relative) {
  return std::string(REIN_TEST_BINARY_DIR) + "/data/atlas-sbottom/" + relative;
}
/// pyhf's numbers for the sbottom likelihoods (provenance in tests/data/atlas-sbottom/README.md).
inline std::string sbottom_reference() { return test_data("atlas-sbottom/reference.json"); }

/// A parameter vector from a reference's {name: value} object, in `layout` order; parameters the
/// reference does not name keep `fallback`'s values.
template <class Layout>
Eigen::VectorXd parameters_by_name(const Layout& layout, const nlohmann::json& values, Eigen::VectorXd fallback) {
  for (const auto& [name, value] : values.items())
    fallback[static_cast<Eigen::Index>(layout.index(name))] = value.template get<double>();
  return fallback;
}

}  // namespace rein::test
