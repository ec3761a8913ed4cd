#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace redist_test {

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

  TEST_CASE("read_redist: the weight policy, edges and free parameters are checked with the file and pointer (issue #18)") {
    // ordered: redist's parameter order is the order of the keys of new_pars
    std::ifstream in(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    const auto good = nlohmann::ordered_json::parse(in);
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/redist_bad_policy.json";
    const auto fails_with = [&](const nlohmann::ordered_json& document) {
      std::ofstream(path) << document.dump();
      try {
        (void)rein::io::read_redist(path);
      } catch (const rein::io_error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    CHECK(fails_with(good) == "no error");

    auto document = good;
    document["cutoff"][1][0] = {20, 1};  // reversed: used to switch the reweighting off silently
    CHECK(fails_with(document) == "rein::io::read_workspace: '" + path + "' /cutoff/1/0: [20, 1] is empty or reversed, need low < high");

    document = good;
    document["weight_bound"][2] = -1;  // used to make every reweighted yield negative
    CHECK(fails_with(document) == "rein::io::read_workspace: '" + path + "' /weight_bound/2: -1, must be a number > 0 (or none)");

    document = good;
    document["bins"][0][0][3] = 0.1;
    CHECK(fails_with(document).find("/bins/0/0/3: edge 0.10000000000000001 is not greater than the previous edge 0.22885000000000003") !=
          std::string::npos);

    document = good;
    document["new_pars"][0]["cvl"]["inits"] = {25.0};
    CHECK(fails_with(document) ==
          "rein::io::read_workspace: '" + path + "' /new_pars/0/cvl: parameter 'cvl' init 25 lies outside its bounds [0, 20]");

    document = good;
    document["new_pars"][0]["cvl"]["bounds"] = {{20.0, 0.0}};
    CHECK(fails_with(document).find("/new_pars/0/cvl: parameter 'cvl' has bounds [20, 0], need lower <= upper") != std::string::npos);
  }
}
}  // namespace redist_test
