// HEPData table reader (a number density as a HEPData JSON table).
#include "fuzz_support.hpp"
#include "rein/io/json/hepdata_table.hpp"
#include "rein/io/json/read_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rein::fuzz::expect_rein_errors_only([&] {
    const auto document = rein::io::detail::parse_json_text<nlohmann::json>(rein::fuzz::text(data, size), "<fuzz>", "fuzz");
    (void)rein::io::hepdata_table_from_json(document, "<fuzz>");
  });
  return 0;
}
