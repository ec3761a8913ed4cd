#include "load_model.hpp"

#include "rein/io/json/workspace.hpp"

namespace rein::cli {

const std::vector<std::string>& model_option_names() {
  static const std::vector<std::string> names = {"patch", "patch-name", "measurement", "interp"};
  return names;
}

likelihood::workspace load_workspace(const arguments& args) {
  std::vector<io::patch_source> patches;
  const auto files = args.all("patch");
  const auto names = args.all("patch-name");
  if (names.size() > files.size()) throw invalid_argument("--patch-name needs a --patch (a patchset) to choose from");
  for (std::size_t i = 0; i < files.size(); ++i)
    patches.push_back({files[i], i < names.size() ? std::optional<std::string>(names[i]) : std::nullopt});
  return io::read_workspace(args.positional(0, "WS (a pyhf JSON workspace)"), patches);
}

likelihood::model_options load_model_options(const arguments& args) {
  likelihood::model_options options;
  if (args.has("measurement")) options.measurement = args.get("measurement", "");
  for (const auto& setting : args.all("interp")) {
    std::size_t start = 0;
    while (start <= setting.size()) {
      const std::size_t comma = std::min(setting.find(',', start), setting.size());
      const std::string item = setting.substr(start, comma - start);
      const auto eq = item.find('=');
      if (eq == std::string::npos)
        throw invalid_argument("--interp '" + item + "' must be TYPE=CODE, e.g. normsys=code1,histosys=code0");
      const std::string type = item.substr(0, eq);
      const auto code = likelihood::interpolation_code_from_string(item.substr(eq + 1));
      if (type == "normsys") options.normsys = code;
      else if (type == "histosys") options.histosys = code;
      else throw invalid_argument("--interp: '" + type + "' has no interpolation code (normsys or histosys)");
      start = comma + 1;
    }
  }
  return options;
}

likelihood::model load_model(const arguments& args) {
  return likelihood::make_model(load_workspace(args), load_model_options(args));
}

}  // namespace rein::cli
