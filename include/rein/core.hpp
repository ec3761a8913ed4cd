#pragma once

#include "rein/core/error.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/binning.hpp"
#include "rein/core/histogram.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/core/parse_number.hpp"
#include "rein/core/random.hpp"
#include "rein/core/dual.hpp"
