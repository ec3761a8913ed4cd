#pragma once

// The measurable Wilson-coefficient combinations of B→Kνν̄ in the WET, and the 11-parameter layout
// (cvl, csl, ctl, 8 form-factor parameters) that gradients and reweighting callables use.
#include "rein/physics/constants.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace rein::physics {

/// The three combinations of WET Wilson coefficients that B→Kνν̄ measures (EOS normalisation):
/// cvl = |C_VL + C_VR|, csl = |C_SL + C_SR|, ctl = |C_TL| (Belle II's fit parameters). They enter
/// the rate squared, without interference, so a negative value acts as its absolute value.
template <class Scalar>
struct wet_coefficients {
  /// |C_VL + C_VR|; the SM value is c_vl_sm = 6.613114906357177.
  Scalar cvl = Scalar(c_vl_sm);
  /// |C_SL + C_SR| (zero in the SM).
  Scalar csl = Scalar(0.0);
  /// |C_TL| (zero in the SM).
  Scalar ctl = Scalar(0.0);
};

/// Number of parameters of the WET alternative: cvl, csl, ctl and the 8 BSZ2015 parameters.
inline constexpr std::size_t b_to_k_nunu_parameter_count = 11;

/// Names of the 11 parameters in gradient order: "cvl", "csl", "ctl", "FFK[0]" ... "FFK[7]"
/// (Belle II's parameter names; FFK in the order of bsz2015_parameters).
inline std::array<std::string, b_to_k_nunu_parameter_count> b_to_k_nunu_parameter_names() {
  return {"cvl", "csl", "ctl", "FFK[0]", "FFK[1]", "FFK[2]", "FFK[3]", "FFK[4]", "FFK[5]", "FFK[6]", "FFK[7]"};
}

}  // namespace rein::physics
