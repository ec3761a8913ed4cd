#pragma once

#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"
#include "rein/reweight/decorrelation.hpp"
#include "rein/reweight/modifier.hpp"
#include "rein/reweight/number_density.hpp"
