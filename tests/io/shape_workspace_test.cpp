#include "rein/io/json/shape_workspace.hpp"

#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/parametric_shape.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace shape_workspace_test {

namespace {

using rein::likelihood::parametric_shape;
using rein::likelihood::shape_kind;
using rein::likelihood::shape_parameter;

constexpr double inf = std::numeric_limits<double>::infinity();

// Crystal Ball signal over a Bernstein background on 24 bins of [0, 12]; observations computed
// outside rein (tests/data/shapes/README.md).
const std::string fixture = rein::test::test_data("shapes/cb_bernstein_workspace.json");

std::vector<double> linspace(double lo, double hi, std::size_t bins) {
  std::vector<double> e(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) e[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(bins);
  return e;
}

std::string temporary_file(const std::string& name, const std::string& content) {
  const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/" + name;
  std::ofstream(path) << content;
  return path;
}

// Loads the fixture, changes it with `edit`, and returns the read error.
std::string error_after(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json document = rein::io::read_json(fixture);
  edit(document);
  try {
    (void)rein::io::shape_workspace_from_json(document, "edited.json");
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no rein::io_error thrown";
}

// Every word occurs in the message.
void check_message(const std::string& message, const std::vector<std::string>& words) {
  INFO(message);
  for (const auto& word : words) {
    INFO("looking for: " << word);
    CHECK(message.find(word) != std::string::npos);
  }
}

nlohmann::json& shape(nlohmann::json& document, std::size_t i) { return document["rein.shapes"]["shapes"][i]; }
nlohmann::json& shape_parameter_of(nlohmann::json& document, std::size_t i, std::size_t k) {
  return shape(document, i)["parameters"][k];
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("shape_workspace: write then read keeps the workspace, the shapes and the likelihood (Crystal Ball over Bernstein)") {
    constexpr std::size_t bins = 16;
    const auto edges = linspace(2, 10, bins);  // 0.5-wide bins; fractions like 1/3 test exact round trips below
    std::vector<double> counts(bins);
    for (std::size_t i = 0; i < bins; ++i) counts[i] = static_cast<double>(40 + 7 * i % 23);
    const auto ws = rein::likelihood::workspace_builder()
                        .channel("mass", bins)
                        .sample("signal", std::vector<double>(bins, 1.0)).normfactor("n_sig")
                        .sample("background", std::vector<double>(bins, 1.0)).normfactor("n_bkg").normsys("bkg_norm", 1.05, 0.95)
                        .observation("mass", counts)
                        .measurement("meas", "n_sig").bounds("n_sig", 0, 1000).init("n_sig", 150)
                        .bounds("n_bkg", 0, 10000).init("n_bkg", 600)
                        .build();
    parametric_shape peak;
    peak.name = "peak";
    peak.kind = shape_kind::crystal_ball;
    peak.edges = edges;
    peak.parameters = {{"mu", 6.1, 3, 9},           {"sigma", 0.4, 0.05, 2},        {"alpha_left", 1.3, 0.1, 5},
                       {"n_left", 2.5, 1.01, inf, true}, {"alpha_right", 1.0 / 3.0, 0.1, 5}, {"n_right", 7.0, 1.5, 40, true}};
    peak.targets = {{"mass", "signal", 0, 0}};
    parametric_shape smooth;
    smooth.name = "smooth";
    smooth.kind = shape_kind::bernstein;
    smooth.edges = edges;
    smooth.parameters = {{"c0", 1, 0, inf, true}, {"c1", 0.7, 0, 10}, {"c2", 0.1 + 0.2, 0, 10}, {"c3", 0.4, 0, inf}};
    smooth.targets = {{"mass", "background", 0, 0}};
    const rein::io::shape_workspace original{ws, {peak, smooth}};

    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/shape_workspace_round_trip.json";
    rein::io::write_shape_workspace(original, path);
    const auto written = rein::io::read_json(path);
    // the extension as docs/formats.md describes it
    CHECK(written["channels"][0]["samples"][0]["modifiers"].back() ==
          nlohmann::json{{"name", "peak"}, {"type", "rein.shape"}, {"data", nullptr}});
    CHECK(written["rein.shapes"]["version"] == "1.0.0");
    CHECK(written["rein.shapes"]["shapes"][0]["kind"] == "crystal_ball");
    CHECK(written["rein.shapes"]["shapes"][0]["parameters"][3]["bounds"] == nlohmann::json{1.01, nullptr});

    const auto back = rein::io::read_shape_workspace(path);
    CHECK(rein::io::workspace_to_json(back.workspace) == rein::io::workspace_to_json(ws));
    REQUIRE(back.shapes.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& a = back.shapes[i];
      const auto& b = original.shapes[i];
      CAPTURE(b.name);
      CHECK(a.name == b.name);
      CHECK(a.kind == b.kind);
      CHECK(a.edges == b.edges);  // bit for bit: nlohmann writes the shortest form that reads back exactly
      REQUIRE(a.parameters.size() == b.parameters.size());
      for (std::size_t k = 0; k < a.parameters.size(); ++k) {
        CAPTURE(b.parameters[k].name);
        CHECK(a.parameters[k].name == b.parameters[k].name);
        CHECK(a.parameters[k].init == b.parameters[k].init);
        CHECK(a.parameters[k].lower == b.parameters[k].lower);
        CHECK(a.parameters[k].upper == b.parameters[k].upper);
        CHECK(a.parameters[k].fixed == b.parameters[k].fixed);
      }
      REQUIRE(a.targets.size() == 1);
      CHECK(a.targets[0].channel == b.targets[0].channel);
      CHECK(a.targets[0].sample == b.targets[0].sample);
    }
    // writing what was read gives the file again
    CHECK(rein::io::shape_workspace_to_json(back) == written);

    // consistency check (both models come from the same specs, so this tests the file, not the
    // shapes): the same parameters, and the same nll bit for bit, since every number read back is
    // the number written
    const auto direct = rein::likelihood::make_model(
        ws, {}, {rein::likelihood::make_parametric_shape(peak), rein::likelihood::make_parametric_shape(smooth)});
    const auto from_file = rein::io::make_shape_model(back);
    REQUIRE(from_file.parameters().size() == direct.parameters().size());
    for (std::size_t i = 0; i < direct.parameters().size(); ++i) CHECK(from_file.parameters()[i].name == direct.parameters()[i].name);
    CHECK(from_file.parameters().poi() == direct.parameters().poi());
    const Eigen::VectorXd inits = direct.parameters().inits();
    CHECK(std::isfinite(direct.nll(inits)));
    CHECK(from_file.nll(inits) == direct.nll(inits));
    Eigen::VectorXd moved = inits;
    moved[static_cast<Eigen::Index>(direct.parameters().index("mu"))] = 5.7;
    moved[static_cast<Eigen::Index>(direct.parameters().index("c2"))] = 1.9;
    CHECK(from_file.nll(moved) == direct.nll(moved));
  }

  TEST_CASE("shape_workspace: a Gaussian shape's yields and nll at the inits equal the erfc closed form") {
    // bounds and fixed are optional; g_mu has no bounds at all
    const std::string path = temporary_file("shape_workspace_gaussian.json", R"({
      "version": "1.0.0",
      "channels": [{"name": "SR", "samples": [{"name": "sig", "data": [1, 1], "modifiers": [
        {"name": "n", "type": "normfactor", "data": null}, {"name": "g", "type": "rein.shape", "data": null}]}]}],
      "observations": [{"name": "SR", "data": [31, 22]}],
      "measurements": [{"name": "meas", "config": {"poi": "n", "parameters": [{"name": "n", "inits": [50], "bounds": [[0, 100]]}]}}],
      "rein.shapes": {"version": "1.0.0", "shapes": [{"name": "g", "kind": "gaussian", "edges": [0, 1, 3],
        "parameters": [{"name": "g_mu", "init": 1.4}, {"name": "g_sigma", "init": 0.7, "bounds": [0.1, null]}]}]}})");
    const auto sw = rein::io::read_shape_workspace(path);
    REQUIRE(sw.shapes.size() == 1);
    CHECK(sw.shapes[0].parameters[0].lower == -inf);
    CHECK(sw.shapes[0].parameters[0].upper == inf);
    CHECK(sw.shapes[0].parameters[1].upper == inf);
    CHECK_FALSE(sw.shapes[0].parameters[1].fixed);
    const auto model = rein::io::make_shape_model(sw);
    REQUIRE(model.parameters().size() == 3);
    const Eigen::VectorXd theta = model.parameters().inits();
    CHECK(theta[0] == 50.0);

    // ν_i = n (Φ(z_{i+1}) − Φ(z_i)) / (Φ(z_2) − Φ(z_0)), Φ(z) = erfc(−z/√2)/2, z = (x − μ)/σ
    const double mu = 1.4, sigma = 0.7, n = 50;
    const auto upper_tail = [&](double x) { return std::erfc((x - mu) / (sigma * std::sqrt(2.0))); };  // 2(1 − Φ)
    const double total = upper_tail(0) - upper_tail(3);
    const double nu[2] = {n * (upper_tail(0) - upper_tail(1)) / total, n * (upper_tail(1) - upper_tail(3)) / total};
    const double observed[2] = {31, 22};
    const Eigen::VectorXd expected = model.expected_main(theta);
    // erfc is accurate to a few ulp and the differences (≈ 0.5 of values ≈ 1–2) lose at most a
    // factor 4: 1e-13 relative covers both implementations with a wide margin
    REIN_CHECK_REL(expected[0], nu[0], 1e-13);
    REIN_CHECK_REL(expected[1], nu[1], 1e-13);
    double nll = 0;
    for (int b = 0; b < 2; ++b) nll += nu[b] - observed[b] * std::log(nu[b]) + std::lgamma(observed[b] + 1);
    REIN_CHECK_REL(model.nll(theta), nll, 1e-13);  // sums of terms O(10) of the yields above

    rein::likelihood::model_options options;
    options.poi = "g_mu";  // any parameter can be the POI, shape parameters too
    const auto with_poi = rein::io::make_shape_model(sw, options);
    REQUIRE(with_poi.parameters().poi());
    CHECK(with_poi.parameters()[*with_poi.parameters().poi()].name == "g_mu");
    options = {};
    options.measurement = "other";
    CHECK_THROWS_WITH_AS((void)rein::io::make_shape_model(sw, options), doctest::Contains("no measurement named 'other'"),
                         rein::invalid_argument);
  }

  TEST_CASE("shape_workspace: the fixture's yields at the truth equal its independently computed observations") {
    const auto sw = rein::io::read_shape_workspace(fixture);
    REQUIRE(sw.shapes.size() == 2);
    CHECK(sw.shapes[0].name == "signal_peak");
    CHECK(sw.shapes[0].kind == shape_kind::crystal_ball);
    CHECK(sw.shapes[1].kind == shape_kind::bernstein);
    REQUIRE(sw.shapes[0].targets.size() == 1);
    CHECK(sw.shapes[0].targets[0].channel == "mass");
    CHECK(sw.shapes[0].targets[0].sample == "signal");
    CHECK(sw.shapes[1].targets[0].sample == "background");
    CHECK(sw.shapes[1].parameters[0].fixed);
    CHECK(sw.shapes[1].parameters[0].upper == inf);
    CHECK(sw.workspace.channels[0].samples[0].modifiers.size() == 1);  // the rein.shape modifier is not a pyhf one

    const auto model = rein::io::make_shape_model(sw);
    const auto& layout = model.parameters();
    Eigen::VectorXd truth = layout.inits();
    for (const auto& [name, value] : std::vector<std::pair<std::string, double>>{
             {"n_sig", 800}, {"n_bkg", 3000}, {"cb_mu", 6.0}, {"cb_sigma", 0.5}, {"cb_alpha_left", 1.5}, {"bkg_c1", 0.6}, {"bkg_c2", 0.3}})
      truth[static_cast<Eigen::Index>(layout.index(name))] = value;
    const Eigen::VectorXd expected = model.expected_main(truth);
    const Eigen::VectorXd& observed = model.observed().main;
    REQUIRE(expected.size() == 24);
    for (Eigen::Index b = 0; b < expected.size(); ++b) {
      CAPTURE(b);
      // the observations are Python closed forms (erf, power-law and Bernstein antiderivatives)
      // rounded to 10 significant digits (≤ 5e-11 relative); the two implementations agree far
      // better than that: 1e-9
      REIN_CHECK_REL(expected[b], observed[b], 1e-9);
    }
  }

  TEST_CASE("shape_workspace: bad input names the file, the JSON pointer, the value and the requirement") {
    // the extension is missing
    check_message(error_after([](auto& d) { d.erase("rein.shapes"); }), {"'edited.json' /: missing key 'rein.shapes'"});
    CHECK_THROWS_WITH_AS((void)rein::io::read_shape_workspace(rein::test::test_data("pyhf/workspaces/2bin_2channel.json")),
                         doctest::Contains("missing key 'rein.shapes'"), rein::io_error);
    CHECK_THROWS_WITH_AS((void)rein::io::read_shape_workspace("/nonexistent/shapes.json"),
                         doctest::Contains("cannot open '/nonexistent/shapes.json'"), rein::io_error);
    check_message(error_after([](auto& d) { d["rein.shapes"]["version"] = "2.0.0"; }),
                  {"'edited.json' /rein.shapes/version: ", "'2.0.0' is not supported", "1.0.0"});
    check_message(error_after([](auto& d) { d["rein.shapes"].erase("shapes"); }),
                  {"'edited.json' /rein.shapes: missing required key 'shapes'"});
    // a sample or channel name that is not a string (found by the shapes fuzz target; it threw
    // nlohmann's type_error before): the workspace reader names it
    check_message(error_after([](auto& d) { d["channels"][0]["samples"][0]["name"] = {1, 1}; }),
                  {"'edited.json' /channels/0/samples/0/name"});
    check_message(error_after([](auto& d) { d["channels"][0]["name"] = {1, 1}; }), {"'edited.json' /channels/0/name"});

    // an unknown kind: the message lists every known kind
    {
      const auto message = error_after([](auto& d) { shape(d, 0)["kind"] = "crystalball"; });
      check_message(message, {"'edited.json' /rein.shapes/shapes/0/kind: ", "unknown shape kind 'crystalball'", "known kinds: "});
      for (const auto kind : rein::likelihood::all_shape_kinds) check_message(message, {rein::likelihood::to_string(kind)});
    }
    check_message(error_after([](auto& d) { shape(d, 1)["kinds"] = "bernstein"; }),
                  {"'edited.json' /rein.shapes/shapes/1/kinds: ", "unknown shape key 'kinds'"});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 1, 2)["bound"] = {0, 1}; }),
                  {"'edited.json' /rein.shapes/shapes/1/parameters/2/bound: ", "unknown shape parameter key 'bound'"});

    // a rein.shape modifier naming an undefined shape; its pointer counts the pyhf modifiers too
    check_message(error_after([](auto& d) { d["channels"][0]["samples"][0]["modifiers"][1]["name"] = "signal_pek"; }),
                  {"'edited.json' /channels/0/samples/0/modifiers/1/name: ", "names shape 'signal_pek'",
                   "sample 'signal' in channel 'mass'", "/rein.shapes/shapes does not define"});
    check_message(error_after([](auto& d) {
                    auto& modifiers = d["channels"][0]["samples"][1]["modifiers"];
                    modifiers = nlohmann::json::array({{{"name", "nope"}, {"type", "rein.shape"}, {"data", nullptr}}, modifiers[0], modifiers[1]});
                  }),
                  {"'edited.json' /channels/0/samples/1/modifiers/0/name: ", "names shape 'nope'"});
    check_message(error_after([](auto& d) { d["channels"][0]["samples"][1]["modifiers"][1]["data"] = {{"k", 1}}; }),
                  {"'edited.json' /channels/0/samples/1/modifiers/1/data: ", "rein.shape data must be null, found object {\"k\":1}"});
    check_message(error_after([](auto& d) { d["channels"][0]["samples"][1]["modifiers"][1]["name"] = 7; }),
                  {"'edited.json' /channels/0/samples/1/modifiers/1/name: ", "expected a string, found number"});
    check_message(error_after([](auto& d) {
                    const auto again = d["channels"][0]["samples"][1]["modifiers"][1];
                    d["channels"][0]["samples"][1]["modifiers"].push_back(again);
                  }),
                  {"'edited.json' /channels/0/samples/1/modifiers/2: ", "carries shape 'background_smooth' twice",
                   "also at /channels/0/samples/1/modifiers/1"});

    // a shape defined twice
    check_message(error_after([](auto& d) {
                    const auto copy = shape(d, 0);
                    d["rein.shapes"]["shapes"].push_back(copy);
                  }),
                  {"'edited.json' /rein.shapes/shapes/2/name: ", "shape 'signal_peak' is defined twice",
                   "first at /rein.shapes/shapes/0"});

    // a shape used by no sample
    check_message(error_after([](auto& d) {
                    auto spare = shape(d, 1);
                    spare["name"] = "spare";
                    d["rein.shapes"]["shapes"].push_back(spare);
                  }),
                  {"'edited.json' /rein.shapes/shapes/2: ", "shape 'spare' is used by no sample"});
    check_message(error_after([](auto& d) { d["channels"][0]["samples"][1]["modifiers"].erase(std::size_t{1}); }),
                  {"'edited.json' /rein.shapes/shapes/1: ", "shape 'background_smooth' is used by no sample"});

    // edges for another bin count than the sample's
    check_message(error_after([](auto& d) { shape(d, 0)["edges"].erase(std::size_t{24}); }),
                  {"'edited.json' /rein.shapes/shapes/0/edges: ", "shape 'signal_peak' has 24 edges (23 bins)",
                   "sample 'signal' in channel 'mass' (/channels/0/samples/0)", "at /channels/0/samples/0/modifiers/1",
                   "has 24 bins"});

    // bad bounds arrays
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 1)["bounds"] = nlohmann::json::array({0.05}); }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/1/bounds: ", "a bound is [lower, upper] (null for no bound)",
                   "found 1 entries: [0.05]"});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 1)["bounds"] = {0.05, 1, 2}; }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/1/bounds: ", "found 3 entries: [0.05,1,2]"});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 1)["bounds"] = {"low", 2}; }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/1/bounds/0: ", "expected a number or null (no bound), found string \"low\""});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 1)["bounds"] = 0.5; }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/1/bounds: ", "expected an array, found number"});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 3)["fixed"] = "yes"; }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/3/fixed: ", "expected true or false, found string \"yes\""});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 0).erase("init"); }),
                  {"'edited.json' /rein.shapes/shapes/0/parameters/0: ", "missing required key 'init'"});

    // what make_parametric_shape rejects, wrapped with the file and the shape's pointer
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 1)["bounds"] = {0, 2}; }),
                  {"'edited.json' /rein.shapes/shapes/0: ", "shape 'signal_peak' (crystal_ball)",
                   "parameter 1 (sigma, 'cb_sigma') lower bound = 0, must be > 0"});
    check_message(error_after([](auto& d) { shape_parameter_of(d, 0, 0)["init"] = 9; }),
                  {"'edited.json' /rein.shapes/shapes/0: ", "parameter 0 (mu, 'cb_mu') has init 9 and bounds [4, 8]"});
    check_message(error_after([](auto& d) { shape(d, 0)["kind"] = "gaussian"; }),
                  {"'edited.json' /rein.shapes/shapes/0: ", "shape 'signal_peak' (gaussian) has 6 parameters, needs 2"});
    check_message(error_after([](auto& d) { shape(d, 1)["edges"][3] = 1.0; }),
                  {"'edited.json' /rein.shapes/shapes/1: ", "edges[3] = 1 is not greater than edges[2] = 1"});
    check_message(error_after([](auto& d) { shape(d, 1)["parameters"][1]["bounds"] = {-1, 10}; }),
                  {"'edited.json' /rein.shapes/shapes/1: ", "parameter 1 (c_1, 'bkg_c1') lower bound = -1, must be >= 0"});

    // the pyhf part is read and validated as usual
    check_message(error_after([](auto& d) { d["observations"][0]["data"].erase(std::size_t{0}); }),
                  {"'edited.json' /observations/0/data", "23 entries"});
  }

  TEST_CASE("shape_workspace: the writer rejects a shape that does not fit the workspace") {
    auto sw = rein::io::read_shape_workspace(fixture);
    auto moved = sw;
    moved.shapes[0].targets[0].sample = "nope";
    CHECK_THROWS_WITH_AS((void)rein::io::shape_workspace_to_json(moved),
                         doctest::Contains("shape 'signal_peak' targets sample 'nope' in channel 'mass', which the workspace does not have"),
                         rein::invalid_argument);
    auto short_edges = sw;
    short_edges.shapes[1].edges.pop_back();
    CHECK_THROWS_WITH_AS((void)rein::io::shape_workspace_to_json(short_edges),
                         doctest::Contains("shape 'background_smooth' has 23 bins, its target sample 'background' in channel 'mass' has 24"),
                         rein::invalid_argument);
    auto twice = sw;
    twice.shapes.push_back(twice.shapes[0]);
    CHECK_THROWS_WITH_AS((void)rein::io::shape_workspace_to_json(twice), doctest::Contains("shape name 'signal_peak' is used twice"),
                         rein::invalid_argument);
    auto bad = sw;
    bad.shapes[0].parameters[1].lower = -1;
    CHECK_THROWS_WITH_AS((void)rein::io::shape_workspace_to_json(bad), doctest::Contains("lower bound = -1, must be > 0"),
                         rein::invalid_argument);
  }
}
}  // namespace shape_workspace_test
