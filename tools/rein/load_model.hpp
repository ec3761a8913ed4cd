#pragma once

// What every verb that builds a model shares: WS [--patch P [--patch-name N]] [--measurement M]
// [--interp normsys=codeX,histosys=codeY] [--poi NAME]; for a redist saved model, --null NAME
// --alt NAME [--quadrature endpoint-adapted|gauss-legendre] name its rates.
#include "cli.hpp"

#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/workspace.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace rein::cli {

/// Option names that `load_model` reads; verbs add their own.
const std::vector<std::string>& model_option_names();

/// The workspace named by the first positional argument, with the patches applied.
likelihood::workspace load_workspace(const arguments& args);

/// The measurement and interpolation choices of the command line.
likelihood::model_options load_model_options(const arguments& args);

/// The usage text of the options load_model reads.
const std::string& model_usage();

/// model_option_names() followed by a verb's own option names.
std::vector<std::string> with_model_options(std::vector<std::string> extra);

/// Wall time since `begin`, in seconds.
double seconds_since(std::chrono::steady_clock::time_point begin);

/// Whether `path` holds a redist saved model (keys `spec` and `new_pars`) rather than a workspace.
bool is_redist_file(const std::string& path);

/// The model of the first positional argument: a pyhf workspace (load_workspace + make_model) or
/// a redist saved model with the rates named by --null and --alt.
likelihood::model load_model(const arguments& args);

}  // namespace rein::cli
