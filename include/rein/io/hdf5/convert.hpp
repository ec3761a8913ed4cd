#pragma once

// Conversions into rein's HDF5 formats that check what they wrote (`rein convert`): number
// densities written and read back bit for bit, and a redist saved model rewritten as rein's
// reweighted workspace (the same likelihood, the maps as HDF5 number densities beside the JSON).
// Each returns the JSON summary that `rein convert` prints.
#include "rein/core/error.hpp"
#include "rein/io/density_import.hpp"
#include "rein/io/hdf5/number_density.hpp"
#include "rein/io/hdf5/reweighted_workspace.hpp"
#include "rein/io/load_model.hpp"
#include "rein/models/registry.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rein::io::hdf5 {

/// Writes `imported` to the HDF5 file `output` (format "rein-number-density"), reads it back and
/// compares exactly.
/// @return {output, format, format_version, verified, densities (imported_densities_json)}
/// @throws io_error when reading back does not give the written densities; what
///         write_number_densities throws
inline nlohmann::json write_number_densities_checked(const std::string& output, const imported_densities& imported) {
  write_number_densities(output, imported.densities);
  if (read_number_densities(output) != imported.densities)
    throw io_error("'" + output + "': reading back did not give the written densities");
  return {{"output", output},
          {"format", number_density_format},
          {"format_version", "1"},
          {"verified", "read back and compared bit for bit"},
          {"densities", imported_densities_json(imported)}};
}

/// The redist saved model `input` (read with `options`: --null/--alt name its rates) written as
/// rein's reweighted workspace `output` with its densities in the file `densities` next to it
/// (a file name, no folder), then read back. `source` labels the densities (by default: "converted
/// by rein convert redist from INPUT").
/// @return {output, densities, reweightings (their names as read back), verified}
/// @throws invalid_argument when `densities` holds a '/' or a named rate does not exist; what
///         read_reweighted_model and write_reweighted_workspace throw
inline nlohmann::json convert_redist(const std::string& input, const std::string& output, const std::string& densities,
                                     const load_options& options, const std::optional<std::string>& source = std::nullopt) {
  if (densities.find('/') != std::string::npos)
    throw invalid_argument("DENSITIES.h5 '" + densities + "' is a file name: it is written next to OUT.json");
  const auto saved = read_reweighted_model(input, model_file_kind::redist, options);
  // the rates must exist under these names before they are written down
  for (const auto& r : saved.reweightings) (void)models::make_named_rates(r.null, r.alternative, r.edges);
  reweighted_workspace_options written;
  written.source = source.value_or("converted by rein convert redist from " + input);
  write_reweighted_workspace(output, densities, saved, written);
  nlohmann::json names = nlohmann::json::array();
  for (const auto& r : read_reweighted_workspace(output).reweightings) names.push_back(r.name);
  return {{"output", output}, {"densities", densities}, {"reweightings", names}, {"verified", "read back"}};
}

}  // namespace rein::io::hdf5
