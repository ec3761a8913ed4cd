// rein combine, prune, rename, sort, digest, patchset: pyhf's workspace and patchset verbs (the same
// option names and semantics), the JSON on stdout or into --output-file.
#include "cli.hpp"

#include "rein/core/detail/suggest.hpp"
#include "rein/io/json/digest.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/combine.hpp"

#include <iostream>

namespace {

using namespace rein;
using cli::arguments;
namespace lh = rein::likelihood;

// `edit` of the workspace files `files` (their names prefix the library's message), printed
template <class Edit>
int print_edited(const arguments& args, const std::string& files, Edit&& edit) {
  lh::workspace out;
  try {
    out = edit();
  } catch (const invalid_argument& e) {
    throw invalid_argument(files + ": " + e.what());
  }
  cli::print_or_write(io::workspace_to_json(out), args);
  return 0;
}

int combine_verb(const arguments& args) {
  args.at_most(2, "combine takes two workspaces");
  const std::string one = args.positional(0, "WS1 (a pyhf JSON workspace)"), two = args.positional(1, "WS2 (a pyhf JSON workspace)");
  const auto join = lh::join_mode_from_string(args.get("join", "none"));
  const auto left = io::read_pyhf_workspace(one), right = io::read_pyhf_workspace(two);
  return print_edited(args, "'" + one + "' and '" + two + "'", [&] { return lh::combine(left, right, join, args.has("merge-channels")); });
}

int prune_verb(const arguments& args) {
  args.at_most(1, "prune takes one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  lh::workspace_pruning what{args.all("channel"), args.all("sample"), args.all("modifier"), {}, args.all("measurement")};
  for (const auto& name : args.all("modifier-type")) what.modifier_types.push_back(lh::modifier_type_named(name, "--modifier-type"));
  const auto ws = io::read_pyhf_workspace(path);
  return print_edited(args, "'" + path + "'", [&] { return lh::prune(ws, what); });
}

// pyhf's rename: two values per option (--channel OLD NEW), all renames at once
int rename_verb(const arguments& args) {
  const auto pairs = [&](const char* option) {
    const auto given = args.all(option);
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i + 1 < given.size(); i += 2) out.emplace_back(given[i], given[i + 1]);
    return out;
  };
  const lh::workspace_renaming what{pairs("channel"), pairs("sample"), pairs("modifier"), pairs("measurement")};
  args.at_most(1, "rename takes one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  const auto ws = io::read_pyhf_workspace(path);
  return print_edited(args, "'" + path + "'", [&] { return lh::rename(ws, what); });
}

int sort_verb(const arguments& args) {
  args.at_most(1, "sort takes one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  const auto ws = io::read_pyhf_workspace(path);
  return print_edited(args, "'" + path + "'", [&] { return lh::sorted(ws); });
}

const cli::option output_file{"output-file", "F", "write the workspace there (-o F), not on stdout"};

const bool combine_registered = cli::register_verb(
    {"combine", "WS1 WS2 (pyhf combine: the two workspaces as one)",
     {{"join", "none|outer|'left outer'|'right outer'", "how channels of both are joined"},
      {"merge-channels", "", "merge channels of the same name"}, output_file},
     false, combine_verb});
const bool prune_registered = cli::register_verb(
    {"prune", "WS (pyhf prune)",
     {{"channel", "C", "drop a channel", true}, {"sample", "S", "drop a sample", true}, {"modifier", "M", "drop a modifier", true},
      {"modifier-type", "T", "drop modifiers of a type", true}, {"measurement", "M", "drop a measurement", true}, output_file},
     false, prune_verb});
const bool rename_registered = cli::register_verb(
    {"rename", "WS (pyhf rename: all renames at once)",
     {{"channel", "OLD NEW", "rename a channel", true, 2}, {"sample", "OLD NEW", "rename a sample", true, 2},
      {"modifier", "OLD NEW", "rename a modifier", true, 2}, {"measurement", "OLD NEW", "rename a measurement", true, 2}, output_file},
     false, rename_verb});
const bool sort_registered =
    cli::register_verb({"sort", "WS (pyhf sort: channels, samples, modifiers, ... by name)", {output_file}, false, sort_verb});

int digest(const cli::arguments& args) {
  args.at_most(1, "digest takes one workspace");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  const auto document = io::read_json(path);
  (void)io::workspace_from_json(document, path);  // pyhf digests a valid Workspace only
  const auto algorithms = args.all("algorithm").empty() ? std::vector<std::string>{"sha256"} : args.all("algorithm");
  nlohmann::json digests = nlohmann::json::object();
  for (const auto& a : algorithms) digests[a] = io::digest(document, a);
  if (args.has("json")) std::cout << digests.dump(4) << '\n';
  else
    for (const auto& a : algorithms) std::cout << a << ':' << digests[a].get<std::string>() << '\n';
  return 0;
}

const bool digest_registered = cli::register_verb(
    {"digest", "WS (pyhf digest: 'sha256:HEX')",
     {{"algorithm", "sha256", "the hash (pyhf's default, sha256)", true}, {"json", "", "print {\"sha256\": HEX}"}}, false, digest});

// A patchset with every check of pyhf's schema (references, digests, labels, description).
io::patchset read_patchset(const arguments& args, std::size_t i) {
  const std::string path = args.positional(i, "PATCHSET (a pyhf patchset)");
  return io::patchset_from_json(io::read_json_input(path), path, true);
}

const io::patchset_patch& chosen(const io::patchset& ps, const arguments& args) {
  if (!args.has("name")) {
    std::string names;
    for (const auto& p : ps.patches) names += (names.empty() ? "'" : ", '") + p.name + "'";
    throw invalid_argument("--name is needed: the patch of '" + ps.source + "' to use (" + names + ")");
  }
  return io::find_patch(ps, args.get("name", ""));
}

// BKG_ONLY, read and validated as pyhf reads a Workspace before it applies or verifies a patchset
nlohmann::json background(const arguments& args) {
  const std::string ws = args.positional(1, "BKG_ONLY (a pyhf JSON workspace)");
  const auto document = io::read_json_input(ws);
  (void)io::workspace_from_json(document, ws);
  return document;
}

int patchset(const arguments& args) {
  const std::string action = args.positional(0, "ACTION (extract, apply, inspect or verify)");
  if (action == "extract") {
    args.allow_only({{"name", "N"}, {"output-file", "F"}, {"with-metadata", ""}, {"without-metadata", ""}});
    args.at_most(2, "patchset extract takes one patchset");
    if (args.has("with-metadata") && args.has("without-metadata"))
      throw invalid_argument("--with-metadata and --without-metadata contradict each other");
    const auto ps = read_patchset(args, 1);
    const auto& p = chosen(ps, args);
    cli::print_or_write(args.has("with-metadata") ? io::patch_with_metadata_json(ps, p) : p.patch, args);
  } else if (action == "apply") {
    args.allow_only({{"name", "N"}, {"output-file", "F"}});
    args.at_most(3, "patchset apply takes a background-only workspace and a patchset");
    const auto document = background(args);
    const auto ps = read_patchset(args, 2);
    cli::print_or_write(io::apply_patchset(document, ps, chosen(ps, args), args.positional(1, "")), args);
  } else if (action == "inspect") {
    args.allow_only({});
    args.at_most(2, "patchset inspect takes one patchset");
    cli::print_json(io::patchset_summary_json(read_patchset(args, 1)));
  } else if (action == "verify") {
    args.allow_only({});
    args.at_most(3, "patchset verify takes a background-only workspace and a patchset");
    const auto document = background(args);
    const auto ps = read_patchset(args, 2);
    io::verify_patchset(ps, document, args.positional(1, ""));
    cli::print_json(io::patchset_verification_json(ps, args.positional(1, "")));
  } else {
    throw invalid_argument("unknown patchset action '" + action + "'" + rein::detail::did_you_mean(action, {"extract", "apply", "inspect", "verify"}) +
                           ": expected extract, apply, inspect or verify");
  }
  return 0;
}

const bool patchset_registered = cli::register_verb(
    {"patchset", "(extract PATCHSET --name N [--with-metadata] | apply BKG_ONLY PATCHSET --name N | inspect PATCHSET | verify BKG_ONLY PATCHSET)",
     {{"name", "N", "the patch to extract or apply"}, {"with-metadata", "", "extract the patch with its metadata"},
      {"without-metadata", "", "extract the bare JSON Patch (the default)"},
      {"output-file", "F", "write the JSON there (-o F), not on stdout"}},
     false, patchset});

}  // namespace
