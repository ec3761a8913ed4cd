#pragma once

// The JSON that pyhf's workspace verbs print (keys sorted, four-space indent), on stdout or into
// the file of --output-file (-o), shared by the workspace and patchset verbs.
#include "cli.hpp"

#include "rein/io/json/read_json.hpp"  // write_json

#include <iostream>

namespace rein::cli {

inline void print_or_write(const nlohmann::json& value, const arguments& args) {
  if (args.has("output-file")) {
    io::write_json(value, args.get("output-file", ""), 4);
  } else {
    std::cout << value.dump(4) << '\n';
  }
}

/// Throws invalid_argument naming the first positional argument past the `count` a verb takes.
inline void at_most(const arguments& args, std::size_t count, const std::string& verb, const std::string& takes) {
  if (args.positional_count() > count)
    throw invalid_argument("unexpected argument '" + args.positional(count, "") + "' (" + verb + " takes " + takes + ")");
}

}  // namespace rein::cli
