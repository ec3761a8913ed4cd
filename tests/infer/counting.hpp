#pragma once

// The one-bin counting experiment of the closed-form tests: a signal of s events × μ (a
// normfactor, μ ∈ [0, mu_max]) over a background of b events known exactly, n observed.
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/workspace.hpp"

#include <utility>
#include <vector>

namespace rein::test {

inline likelihood::model counting(double s, double b, double n, double mu_max) {
  likelihood::workspace ws;
  likelihood::channel c{"bin", {}};
  c.samples.push_back({"signal", {s}, {{"mu", likelihood::modifier_type::normfactor, 1, 1, {}, {}, {}}}});
  c.samples.push_back({"background", {b}, {}});
  ws.channels.push_back(c);
  ws.observations.push_back({"bin", {n}});
  likelihood::parameter_config mu{"mu", {}, {}, {}, {}, {}, {}};
  mu.bounds = std::vector<std::pair<double, double>>{{0.0, mu_max}};
  ws.measurements.push_back({"m", "mu", {mu}});
  return likelihood::make_model(ws);
}

}  // namespace rein::test
