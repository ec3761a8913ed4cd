// pyhf JSON workspace reader: the input is parsed as JSON (rein's parser wrapper) and read as a
// workspace, validated, and compiled into a model (make_model sees every workspace the reader accepts).
#include "fuzz_support.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rein::fuzz::expect_rein_errors_only([&] {
    const auto document = rein::io::detail::parse_json_text<nlohmann::json>(rein::fuzz::text(data, size), "<fuzz>", "fuzz");
    const auto ws = rein::io::workspace_from_json(document, "<fuzz>");
    (void)rein::likelihood::make_model(ws);
  });
  return 0;
}
