#pragma once

// Small workspaces that several tests build: one place, so that they stay the same.
#include "rein/likelihood/workspace/builder.hpp"

namespace rein::test {

/// One channel SR (2 bins) with a modifier of most kinds: a signal with a normfactor "mu" and a
/// lumi, a background with a normsys, a histosys and a staterror; observations and a lumi
/// constraint (1.0 ± 0.02).
inline likelihood::workspace one_channel_of_every_kind() {
  return likelihood::workspace_builder()
      .channel("SR", 2)
      .sample("signal", {5, 10}).normfactor("mu").lumi("lumi")
      .sample("background", {50, 52}).normsys("bkg_norm", 1.1, 0.9).histosys("shape", {48, 53}, {52, 50})
      .staterror("stat_SR", {3, 4})
      .observation("SR", {55, 60})
      .measurement("meas", "mu").lumi_constraint("lumi", 1.0, 0.02)
      .build();
}

}  // namespace rein::test
