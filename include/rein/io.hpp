#pragma once

// JSON I/O; the HDF5 part (rein/io/hdf5/...) needs the rein::hdf5 target and is not included here.
#include "rein/io/json/patch.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
