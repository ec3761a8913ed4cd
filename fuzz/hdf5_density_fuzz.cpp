// HDF5 number-density reader: the input is written to a file and read as number densities.
#include "fuzz_support.hpp"
#include "rein/io/hdf5/number_density.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = rein::fuzz::write_temporary("densities.h5", data, size);
  rein::fuzz::expect_rein_errors_only([&] { (void)rein::io::hdf5::read_number_densities(path); });
  return 0;
}
