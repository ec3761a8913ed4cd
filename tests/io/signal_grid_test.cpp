#include "rein/io/json/signal_grid.hpp"
#include "rein/io/json/read_json.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace signal_grid_test {

namespace {

std::string fixture(const std::string& name) { return rein::test::test_data("pyhf/patchset/" + name); }

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("signal_grid: the points of a patchset, each point's model the background patched by its entry") {
    // pyhf's fixture: example_bkgonly.json with one signal patch, labels ["x"], values [0]
    const std::string ws = fixture("example_bkgonly.json");
    const auto background = rein::io::read_json(ws);
    const auto grid = rein::io::signal_grid_of(background, ws, fixture("example_patchset.json"), {});
    REQUIRE(grid.points.size() == 1);
    CHECK(grid.points[0].name == "patch_channel1_signal_syst1");
    CHECK(grid.points[0].values == nlohmann::json::array({0}));
    CHECK(grid.labels == nlohmann::json::array({"x"}));
    const auto model = rein::io::signal_point_model(background, ws, grid.points[0], {});
    CHECK(model.parameters().poi().has_value());
  }

  TEST_CASE("signal_grid: a patchset and patch files together, or neither, are refused") {
    const std::string ws = fixture("example_bkgonly.json");
    const auto background = rein::io::read_json(ws);
    const char* const message = "give the signal points as a patchset or as patch files (one of them)";
    CHECK_THROWS_WITH_AS((void)rein::io::signal_grid_of(background, ws, std::nullopt, {}), doctest::Contains(message),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::io::signal_grid_of(background, ws, fixture("example_patchset.json"), {"a.json"}),
                         doctest::Contains(message), rein::invalid_argument);
  }
}

}  // namespace signal_grid_test
