// rein.shapes reader: a workspace with parametric shapes, read and compiled into a model.
#include "fuzz_support.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/shape_workspace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rein::fuzz::expect_rein_errors_only([&] {
    auto document = rein::io::detail::parse_json_text<nlohmann::json>(rein::fuzz::text(data, size), "<fuzz>", "fuzz");
    const auto ws = rein::io::shape_workspace_from_json(std::move(document), "<fuzz>");
    (void)rein::io::make_shape_model(ws);
  });
  return 0;
}
