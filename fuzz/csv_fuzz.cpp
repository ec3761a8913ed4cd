// CSV matrix reader.
#include "fuzz_support.hpp"
#include "rein/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rein::fuzz::expect_rein_errors_only([&] { (void)rein::io::parse_csv_matrix(rein::fuzz::text(data, size), "<fuzz>"); });
  return 0;
}
