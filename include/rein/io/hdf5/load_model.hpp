#pragma once

// io::load_model with rein's reweighted workspace readable (its densities are HDF5): the entry
// for front ends built with the rein::hdf5 target, which defines REIN_HAS_HDF5 for them.
#include "rein/io/hdf5/reweighted_workspace.hpp"
#include "rein/io/load_model.hpp"

#include <string>
#include <vector>

namespace rein::io::hdf5 {

/// The model in the file at `path`, any kind io::model_file_kind names, built with `options`.
/// @throws what io::load_model and read_reweighted_workspace throw
inline loaded_model load_model(const std::string& path, const load_options& options = {}) {
  return io::load_model(path, options, [](const std::string& p, const std::vector<patch_source>& patches) {
    return read_reweighted_workspace(p, patches);
  });
}

}  // namespace rein::io::hdf5
