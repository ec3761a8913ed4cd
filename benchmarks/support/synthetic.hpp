#pragma once

// Synthetic workspaces for benchmarks, built in code with a fixed recipe (no randomness).
#include "rein/likelihood/workspace.hpp"

#include <cmath>
#include <string>

namespace rein::bench {

/// `channels` × `bins`: per channel a signal (normfactor mu, staterror) and two backgrounds with
/// 5 shared normsys, 5 shared histosys and a per-channel staterror; observations = nominal sums.
inline likelihood::workspace synthetic_workspace(int channels, int bins) {
  likelihood::workspace ws;
  for (int c = 0; c < channels; ++c) {
    likelihood::channel channel{"ch" + std::to_string(c), {}};
    std::vector<double> observed(static_cast<std::size_t>(bins), 0.0);
    for (int s = 0; s < 3; ++s) {
      likelihood::sample sample{s == 0 ? "signal" : "bkg" + std::to_string(s), {}, {}};
      for (int b = 0; b < bins; ++b) {
        const double x = (b + 0.5) / bins;
        sample.data.push_back(s == 0 ? 5 * std::exp(-20 * (x - 0.5) * (x - 0.5)) + 0.1 : 50.0 * s * std::exp(-x));
        observed[static_cast<std::size_t>(b)] += std::round(sample.data.back());
      }
      if (s == 0) sample.modifiers.push_back({"mu", likelihood::modifier_type::normfactor, 1, 1, {}, {}, {}});
      for (int k = 0; k < 5 && s > 0; ++k) {
        sample.modifiers.push_back({"norm" + std::to_string(k), likelihood::modifier_type::normsys, 1 + 0.02 * (k + 1), 1 - 0.015 * (k + 1), {}, {}, {}});
        likelihood::modifier h{"shape" + std::to_string(k), likelihood::modifier_type::histosys, 1, 1, {}, {}, {}};
        for (int b = 0; b < bins; ++b) {
          const double slope = 0.01 * (k + 1) * (2.0 * b / bins - 1);
          h.hi_data.push_back(sample.data[static_cast<std::size_t>(b)] * (1 + slope));
          h.lo_data.push_back(sample.data[static_cast<std::size_t>(b)] * (1 - slope));
        }
        sample.modifiers.push_back(h);
      }
      likelihood::modifier stat{"stat_" + channel.name, likelihood::modifier_type::staterror, 1, 1, {}, {}, {}};
      for (double y : sample.data) stat.values.push_back(0.05 * y);
      sample.modifiers.push_back(stat);
      channel.samples.push_back(sample);
    }
    ws.observations.push_back({channel.name, observed});
    ws.channels.push_back(channel);
  }
  ws.measurements.push_back({"meas", "mu", {}});
  return ws;
}

}  // namespace rein::bench
