#pragma once

// Issue #15's scaling model as a pyhf workspace, shared by tests/fit and benchmarks/fit: N total bins
// in N/10 channels of 10 bins; per channel a signal with the normfactor mu and two backgrounds, each
// sample with a normsys and a histosys (shared by all channels) and the channel's staterror,
// background 1 also with a per-bin shapesys; seeded Poisson data from the nominal. 2N + 5 parameters:
// mu, three normsys, one histosys, and one staterror and one shapesys γ per bin.

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rein::test {

/// The scaling model as a pyhf workspace (so pyhf can read the same likelihood).
inline nlohmann::json scaling_workspace(int bins, std::uint64_t seed = 15) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  nlohmann::json channels = nlohmann::json::array(), observations = nlohmann::json::array();
  for (int c = 0; c < bins / 10; ++c) {
    const std::string suffix = std::to_string(c);
    std::vector<double> signal(10), bkg1(10), bkg2(10), total(10);
    for (int b = 0; b < 10; ++b) {
      signal[static_cast<std::size_t>(b)] = 5 * std::exp(-0.5 * (b - 4.5) * (b - 4.5) / 4) * (0.8 + 0.4 * uniform(engine));
      bkg1[static_cast<std::size_t>(b)] = 50 * std::exp(-0.15 * b) * (0.8 + 0.4 * uniform(engine));
      bkg2[static_cast<std::size_t>(b)] = 20 * (0.8 + 0.4 * uniform(engine));
      total[static_cast<std::size_t>(b)] = signal[static_cast<std::size_t>(b)] + bkg1[static_cast<std::size_t>(b)] +
                                           bkg2[static_cast<std::size_t>(b)];
    }
    const auto tilted = [](const std::vector<double>& v, double f) {  // a shape change
      std::vector<double> r(v);
      for (std::size_t b = 0; b < r.size(); ++b) r[b] *= 1 + f * (static_cast<double>(b) - 4.5) / 4.5;
      return r;
    };
    std::vector<double> stat(10), shape(10);
    for (std::size_t b = 0; b < 10; ++b) {
      stat[b] = 0.05 * total[b];
      shape[b] = 0.1 * bkg1[b];
    }
    const auto sample = [&](const std::string& name, const std::vector<double>& nominal, double norm) {
      nlohmann::json modifiers = nlohmann::json::array();
      modifiers.push_back({{"name", "norm_" + name}, {"type", "normsys"}, {"data", {{"hi", 1 + norm}, {"lo", 1 - norm}}}});
      modifiers.push_back({{"name", "jes"},
                           {"type", "histosys"},
                           {"data", {{"hi_data", tilted(nominal, 0.05)}, {"lo_data", tilted(nominal, -0.04)}}}});
      modifiers.push_back({{"name", "staterror_" + suffix}, {"type", "staterror"}, {"data", stat}});
      return nlohmann::json{{"name", name}, {"data", nominal}, {"modifiers", modifiers}};
    };
    auto s = sample("signal", signal, 0.1);
    s["modifiers"].push_back({{"name", "mu"}, {"type", "normfactor"}, {"data", nullptr}});
    auto b1 = sample("bkg1", bkg1, 0.05);
    b1["modifiers"].push_back({{"name", "shapesys_" + suffix}, {"type", "shapesys"}, {"data", shape}});
    auto b2 = sample("bkg2", bkg2, 0.08);
    channels.push_back({{"name", "ch" + suffix}, {"samples", {s, b1, b2}}});
    std::vector<double> data(10);
    for (std::size_t b = 0; b < 10; ++b) data[b] = static_cast<double>(std::poisson_distribution<long>(total[b])(engine));
    observations.push_back({{"name", "ch" + suffix}, {"data", data}});
  }
  return {{"channels", channels},
          {"observations", observations},
          {"measurements", {{{"name", "meas"}, {"config", {{"poi", "mu"}, {"parameters", nlohmann::json::array()}}}}}},
          {"version", "1.0.0"}};
}

}  // namespace rein::test
