#pragma once

// Moved to rein/likelihood/model/parameter_groups.hpp: the compiled model, one of the layers
// that likelihood/ shows as sub-folders (docs/layers.md). This path keeps existing includes working.
#include "rein/likelihood/model/parameter_groups.hpp"
