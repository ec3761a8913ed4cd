#pragma once

// What the inference verbs and `rein merge` share: option parsing (the JSON of a result is
// rein::io's, so that merged shards print exactly what one run prints).
#include "cli.hpp"

#include "rein/infer/scan.hpp"
#include "rein/infer/toys.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace rein::cli {

/// --toys N --seed S --threads T --test-stat qtilde|q; a progress line on a terminal.
/// @throws invalid_argument unless N ≥ 1, S ≥ 0 and T ≥ 1.
infer::toy_options toy_options_of(const arguments& args);

/// "what done/total, ETA 1m05s" on stderr, rewritten in place (one line; the time taken once done);
/// empty unless stderr is a terminal.
std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what);

/// The grid of an LO:HI:N option (N an integer ≥ 2); `option` names it in errors.
std::vector<double> scan_grid(const std::string& range, const std::string& option);

}  // namespace rein::cli
