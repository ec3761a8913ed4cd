#pragma once

// Moved: the registry of named rates lives in rein::models (models/registry.hpp), above physics
// and reweight, so that reweight knows only callables. These names keep old code compiling.
#include "rein/models/registry.hpp"

namespace rein::reweight {

using models::make_named_rates;
using models::named_alternatives;
using models::named_nulls;

}  // namespace rein::reweight
