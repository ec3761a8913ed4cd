#include "rein/io/json/digest.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace patchset_test {

namespace {

std::string fixture(const std::string& name) { return rein::test::test_data("pyhf/patchset/" + name); }

std::string read_error(const std::string& path) {
  try {
    (void)rein::io::patchset_from_json(rein::io::read_json(path), path);
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

std::string temporary_file(const std::string& name, const nlohmann::json& content) {
  const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/" + name;
  std::ofstream(path) << content.dump();
  return path;
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("digest: SHA-256 of the FIPS 180-4 example messages") {
    // FIPS 180-4 / NIST CSRC examples; the same from Python's hashlib.sha256
    CHECK(rein::io::detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(rein::io::detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(rein::io::detail::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(rein::io::detail::sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }

  TEST_CASE("digest: floats are written as Python's repr writes them") {
    // Python 3.11: repr(x) for each x
    const std::pair<double, const char*> cases[] = {
        {1.0, "1.0"}, {0.1, "0.1"}, {1e-5, "1e-05"}, {1e-4, "0.0001"}, {1e15, "1000000000000000.0"}, {1e16, "1e+16"},
        {1.5e16, "1.5e+16"}, {-0.0, "-0.0"}, {123.456, "123.456"}, {1e300, "1e+300"}, {5e-324, "5e-324"},
        {0.00012345, "0.00012345"}, {12345678901234567.0, "1.2345678901234568e+16"}};
    for (const auto& [x, text] : cases) CHECK(rein::io::detail::python_float_repr(x) == text);
    CHECK(rein::io::canonical_json(nlohmann::json::parse(R"({"b": [1, 2.0, "é"], "a": {"y": null, "x": true}})")) ==
          R"({"a": {"x": true, "y": null}, "b": [1, 2.0, "é"]})");
  }

  TEST_CASE("digest: equals pyhf's for pyhf's example and for the ATLAS sbottom background-only workspace") {
    // the sha256 that pyhf wrote into its fixture example_patchset.json for example_bkgonly.json
    CHECK(rein::io::digest(rein::io::read_json(fixture("example_bkgonly.json"))) ==
          "7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec");
    // Python 3.11: hashlib.sha256(json.dumps(json.load(f), sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
    // pyhf.utils.digest's definition, on RegionA/BkgOnly.json of HEPData ins1748602
    CHECK(rein::io::digest(rein::io::read_json(rein::test::sbottom("RegionA/BkgOnly.json"))) ==
          "516fa21b09fd7aecb09116e8906f8259f151aa41b8763eefd9e5548bb7c82a58");
    CHECK_THROWS_WITH_AS((void)rein::io::digest(nlohmann::json::object(), "md5"),
                         doctest::Contains("hash algorithm 'md5' is not supported"), rein::io_error);
  }

  TEST_CASE("patchset: pyhf's good fixtures are read, the patches found by name and by values") {
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(fixture("patchset_good_2_patches.json")), "good");
    CHECK(ps.labels == std::vector<std::string>{"mass_stop", "mass_neutralino"});
    REQUIRE(ps.patches.size() == 2);
    CHECK(rein::io::find_patch(ps, "Gtt_2200_5000_800").values == nlohmann::json::array({2200, 800}));
    CHECK(rein::io::find_patch_by_values(ps, rein::io::parse_patch_values("2100,800")).name == "Gtt_2100_5000_800");
    CHECK(rein::io::find_patch_by_values(ps, rein::io::parse_patch_values("2100.0,8e2")).name == "Gtt_2100_5000_800");
    CHECK_THROWS_WITH_AS((void)rein::io::find_patch(ps, "Gtt_2200_5000_801"),
                         doctest::Contains("has no patch named 'Gtt_2200_5000_801' (did you mean 'Gtt_2200_5000_800'?)"),
                         rein::io_error);
    CHECK_THROWS_WITH_AS((void)rein::io::find_patch_by_values(ps, rein::io::parse_patch_values("2100,801")),
                         doctest::Contains("has no patch with values [2100.0,801.0] (labels mass_stop, mass_neutralino)"),
                         rein::io_error);
    const auto strings = rein::io::patchset_from_json(rein::io::read_json(fixture("patchset_good_stringvalues.json")), "s");
    CHECK(rein::io::find_patch_by_values(strings, rein::io::parse_patch_values("2100,800,Gbb")).name == strings.patches[1].name);
    CHECK(rein::io::patchset_to_json(ps) == rein::io::read_json(fixture("patchset_good_2_patches.json")));
  }

  TEST_CASE("patchset: pyhf's bad fixtures are rejected with file, pointer and requirement") {
    CHECK_MESSAGE(read_error(fixture("patchset_bad_duplicate_patch_name.json")).find("/patches/1/metadata/name: patch name 'Gtt_2100_5000_800' is also /patches/0") != std::string::npos,
                  read_error(fixture("patchset_bad_duplicate_patch_name.json")));
    CHECK_MESSAGE(read_error(fixture("patchset_bad_duplicate_patch_values.json")).find("/patches/1/metadata/values: values [2100,800] are also those of /patches/0") != std::string::npos,
                  read_error(fixture("patchset_bad_duplicate_patch_values.json")));
    CHECK(read_error(fixture("patchset_bad_empty_patches.json")).find("/patches: expected a non-empty array of patches") != std::string::npos);
    CHECK(read_error(fixture("patchset_bad_no_version.json")).find("/version: missing required key 'version'") != std::string::npos);
    CHECK(read_error(fixture("patchset_bad_wrong_values_multiplicity.json")).find("/metadata/values: 3 values, the patchset has 2 labels") != std::string::npos);
    CHECK(read_error(fixture("patchset_bad_wrong_valuetype.json")).find("/patches/0/metadata/values/1: a value is a number or a string, found object") != std::string::npos);
    const std::string path = fixture("patchset_good.json");
    CHECK(read_error(path).find("rein::io::read_patchset: '" + path + "'") == std::string::npos);  // good: no error

    auto edited = rein::io::read_json(path);
    edited["version"] = "2.0.0";
    CHECK(read_error(temporary_file("ps_version.json", edited)).find("/version: version '2.0.0' is not supported, expected '1.0.0'") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["patchez"] = nlohmann::json::array();
    CHECK(read_error(temporary_file("ps_key.json", edited)).find("/patchez: unknown key 'patchez' (did you mean 'patches'?)") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["patches"][0]["patch"][0]["op"] = "append";
    CHECK(read_error(temporary_file("ps_op.json", edited)).find("/patches/0/patch/0/op: unknown operation 'append'") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["patches"][0]["patch"][0].erase("value");
    CHECK(read_error(temporary_file("ps_value.json", edited)).find("/patches/0/patch/0: missing required key 'value'") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["patches"][0]["metadata"]["name"] = "Gtt 2100";
    CHECK(read_error(temporary_file("ps_name.json", edited)).find("/patches/0/metadata/name: 'Gtt 2100' must match ^[a-zA-Z0-9_]+$") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["metadata"].erase("labels");
    CHECK(read_error(temporary_file("ps_labels.json", edited)).find("/metadata: missing required key 'labels'") != std::string::npos);
    edited = rein::io::read_json(path);
    edited["metadata"]["digests"]["sha256"] = "abc";
    CHECK(read_error(temporary_file("ps_digest.json", edited)).find("/metadata/digests/sha256: 'abc' is not a sha256 digest (64 hex digits)") != std::string::npos);
  }

  TEST_CASE("patchset: the digest is verified before a patch applies, and a patch is chosen by values") {
    const std::string bkg = fixture("example_bkgonly.json");
    const std::string ps_path = fixture("example_patchset.json");
    const auto ps = rein::io::patchset_from_json(rein::io::read_json(ps_path), ps_path);
    CHECK_NOTHROW(rein::io::verify_patchset(ps, rein::io::read_json(bkg), bkg));
    const auto by_values = rein::io::read_workspace(bkg, {{ps_path, std::nullopt, rein::io::parse_patch_values("0")}});
    const auto by_name = rein::io::read_workspace(bkg, {{ps_path, std::string("patch_channel1_signal_syst1"), std::nullopt}});
    CHECK(by_values.channels[0].samples[0].modifiers[0].hi == 1.2);
    CHECK(rein::io::workspace_to_json(by_values) == rein::io::workspace_to_json(by_name));

    auto other = rein::io::read_json(bkg);
    other["observations"][0]["data"][0] = 123.0;
    const std::string changed = temporary_file("example_bkgonly_changed.json", other);
    CHECK_THROWS_WITH_AS((void)rein::io::read_workspace(changed, {{ps_path, std::nullopt, std::nullopt}}),
                         doctest::Contains(("is not the background-only workspace of '" + ps_path + "': sha256 digest ").c_str()),
                         rein::io_error);
    CHECK_THROWS_WITH_AS((void)rein::io::read_workspace(bkg, {{ps_path, std::nullopt, rein::io::parse_patch_values("1")}}),
                         doctest::Contains("has no patch with values [1.0]"), rein::io_error);
  }

  TEST_CASE("patch_name_of_file, patch_values_of_name: a plain patch file names its point and values") {
    CHECK(rein::io::patch_name_of_file("dir/sub/patch.sbottom_1300_205_60.json") == "sbottom_1300_205_60");
    CHECK(rein::io::patch_name_of_file("C1N2_Wh_hbb_300_0.json") == "C1N2_Wh_hbb_300_0");
    CHECK(rein::io::patch_name_of_file("point") == "point");
    CHECK(rein::io::patch_values_of_name("sbottom_1300_205_60") == nlohmann::json{1300, 205, 60});
    CHECK(rein::io::patch_values_of_name("C1N2_Wh_hbb_300_0.5") == nlohmann::json{300, 0.5});
    CHECK(rein::io::patch_values_of_name("signal").empty());
  }
}
}  // namespace patchset_test
