// redist saved-model reader (cutoff, weight_bound, new_pars, map, bins), through a file.
#include "fuzz_support.hpp"
#include "rein/io/json/redist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = rein::fuzz::write_temporary("redist.json", data, size);
  rein::fuzz::expect_rein_errors_only([&] { (void)rein::io::read_redist(path); });
  return 0;
}
