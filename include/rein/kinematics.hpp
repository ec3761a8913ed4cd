#pragma once

// Umbrella header of the kinematics module: four-vectors, the Υ(4S) CM frame, event variables,
// GENBOD phase space, τ decays, selection, efficiency maps and the reinterpretation of upper limits
// with them (binning and histograms are in core).
#include "rein/config.hpp"
#include "rein/kinematics/cm_frame.hpp"
#include "rein/kinematics/efficiency_map.hpp"
#include "rein/kinematics/efficiency_reinterpretation.hpp"
#include "rein/kinematics/four_vector.hpp"
#include "rein/kinematics/masses.hpp"
#include "rein/kinematics/phase_space.hpp"
#include "rein/kinematics/reference_events.hpp"
#include "rein/core/random.hpp"
#include "rein/kinematics/resolution.hpp"
#include "rein/kinematics/selection.hpp"
#include "rein/kinematics/tau_decays.hpp"
#include "rein/kinematics/three_vector.hpp"
#include "rein/kinematics/variables.hpp"
