#pragma once

#include "rein/models/b_to_k_nunu.hpp"
#include "rein/models/invisible_resonance.hpp"
#include "rein/models/rate_entry.hpp"
#include "rein/models/registry.hpp"
#include "rein/models/tabulated.hpp"
