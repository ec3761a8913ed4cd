// rein patchset extract | apply | inspect | verify: pyhf's patchset verbs (same option names and
// semantics) over io/json/patchset.hpp; JSON on stdout or into --output-file.
#include "cli.hpp"
#include "output_file.hpp"

#include "rein/core/detail/suggest.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/workspace.hpp"

#include <iostream>
#include <string>

namespace {

using rein::cli::arguments;

// A patchset with every check of pyhf's schema (references, digests, labels, description).
rein::io::patchset read_patchset(const std::string& path) { return rein::io::patchset_from_json(rein::io::read_json_input(path), path, true); }

const rein::io::patchset_patch& chosen(const rein::io::patchset& ps, const arguments& args) {
  if (!args.has("name")) {
    std::string names;
    for (const auto& p : ps.patches) names += (names.empty() ? "'" : ", '") + p.name + "'";
    throw rein::invalid_argument("--name is needed: the patch of '" + ps.source + "' to use (" + names + ")");
  }
  return rein::io::find_patch(ps, args.get("name", ""));
}

int patchset(const arguments& args) {
  const std::string action = args.positional(0, "ACTION (extract, apply, inspect or verify)");
  if (action == "extract") {
    args.allow_only({"name", "output-file", "with-metadata", "without-metadata"});
    rein::cli::at_most(args, 2, "patchset extract", "one patchset");
    if (args.has("with-metadata") && args.has("without-metadata"))
      throw rein::invalid_argument("--with-metadata and --without-metadata contradict each other");
    const auto ps = read_patchset(args.positional(1, "PATCHSET (a pyhf patchset)"));
    const auto& p = chosen(ps, args);
    rein::cli::print_or_write(args.has("with-metadata") ? rein::io::patch_with_metadata_json(ps, p) : p.patch, args);
  } else if (action == "apply") {
    args.allow_only({"name", "output-file"});
    rein::cli::at_most(args, 3, "patchset apply", "a background-only workspace and a patchset");
    const std::string ws = args.positional(1, "BKG_ONLY (a pyhf JSON workspace)");
    const auto document = rein::io::read_json_input(ws);
    (void)rein::io::workspace_from_json(document, ws);  // pyhf reads a valid Workspace first
    const auto ps = read_patchset(args.positional(2, "PATCHSET (a pyhf patchset)"));
    rein::cli::print_or_write(rein::io::apply_patchset(document, ps, chosen(ps, args), ws), args);
  } else if (action == "inspect") {
    args.allow_only({});
    rein::cli::at_most(args, 2, "patchset inspect", "one patchset");
    rein::cli::print_json(rein::io::patchset_summary_json(read_patchset(args.positional(1, "PATCHSET (a pyhf patchset)"))));
  } else if (action == "verify") {
    args.allow_only({});
    rein::cli::at_most(args, 3, "patchset verify", "a background-only workspace and a patchset");
    const std::string ws = args.positional(1, "BKG_ONLY (a pyhf JSON workspace)");
    const auto document = rein::io::read_json_input(ws);
    (void)rein::io::workspace_from_json(document, ws);
    const auto ps = read_patchset(args.positional(2, "PATCHSET (a pyhf patchset)"));
    rein::io::verify_patchset(ps, document, ws);
    nlohmann::json digests = nlohmann::json::object();
    for (const auto& [algorithm, hex] : ps.digests) digests[algorithm] = hex;
    rein::cli::print_json({{"verified", true}, {"workspace", ws}, {"patchset", ps.source}, {"digests", digests}});
  } else {
    throw rein::invalid_argument("unknown patchset action '" + action + "'" +
                                 rein::detail::did_you_mean(action, {"extract", "apply", "inspect", "verify"}) +
                                 ": expected extract, apply, inspect or verify");
  }
  return 0;
}

const bool patchset_registered = rein::cli::register_verb(
    {"patchset",
     "patchset (extract PATCHSET --name N [--with-metadata] | apply BKG_ONLY PATCHSET --name N | inspect PATCHSET | verify "
     "BKG_ONLY PATCHSET) [--output-file F] (pyhf patchset: the JSON Patch, the patched workspace, the patches, the digest check)",
     {"with-metadata", "without-metadata"}, patchset});

}  // namespace
