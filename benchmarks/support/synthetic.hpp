#pragma once

// Synthetic workspaces for benchmarks, built in code with a fixed recipe (no randomness).
#include "rein/likelihood/workspace.hpp"

#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

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

/// A likelihood shaped like an ATLAS SUSY search (2 channels × 6 bins, 9 samples, 64 parameters):
/// a signal region "SR" and a control region "CR" in 6 bins of a falling variable x = (b + ½)/6;
/// samples signal (rising in x, normfactor mu_SIG, the POI), ttbar and wjets (free normfactors
/// mu_ttbar, mu_wjets fitted mostly in the CR), zjets, diboson, singletop, ttv (MC) and multijet,
/// fakes (data-driven: no lumi, no detector systematics). Parameters:
///   3 normfactors + lumi (σ = 1.7%) + 2 × 6 staterror bins
///   + 12 detector systematics on signal and the 6 MC backgrounds (6 histosys, 6 normsys)
///   + 4 theory systematics per background (8 × 2 normsys, 8 × 2 histosys) + 4 on the signal = 64.
/// Sizes and shapes follow a fixed recipe of the sample, systematic and channel indices (no
/// randomness); the data are the background-only expectation moved by ±0.9√ν with a fixed sine
/// pattern and rounded.
inline likelihood::workspace atlas_susy_like_workspace() {
  using likelihood::modifier;
  using likelihood::modifier_type;
  const std::array<std::string, 9> names = {"signal", "ttbar", "wjets", "zjets", "diboson",
                                            "singletop", "ttv", "multijet", "fakes"};
  // per-sample normalisation in SR and CR (the CR is enriched in ttbar and W+jets) and slope in x
  const std::array<double, 9> sr_norm = {0, 40, 25, 15, 6, 8, 3, 4, 5};
  const std::array<double, 9> cr_norm = {0, 400, 300, 60, 20, 50, 8, 30, 25};
  const std::array<std::string, 6> detector_shapes = {"JES_EffNP1", "JES_EffNP2", "JES_EtaInter", "JER", "MET_SoftTrk", "PRW"};
  const std::array<std::string, 6> detector_norms = {"FT_B", "FT_C", "FT_Light", "EL_EFF", "MU_EFF", "TRIG"};
  constexpr int bins = 6;
  const auto x_of = [](int b) { return (b + 0.5) / bins; };
  // a histosys whose relative shift is ±delta·shape(x), the down variation 0.8 of the up one
  const auto histosys = [&](const std::string& name, const std::vector<double>& nominal, double delta, int shape) {
    modifier h{name, modifier_type::histosys, 1, 1, {}, {}, {}};
    for (int b = 0; b < bins; ++b) {
      const double x = x_of(b);
      const double f = shape == 0 ? 0.5 + x : shape == 1 ? x - 0.5 : 4 * (x - 0.5) * (x - 0.5) - 0.3;
      h.hi_data.push_back(nominal[static_cast<std::size_t>(b)] * (1 + delta * f));
      h.lo_data.push_back(nominal[static_cast<std::size_t>(b)] * (1 - 0.8 * delta * f));
    }
    return h;
  };
  const auto normsys = [](const std::string& name, double up) {
    return modifier{name, modifier_type::normsys, 1 + up, 1 - 0.9 * up, {}, {}, {}};
  };

  likelihood::workspace ws;
  for (int c = 0; c < 2; ++c) {
    const bool sr = c == 0;
    likelihood::channel channel{sr ? "SR" : "CR", {}};
    std::vector<double> background(bins, 0.0);
    for (int k = 0; k < 9; ++k) {
      const auto ks = static_cast<std::size_t>(k);
      likelihood::sample sample{names[ks], {}, {}};
      for (int b = 0; b < bins; ++b) {
        const double x = x_of(b);
        const double y = k == 0 ? (sr ? 2 + 10 * x : 0.5 + 0.5 * x) : (sr ? sr_norm[ks] : cr_norm[ks]) * std::exp(-(1 + 0.3 * k) * x);
        sample.data.push_back(y);
        if (k > 0) background[static_cast<std::size_t>(b)] += y;
      }
      auto& mods = sample.modifiers;
      if (k == 0) mods.push_back({"mu_SIG", modifier_type::normfactor, 1, 1, {}, {}, {}});
      if (k == 1) mods.push_back({"mu_ttbar", modifier_type::normfactor, 1, 1, {}, {}, {}});
      if (k == 2) mods.push_back({"mu_wjets", modifier_type::normfactor, 1, 1, {}, {}, {}});
      const bool mc = k <= 6;
      if (mc) {
        mods.push_back({"lumi", modifier_type::lumi, 1, 1, {}, {}, {}});
        for (int j = 0; j < 6; ++j) {
          const auto js = static_cast<std::size_t>(j);
          mods.push_back(histosys(detector_shapes[js], sample.data, 0.01 * (1 + (j + 2 * k) % 4) * (sr ? 1.5 : 1.0), j % 3));
          mods.push_back(normsys(detector_norms[js], 0.01 * (1 + (j + k) % 5) + (sr ? 0.005 : 0.0)));
        }
      }
      if (k == 0) {
        mods.push_back(histosys("sig_ISR", sample.data, 0.08, 0));
        mods.push_back(histosys("sig_FSR", sample.data, 0.04, 2));
        mods.push_back(normsys("sig_scale", 0.05));
        mods.push_back(normsys("sig_PDF", 0.03));
      } else {
        // on the normalised ttbar and W+jets the SR/CR difference is what matters: a transfer factor
        const std::string theory = "theo_" + names[ks] + "_";
        mods.push_back(normsys(theory + "xsec", (0.04 + 0.01 * k) * (sr ? 1.0 : 0.5)));
        mods.push_back(normsys(theory + "pdf", 0.02 + 0.005 * k));
        mods.push_back(histosys(theory + "scale", sample.data, 0.03 + 0.005 * k, 1));
        mods.push_back(histosys(theory + "generator", sample.data, 0.05, 2));
      }
      modifier stat{"staterror_" + channel.name, modifier_type::staterror, 1, 1, {}, {}, {}};
      for (int b = 0; b < bins; ++b)
        stat.values.push_back((0.02 + 0.02 * x_of(b) + 0.01 * (k % 3)) * sample.data[static_cast<std::size_t>(b)]);
      mods.push_back(stat);
      channel.samples.push_back(sample);
    }
    std::vector<double> observed;
    for (int b = 0; b < bins; ++b) {
      const double nu = background[static_cast<std::size_t>(b)];
      observed.push_back(std::round(nu + 0.9 * std::sqrt(nu) * std::sin(2.1 * (b + 1) + 1.3 * c)));
    }
    ws.observations.push_back({channel.name, observed});
    ws.channels.push_back(channel);
  }
  likelihood::parameter_config lumi{"lumi", {}, {}, {}, {}, {}, {}};
  lumi.auxdata = std::vector<double>{1.0};
  lumi.sigmas = std::vector<double>{0.017};
  lumi.bounds = std::vector<std::pair<double, double>>{{0.915, 1.085}};
  ws.measurements.push_back({"NormalMeasurement", "mu_SIG", {lumi}});
  return ws;
}

}  // namespace rein::bench
