#pragma once

// The expected count of every sample bin and its exact derivatives with respect to every
// parameter: what linear uncertainty propagation of yields (infer/diagnostics.hpp) needs.
#include "rein/core/error.hpp"
#include "rein/likelihood/interpolation.hpp"
#include "rein/likelihood/model.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::likelihood {

/// Sample-bin yields ν_sb(θ) and their Jacobian ∂ν_sb/∂θ_j.
struct sample_yields {
  /// ν_sb for the samples in the order of model::samples() and their bins in order.
  Eigen::VectorXd values;
  /// Row sb: ∂ν_sb/∂θ (one column per parameter of the layout).
  Eigen::MatrixXd jacobian;
  /// Row of each sample's first bin in `values` and `jacobian`, in the order of model::samples().
  std::vector<std::size_t> first;
};

/// ν_sb(θ) = A_b·S·G_b·C_b for every sample bin, with A_b = nominal_b + Σ_h Δ_hb(α_h) (histosys),
/// S = Π scalar factors (normfactor, lumi, normsys), G_b = Π per-bin factors (staterror, shapesys,
/// shapefactor), C_b = Π custom factors, and the exact derivatives by the product and chain rules
/// (interpolation derivatives as the model's gradient uses them; custom modifiers' own Jacobians).
/// No division by a factor: a signal strength at 0 still has ∂ν/∂μ = A·G·C·(other factors).
/// Agrees with model::expected_sample and, contracted with (1 − n_b/ν_b), with model's nll gradient
/// (tests/infer/diagnostics_test.cpp). Dense: (sample bins) × (parameters) doubles.
/// @throws invalid_argument if θ has the wrong size
[[nodiscard]] inline sample_yields yield_jacobian(const model& m, const Eigen::VectorXd& theta) {
  const auto& layout = m.parameters();
  if (static_cast<std::size_t>(theta.size()) != layout.size())
    throw invalid_argument("rein::likelihood::yield_jacobian: parameter vector has " + std::to_string(theta.size()) +
                           " entries, the model has " + std::to_string(layout.size()) + " parameters");
  const auto at = [&](std::size_t i) { return theta[static_cast<Eigen::Index>(i)]; };
  // custom modifiers: outputs and their Jacobians (outputs × inputs), once
  const auto& customs = m.custom_modifiers();
  std::vector<std::vector<double>> custom_values(customs.size()), custom_jacobians(customs.size());
  for (std::size_t c = 0; c < customs.size(); ++c) {
    std::vector<double> x(customs[c].inputs.size());
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = at(customs[c].inputs[k]);
    custom_values[c].resize(customs[c].function->outputs());
    custom_jacobians[c].resize(customs[c].function->outputs() * x.size());
    customs[c].function->evaluate(x.data(), custom_values[c].data(), custom_jacobians[c].data());
  }
  std::size_t rows = 0;
  for (const auto& s : m.samples()) rows += s.nominal.size();
  sample_yields out;
  out.values = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rows));
  out.jacobian = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(layout.size()));
  std::size_t row = 0;
  for (const auto& s : m.samples()) {
    out.first.push_back(row);
    const std::size_t bins = s.nominal.size();
    // scalar factors and their derivatives; prefix/suffix products give Π_{j≠k} f_j without dividing
    const std::size_t n = s.scalars.size();
    std::vector<double> values(n), derivatives(n), suffix(n + 1, 1.0);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& f = s.scalars[k];
      if (!f.interpolated) {
        values[k] = at(f.parameter), derivatives[k] = 1;
      } else {
        f.interp.evaluate(at(f.parameter), values[k], derivatives[k]);
        if (f.additive_code) values[k] += 1;
      }
    }
    for (std::size_t k = n; k-- > 0;) suffix[k] = suffix[k + 1] * values[k];
    const double scale = suffix[0];
    std::vector<additive_weights> weights;
    for (const auto& h : s.shifts) weights.push_back(additive_weights_at(h.code, at(h.parameter)));
    for (std::size_t b = 0; b < bins; ++b, ++row) {
      const auto r = static_cast<Eigen::Index>(row);
      double a = s.nominal[b];
      for (std::size_t h = 0; h < s.shifts.size(); ++h) a += weights[h].u * s.shifts[h].p[b] + weights[h].v * s.shifts[h].q[b];
      std::vector<double> gammas(s.bin_factors.size()), cs(s.customs.size());
      double gamma = 1, custom = 1;
      for (std::size_t f = 0; f < gammas.size(); ++f) gamma *= (gammas[f] = at(s.bin_factors[f].parameters[b]));
      for (std::size_t f = 0; f < cs.size(); ++f) custom *= (cs[f] = custom_values[s.customs[f].modifier][s.customs[f].offset + b]);
      out.values[r] = a * scale * gamma * custom;
      double prefix = 1;
      for (std::size_t k = 0; k < n; ++k) {
        out.jacobian(r, static_cast<Eigen::Index>(s.scalars[k].parameter)) += a * gamma * custom * prefix * suffix[k + 1] * derivatives[k];
        prefix *= values[k];
      }
      for (std::size_t h = 0; h < s.shifts.size(); ++h)
        out.jacobian(r, static_cast<Eigen::Index>(s.shifts[h].parameter)) +=
            scale * gamma * custom * (weights[h].du * s.shifts[h].p[b] + weights[h].dv * s.shifts[h].q[b]);
      for (std::size_t f = 0; f < gammas.size(); ++f) {
        double others = a * scale * custom;
        for (std::size_t g = 0; g < gammas.size(); ++g)
          if (g != f) others *= gammas[g];
        out.jacobian(r, static_cast<Eigen::Index>(s.bin_factors[f].parameters[b])) += others;
      }
      for (std::size_t f = 0; f < cs.size(); ++f) {
        double others = a * scale * gamma;
        for (std::size_t g = 0; g < cs.size(); ++g)
          if (g != f) others *= cs[g];
        const auto& ref = s.customs[f];
        const auto& inputs = customs[ref.modifier].inputs;
        const double* jac = custom_jacobians[ref.modifier].data() + (ref.offset + b) * inputs.size();
        for (std::size_t k = 0; k < inputs.size(); ++k) out.jacobian(r, static_cast<Eigen::Index>(inputs[k])) += others * jac[k];
      }
    }
  }
  return out;
}

}  // namespace rein::likelihood
