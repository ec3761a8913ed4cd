#pragma once

// The rein command line: the verbs register with the option tables of verbs.hpp and parse, call
// the library and print; what they share besides those is here (printing, model loading with
// HDF5 when built with it, progress on a terminal).
#include "arguments.hpp"
#include "shard.hpp"
#include "verbs.hpp"
#include "rein/core/error.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/load_model.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace rein::cli {

/// Prints JSON to stdout, two-space indented, full double precision.
void print_json(const nlohmann::json& value);

/// pyhf's workspace verbs' JSON (keys sorted, four-space indent): stdout, or --output-file.
void print_or_write(const nlohmann::json& value, const arguments& args);

/// Wall seconds since `begin`.
double seconds_since(std::chrono::steady_clock::time_point begin);
/// Prints `out` with "seconds" since `begin`; returns 0 when `ok`, else 3 (a status not ok).
int finish(nlohmann::json out, std::chrono::steady_clock::time_point begin, bool ok);

/// io::load_model of the one positional argument WS with `options` (HDF5 reweighted workspaces
/// too when rein is built with rein::hdf5).
io::loaded_model load(const arguments& args, const io::load_options& options);

/// load(args, load_options_of(args)).model; with --verbose, notes the observations it ignores.
likelihood::model load_model(const arguments& args);

/// toy_options_of(args, progress) with a progress line on a terminal.
infer::toy_options toy_options_of(const arguments& args);

/// "what done/total, ETA 1m05s" on stderr, rewritten in place (one line; the time taken once done);
/// empty unless stderr is a terminal.
std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what);

}  // namespace rein::cli
