// rein.reweight reader: the input is the JSON of a reweighted workspace, written beside a copy of
// the shipped Belle II number densities (its "densities" key names "number_densities.h5").
#include "fuzz_support.hpp"
#include "rein/io/hdf5/reweighted_workspace.hpp"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string densities = [] {
    const std::string dir = "/tmp/rein_fuzz_" + std::to_string(::getpid()) + "_reweight";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(REIN_FUZZ_SHIPPED_DIR "/belle2-knunu/number_densities.h5", dir + "/number_densities.h5",
                               std::filesystem::copy_options::overwrite_existing);
    return dir;
  }();
  const std::string path = densities + "/workspace.json";
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  rein::fuzz::expect_rein_errors_only([&] { (void)rein::io::hdf5::read_reweighted_workspace(path); });
  return 0;
}
