#pragma once

#include "rein/likelihood/workspace/builder.hpp"
#include "rein/likelihood/workspace/workspace.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// pyhf's `simplemodels.uncorrelated_background`: channel "singlechannel" with a sample "signal"
/// scaled by the normfactor "mu" and a sample "background" with the shapesys "uncorr_bkguncrt"
/// (absolute uncertainties per bin), plus the observations and a measurement "meas" with POI "mu"
/// and no parameter configs (pyhf's defaults).
/// @param signal, background nominal yields per bin; @param background_uncertainty absolute, per bin;
/// @param observed counts per bin.
/// @throws invalid_argument (from `workspace_builder`, prefixed with this function's name) for
///         lengths that differ or yields that are negative or not finite.
inline workspace uncorrelated_background(std::vector<double> signal, std::vector<double> background,
                                         std::vector<double> background_uncertainty, std::vector<double> observed) {
  const std::size_t bins = signal.size();
  return workspace_builder("rein::likelihood::uncorrelated_background")
      .channel("singlechannel", bins)
      .sample("signal", std::move(signal))
      .normfactor("mu")
      .sample("background", std::move(background))
      .shapesys("uncorr_bkguncrt", std::move(background_uncertainty))
      .observation("singlechannel", std::move(observed))
      .measurement("meas", "mu")
      .build();
}

/// pyhf's `simplemodels.correlated_background`: channel "single_channel" (pyhf's spelling for this
/// model) with a sample "signal" scaled by the normfactor "mu" and a sample "background" with the
/// histosys "correlated_bkg_uncertainty" (yields `background_up` at α = +1, `background_down` at
/// α = −1), plus the observations and a measurement "meas" with POI "mu" and no parameter configs.
/// @throws invalid_argument (from `workspace_builder`, prefixed with this function's name) for
///         lengths that differ or yields that are negative or not finite.
inline workspace correlated_background(std::vector<double> signal, std::vector<double> background,
                                       std::vector<double> background_up, std::vector<double> background_down,
                                       std::vector<double> observed) {
  const std::size_t bins = signal.size();
  return workspace_builder("rein::likelihood::correlated_background")
      .channel("single_channel", bins)
      .sample("signal", std::move(signal))
      .normfactor("mu")
      .sample("background", std::move(background))
      .histosys("correlated_bkg_uncertainty", std::move(background_up), std::move(background_down))
      .observation("single_channel", std::move(observed))
      .measurement("meas", "mu")
      .build();
}

}  // namespace rein::likelihood
