#pragma once

// Channel masking as CMS Combine's `mask_<channel>=1`: a channel's main-data terms leave the
// likelihood, its parameters and their constraints stay, so the remaining channels are fitted with
// the same parameter vector and the masked channel can still be predicted (post-fit yields in a
// blinded signal region, fits of control regions only).
#include "rein/core/error.hpp"
#include "rein/likelihood/model/model.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// `m` without the Poisson terms of the main bins of the channels named in `masked`: the same
/// parameter layout (every parameter, its bounds, constraint and auxiliary datum; the POI), so a
/// parameter vector of one model is one of the other. A parameter that only the masked channels
/// used is then constrained by its constraint alone (its best fit is the auxiliary datum's centre);
/// an unconstrained one (a normfactor of a masked channel only) is flat, and a fit's Hessian is
/// singular in it: hold it fixed. The result equals the model of the workspace with the channels
/// pruned (likelihood::prune_channels) except for these parameters. Masking no channel returns a
/// copy of `m`.
/// @throws invalid_argument naming an unknown channel (and the model's channels) or a repeated one
[[nodiscard]] inline model mask_channels(const model& m, const std::vector<std::string>& masked) {
  std::string known;
  for (const auto& c : m.channels()) known += (known.empty() ? "'" : ", '") + c.name + "'";
  for (std::size_t i = 0; i < masked.size(); ++i) {
    const auto& name = masked[i];
    if (std::none_of(m.channels().begin(), m.channels().end(), [&](const channel_layout& c) { return c.name == name; }))
      throw invalid_argument("rein::likelihood::mask_channels: the model has no channel '" + name + "' to mask (it has " + known + ")");
    if (std::find(masked.begin(), masked.begin() + static_cast<std::ptrdiff_t>(i), name) != masked.begin() + static_cast<std::ptrdiff_t>(i))
      throw invalid_argument("rein::likelihood::mask_channels: channel '" + name + "' is masked twice");
  }
  const auto is_masked = [&](const std::string& name) { return std::find(masked.begin(), masked.end(), name) != masked.end(); };
  std::vector<channel_layout> channels;
  std::vector<std::pair<std::size_t, std::size_t>> moves;  // (old offset, new offset) per kept channel
  std::size_t offset = 0;
  for (const auto& c : m.channels()) {
    if (is_masked(c.name)) continue;
    channel_layout kept = c;
    moves.emplace_back(c.offset, offset);
    kept.offset = offset;
    offset += c.bins;
    channels.push_back(std::move(kept));
  }
  std::vector<detail::compiled_sample> samples;
  for (const auto& s : detail::model_access::samples(m)) {
    if (is_masked(s.channel)) continue;
    auto kept = s;
    for (std::size_t c = 0; c < channels.size(); ++c)
      if (channels[c].name == s.channel) kept.offset = s.offset - moves[c].first + moves[c].second;
    samples.push_back(std::move(kept));
  }
  dataset observed;
  observed.aux = m.observed().aux;
  observed.main.resize(static_cast<Eigen::Index>(offset));
  for (std::size_t c = 0; c < channels.size(); ++c)
    observed.main.segment(static_cast<Eigen::Index>(moves[c].second), static_cast<Eigen::Index>(channels[c].bins)) =
        m.observed().main.segment(static_cast<Eigen::Index>(moves[c].first), static_cast<Eigen::Index>(channels[c].bins));
  return detail::model_access::make(m.parameters(), std::move(channels), std::move(samples), std::move(observed),
                                    m.custom_modifiers());
}

}  // namespace rein::likelihood
