#pragma once

// JSON and CSV I/O; the HDF5 part (rein/io/hdf5/...) needs the rein::hdf5 target and is not included here.
#include "rein/io/belle2_knunu_preset.hpp"
#include "rein/io/csv.hpp"
#include "rein/io/json/hepdata_table.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/posterior.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/io/json/shape_workspace.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/io/load_model.hpp"
