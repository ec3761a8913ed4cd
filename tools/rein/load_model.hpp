#pragma once

// What every verb that builds a model shares: WS [--patch P [--patch-name N]] [--measurement M]
// [--interp normsys=codeX,histosys=codeY] [--poi NAME]; for a redist saved model, --null NAME
// --alt NAME name its rates; for both it and rein's reweighted workspace, --quadrature
// endpoint-adapted|gauss-legendre says how to integrate them. A workspace with parametric shapes
// (key `rein.shapes`) takes the pyhf workspace's options, --patch included. The loading itself is
// rein::io::load_model; this file turns the command line into its options.
#include "cli.hpp"

#include "rein/io/load_model.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace rein::cli {

/// Option names that `load_model` reads; verbs add their own.
const std::vector<std::string>& model_option_names();

/// The usage text of the options load_model reads.
const std::string& model_usage();

/// model_option_names() followed by a verb's own option names.
std::vector<std::string> with_model_options(std::vector<std::string> extra);

/// Wall time since `begin`, in seconds.
double seconds_since(std::chrono::steady_clock::time_point begin);

/// The command line's model options as io::load_model takes them.
io::load_options load_options_of(const arguments& args);

/// io::load_model of the first positional argument (HDF5 reweighted workspaces included when rein
/// is built with rein::hdf5).
io::loaded_model load(const arguments& args);

/// io::load_model of the first positional argument with `options` (load_options_of(args) changed).
io::loaded_model load(const arguments& args, const io::load_options& options);

/// load(args).model.
likelihood::model load_model(const arguments& args);

}  // namespace rein::cli
