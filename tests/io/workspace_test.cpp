#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace workspace_test {

namespace {

const std::string simple = rein::test::test_data("pyhf/workspaces/2bin_2channel.json");

// Loads the 2-bin 2-channel workspace, changes it with `edit`, and returns the read error.
template <class Edit>
std::string error_after(Edit edit) {
  nlohmann::json document = rein::io::read_json(simple);
  edit(document);
  try {
    (void)rein::io::workspace_from_json(document, "edited.json");
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

std::string temporary_file(const std::string& name, const std::string& content) {
  const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/" + name;
  std::ofstream(path) << content;
  return path;
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("workspace: JSON round trip is lossless for every validation workspace and the Belle II likelihood") {
    for (const std::string& path :
         {rein::test::test_data("pyhf/workspaces/1bin_lumi.json"), rein::test::test_data("pyhf/workspaces/shapesys_nuisparfilter.json"),
          rein::test::test_data("pyhf/workspaces/2bin_2channel_coupledshapefactor.json"),
          rein::test::shipped_data("belle2-knunu/combined_likelihood.json")}) {
      CAPTURE(path);
      const auto original = rein::io::read_json(path);
      const auto ws = rein::io::workspace_from_json(original, path);
      const auto written = rein::io::workspace_to_json(ws);
      // every key of the schema survives with identical numbers (pyhf files hold no other keys)
      CHECK(written == original);
      CHECK(rein::io::workspace_to_json(rein::io::workspace_from_json(written)) == written);
    }
  }

  TEST_CASE("workspace: a JSON Patch and a named patch of a patchset change the model") {
    const std::string patch = temporary_file(
        "signal_patch.json", R"([{"op": "replace", "path": "/channels/0/samples/0/data", "value": [12.0, 13.0]}])");
    const auto patched = rein::io::read_workspace(simple, {{patch, std::nullopt}});
    CHECK(patched.channels[0].samples[0].data == std::vector<double>{12.0, 13.0});

    const std::string patchset = temporary_file("patchset.json", R"({"metadata": {"name": "set"}, "version": "1.0.0",
      "patches": [{"metadata": {"name": "a", "values": [1]}, "patch": [{"op": "replace", "path": "/channels/0/samples/0/data/0", "value": 1.5}]},
                  {"metadata": {"name": "b", "values": [2]}, "patch": [{"op": "replace", "path": "/channels/0/samples/0/data/0", "value": 2.5}]}]})");
    CHECK(rein::io::read_workspace(simple, {{patchset, std::string("b")}}).channels[0].samples[0].data[0] == 2.5);
    CHECK_THROWS_WITH_AS(rein::io::read_workspace(simple, {{patchset, std::nullopt}}),
                         doctest::Contains("is a patchset with 2 patches: name the one to apply"), rein::io_error);
    CHECK_THROWS_WITH_AS(rein::io::read_workspace(simple, {{patchset, std::string("c")}}),
                         doctest::Contains("has no patch named 'c'"), rein::io_error);
    const std::string bad = temporary_file("bad_patch.json", R"([{"op": "replace", "path": "/channels/7/name", "value": "x"}])");
    const std::string not_applied = "patch '" + bad + "' does not apply";
    CHECK_THROWS_WITH_AS(rein::io::read_workspace(simple, {{bad, std::nullopt}}), doctest::Contains(not_applied.c_str()),
                         rein::io_error);
  }

  TEST_CASE("workspace: malformed files and schema violations name the file, the JSON pointer and the problem") {
    const std::string broken = temporary_file("broken.json", "{\"channels\": [");
    const std::string not_json = "'" + broken + "' is not valid JSON";
    CHECK_THROWS_WITH_AS(rein::io::read_workspace(broken), doctest::Contains(not_json.c_str()), rein::io_error);
    CHECK_THROWS_WITH_AS(rein::io::read_workspace("/nonexistent/ws.json"),
                         doctest::Contains("cannot open '/nonexistent/ws.json'"), rein::io_error);

    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][1]["modifiers"][0]["type"] = "magicsys"; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/1/modifiers/0/type: unknown modifier type "
          "'magicsys', expected normfactor, normsys, histosys, shapesys, shapefactor, staterror or lumi");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][1]["data"] = {1.0, 2.0, 3.0}; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/1/data: sample 'background' data has 3 entries, "
          "the channel has 2 bins");
    CHECK(error_after([](auto& d) {
            d["channels"][0]["samples"][0]["modifiers"].push_back({{"name", "h"}, {"type", "histosys"}, {"data", {{"hi_data", {1.0, 2.0}}}}});
          }) == "rein::io::read_workspace: 'edited.json' /channels/0/samples/0/modifiers/1/data: missing required key 'lo_data'");
    CHECK(error_after([](auto& d) { d["observations"].erase(1); }) ==
          "rein::io::read_workspace: 'edited.json' /observations: channel 'control' (/channels/1) has no observation");
    CHECK(error_after([](auto& d) { d["channels"][1]["name"] = d["channels"][0]["name"]; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/1/name: channel name 'signal' appears twice");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][1]["name"] = "signal"; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/1/name: sample name 'signal' appears twice in "
          "channel 'signal'");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][1]["data"][1] = -3.0; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/1/data/1: yield = -3, must be finite and >= 0");
    CHECK(error_after([](auto& d) { d["observations"][0]["data"][0] = "many"; }) ==
          "rein::io::read_workspace: 'edited.json' /observations/0/data/0: expected a number, found string");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][0]["modifiers"][0]["type"] = "normsys"; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/0/modifiers/0/data: expected an object, found null");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][1]["modifiers"][0]["data"] = {1.0}; }) ==
          "rein::io::read_workspace: 'edited.json' /channels/0/samples/1/modifiers/0/data: shapesys 'uncorr_bkguncrt_signal' "
          "data has 1 entries, the channel has 2 bins");
    CHECK(error_after([](auto& d) { d["measurements"][0]["config"]["poi"] = "nope"; }) ==
          "rein::io::read_workspace: 'edited.json' /measurements/0/config/poi: parameter of interest 'nope' is not a "
          "modifier of the workspace");
    CHECK(error_after([](auto& d) { d["version"] = "2.0.0"; }) ==
          "rein::io::read_workspace: 'edited.json' /version: version '2.0.0' is not supported, expected '1.0.0'");
    CHECK(error_after([](auto& d) { d.erase("measurements"); }) ==
          "rein::io::read_workspace: 'edited.json' /: missing required key 'measurements'");
    CHECK(error_after([](auto& d) {
            d["channels"][1]["samples"][0]["modifiers"].push_back({{"name", "mu"}, {"type", "normsys"}, {"data", {{"hi", 1.1}, {"lo", 0.9}}}});
          }) == "rein::io::read_workspace: 'edited.json' /channels/1/samples/0/modifiers/1/type: modifier 'mu' has type "
                "normsys here but a conflicting type at /channels/0/samples/0/modifiers/0");
  }

  TEST_CASE("workspace: NaN yields are rejected with their pointer") {
    rein::likelihood::workspace ws = rein::io::read_workspace(simple);
    ws.channels[1].samples[0].data[1] = std::nan("");
    CHECK_THROWS_WITH_AS(rein::likelihood::make_model(ws),
                         "rein::likelihood::validate: /channels/1/samples/0/data/1: yield = nan, must be finite and >= 0",
                         rein::likelihood::workspace_error);
  }

  TEST_CASE("workspace: pyhf's schema 1.0.0 rules: unknown keys, empty arrays, a lumi modifier not named lumi") {
    const std::string prefix = "rein::io::read_workspace: 'edited.json' ";
    // pyhf's defs.json: additionalProperties false on every object of the workspace
    CHECK(error_after([](auto& d) { d["channel"] = nlohmann::json::array(); }) ==
          prefix + "/channel: unknown key 'channel' (did you mean 'channels'?) (pyhf schema 1.0.0 allows channels, "
                   "measurements, observations, version; rein's extensions start with 'rein.')");
    CHECK(error_after([](auto& d) { d["channels"][1]["sample"] = 1; }) ==
          prefix + "/channels/1/sample: unknown key 'sample' (did you mean 'samples'?) (pyhf schema 1.0.0 allows name, samples)");
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][0]["modifier"] = 1; }).find(
              "/channels/0/samples/0/modifier: unknown key 'modifier' (did you mean 'modifiers'?)") != std::string::npos);
    CHECK(error_after([](auto& d) { d["channels"][0]["samples"][0]["modifiers"][0]["value"] = 1; }).find(
              "/channels/0/samples/0/modifiers/0/value: unknown key 'value'") != std::string::npos);
    CHECK(error_after([](auto& d) {
            d["channels"][0]["samples"][0]["modifiers"].push_back(
                {{"name", "n"}, {"type", "normsys"}, {"data", {{"hi", 1.1}, {"lo", 0.9}, {"mid", 1.0}}}});
          }).find("/channels/0/samples/0/modifiers/1/data/mid: unknown key 'mid'") != std::string::npos);
    CHECK(error_after([](auto& d) { d["observations"][0]["dat"] = 1; }).find("/observations/0/dat: unknown key 'dat' (did you mean 'data'?)") !=
          std::string::npos);
    CHECK(error_after([](auto& d) { d["measurements"][0]["config"]["pois"] = 1; }).find(
              "/measurements/0/config/pois: unknown key 'pois' (did you mean 'poi'?)") != std::string::npos);
    CHECK(error_after([](auto& d) { d["measurements"][0]["extra"] = 1; }).find("/measurements/0/extra: unknown key 'extra'") !=
          std::string::npos);
    // minItems 1
    CHECK(error_after([](auto& d) { d["observations"][0]["data"] = nlohmann::json::array(); }) ==
          prefix + "/observations/0/data: observation of 'signal' is empty");
    CHECK(error_after([](auto& d) { d["measurements"][0]["config"]["parameters"] = {{{"name", "mu"}, {"inits", nlohmann::json::array()}}}; }) ==
          prefix + "/measurements/0/config/parameters/0/inits: inits is empty; pyhf's schema needs at least one entry");
    CHECK(error_after([](auto& d) { d["measurements"][0]["config"]["parameters"] = {{{"name", "nope"}, {"sigmas", nlohmann::json::array()}}}; }) ==
          prefix + "/measurements/0/config/parameters/0/sigmas: sigmas is empty; pyhf's schema needs at least one entry");
    CHECK(error_after([](auto& d) { d["channels"][1]["samples"] = nlohmann::json::array(); }) ==
          prefix + "/channels/1/samples: channel 'control' has no samples");
    // {"name": {"const": "lumi"}}
    CHECK(error_after([](auto& d) {
            d["channels"][0]["samples"][0]["modifiers"].push_back({{"name", "luminosity"}, {"type", "lumi"}, {"data", nullptr}});
          }) == prefix + "/channels/0/samples/0/modifiers/1/name: lumi modifier is named 'luminosity'; pyhf's schema requires the name 'lumi'");
    // rein's extensions pass the pyhf reader (their own readers strip them first)
    CHECK(error_after([](auto& d) { d["rein.future"] = nlohmann::json::object(); }) == "no error");
  }

  TEST_CASE("workspace: an observation of a channel the workspace lacks is ignored, as pyhf ignores it") {
    nlohmann::json document = rein::io::read_json(simple);
    document["observations"].push_back({{"name", "validation"}, {"data", {1.0, 2.0, 3.0}}});
    const auto ws = rein::io::workspace_from_json(document, "extra.json");
    CHECK(rein::likelihood::unused_observations(ws) == std::vector<std::string>{"validation"});
    const auto with = rein::likelihood::make_model(ws);
    const auto without = rein::likelihood::make_model(rein::io::read_workspace(simple));
    CHECK(with.observed().main == without.observed().main);
    // but still an observed count: finite, >= 0, not twice
    document["observations"].back()["data"][1] = -1.0;
    CHECK_THROWS_WITH_AS((void)rein::io::workspace_from_json(document, "extra.json"),
                         doctest::Contains("/observations/2/data/1: observed count = -1, must be finite and >= 0"), rein::io_error);
  }
}
}  // namespace workspace_test
