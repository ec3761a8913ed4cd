// Number densities imported from CSV matrices and checked against a workspace
// (io/density_import.hpp): what `rein convert` writes, tested on the shipped Belle II maps and on
// small files whose row sums are known by hand.
#include "rein/io/density_import.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace density_import_test {

std::string written(const std::string& name, const std::string& text) {
  const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/density_import_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST_SUITE("io") {
  TEST_CASE("import_density_preset: the Belle II maps reproduce the workspace's signal yields") {
    const auto imported = rein::io::import_density_preset(rein::io::belle2_knunu_preset(), rein::test::shipped_data("belle2-knunu"));
    REQUIRE(imported.densities.size() == 3);
    CHECK(imported.files[2] == "number_density_hta.csv");
    CHECK(imported.densities[0].rows() == 9);
    CHECK(imported.densities[0].columns() == 101);
    CHECK(imported.densities[1].rows() == 3);
    CHECK(imported.densities[2].rows() == 6);
    CHECK(imported.densities[2].labels().source.find("number_density_hta.csv") != std::string::npos);
    // numpy 1.24: max |loadtxt(csv).sum(1) / sample data - 1| against combined_likelihood.json;
    // 1e-6 relative: the deviations are differences of nearly equal sums (summation order ~1e-15)
    REQUIRE(imported.deviations.size() == 3);
    CHECK(rein::test::rel_close(imported.deviations[0], 5.4889532030699684e-08, 1e-6));
    CHECK(rein::test::rel_close(imported.deviations[1], 3.3387774989179775e-08, 1e-6));
    CHECK(rein::test::rel_close(imported.deviations[2], 2.2702173328781328e-05, 1e-6));
    const auto j = rein::io::imported_densities_json(imported);
    CHECK(j[0]["name"] == "regA");
    CHECK(j[0]["shape"] == nlohmann::json{9, 101});
    CHECK(j[2]["max_relative_deviation_row_sums_vs_workspace"] == imported.deviations[2]);
  }

  TEST_CASE("import_number_density, row_sum_deviations: a CSV matrix with --edges, checked by hand") {
    const std::string csv = written("m.csv", "1,2\n3,4\n");
    const std::string ws = written("ws.json", R"({"channels": [{"name": "SR", "samples": [{"name": "sig", "data": [3.0, 8.0],
      "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]}]}],
      "observations": [{"name": "SR", "data": [3, 8]}],
      "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}], "version": "1.0.0"})");
    rein::io::density_axes axes;
    axes.variables = {"q2"};
    axes.edges = {{0, 1, 2}};
    const auto nd = rein::io::import_number_density({"d", csv, "SR", "sig"}, axes, "events", "by hand");
    CHECK(nd.labels().units == std::vector<std::string>{""});
    const auto deviations = rein::io::row_sum_deviations({nd}, ws);
    // row sums 3 and 7 against yields 3 and 8: |7/8 - 1| = 0.125, exact in binary
    REQUIRE(deviations.size() == 1);
    CHECK(deviations[0] == 0.125);
    CHECK_THROWS_WITH_AS(rein::io::import_number_density({"d", csv, "SR", "sig"}, {}, "", ""),
                         doctest::Contains("is a CSV matrix, its kinematic bins need --edges"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::io::row_sum_deviations({rein::io::import_number_density({"d", csv, "CR", "sig"}, axes, "", "")}, ws),
                         doctest::Contains("density 'd': channel 'CR' is not in '"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::io::row_sum_deviations({rein::io::import_number_density({"d", csv, "SR", "bkg"}, axes, "", "")}, ws),
                         doctest::Contains("has no sample 'bkg'"), rein::invalid_argument);
  }
}

}  // namespace density_import_test
