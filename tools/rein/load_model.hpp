#pragma once

// What every verb that builds a model shares: WS [--patch P [--patch-name N]] [--measurement M]
// [--interp normsys=codeX,histosys=codeY] [--poi NAME]; for a redist saved model, --null NAME
// --alt NAME name its rates; for both it and rein's reweighted workspace, --quadrature
// endpoint-adapted|gauss-legendre says how to integrate them. A workspace with parametric shapes
// (key `rein.shapes`) takes the pyhf workspace's options, --patch included.
#include "cli.hpp"

#include "rein/io/json/redist.hpp"
#include "rein/io/json/shape_workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/likelihood/workspace.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace rein::cli {

/// Option names that `load_model` reads; verbs add their own.
const std::vector<std::string>& model_option_names();

/// The workspace named by the first positional argument, with the patches applied.
likelihood::workspace load_workspace(const arguments& args);

/// The workspace with parametric shapes at `path` (key `rein.shapes`), with the --patch files
/// applied to the whole document (rein.shapes too), as read_workspace applies them to a pyhf one.
io::shape_workspace load_shape_workspace(const std::string& path, const arguments& args);

/// The measurement and interpolation choices of the command line.
likelihood::model_options load_model_options(const arguments& args);

/// The usage text of the options load_model reads.
const std::string& model_usage();

/// model_option_names() followed by a verb's own option names.
std::vector<std::string> with_model_options(std::vector<std::string> extra);

/// Wall time since `begin`, in seconds.
double seconds_since(std::chrono::steady_clock::time_point begin);

/// What a model file holds: a pyhf workspace, a redist saved model (keys `spec` and `new_pars`),
/// rein's reweighted workspace (key `rein.reweight`, densities in HDF5), or a workspace with
/// parametric shapes (key `rein.shapes`, docs/formats.md).
/// @throws invalid_argument for a document with both `rein.reweight` and `rein.shapes`.
enum class saved_kind { workspace, redist, reweighted_workspace, shape_workspace };
saved_kind saved_kind_of(const std::string& path);

/// A redist saved model with the rates that --null and --alt name.
io::redist_model read_redist_named(const std::string& path, const arguments& args);

/// --quadrature endpoint-adapted|gauss-legendre.
reweight::quadrature_rule quadrature_of(const arguments& args);

/// The model of the first positional argument: a pyhf workspace (load_workspace + make_model), a
/// workspace with parametric shapes (patched like a pyhf workspace, then io::make_shape_model), or
/// a redist saved model with the rates named by --null and --alt.
likelihood::model load_model(const arguments& args);

/// Runs `build` (which makes a model from the file at `path`) and prefixes the messages of its
/// invalid_argument errors with the file, so that what make_model finds wrong in a combination of
/// the file's settings ("init lies outside its bounds", ...) says where it came from.
template <class Build>
auto naming_file(const std::string& path, Build&& build) -> decltype(build()) {
  try {
    return build();
  } catch (const invalid_argument& e) {
    const std::string message = e.what();
    if (message.find(path) != std::string::npos) throw;
    throw invalid_argument("'" + path + "': " + message);
  }
}

}  // namespace rein::cli
