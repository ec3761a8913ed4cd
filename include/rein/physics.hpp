#pragma once

// Module umbrella: built-in new-physics models (WET B→Kνν̄, BSZ2015 form factors, HPQCD SM null).
#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/b_to_k_nunu_kernel.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/callables.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/hpqcd_null.hpp"
#include "rein/physics/wet_coefficients.hpp"
