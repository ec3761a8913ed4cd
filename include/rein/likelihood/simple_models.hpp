#pragma once

// Moved to rein/likelihood/workspace/simple_models.hpp: the workspace spec and its editing, one of the layers
// that likelihood/ shows as sub-folders (docs/layers.md). This path keeps existing includes working.
#include "rein/likelihood/workspace/simple_models.hpp"
