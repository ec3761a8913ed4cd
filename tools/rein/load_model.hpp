#pragma once

// What every verb that builds a model shares: WS [--patch P [--patch-name N]] [--measurement M]
// [--interp normsys=codeX,histosys=codeY].
#include "cli.hpp"

#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/workspace.hpp"

#include <string>
#include <vector>

namespace rein::cli {

/// Option names that `load_model` reads; verbs add their own.
const std::vector<std::string>& model_option_names();

/// The workspace named by the first positional argument, with the patches applied.
likelihood::workspace load_workspace(const arguments& args);

/// The measurement and interpolation choices of the command line.
likelihood::model_options load_model_options(const arguments& args);

/// load_workspace + make_model.
likelihood::model load_model(const arguments& args);

}  // namespace rein::cli
