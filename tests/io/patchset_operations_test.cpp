// rein::io's patchset operations (what `rein patchset extract | apply | inspect` print) and
// read_json_input, against what pyhf prints for the same operation on the same files
// (tests/data/pyhf/workspace_verbs/expected.json: pyhf 0.7.6.dev398, commit b3dc4bb2, exact
// command lines in it).
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/patchset_operations.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/read_json.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <string>

namespace patchset_operations_test {

namespace {

using doctest::Contains;

const nlohmann::json& expected() {
  static const auto document = rein::io::read_json(rein::test::test_data("pyhf/workspace_verbs/expected.json"));
  return document;
}

nlohmann::json pyhf_output(const std::string& id) {
  for (const auto& c : expected()["cases"])
    if (c["id"] == id) return c.value("output", nlohmann::json());
  return nullptr;
}

std::string fixture(const std::string& name) { return rein::test::test_data("pyhf/patchset/" + name); }

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("patchset operations: extract, apply and inspect give pyhf's JSON") {
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(fixture("example_patchset.json")), fixture("example_patchset.json"));
    const auto& patch = rein::io::find_patch(ps, "patch_channel1_signal_syst1");
    // JSON values compared exactly (nlohmann compares numbers by value, objects by key)
    CHECK(patch.patch == pyhf_output("patchset_extract"));
    CHECK(rein::io::patch_with_metadata_json(ps, patch) == pyhf_output("patchset_extract_metadata"));
    const auto bkg = rein::io::read_json(fixture("example_bkgonly.json"));
    const auto patched = rein::io::apply_patchset(bkg, ps, patch, fixture("example_bkgonly.json"));
    CHECK(patched == pyhf_output("patchset_apply"));
    // edited as JSON: pyhf's integers stay integers, so the text hashes as pyhf's output does
    CHECK(rein::io::digest(patched) == rein::io::digest(pyhf_output("patchset_apply")));

    const auto summary = rein::io::patchset_summary_json(ps);
    const auto& inspect = expected()["patchset_inspect"];
    REQUIRE(summary["patches"].size() == inspect["patches"].size());
    for (std::size_t i = 0; i < summary["patches"].size(); ++i) {
      CHECK(summary["patches"][i]["name"] == inspect["patches"][i]["name"]);
      CHECK(summary["patches"][i]["values"] == inspect["patches"][i]["values"]);
    }
    CHECK(summary["labels"] == inspect["labels"]);
    CHECK(summary["digests"] == inspect["digests"]);
    CHECK(summary["description"] == inspect["description"]);
    CHECK(summary["patch_count"] == 1);
  }

  TEST_CASE("patchset operations: what rein patchset verify prints names the sources and the digests it checked") {
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(fixture("example_patchset.json")), fixture("example_patchset.json"));
    const auto bkg = rein::io::read_json(fixture("example_bkgonly.json"));
    rein::io::verify_patchset(ps, bkg, "bkg.json");
    const auto out = rein::io::patchset_verification_json(ps, "bkg.json");
    CHECK(out["verified"] == true);
    CHECK(out["workspace"] == "bkg.json");
    CHECK(out["patchset"] == fixture("example_patchset.json"));
    // the digests pyhf's inspect lists for this patchset (expected.json, patchset_inspect)
    CHECK(out["digests"] == expected()["patchset_inspect"]["digests"]);
  }

  TEST_CASE("patchset operations: a workspace without the patchset's digest is refused, naming both") {
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(fixture("example_patchset.json")), fixture("example_patchset.json"));
    const std::string other = rein::test::test_data("pyhf/workspaces/2bin_2channel.json");
    // pyhf: "The digest verification failed for hash algorithm 'sha256'. Expected: 7c32ca3b...
    // Got: 9eacff55..." (expected.json, patchset_apply_wrong_workspace)
    CHECK_THROWS_WITH_AS((void)rein::io::apply_patchset(rein::io::read_json(other), ps, ps.patches[0], other),
                         Contains("sha256 digest 9eacff5535227da29ff110d387be7df4b0240369d16cb908d5ca8a9bcbd37a86, the patchset "
                                  "expects 7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec"),
                         rein::io_error);
  }

  TEST_CASE("read_json_input: an unopenable file says the operating system's reason") {
    CHECK_THROWS_WITH_AS((void)rein::io::read_json_input("/nonexistent/ws.json"),
                         "rein::io::read_json_input: cannot open '/nonexistent/ws.json': No such file or directory", rein::io_error);
    CHECK(rein::io::read_json_input(fixture("example_bkgonly.json")) == rein::io::read_json(fixture("example_bkgonly.json")));
  }
}
}  // namespace patchset_operations_test
