// rein inspect WS: channels, samples, bins, parameters and modifiers of a workspace, as JSON.
#include "cli.hpp"
#include "finite_output.hpp"
#include "finite_output.hpp"
#include "load_model.hpp"

#include "rein/io/json/model_results.hpp"

namespace {

int inspect(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::model_option_names());
  const auto out = rein::io::describe_json(rein::cli::load(args));
  rein::cli::require_finite_output(out, "inspect");
  rein::cli::print_json(out);
  return 0;
}

const bool inspect_registered = rein::cli::register_verb(
    {"inspect", "inspect WS [--patch P [--patch-name N]] [--measurement M] [--interp normsys=code1,histosys=code0]",
     {}, inspect});

}  // namespace
