#pragma once

// Moved to rein/likelihood/shapes/shape_fit.hpp: parametric shapes, one of the layers
// that likelihood/ shows as sub-folders (docs/layers.md). This path keeps existing includes working.
#include "rein/likelihood/shapes/shape_fit.hpp"
