#include "rein/reweight/number_density.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace number_density_test {

namespace {

using rein::reweight::make_number_density;
using rein::reweight::number_density;
using rein::reweight::number_density_labels;

number_density_labels labels(std::vector<std::string> units = {"GeV^2"}) {
  return {"regA", "SR", "signal", std::move(units), "expected signal events", "unit test"};
}

// 2 fit bins × 3 q² bins; every entry exactly representable, so sums are exact.
Eigen::MatrixXd small_matrix() {
  Eigen::MatrixXd m(2, 3);
  m << 0.0, 1.5, 2.25, 4.0, 0.5, 0.125;
  return m;
}

const std::vector<double> q2_edges = {-1.0, 0.0, 10.0, 22.885};

}  // namespace

TEST_SUITE("reweight") {
  TEST_CASE("number_density: a valid density keeps its matrix, binning and labels") {
    const number_density nd = make_number_density(small_matrix(), {q2_edges}, {"q2"}, labels());
    CHECK(nd.rows() == 2);
    CHECK(nd.columns() == 3);
    CHECK(nd.density() == small_matrix());
    CHECK(nd.edges() == std::vector<std::vector<double>>{q2_edges});
    CHECK(nd.variables() == std::vector<std::string>{"q2"});
    CHECK(nd.name() == "regA");
    CHECK(nd.channel() == "SR");
    CHECK(nd.sample() == "signal");
    CHECK(nd.labels().units == std::vector<std::string>{"GeV^2"});
    // Row sums in closed form: 0 + 1.5 + 2.25 = 3.75 and 4 + 0.5 + 0.125 = 4.625, exact in binary.
    const Eigen::VectorXd sums = nd.row_sums();
    CHECK(sums[0] == 3.75);
    CHECK(sums[1] == 4.625);
    CHECK(nd == make_number_density(small_matrix(), {q2_edges}, {"q2"}, labels()));
    Eigen::MatrixXd changed = small_matrix();
    changed(1, 2) = 0.25;
    CHECK(nd != make_number_density(changed, {q2_edges}, {"q2"}, labels()));
  }

  TEST_CASE("number_density: n-D kinematic bins are flattened row-major, first axis slowest") {
    // axes q2 (2 bins) × cos_theta (3 bins): 6 columns; column of (i_q2, i_cos) = 3 i_q2 + i_cos.
    Eigen::MatrixXd m(1, 6);
    m << 0, 1, 2, 3, 4, 5;
    const number_density nd =
        make_number_density(m, {{0.0, 1.0, 2.0}, {-1.0, 0.0, 0.5, 1.0}}, {"q2", "cos_theta"}, labels({"GeV^2", ""}));
    CHECK(nd.kinematic_bins().flat_index({1, 2}) == 5);
    CHECK(nd.kinematic_bins().flat_index({1, 0}) == 3);
    CHECK(nd.density()(0, static_cast<Eigen::Index>(nd.kinematic_bins().flat_index({0, 2}))) == 2.0);
    CHECK(nd.variables() == std::vector<std::string>{"q2", "cos_theta"});
  }

  TEST_CASE("number_density: NaN, infinite and negative entries are rejected with row, column and value") {
    Eigen::MatrixXd m = small_matrix();
    m(1, 2) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(make_number_density(m, {q2_edges}, {"q2"}, labels()),
                         doctest::Contains("number_density 'regA': density(1, 2) = nan, must be finite and >= 0"),
                         rein::invalid_argument);
    m(1, 2) = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS(make_number_density(m, {q2_edges}, {"q2"}, labels()),
                         doctest::Contains("density(1, 2) = inf"), rein::invalid_argument);
    m(1, 2) = 0.0;
    m(0, 1) = -1e-300;
    CHECK_THROWS_WITH_AS(make_number_density(m, {q2_edges}, {"q2"}, labels()),
                         doctest::Contains("density(0, 1) = -1e-300, must be finite and >= 0"),
                         rein::invalid_argument);
  }

  TEST_CASE("number_density: edges that are not strictly increasing name the axis, the index and the value") {
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {{-1.0, 0.0, 0.0, 22.885}}, {"q2"}, labels()),
                         doctest::Contains("kinematic axis 0: rein::axis 'q2': edges[2] = 0 is not greater than edges[1] = 0"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(
        make_number_density(small_matrix(), {{-1.0, 0.0, std::nan(""), 22.885}}, {"q2"}, labels()),
        doctest::Contains("edges[2] = nan, must be finite"), rein::invalid_argument);
  }

  TEST_CASE("number_density: columns must equal the product of the axes' bin counts") {
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {{0.0, 1.0, 2.0, 3.0, 4.0}}, {"q2"}, labels()),
                         doctest::Contains("density has 3 columns, the kinematic binning has 4 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(
        make_number_density(small_matrix(), {{0.0, 1.0, 2.0, 3.0}, {0.0, 1.0}}, {"q2"}, labels()),
        doctest::Contains("2 edge vectors but 1 variable names"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {}, {}, labels()),
                         doctest::Contains("edges is empty"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(make_number_density(Eigen::MatrixXd(0, 3), {q2_edges}, {"q2"}, labels()),
                         doctest::Contains("density has no rows"), rein::invalid_argument);
  }

  TEST_CASE("number_density: labels are checked (name, channel, sample, units per axis, axis names)") {
    auto bad = labels();
    bad.name = "a/b";
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {"q2"}, bad),
                         doctest::Contains("name must not contain '/'"), rein::invalid_argument);
    bad = labels();
    bad.name = "";
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {"q2"}, bad),
                         doctest::Contains("name is empty"), rein::invalid_argument);
    bad = labels();
    bad.channel = "";
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {"q2"}, bad),
                         doctest::Contains("'regA': channel is empty"), rein::invalid_argument);
    bad = labels();
    bad.sample = "";
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {"q2"}, bad),
                         doctest::Contains("'regA': sample is empty"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {"q2"}, labels({})),
                         doctest::Contains("units has 0 entries, the kinematic binning has 1 axes"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(make_number_density(small_matrix(), {q2_edges}, {""}, labels()),
                         doctest::Contains("kinematic axis 0 has no name"), rein::invalid_argument);
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(1, 2);
    CHECK_THROWS_WITH_AS(make_number_density(m, {{0.0, 1.0}, {0.0, 1.0, 2.0}}, {"q2", "q2"}, labels({"GeV^2", "GeV^2"})),
                         doctest::Contains("kinematic axis 1 repeats the variable 'q2'"), rein::invalid_argument);
  }

  TEST_CASE("number_density: check_rows compares with the channel's bin count") {
    const number_density nd = make_number_density(small_matrix(), {q2_edges}, {"q2"}, labels());
    CHECK_NOTHROW(nd.check_rows(2, "channel 'SR' of ws.json"));
    CHECK_THROWS_WITH_AS(nd.check_rows(9, "channel 'SR' of ws.json"),
                         doctest::Contains("number_density::check_rows: density 'regA' (channel 'SR', sample "
                                           "'signal') has 2 rows (fit bins), channel 'SR' of ws.json has 9 bins"),
                         rein::invalid_argument);
  }
}
}  // namespace number_density_test
