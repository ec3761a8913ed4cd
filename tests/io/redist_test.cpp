#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

TEST_SUITE("io") {
  TEST_CASE("read_redist: a file with one modifier keeps its entries unwrapped, and reads as that modifier") {
    const std::string published = rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json");
    const auto three = rein::io::read_redist(published);
    REQUIRE(three.reweightings.size() == 3);

    // what redist saves for the first modifier alone: every per-modifier key as it is (name a
    // string, map a matrix, bins a list of axes), the other modifiers gone from the spec
    // ordered: redist's parameter order is the order of the keys of new_pars
    std::ifstream in(published);
    const auto document = nlohmann::ordered_json::parse(in);
    nlohmann::ordered_json single = document;
    for (const char* key : {"new_pars", "map", "bins", "cutoff", "weight_bound"}) single[key] = document[key][0];
    single["name"] = document["name"][0];
    for (auto& channel : single["spec"]["channels"])
      for (auto& sample : channel["samples"]) {
        nlohmann::ordered_json kept = nlohmann::ordered_json::array();
        for (const auto& m : sample["modifiers"])
          if (m["type"] != "regB" && m["type"] != "hta") kept.push_back(m);
        sample["modifiers"] = kept;
      }
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/redist_single_modifier.json";
    std::ofstream(path) << single.dump();

    const auto one = rein::io::read_redist(path);
    REQUIRE(one.reweightings.size() == 1);
    const auto& r = one.reweightings[0];
    const auto& expected = three.reweightings[0];
    CHECK(r.name == "regA");
    CHECK(r.edges == expected.edges);
    CHECK(r.free.size() == 3);
    REQUIRE(r.correlated.size() == 1);
    CHECK(r.correlated[0].covariance == expected.correlated[0].covariance);
    CHECK(r.policy.cutoff_high == expected.policy.cutoff_high);
    REQUIRE(r.targets.size() == 1);
    CHECK(r.targets[0].channel == expected.targets[0].channel);
    CHECK(r.targets[0].density == expected.targets[0].density);  // the same numbers, read the same way
  }

  TEST_CASE("read_redist: with a list of names, every per-modifier key must be a list of that length") {
    auto document = rein::io::read_json(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    document["bins"] = document["bins"][0];  // one entry where three are due
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/redist_bad_bins.json";
    rein::io::write_json(document, path);
    CHECK_THROWS_WITH_AS((void)rein::io::read_redist(path),
                         doctest::Contains("/bins: expected a list of 3 entries, one per modifier of '/name'"),
                         rein::io_error);
  }
}
