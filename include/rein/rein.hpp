#pragma once

// Umbrella header: every module except io/hdf5 (which needs the optional rein::hdf5 target).
#include "rein/bayes.hpp"
#include "rein/config.hpp"
#include "rein/core.hpp"
#include "rein/fit.hpp"
#include "rein/infer.hpp"
#include "rein/io.hpp"
#include "rein/kinematics.hpp"
#include "rein/likelihood.hpp"
#include "rein/models.hpp"
#include "rein/physics.hpp"
#include "rein/reweight.hpp"
