// rein digest WS [--algorithm sha256] [--json]: pyhf's `digest` — the hash pyhf's patchsets record
// for their background-only workspace (io::digest: sha256 of pyhf's canonical JSON).
#include "cli.hpp"

#include "rein/io/json/digest.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"

#include <iostream>
#include <string>

namespace {

int digest(const rein::cli::arguments& args) {
  args.allow_only({"algorithm", "json"});
  if (args.positional_count() > 1)
    throw rein::invalid_argument("unexpected argument '" + args.positional(1, "") + "' (digest takes one workspace)");
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace)");
  const auto document = rein::io::read_json(path);
  (void)rein::io::workspace_from_json(document, path);  // pyhf digests a valid Workspace only
  const auto algorithms = args.all("algorithm").empty() ? std::vector<std::string>{"sha256"} : args.all("algorithm");
  nlohmann::json digests = nlohmann::json::object();
  for (const auto& a : algorithms) digests[a] = rein::io::digest(document, a);
  if (args.has("json")) {
    std::cout << digests.dump(4) << '\n';
  } else {
    for (const auto& a : algorithms) std::cout << a << ':' << digests[a].get<std::string>() << '\n';
  }
  return 0;
}

const bool digest_registered = rein::cli::register_verb(
    {"digest", "digest WS [--algorithm sha256] [--json] (pyhf digest: 'sha256:HEX', or {\"sha256\": HEX} with --json)",
     {"json"}, digest});

}  // namespace
