#include "rein/kinematics/masses.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace masses_test {

namespace {

// The "## Masses (PDG 2024, GeV)" paragraph of tests/data/physics/kinematics.md as name → value.
std::map<std::string, double> reference_masses() {
  std::ifstream in(REIN_TEST_DATA_DIR "/physics/kinematics.md");
  REQUIRE(in.good());
  std::string line, text;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("## Masses (PDG 2024, GeV)", 0) == 0) {
      inside = true;
      continue;
    }
    if (inside) {
      if (line.empty() || line.rfind("#", 0) == 0) break;
      text += line + " ";
    }
  }
  std::map<std::string, double> masses;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    while (!item.empty() && (item.back() == ' ' || item.back() == '.')) item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    const auto space = item.rfind(' ');
    if (space == std::string::npos) continue;
    masses[item.substr(0, space)] = std::strtod(item.c_str() + space + 1, nullptr);
  }
  return masses;
}

}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("masses: pdg_2024 carries its edition tag") {
    CHECK(rein::kinematics::pdg_2024.edition == "PDG 2024");
  }

  TEST_CASE("masses: pdg_2024 equals the table of tests/data/physics/kinematics.md digit for digit") {
    // Reference: the "Masses (PDG 2024, GeV)" paragraph of tests/data/physics/kinematics.md, parsed
    // at run time. Both sides are the same decimal strings, so the doubles must be identical.
    const auto ref = reference_masses();
    REQUIRE(ref.size() == 19);
    const auto& m = rein::kinematics::pdg_2024;
    CHECK(ref.at("B0") == m.b0);
    CHECK(ref.at("B+") == m.b_plus);
    CHECK(ref.at("K+") == m.k_plus);
    CHECK(ref.at("K0/KS") == m.k0);
    CHECK(ref.at("K*0") == m.k_star0);
    CHECK(ref.at("K*+") == m.k_star_plus);
    CHECK(ref.at("τ") == m.tau);
    CHECK(ref.at("μ") == m.mu);
    CHECK(ref.at("e") == m.e);
    CHECK(ref.at("π±") == m.pi_plus);
    CHECK(ref.at("π0") == m.pi0);
    CHECK(ref.at("ρ±") == m.rho_plus);
    CHECK(ref.at("ρ0") == m.rho0);
    CHECK(ref.at("J/ψ") == m.jpsi);
    CHECK(ref.at("ψ(2S)") == m.psi2s);
    CHECK(ref.at("D0") == m.d0);
    CHECK(ref.at("D±") == m.d_plus);
    CHECK(ref.at("D*±") == m.d_star_plus);
    CHECK(ref.at("Υ(4S)") == m.upsilon_4s);
  }
}
}  // namespace masses_test
