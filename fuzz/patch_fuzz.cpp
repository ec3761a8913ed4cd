// JSON Patch and pyhf patchset reader: the input is a patch or a patchset; its patch (the only
// one, or the one named "a") is selected and applied to a fixed workspace, which is then read.
#include "fuzz_support.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"

namespace {
const nlohmann::json& base() {
  static const nlohmann::json document = rein::io::read_json(REIN_FUZZ_DATA_DIR "/pyhf/workspaces/2bin_2channel.json");
  return document;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rein::fuzz::expect_rein_errors_only([&] {
    const auto input = rein::io::detail::parse_json_text<nlohmann::json>(rein::fuzz::text(data, size), "<fuzz>", "fuzz");
    nlohmann::json patch;
    try {
      patch = rein::io::select_patch(input, "<fuzz>");
    } catch (const rein::io_error&) {
      patch = rein::io::select_patch(input, "<fuzz>", std::string("a"));
    }
    (void)rein::io::workspace_from_json(rein::io::apply_patch(base(), patch, "<fuzz>"), "<fuzz>");
  });
  return 0;
}
