#pragma once

// "sm-plus-invisible-resonance": the Standard Model B⁺→K⁺νν̄ rate plus a two-body decay B⁺→K⁺X
// with X invisible (an axion-like particle, a dark scalar or vector): a peak in q² = m_X².
//
//     σ1(q²) = σ0(q²) + 10⁻⁶ br_x · BW(q²; m_x, Γ_x) / ∫_{q²_min}^{q²_max} BW,
//
// σ0 the null (the SM rate the reweighting divides by), BW the relativistic Breit–Wigner of
// physics/breit_wigner.hpp normalised on the kinematic range of the null, so that br_x is
// B(B⁺→K⁺X)·P(X → invisible) in units of 10⁻⁶. Each bin's integral of the peak is the closed form
// (exact however narrow the peak), with exact derivatives in m_x, Γ_x and br_x.
#include "rein/models/rate_entry.hpp"
#include "rein/physics/breit_wigner.hpp"
#include "rein/physics/constants.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace rein::models {

/// The bin integrals of σ1 = σ0 + 10⁻⁶ br_x · (normalised Breit–Wigner) over q² bins;
/// θ = (m_x [GeV], width_x [GeV], br_x [10⁻⁶]).
class resonance_rates final : public reweight::bin_rates {
 public:
  /// @param null the null rate σ0; the peak is normalised on its support [q2_min, q2_max]
  /// @param edges the q² bin edges
  /// @param rule how σ0 is integrated
  /// @throws invalid_argument for bad edges (see reweight::bin_quadrature)
  resonance_rates(const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule)
      : m_edges(edges), m_low(null.q2_min), m_high(null.q2_max),
        m_null(reweight::bin_quadrature(edges, support_options(null.q2_min, null.q2_max, rule)).integrate(null.rate)) {}

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_edges; }
  [[nodiscard]] std::size_t parameters() const override { return 3; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }

  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    const double mass = theta[0], width = theta[1], br = 1e-6 * theta[2];
    // P_j = N_j / D: the bin's share of the peak on the kinematic range
    const auto total = physics::breit_wigner_integral_over(m_low, m_high, mass, width);
    const double norm = total.value;
    for (std::size_t j = 0; j < m_null.size(); ++j) {
      const double a = std::max(m_edges[j], m_low), b = std::min(m_edges[j + 1], m_high);
      const auto bin = a < b ? physics::breit_wigner_integral_over(a, b, mass, width) : physics::breit_wigner_integral{};
      const double share = bin.value / norm;
      integrals[j] = m_null[j] + br * share;
      if (jacobian) {
        jacobian[3 * j + 0] = br * (bin.d_mass - share * total.d_mass) / norm;
        jacobian[3 * j + 1] = br * (bin.d_width - share * total.d_width) / norm;
        jacobian[3 * j + 2] = 1e-6 * share;
      }
    }
  }

 private:
  std::vector<double> m_edges;
  double m_low, m_high;
  std::vector<double> m_null;
};

/// "sm-plus-invisible-resonance": parameters m_x in [0.01, m_B − m_K] GeV (init 2), width_x in
/// [10⁻⁴, 1] GeV (init 0.1, fixed unless --fix sets another value), br_x in [0, 100] × 10⁻⁶
/// (init 1; ≥ 0: a branching fraction).
inline alternative_rate sm_plus_invisible_resonance() {
  const physics::b_to_k_nunu_constants kinematics;
  std::vector<rate_parameter> parameters = {{"m_x", 2.0, 0.01, kinematics.b_mass - kinematics.k_mass},
                                            {"width_x", 0.1, 1e-4, 1.0, true},
                                            {"br_x", 1.0, 0.0, 100.0}};
  const auto make_rates = [](const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule)
      -> std::shared_ptr<const reweight::bin_rates> { return std::make_shared<resonance_rates>(null, edges, rule); };
  return {"sm-plus-invisible-resonance",
          "the SM B+ -> K+ nu nubar rate (the null) plus B+ -> K+ X, X invisible, as a relativistic Breit-Wigner in q^2 "
          "normalised to br_x (units of 1e-6)",
          std::move(parameters), make_rates};
}

}  // namespace rein::models
