#pragma once

// Every numerical input of the built-in B→Kνν̄ models, named and sourced, overridable by value.
// Source of record: shared/physics/b_to_k_nunu.md (copy in tests/data/physics/), which follows EOS
// (github.com/eos/eos, eos/parameters/*.yaml, eos/rare-b-decays/b-to-psd-nu-nu.cc) and the
// HPQCD-based SM prediction that Belle II normalised its signal template to.
#include "rein/config.hpp"

namespace rein::physics {

/// C_VL in the SM in EOS's normalisation (EOS default parameter `sbnunu::Re{cVL}`); Belle II's
/// `cvl` init. Only |C_VL + C_VR| enters B→Kνν̄. Equals −C_L^{SM} of the C_L = −X_t/s_W²
/// convention up to EOS's choice of X_t and s_W² (see docs/physics.md).
inline constexpr double c_vl_sm = 6.613114906357177;

/// Inputs of the WET B→Kνν̄ rate (EOS conventions, model WET). Defaults are EOS's defaults,
/// except the quark masses of the scalar term, which are fixed to the values of Belle II's
/// reinterpretation (EOS evaluates MSbar masses at μ = 4.2 GeV; 1 MeV in m_s moves b_S by ~0.05%).
/// Every field may be overridden; nothing is validated until a rate uses it.
struct b_to_k_nunu_constants {
  /// G_F [GeV⁻²]: EOS `WET::G_Fermi` (PDG 2012 onwards, 1.1663787(6)e-5).
  double fermi_constant = 1.1663787e-5;
  /// α_e at the b-quark scale: EOS `QED::alpha_e(m_b)` = 1/133.
  double alpha_e = 1.0 / 133.0;
  /// ħ [GeV s]: EOS `QM::hbar` (CODATA 2010 value, as in PDG 2012).
  double hbar = 6.58211928e-25;
  /// τ(B⁺) [s]: EOS `life_time::B_u` (PDG 2012: 1.641 ps).
  double b_lifetime = 1.641e-12;
  /// m(B⁺) [GeV] in the kinematics (λ, phase-space endpoint): EOS `mass::B_u` (PDG average
  /// 5279.34 MeV; the PDG 2024 value is 5.27941, shared/physics/kinematics.md).
  double b_mass = 5.27934;
  /// m(K⁺) [GeV] in the kinematics: EOS `mass::K_u` (PDG 2012 onwards, 493.677 MeV).
  double k_mass = 0.493677;
  /// |V_tb|: EOS default `CKM::abs(V_tb)` (model WET).
  double v_tb = 0.9991111344469873;
  /// |V_ts|: EOS default `CKM::abs(V_ts)` (model WET); |V_tb V_ts*| = 0.041175.
  double v_ts = 0.04121212396309175;
  /// m_b [GeV] in the scalar term (MSbar at μ = 4.2 GeV), fixed as in Belle II's reinterpretation.
  double b_quark_mass = 4.177;
  /// m_s [GeV] in the scalar term (MSbar at μ = 4.2 GeV), fixed as in Belle II's reinterpretation.
  double s_quark_mass = 0.081;
};

/// Masses inside the BSZ2015 z-expansion for B→K (Bharucha, Straub, Zwicky, arXiv:1503.05534, as
/// EOS implements them in eos/form-factors/parametric-bsz2015-impl.hh). These are fixed numbers of
/// the parametrisation, deliberately not the kinematic masses of b_to_k_nunu_constants.
struct bsz2015_constants {
  /// m_B [GeV] in t± = (m_B ± m_K)².
  double b_mass = 5.279;
  /// m_K [GeV] in t± = (m_B ± m_K)².
  double k_mass = 0.492;
  /// m_R [GeV] of the pole factor of f+ and fT (the B_s* 1⁻ state).
  double pole_mass_plus = 5.415;
  /// m_R [GeV] of the pole factor of f0 (the B_s0* 0⁺ state).
  double pole_mass_zero = 5.630;
};

/// Inputs of the HPQCD-based SM prediction that Belle II normalised its signal template to
/// (HPQCD, arXiv:2207.12468 and arXiv:2207.13371 eq. 16; as coded in the Belle II
/// knunu-reinterpretation utilities, `NullPrediction`).
struct hpqcd_null_constants {
  /// BCL coefficients a_0, a_1, a_2 of f+ (HPQCD 2022).
  double a0 = 0.2545;
  double a1 = -0.71;
  double a2 = 0.32;
  /// Overall factor L of f+ (HPQCD 2022).
  double l_factor = 1.304;
  /// Pole mass M [GeV] of f+ (the B_s* mass used by HPQCD).
  double pole_mass = 5.4158;
  /// m_B [GeV] (HPQCD's value; kinematics and z).
  double b_mass = 5.279495;
  /// m_K [GeV] (HPQCD's value; kinematics and z).
  double k_mass = 0.4956440;
  /// G_F [GeV⁻²].
  double fermi_constant = 1.1663787e-5;
  /// 1/α (α at the electroweak scale).
  double inverse_alpha = 127.952;
  /// X_t, the top-loop function.
  double x_t = 1.468;
  /// sin²θ_W.
  double sin2_theta_w = 0.23124;
  /// |V_tb V_ts*|.
  double v_tb_v_ts = 0.04185;
  /// τ(B⁺) [s].
  double b_lifetime = 1.638e-12;
  /// ħ [GeV s].
  double hbar = 6.58211e-25;
};

}  // namespace rein::physics
