// rein inspect WS: channels, samples, bins, parameters and modifiers of a workspace, as JSON.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/io/json/model_results.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/require_finite.hpp"

namespace {

int inspect(const rein::cli::arguments& args) {
  // a pyhf patchset: its points (names, values, labels, digests). Standard input can be read
  // once only, so it is left to the model; a file that is not JSON, too (load says why)
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace) or PATCHSET");
  if (path != "-" && args.positional_count() == 1 && !args.has("patch")) {
    nlohmann::json document;
    try {
      document = rein::io::read_json_input(path);
    } catch (const rein::io_error&) {
    }
    if (rein::io::is_patchset(document)) {
      args.allow_only({});
      rein::cli::print_json(rein::io::patchset_summary_json(rein::io::patchset_from_json(document, path, true)));
      return 0;
    }
  }
  args.allow_only(rein::cli::model_option_names());
  const auto out = rein::io::describe_json(rein::cli::load(args));
  rein::io::require_finite(out, "rein inspect");
  rein::cli::print_json(out);
  return 0;
}

const bool inspect_registered = rein::cli::register_verb(
    {"inspect", "inspect PATCHSET (its points) | inspect WS [--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0]",
     {}, inspect});

}  // namespace
