#pragma once

// Moved to rein/likelihood/workspace/combine.hpp: the workspace spec and its editing, one of the layers
// that likelihood/ shows as sub-folders (docs/layers.md). This path keeps existing includes working.
#include "rein/likelihood/workspace/combine.hpp"
