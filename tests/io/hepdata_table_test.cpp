#include "rein/io/csv.hpp"
#include "rein/io/json/hepdata_table.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hepdata_table_test {

namespace {

const std::string fixture = rein::test::test_data("reweight/hepdata_number_density_hta_first_rows.json");

// A 2 × 2 table: fit bins 0, 1 × q² bins [0, 1], [1, 3]; points listed out of order.
nlohmann::json small_table() {
  return nlohmann::json::parse(R"json({
    "independent_variables": [
      {"header": {"name": "bin"}, "values": [{"value": 1}, {"value": 0}, {"value": 0}, {"value": 1}]},
      {"header": {"name": "q2", "units": "GeV^2"},
       "values": [{"low": 1, "high": 3}, {"low": 0, "high": 1}, {"low": 1, "high": 3}, {"low": 0, "high": 1}]}],
    "dependent_variables": [
      {"header": {"name": "N", "units": "events"},
       "qualifiers": [{"name": "SQRT(S)", "units": "GeV", "value": 10.58}],
       "values": [{"value": 4.0, "errors": [{"symerror": 0.1}]}, {"value": 1.0}, {"value": 2.0}, {"value": 3.0}]},
      {"header": {"name": "M"}, "values": [{"value": 40}, {"value": 10}, {"value": 20}, {"value": 30}]}]})json");
}

template <class Edit>
std::string error_after(Edit edit) {
  nlohmann::json t = small_table();
  edit(t);
  try {
    (void)rein::io::hepdata_table_from_json(t, "t.json");
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("hepdata_table: the synthetic fixture gives the first rows of the Belle II HTA CSV exactly") {
    const rein::io::hepdata_table t = rein::io::read_hepdata_table(fixture);
    const Eigen::MatrixXd csv = rein::io::read_csv_matrix(rein::test::shipped_data("belle2-knunu/number_density_hta.csv"));
    REQUIRE(t.values.rows() == 3);
    REQUIRE(t.values.cols() == 6);
    // The fixture was written from the CSV with Python repr (exact round trip), so == holds.
    CHECK(t.values == csv.block(0, 0, 3, 6));
    // Edges: the first 7 of `bins` in reinterpretation_likelihood_wet.json ([-1] + numpy.linspace(0, 22.885, 101)).
    const auto wet = rein::io::read_json(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    const auto bins = wet.at("bins").at(2).at(0).get<std::vector<double>>();
    CHECK(t.column_edges == std::vector<double>(bins.begin(), bins.begin() + 7));
    CHECK(t.column_name == "q2");
    CHECK(t.column_units == "GeV^2");
    CHECK(t.row_name == "fit bin index (channel sgn1_had)");
    CHECK(t.first_row_index == 0);
    CHECK(t.value_name == "expected signal events");
    REQUIRE(t.qualifiers.size() == 3);
    CHECK(t.qualifiers[0].value.find("SYNTHETIC TEST FIXTURE") == 0);
    CHECK(t.qualifiers[1].value == "sgn1_had");
  }

  TEST_CASE("hepdata_table: points in any order fill the grid; a dependent variable is chosen by index") {
    const auto t = rein::io::hepdata_table_from_json(small_table(), "t.json");
    Eigen::MatrixXd expected(2, 2);
    expected << 1.0, 2.0, 3.0, 4.0;
    CHECK(t.values == expected);
    CHECK(t.column_edges == std::vector<double>{0.0, 1.0, 3.0});
    REQUIRE(t.qualifiers.size() == 1);
    CHECK(t.qualifiers[0].name == "SQRT(S)");
    CHECK(t.qualifiers[0].value == "10.58");
    CHECK(t.qualifiers[0].units == "GeV");
    const auto m = rein::io::hepdata_table_from_json(small_table(), "t.json", 1);
    CHECK(m.values == 10.0 * expected);
    CHECK(m.value_name == "M");
    // Rows may start at another index (e.g. 1-based bins): row 0 is the smallest index.
    nlohmann::json shifted = small_table();
    for (auto& v : shifted["independent_variables"][0]["values"]) v["value"] = v["value"].get<int>() + 1;
    const auto s = rein::io::hepdata_table_from_json(shifted, "t.json");
    CHECK(s.first_row_index == 1);
    CHECK(s.values == expected);
  }

  TEST_CASE("hepdata_table: bad tables name the file and the JSON pointer") {
    CHECK(error_after([](nlohmann::json& t) { t["dependent_variables"][0]["values"][3]["value"] = "-"; }) ==
          "rein::io::read_hepdata_table: 't.json' /dependent_variables/0/values/3/value: expected a number, found string");
    CHECK(error_after([](nlohmann::json& t) { t["independent_variables"][0]["values"][2]["value"] = 0.5; })
              .find("/independent_variables/0/values/2/value: fit-bin index 0.5 is not an integer") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) {
            for (auto& v : t["independent_variables"][0]["values"])
              if (v["value"] == 1) v["value"] = 2;
          }).find("fit-bin indices run from 0 to 2 but 1 is missing") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t["independent_variables"][1]["values"][1]["high"] = 0.5; })
              .find("are not contiguous") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) {
            t["independent_variables"][1]["values"][0] = {{"low", 0}, {"high", 1}};
          }).find("/dependent_variables/0/values/3: cell (fit bin 1, kinematic bin 0) is also given by point 0") !=
          std::string::npos);
    CHECK(error_after([](nlohmann::json& t) {
            t["independent_variables"][0]["values"].erase(3);
            t["independent_variables"][1]["values"].erase(3);
            t["dependent_variables"][0]["values"].erase(3);
          }).find("/dependent_variables/0/values: no value for cell (fit bin 1, kinematic bin 0 [0, 1])") !=
          std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t["dependent_variables"][0]["values"].erase(0); })
              .find("value lists differ in length: 4 fit-bin indices, 4 kinematic bins, 3 values") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t["independent_variables"].erase(1); })
              .find("/independent_variables: has 1 entries, expected 2") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t["independent_variables"][1]["values"][2]["low"] = 3; })
              .find("/independent_variables/1/values/2: low = 3 is not below high = 3") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t["independent_variables"][1]["values"][2].erase("high"); })
              .find("/independent_variables/1/values/2: missing required key 'high'") != std::string::npos);
    CHECK(error_after([](nlohmann::json& t) { t.erase("dependent_variables"); })
              .find("' /: missing required key 'dependent_variables'") != std::string::npos);
    CHECK_THROWS_WITH_AS((void)rein::io::hepdata_table_from_json(small_table(), "t.json", 2),
                         doctest::Contains("/dependent_variables: has 2 entries, entry 2 was requested"),
                         rein::io_error);
    CHECK_THROWS_AS((void)rein::io::read_hepdata_table("/nonexistent/t.json"), rein::io_error);
  }
}
}  // namespace hepdata_table_test
