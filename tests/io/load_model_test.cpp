// io::load_model dispatches on the file's kind and applies the options that fit it; the models it
// builds are the ones the kind's own reader + builder give (their numbers are tested with them).
#include "rein/io/json/read_json.hpp"
#include "rein/io/load_model.hpp"
#include "support/data.hpp"
#include "support/message.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace load_model_test {

namespace {

using rein::test::message_of;

const std::string pyhf_ws = rein::test::test_data("pyhf/workspaces/1bin_shapesys.json");
const std::string shapes_ws = rein::test::test_data("shapes/cb_bernstein_workspace.json");
const std::string wet = rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json");

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("model_file_kind_of: each format by its keys, both extensions rejected") {
    using kind = rein::io::model_file_kind;
    CHECK(rein::io::model_file_kind_of(pyhf_ws) == kind::workspace);
    CHECK(rein::io::model_file_kind_of(shapes_ws) == kind::shape_workspace);
    CHECK(rein::io::model_file_kind_of(wet) == kind::redist);
    CHECK(rein::io::model_file_kind_of(nlohmann::json{{"rein.reweight", {}}}, "x") == kind::reweighted_workspace);
    CHECK(std::string(rein::io::to_string(kind::reweighted_workspace)) == "reweighted_workspace");
    const auto both = message_of([] { (void)rein::io::model_file_kind_of(nlohmann::json{{"rein.reweight", {}}, {"rein.shapes", {}}}, "f.json"); });
    CHECK(both.find("'f.json' has both 'rein.reweight' and 'rein.shapes'") != std::string::npos);
  }

  TEST_CASE("load_model: a pyhf workspace is read_workspace + make_model with the options") {
    rein::io::load_options options;
    options.model.normsys = rein::likelihood::interpolation_code::code1;
    const auto loaded = rein::io::load_model(pyhf_ws, options);
    const auto direct = rein::likelihood::make_model(rein::io::read_workspace(pyhf_ws), options.model);
    CHECK(loaded.kind == rein::io::model_file_kind::workspace);
    CHECK(loaded.path == pyhf_ws);
    CHECK(loaded.options.normsys == rein::likelihood::interpolation_code::code1);
    CHECK(loaded.workspace.channels.size() == 1);
    const auto theta = direct.parameters().inits();
    CHECK(loaded.model.nll(theta) == direct.nll(theta));  // the same model: bit for bit
  }

  TEST_CASE("load_model: a shape workspace keeps its shapes beside the workspace") {
    const auto loaded = rein::io::load_model(shapes_ws);
    CHECK(loaded.kind == rein::io::model_file_kind::shape_workspace);
    CHECK(loaded.shapes.size() == 2);
    const auto direct = rein::io::make_shape_model(rein::io::read_shape_workspace(shapes_ws));
    const auto theta = direct.parameters().inits();
    CHECK(loaded.model.nll(theta) == direct.nll(theta));
  }

  TEST_CASE("load_model: a redist file needs its rates named, and gets them") {
    const auto missing = message_of([] { (void)rein::io::load_model(wet); });
    CHECK(missing.find("is a redist saved model") != std::string::npos);
    CHECK(missing.find("--null NAME --alt NAME") != std::string::npos);

    rein::io::load_options options;
    options.null = "hpqcd-b-to-k-nunu";
    options.alternative = "wet-b-to-k-nunu";
    const auto loaded = rein::io::load_model(wet, options);
    CHECK(loaded.kind == rein::io::model_file_kind::redist);
    REQUIRE(loaded.reweightings.size() == 3);
    CHECK(loaded.reweightings[0].null == "hpqcd-b-to-k-nunu");
    CHECK(loaded.model.parameters().contains("cvl"));
  }

  TEST_CASE("load_model: a patch of a redist file edits its pyhf part as the same edit by hand does (issue #14)") {
    // the patch replaces one count of the first channel's observation; the copy has the same count
    // edited in its flat `data` (the first channel's bins come first there)
    const std::string dir = std::string(REIN_TEST_BINARY_DIR) + "/";
    std::ofstream(dir + "redist_count.patch.json") << R"([{"op": "replace", "path": "/observations/0/data/3", "value": 1100}])";
    std::ifstream in(wet);  // ordered: redist's parameter order is the order of the keys of new_pars
    auto edited = nlohmann::ordered_json::parse(in);
    REQUIRE(edited["data"][3] == 1064.0);  // the published count, so that the edit is one
    edited["data"][3] = 1100;
    std::ofstream(dir + "redist_count_edited.json") << edited.dump();
    rein::io::load_options options;
    options.null = "hpqcd-b-to-k-nunu";
    options.alternative = "wet-b-to-k-nunu";
    const auto by_hand = rein::io::load_model(dir + "redist_count_edited.json", options);
    options.patches.push_back({dir + "redist_count.patch.json"});
    const auto patched = rein::io::load_model(wet, options);
    CHECK(patched.workspace.observations[0].data[3] == 1100.0);
    CHECK(patched.reweightings.size() == by_hand.reweightings.size());
    const auto theta = by_hand.model.parameters().inits();
    // the same model from the same numbers: the same nll to the last bit
    CHECK(patched.model.nll(theta) == by_hand.model.nll(theta));
    CHECK(patched.model.nll(theta) != rein::io::load_model(wet, [&] { auto o = options; o.patches.clear(); return o; }()).model.nll(theta));

    // a patch that does not apply names the patch file and the pointer that failed
    std::ofstream(dir + "redist_bad.patch.json") << R"([{"op": "replace", "path": "/observations/0/data/99", "value": 1}])";
    options.patches = {{dir + "redist_bad.patch.json"}};
    CHECK_THROWS_WITH_AS((void)rein::io::load_model(wet, options),
                         doctest::Contains(("patch '" + dir + "redist_bad.patch.json' does not apply (operation /0, path '/observations/0/data/99')").c_str()),
                         rein::io_error);
    // one that applies but breaks the workspace names the file, the patch and the JSON pointer
    std::ofstream(dir + "redist_text.patch.json") << R"([{"op": "replace", "path": "/observations/0/data/3", "value": "many"}])";
    options.patches = {{dir + "redist_text.patch.json"}};
    CHECK_THROWS_WITH_AS((void)rein::io::load_model(wet, options),
                         doctest::Contains(("patched by '" + dir + "redist_text.patch.json'").c_str()), rein::io_error);
  }

  TEST_CASE("load_model: rate options on a pyhf workspace, and a reweighted workspace without an HDF5 reader, are errors") {
    rein::io::load_options options;
    options.quadrature = rein::reweight::quadrature_rule::gauss_legendre;
    const auto quadrature = message_of([&] { (void)rein::io::load_model(shapes_ws, options); });
    CHECK(quadrature.find("--quadrature applies to reweighted models") != std::string::npos);
    CHECK(quadrature.find("with parametric shapes") != std::string::npos);

    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/load_model_reweighted.json";
    std::ofstream(path) << R"({"rein.reweight": {}})";
    CHECK(message_of([&] { (void)rein::io::load_model(path); }).find("built without HDF5") != std::string::npos);
    CHECK(rein::io::quadrature_rule_from_string("gauss-legendre") == rein::reweight::quadrature_rule::gauss_legendre);
    CHECK(message_of([] { (void)rein::io::quadrature_rule_from_string("midpoint"); }).find("'midpoint'") != std::string::npos);
  }

  TEST_CASE("load_model_document: a workspace in memory is the file's model; patches in memory are the files'") {
    const auto document = rein::io::read_json(pyhf_ws);
    const auto from_file = rein::io::load_model(pyhf_ws);
    const auto in_memory = rein::io::load_model_document(document, "<dict>");
    CHECK(in_memory.path == "<dict>");
    const auto theta = from_file.model.parameters().inits();
    CHECK(in_memory.model.nll(theta) == from_file.model.nll(theta));  // the same model: bit for bit

    const std::string ws = rein::test::test_data("pyhf/patchset/example_bkgonly.json");
    const std::string ps = rein::test::test_data("pyhf/patchset/example_patchset.json");
    rein::io::load_options by_path;
    by_path.patches.emplace_back(ps, std::string("patch_channel1_signal_syst1"));
    rein::io::load_options by_document = by_path;
    by_document.patches[0].path = "<patchset>";
    by_document.patches[0].document = rein::io::read_json(ps);
    const auto patched = rein::io::load_model(ws, by_path);
    const auto patched_in_memory = rein::io::load_model_document(rein::io::read_json(ws), "<dict>", by_document);
    const auto inits = patched.model.parameters().inits();
    CHECK(patched_in_memory.model.nll(inits) == patched.model.nll(inits));

    // a saved reweighted model comes with its file (rates named there, densities beside it)
    const auto redist = message_of([] { (void)rein::io::load_model_document(rein::io::read_json(wet), "<dict>"); });
    CHECK(redist.find("'<dict>' is a redist: load it from its file") != std::string::npos);
  }
}
}  // namespace load_model_test
