#pragma once

// "sm-plus-dark-pair-{scalar,vector,tensor}": the Standard Model B⁺→K⁺νν̄ rate plus a three-body
// decay B⁺→K⁺χχ̄ into invisible Dirac fermions of mass m_chi through one b→s current:
//
//     σ1(q²) = σ0(q²) + 10⁻⁶ br_chi · S(q²; m_chi) / ∫_{4m²}^{q²_max} S,
//
// σ0 the null (the SM rate the reweighting divides by), S the spectrum of
// physics/dark_pair.hpp (Bobeth, Hiller, Piranishvili, arXiv:0709.4174, with ℓ → χ) normalised on
// its whole phase space, so that br_chi is B(B⁺→K⁺χχ̄) in units of 10⁻⁶. Bin integrals and their
// derivatives in m_chi and br_chi are exact up to quadrature (~1e-14 relative), the sqrt edges
// at q² = 4m² and at the endpoint mapped away.
#include "rein/models/rate_entry.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/dark_pair.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rein::models {

/// The bin integrals of σ1 = σ0 + 10⁻⁶ br_chi · (normalised χχ̄ spectrum) over q² bins;
/// θ = (m_chi [GeV], br_chi [10⁻⁶]).
class dark_pair_rates final : public reweight::bin_rates {
 public:
  /// @param null the null rate σ0
  /// @param edges the q² bin edges
  /// @param rule how σ0 is integrated
  /// @param current the b→s current of the pair
  /// @throws invalid_argument for bad edges (see reweight::bin_quadrature)
  dark_pair_rates(const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule,
                  physics::dark_pair_current current)
      : m_edges(edges), m_spectrum(current),
        m_null(reweight::bin_quadrature(edges, support_options(null.q2_min, null.q2_max, rule)).integrate(null.rate)) {}

  [[nodiscard]] std::size_t bins() const override { return m_null.size(); }
  [[nodiscard]] const std::vector<double>& edges() const override { return m_edges; }
  [[nodiscard]] std::size_t parameters() const override { return 2; }
  [[nodiscard]] const std::vector<double>& null_integrals() const override { return m_null; }
  /// The spectrum (for its shape and normalisation).
  [[nodiscard]] const physics::b_to_k_dark_pair_spectrum& spectrum() const { return m_spectrum; }

  /// @throws invalid_argument unless 0 ≤ m_chi < (m_B − m_K)/2 (physics::b_to_k_dark_pair_spectrum)
  void alternative_integrals(const double* theta, double* integrals, double* jacobian) const override {
    const double mass = theta[0], br = 1e-6 * theta[1];
    const auto total = m_spectrum.total(mass);
    for (std::size_t j = 0; j < m_null.size(); ++j) {
      const auto bin = m_spectrum.integral(m_edges[j], m_edges[j + 1], mass);
      const double share = bin.value / total.value;
      integrals[j] = m_null[j] + br * share;
      if (jacobian) {
        jacobian[2 * j + 0] = br * (bin.d_mass - share * total.d_mass) / total.value;
        jacobian[2 * j + 1] = 1e-6 * share;
      }
    }
  }

 private:
  std::vector<double> m_edges;
  physics::b_to_k_dark_pair_spectrum m_spectrum;
  std::vector<double> m_null;
};

/// "sm-plus-dark-pair-<current>": parameters m_chi in [0, (m_B − m_K)/2 − 0.01] GeV (init 0.5) and
/// br_chi in [0, 100] × 10⁻⁶ (init 1; ≥ 0: a branching fraction). Form factors: BSZ2015 at Belle
/// II's mean (physics::bsz2015_belle2_mean), fixed.
inline alternative_rate sm_plus_dark_pair(physics::dark_pair_current current) {
  const physics::b_to_k_nunu_constants kinematics;
  const double mass_limit = 0.5 * (kinematics.b_mass - kinematics.k_mass);
  std::vector<rate_parameter> parameters = {{"m_chi", 0.5, 0.0, mass_limit - 0.01}, {"br_chi", 1.0, 0.0, 100.0}};
  const auto make_rates = [current](const null_rate& null, const std::vector<double>& edges, reweight::quadrature_rule rule)
      -> std::shared_ptr<const reweight::bin_rates> { return std::make_shared<dark_pair_rates>(null, edges, rule, current); };
  const std::string kind = physics::to_string(current);
  return {"sm-plus-dark-pair-" + kind,
          "the SM B+ -> K+ nu nubar rate (the null) plus B+ -> K+ chi chibar through a " + kind +
              " b -> s current, chi an invisible Dirac fermion of mass m_chi, normalised to br_chi (units of 1e-6)",
          std::move(parameters), make_rates};
}

}  // namespace rein::models
