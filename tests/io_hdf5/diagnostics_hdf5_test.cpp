#include "rein/infer/diagnostics.hpp"
#include "rein/io/hdf5/diagnostics.hpp"
#include "rein/io/json/diagnostics.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace diagnostics_hdf5_test {

namespace {

// A JSON number or null (NaN in the HDF5 file) equals the value read back, bit for bit.
bool same(const nlohmann::json& expected, double actual) {
  return expected.is_null() ? std::isnan(actual) : expected.get<double>() == actual;
}

// Every value of `dataset` equals the JSON array `expected` (flattened in C order when nested).
void check_dataset(const rein::io::hdf5::file& f, const std::string& dataset, const nlohmann::json& expected,
                   const std::vector<std::size_t>& shape) {
  const auto a = f.read_doubles(dataset);
  CHECK_MESSAGE(a.shape == shape, dataset);
  std::vector<nlohmann::json> flat;
  for (const auto& v : expected) {
    if (v.is_array())
      for (const auto& w : v) flat.push_back(w);
    else
      flat.push_back(v);
  }
  REQUIRE_MESSAGE(flat.size() == a.values.size(), dataset);
  for (std::size_t i = 0; i < flat.size(); ++i) CHECK_MESSAGE(same(flat[i], a.values[i]), dataset << "[" << i << "]");
}

}  // namespace

TEST_SUITE("io_hdf5") {
  TEST_CASE("diagnostics: the HDF5 file holds the numbers of the JSON, bit for bit") {
    const auto model = rein::likelihood::make_model(
        rein::io::workspace_from_json(rein::io::read_json(rein::test::test_data("diagnostics/two_channel.json"))));
    rein::infer::diagnostics_options options;
    options.masked = {"CR"};  // a masked channel too
    const auto r = rein::infer::diagnostics(model, options);
    // the JSON as a user reads it: printed and parsed (17 significant digits round-trip doubles)
    const auto json = nlohmann::json::parse(rein::io::to_json(r, model).dump());
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/diagnostics.h5";
    rein::io::hdf5::write_diagnostics(path, r, model);
    const auto f = rein::io::hdf5::file::open(path, "diagnostics_hdf5_test");
    CHECK(f.read_string("/", "format") == "rein-fit-diagnostics");

    const auto& names = json["correlation"]["parameters"];
    CHECK(f.read_strings("/correlation", "parameters") == names.get<std::vector<std::string>>());
    check_dataset(f, "/correlation/matrix", json["correlation"]["matrix"], {names.size(), names.size()});

    CHECK(f.read_string("/fit", "status") == json["status"].get<std::string>());
    const auto parameters = f.read_strings("/fit", "parameters");
    const auto values = f.read_doubles("/fit/values"), errors = f.read_doubles("/fit/errors");
    REQUIRE(parameters.size() == model.parameters().size());
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      CHECK(json["parameters"][i]["name"].get<std::string>() == parameters[i]);
      CHECK(same(json["parameters"][i]["value"], values.values[i]));
      CHECK(same(json["parameters"][i]["error"], errors.values[i]));
    }
    CHECK(same(json["twice_nll"], f.read_doubles("/fit/twice_nll").values[0]));

    const auto& pulls = json["pulls"];
    REQUIRE(!pulls.empty());
    std::vector<std::string> pulled;
    for (const auto& p : pulls) pulled.push_back(p["name"]);
    CHECK(f.read_strings("/pulls", "parameters") == pulled);
    for (const char* key : {"value", "error", "prefit_center", "prefit_sigma", "pull", "constraint"}) {
      nlohmann::json column = nlohmann::json::array();
      for (const auto& p : pulls) column.push_back(p[key]);
      check_dataset(f, std::string("/pulls/") + key, column, {pulls.size()});
    }

    for (const char* which : {"prefit", "postfit"}) {
      const auto& channels = json[which];
      REQUIRE(channels.size() == model.channels().size());
      for (std::size_t c = 0; c < channels.size(); ++c) {
        const auto& t = channels[c];
        const std::string g = std::string("/") + which + "/channel_" + std::to_string(c);
        CHECK(f.read_string(g, "name") == t["name"].get<std::string>());
        CHECK(f.read_string(g, "masked") == (t["masked"].get<bool>() ? "true" : "false"));
        const std::size_t bins = t["total"].size(), samples = t["samples"].size();
        nlohmann::json yields = nlohmann::json::array(), uncertainties = nlohmann::json::array(), sums = nlohmann::json::array();
        std::vector<std::string> sample_names;
        for (const auto& s : t["samples"]) {
          sample_names.push_back(s["name"]);
          yields.push_back(s["yields"]);
          uncertainties.push_back(s["uncertainties"]);
          sums.push_back({s["sum"], s["sum_uncertainty"]});
        }
        CHECK(f.read_strings(g, "samples") == sample_names);
        check_dataset(f, g + "/yields", yields, {samples, bins});
        check_dataset(f, g + "/uncertainties", uncertainties, {samples, bins});
        check_dataset(f, g + "/sums", sums, {samples, 2});
        check_dataset(f, g + "/total", t["total"], {bins});
        check_dataset(f, g + "/total_uncertainties", t["total_uncertainties"], {bins});
        check_dataset(f, g + "/data", t["data"], {bins});
        check_dataset(f, g + "/totals", {t["total_sum"], t["total_sum_uncertainty"], t["data_sum"]}, {3});
      }
    }
    CHECK(json["postfit"][1]["masked"].get<bool>());  // CR: the fit did not see its data
  }
}

}  // namespace diagnostics_hdf5_test
