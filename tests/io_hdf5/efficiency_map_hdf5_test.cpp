#include "rein/io/hdf5/efficiency_map.hpp"
#include "rein/io/hdf5/number_density.hpp"
#include "hdf5_edit.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace efficiency_map_hdf5_test {

namespace {

using rein::io::hdf5::named_efficiency_map;
using rein::test::bits;

// A 2 × 3 map on (q2, cos_theta); flat bin = 3 i_q2 + i_cos (first axis slowest).
named_efficiency_map two_d_map() {
  rein::binning bins({rein::axis({0.0, 10.0, 22.885}, "q2", rein::upper_edge::included),
                      rein::axis({-1.0, -0.2, 0.4, 1.0}, "cos_theta")});
  return {"ita_q2_cos",
          rein::kinematics::efficiency_map(bins, {0.0, 0.1, 1.0 / 3.0, 0.5, 1.0, 4.9406564584124654e-324},
                                           {0.0, 0.01, 0.02, 0.03, 0.0, 1e-300}, rein::flow_policy::clamp),
          {"GeV^2", ""},
          "synthetic: rein unit test"};
}

named_efficiency_map one_d_map() {
  return {"q2_only",
          rein::kinematics::efficiency_map(rein::binning(rein::axis({-1.0, 0.0, 5.0}, "q2")), {0.25, 0.75}),
          {"GeV^2"},
          ""};
}

std::string read_error(const std::string& path) {
  try {
    (void)rein::io::hdf5::read_efficiency_maps(path);
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("io_hdf5") {
  TEST_CASE("efficiency_map hdf5: write then read is bit-exact and lookups agree") {
    const std::string path = rein::test::temporary_path("eff_roundtrip.h5");
    const auto written = std::vector<named_efficiency_map>{two_d_map(), one_d_map()};
    rein::io::hdf5::write_efficiency_maps(path, written);
    const auto back = rein::io::hdf5::read_efficiency_maps(path);
    REQUIRE(back.size() == 2);
    for (std::size_t m = 0; m < 2; ++m) {
      CAPTURE(m);
      CHECK(back[m].name == written[m].name);
      CHECK(back[m].units == written[m].units);
      CHECK(back[m].source == written[m].source);
      CHECK(back[m].map.bins() == written[m].map.bins());
      CHECK(back[m].map.policy() == written[m].map.policy());
      const auto& e = back[m].map.efficiencies();
      const auto& u = back[m].map.uncertainties();
      REQUIRE(e.size() == written[m].map.efficiencies().size());
      for (std::size_t i = 0; i < e.size(); ++i) {
        CHECK(bits(e[i]) == bits(written[m].map.efficiencies()[i]));
        CHECK(bits(u[i]) == bits(written[m].map.uncertainties()[i]));
      }
    }
    // Lookup in the read map: (q2 = 15, cos = 0.5) is bin (1, 2) → flat 5; clamp keeps q2 = 30 in the last q2 bin.
    CHECK(back[0].map.efficiency({15.0, 0.5}) == 4.9406564584124654e-324);
    CHECK(back[0].map.efficiency({30.0, -0.5}) == 0.5);
    // The dataset is stored with rank 2, shape (2, 3), in C order (raw C API read).
    const std::vector<double> raw = rein::test::raw_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency");
    CHECK(raw == two_d_map().map.efficiencies());
    CHECK(rein::io::hdf5::read_efficiency_map(path, "q2_only").map.efficiencies() == std::vector<double>{0.25, 0.75});
  }

  TEST_CASE("efficiency_map hdf5: a missing uncertainty dataset reads as zeros") {
    const std::string path = rein::test::temporary_path("eff_no_uncertainty.h5");
    rein::io::hdf5::write_efficiency_maps(path, {two_d_map()});
    rein::test::delete_link(path, "/efficiency_maps/ita_q2_cos/uncertainty");
    const auto m = rein::io::hdf5::read_efficiency_map(path, "ita_q2_cos");
    CHECK(m.map.uncertainties() == std::vector<double>(6, 0.0));
  }

  TEST_CASE("efficiency_map hdf5: bad content is an io_error naming file, dataset and flat bin") {
    const std::string path = rein::test::temporary_path("eff_bad.h5");
    rein::io::hdf5::write_efficiency_maps(path, {two_d_map()});
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency", {0.0, 0.1, 1.5, 0.5, 1.0, 0.0});
    CHECK(read_error(path) == "rein::io::hdf5::read_efficiency_maps: '" + path +
                                  "': dataset '/efficiency_maps/ita_q2_cos/efficiency': flat entry 2 = 1.5, must be in [0, 1]");
    rein::test::replace_with_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency", {3, 2}, std::vector<double>(6, 0.5));
    CHECK(read_error(path).find("dataset '/efficiency_maps/ita_q2_cos/efficiency': expected shape (2, 3) from the "
                                "edges_<k> datasets, found (3, 2)") != std::string::npos);
    rein::test::replace_with_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency", {2, 3}, std::vector<double>(6, 0.5));
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/uncertainty", {0, 0, 0, -0.5, 0, 0});
    CHECK(read_error(path).find("dataset '/efficiency_maps/ita_q2_cos/uncertainty': flat entry 3 = -0.5, must be finite "
                                "and >= 0") != std::string::npos);
    rein::test::replace_with_int32(path, "/efficiency_maps/ita_q2_cos/edges_1", 4);
    CHECK(read_error(path).find("dataset '/efficiency_maps/ita_q2_cos/edges_1': expected float64, found 32-bit signed "
                                "integer") != std::string::npos);
    rein::test::replace_with_fixed_string(path, "/efficiency_maps/ita_q2_cos", "outside", "wrap", 4, H5T_STR_NULLPAD);
    CHECK(read_error(path).find("attribute 'outside' of '/efficiency_maps/ita_q2_cos': is 'wrap', expected 'drop', "
                                "'clamp' or 'error'") != std::string::npos);
  }

  TEST_CASE("efficiency_map hdf5: a number-density file is not an efficiency-map file, and vice versa") {
    const std::string path = rein::test::temporary_path("eff_format.h5");
    rein::io::hdf5::write_efficiency_maps(path, {one_d_map()});
    CHECK_THROWS_WITH_AS((void)rein::io::hdf5::read_number_densities(path),
                         doctest::Contains("attribute 'format' of '/': expected 'rein-number-density', found "
                                           "'rein-efficiency-map'"),
                         rein::io_error);
    CHECK_THROWS_WITH_AS((void)rein::io::hdf5::read_efficiency_map(path, "nope"),
                         doctest::Contains("group '/efficiency_maps/nope': is missing"), rein::io_error);
  }

  TEST_CASE("efficiency_map hdf5: the writer checks names and units") {
    const std::string path = rein::test::temporary_path("eff_writer.h5");
    auto m = one_d_map();
    m.units = {};
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_efficiency_maps(path, {m}),
                         "rein::io::hdf5::write_efficiency_maps: map 'q2_only' has 0 units, its binning has 1 axes",
                         rein::invalid_argument);
    m = one_d_map();
    m.name = "a/b";
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_efficiency_maps(path, {m}),
                         doctest::Contains("entry 0 has name 'a/b'"), rein::invalid_argument);
    named_efficiency_map unnamed{"x", rein::kinematics::efficiency_map(rein::binning(rein::axis({0.0, 1.0})), {0.5}),
                                 {""}, ""};
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_efficiency_maps(path, {unnamed}),
                         doctest::Contains("map 'x': axis 0 has no name"), rein::invalid_argument);
  }

  TEST_CASE("efficiency_map hdf5: missing dataset, NaN, unordered edges and truncation are io_errors naming file and dataset") {
    const std::string path = rein::test::temporary_path("eff_damaged.h5");
    rein::io::hdf5::write_efficiency_maps(path, {two_d_map()});
    const std::string prefix = "rein::io::hdf5::read_efficiency_maps: '" + path + "': ";
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency",
                                  {0.0, 0.1, 0.2, std::numeric_limits<double>::quiet_NaN(), 1.0, 0.0});
    CHECK(read_error(path) == prefix + "dataset '/efficiency_maps/ita_q2_cos/efficiency': flat entry 3 = nan, must be in [0, 1]");
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/efficiency", {0.0, 0.1, 0.2, 0.3, 1.0, 0.0});
    CHECK(read_error(path) == "no error");
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/edges_1", {-1.0, 0.4, 0.4, 1.0});
    CHECK(read_error(path) == prefix + "dataset '/efficiency_maps/ita_q2_cos/edges_1': rein::axis 'cos_theta': edges[2] = "
                                       "0.40000000000000002 is not greater than edges[1] = 0.40000000000000002, edges "
                                       "must be strictly increasing");
    rein::test::overwrite_doubles(path, "/efficiency_maps/ita_q2_cos/edges_1", {-1.0, -0.2, 0.4, 1.0});
    rein::test::delete_link(path, "/efficiency_maps/ita_q2_cos/efficiency");
    CHECK(read_error(path) == prefix + "dataset '/efficiency_maps/ita_q2_cos/efficiency': is missing (expected a float64 "
                                       "dataset)");
    const std::string truncated = rein::test::temporary_path("eff_truncated.h5");
    rein::io::hdf5::write_efficiency_maps(truncated, {two_d_map(), one_d_map()});
    std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) - 100);
    const std::string message = read_error(truncated);
    CHECK(message.find("rein::io::hdf5::read_efficiency_maps: '" + truncated +
                       "': the file: cannot be opened as HDF5, truncated or corrupt") == 0);
    CHECK(message.find("truncated file") != std::string::npos);  // HDF5's own diagnosis, from its error stack
  }
}
}  // namespace efficiency_map_hdf5_test
