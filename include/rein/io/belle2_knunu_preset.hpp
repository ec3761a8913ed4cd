#pragma once

// Where Belle II's B+ → K+ ν ν̄ number densities come from (data/belle2-knunu of rein): the three
// CSV maps, the channels and samples of combined_likelihood.json they belong to, their q² bins and
// the provenance text each density carries — what `rein convert belle2-knunu` and every other
// front end turns into rein's HDF5 number densities.
#include "rein/core/binning.hpp"

#include <string>
#include <vector>

namespace rein::io {

/// One number density of a preset: its name, its CSV file (relative to the data directory), and
/// the workspace channel and sample whose reconstructed bins are its rows.
struct density_source {
  std::string name, file, channel, sample;
};

/// A set of number densities in one kinematic variable, with the workspace they must match.
struct density_preset {
  std::vector<density_source> densities;
  std::string variable;       ///< the kinematic variable of the columns
  std::vector<double> edges;  ///< its bin edges (columns + 1)
  std::string units;
  std::string normalisation;  ///< what one entry of a density counts
  std::string workspace;      ///< the workspace file (relative to the data directory) whose yields the row sums reproduce
  std::string origin, licence;  ///< provenance: source(file) = origin + file + licence
  [[nodiscard]] std::string source(const std::string& file) const { return origin + file + licence; }
};

/// Belle II's B+ → K+ ν ν̄ maps (arXiv:2507.12393; HEPData doi:10.17182/hepdata.166082), as
/// copied unchanged from lorenzennio/knunu-reinterpretation-mini at commit 065bce07: the ITA
/// signal and control regions and the HTA, in q² bins [-1, 0] then 100 equal bins up to 22.885 GeV².
inline density_preset belle2_knunu_preset() {
  const std::string ita = "Bsig_H_reconstructed_q2_vs_BDT2_Bplus2Kplus_v42_signal_inefficiency";
  density_preset p;
  p.densities = {
      {"regA", "number_density_ita_regA.csv", "A__" + ita + "_zoomSR_Y4S", "signal"},
      {"regB", "number_density_ita_regB.csv", "B__" + ita + "_zoomCR_Y4S", "signal"},
      {"hta", "number_density_hta.csv", "sgn1_had", "sgn_1_had"},
  };
  p.variable = "q2";
  p.edges = {-1};
  const auto uniform = make_uniform_axis(100, 0, 22.885).edges();
  p.edges.insert(p.edges.end(), uniform.begin(), uniform.end());
  p.units = "GeV^2";
  p.normalisation =
      "expected signal events (efficiency-weighted) per reconstructed fit bin (row) and generator-level q2 bin "
      "(column); row sums are the nominal yields of the sample in the channel's bins of combined_likelihood.json";
  p.workspace = "combined_likelihood.json";
  p.origin =
      "Belle II, B+ -> K+ nu nubar reinterpretation material for arXiv:2507.12393 (likelihood on HEPData, "
      "doi:10.17182/hepdata.166082); file scripts/data/";
  p.licence =
      " of github.com/lorenzennio/knunu-reinterpretation-mini at commit 065bce076279e04593220889f68176f8f4d63958 "
      "(MIT licence, Copyright (c) 2025 Belle II Collaboration); copied unchanged to data/belle2-knunu/ of rein";
  return p;
}

}  // namespace rein::io
