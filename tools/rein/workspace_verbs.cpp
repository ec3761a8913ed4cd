// rein combine | prune | rename | sort: pyhf's workspace verbs (same option names and semantics)
// over likelihood/combine.hpp; the workspace's pyhf JSON on stdout or into --output-file.
#include "cli.hpp"
#include "output_file.hpp"

#include "rein/core/detail/suggest.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/combine.hpp"

#include <string>
#include <utility>
#include <vector>

namespace {

namespace lh = rein::likelihood;
using rein::cli::arguments;

// A pyhf workspace file ("-": standard input). rein's extensions (rein.*) are refused: these
// verbs write pyhf's format and would drop them silently.
lh::workspace read(const std::string& path) {
  const auto document = rein::io::read_json_input(path);
  if (document.is_object())
    for (const auto& entry : document.items())
      if (entry.key().rfind("rein.", 0) == 0)
        throw rein::invalid_argument("'" + path + "' /" + entry.key() + ": the workspace verbs edit pyhf workspaces and would drop " +
                                     "rein's extension '" + entry.key() + "'");
  return rein::io::workspace_from_json(document, path);
}

// The library's message, prefixed with the files it is about ("'ws.json'").
template <class Edit>
lh::workspace edit(const std::string& files, Edit&& f) {
  try {
    return f();
  } catch (const rein::invalid_argument& e) {
    throw rein::invalid_argument(files + ": " + e.what());
  }
}

int combine_verb(const arguments& args) {
  args.allow_only({"join", "merge-channels", "output-file"});
  rein::cli::at_most(args, 2, "combine", "two workspaces");
  const std::string one = args.positional(0, "WS1 (a pyhf JSON workspace)");
  const std::string two = args.positional(1, "WS2 (a pyhf JSON workspace)");
  const auto join = lh::join_mode_from_string(args.get("join", "none"));
  const auto left = read(one), right = read(two);
  const auto out = edit("'" + one + "' and '" + two + "'", [&] { return lh::combine(left, right, join, args.has("merge-channels")); });
  rein::cli::print_or_write(rein::io::workspace_to_json(out), args);
  return 0;
}

int prune_verb(const arguments& args) {
  args.allow_only({"channel", "sample", "modifier", "modifier-type", "measurement", "output-file"});
  rein::cli::at_most(args, 1, "prune", "one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  lh::workspace_pruning what{args.all("channel"), args.all("sample"), args.all("modifier"), {}, args.all("measurement")};
  std::vector<std::string> types;
  for (auto type : {lh::modifier_type::normfactor, lh::modifier_type::normsys, lh::modifier_type::histosys,
                    lh::modifier_type::shapesys, lh::modifier_type::shapefactor, lh::modifier_type::staterror,
                    lh::modifier_type::lumi})
    types.push_back(lh::to_string(type));
  for (const auto& name : args.all("modifier-type")) {
    const auto type = lh::modifier_type_from_string(name);
    if (!type)
      throw rein::invalid_argument("--modifier-type '" + name + "'" + rein::detail::did_you_mean(name, types) + " is not one of " +
                                   "histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror");
    what.modifier_types.push_back(*type);
  }
  const auto ws = read(path);
  rein::cli::print_or_write(rein::io::workspace_to_json(edit("'" + path + "'", [&] { return lh::prune(ws, what); })), args);
  return 0;
}

// pyhf's rename takes two values per option (--channel OLD NEW), which the generic parser does
// not know: the tokens are read again here.
int rename_verb(const arguments& args) {
  args.allow_only({"channel", "sample", "modifier", "measurement", "output-file"});
  lh::workspace_renaming what;
  std::vector<std::string> positional;
  const auto& tokens = args.tokens();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token == "--output-file" || token == "-o") {
      ++i;
      continue;
    }
    if (token.rfind("--output-file=", 0) == 0) continue;
    if (token.rfind("--", 0) != 0) {
      positional.push_back(token);
      continue;
    }
    const std::string name = token.substr(2);
    if (name.find('=') != std::string::npos || i + 2 >= tokens.size())
      throw rein::invalid_argument(token + " takes two values, OLD NEW (pyhf's rename)");
    const std::pair<std::string, std::string> pair{tokens[i + 1], tokens[i + 2]};
    i += 2;
    if (name == "channel") what.channels.push_back(pair);
    else if (name == "sample") what.samples.push_back(pair);
    else if (name == "modifier") what.modifiers.push_back(pair);
    else what.measurements.push_back(pair);
  }
  if (positional.size() > 1)
    throw rein::invalid_argument("unexpected argument '" + positional[1] + "' (rename takes one workspace)");
  if (positional.empty()) throw rein::invalid_argument("missing argument WS (a pyhf JSON workspace)");
  const auto ws = read(positional[0]);
  rein::cli::print_or_write(rein::io::workspace_to_json(edit("'" + positional[0] + "'", [&] { return lh::rename(ws, what); })), args);
  return 0;
}

int sort_verb(const arguments& args) {
  args.allow_only({"output-file"});
  rein::cli::at_most(args, 1, "sort", "one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  rein::cli::print_or_write(rein::io::workspace_to_json(lh::sorted(read(path))), args);
  return 0;
}

const bool registered_combine = rein::cli::register_verb(
    {"combine",
     "combine WS1 WS2 [--join none|outer|'left outer'|'right outer'] [--merge-channels] [--output-file F] (pyhf combine: "
     "the two workspaces as one, pyhf JSON)",
     {"merge-channels"}, combine_verb});
const bool registered_prune = rein::cli::register_verb(
    {"prune",
     "prune WS [--channel C] [--sample S] [--modifier M] [--modifier-type T] [--measurement M] [--output-file F] (pyhf prune; "
     "each option repeatable)",
     {}, prune_verb});
const bool registered_rename = rein::cli::register_verb(
    {"rename",
     "rename WS [--channel OLD NEW] [--sample OLD NEW] [--modifier OLD NEW] [--measurement OLD NEW] [--output-file F] (pyhf "
     "rename; each option repeatable, all renames at once)",
     {}, rename_verb});
const bool registered_sort =
    rein::cli::register_verb({"sort", "sort WS [--output-file F] (pyhf sort: channels, samples, modifiers, ... by name)", {}, sort_verb});

}  // namespace
