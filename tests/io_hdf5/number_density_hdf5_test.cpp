#include "rein/io/csv.hpp"
#include "rein/io/hdf5/number_density.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/physics/callables.hpp"
#include "rein/reweight/bin_rates.hpp"
#include "rein/reweight/modifier.hpp"
#include "hdf5_edit.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace number_density_hdf5_test {

namespace {

using rein::reweight::number_density;
using rein::test::bits;

const std::string shipped = rein::test::shipped_data("belle2-knunu/number_densities.h5");

// The Belle II files: density name, CSV, channel, sample, fit bins (data/belle2-knunu/README.md).
struct belle2_map {
  std::string name, csv, channel, sample;
  Eigen::Index bins;
};
const std::string ita = "Bsig_H_reconstructed_q2_vs_BDT2_Bplus2Kplus_v42_signal_inefficiency";
const std::vector<belle2_map> belle2 = {
    {"regA", "number_density_ita_regA.csv", "A__" + ita + "_zoomSR_Y4S", "signal", 9},
    {"regB", "number_density_ita_regB.csv", "B__" + ita + "_zoomCR_Y4S", "signal", 3},
    {"hta", "number_density_hta.csv", "sgn1_had", "sgn_1_had", 6},
};

Eigen::MatrixXd belle2_csv(const belle2_map& m) {
  return rein::io::read_csv_matrix(rein::test::shipped_data("belle2-knunu/" + m.csv));
}

// Every entry has the same bit pattern (so -0.0 vs 0.0 would fail), and none is NaN.
void check_bit_identical(const Eigen::MatrixXd& actual, const Eigen::MatrixXd& expected) {
  REQUIRE(actual.rows() == expected.rows());
  REQUIRE(actual.cols() == expected.cols());
  std::size_t different = 0, nan = 0;
  for (Eigen::Index i = 0; i < actual.rows(); ++i)
    for (Eigen::Index j = 0; j < actual.cols(); ++j) {
      if (bits(actual(i, j)) != bits(expected(i, j)) || !(actual(i, j) == expected(i, j))) ++different;
      if (std::isnan(actual(i, j))) ++nan;
    }
  CHECK(different == 0);
  CHECK(nan == 0);
}

void check_same(const number_density& a, const number_density& b) {
  check_bit_identical(a.density(), b.density());
  CHECK(a.name() == b.name());
  CHECK(a.channel() == b.channel());
  CHECK(a.sample() == b.sample());
  CHECK(a.labels().units == b.labels().units);
  CHECK(a.labels().normalisation == b.labels().normalisation);
  CHECK(a.labels().source == b.labels().source);
  CHECK(a.variables() == b.variables());
  REQUIRE(a.kinematic_bins().dimension() == b.kinematic_bins().dimension());
  for (std::size_t k = 0; k < a.kinematic_bins().dimension(); ++k) {
    const auto& ea = a.kinematic_bins().axis(k).edges();
    const auto& eb = b.kinematic_bins().axis(k).edges();
    REQUIRE(ea.size() == eb.size());
    for (std::size_t i = 0; i < ea.size(); ++i) CHECK(bits(ea[i]) == bits(eb[i]));
    CHECK(a.kinematic_bins().axis(k).upper() == b.kinematic_bins().axis(k).upper());
  }
  CHECK(a == b);
}

// Two densities with awkward numbers: subnormal, largest double, -0.0, 1/3, 0.1; a 2-D binning
// with the upper edge included; UTF-8 labels; an empty normalisation. Written as "zeta" then "alpha".
std::vector<number_density> awkward_densities() {
  Eigen::MatrixXd a(2, 4);
  a << 0.1, 1.0 / 3.0, 4.9406564584124654e-324, std::numeric_limits<double>::max(), -0.0, 0.0, 2.0 / 3.0, 1e-300;
  std::vector<number_density> out;
  out.push_back(rein::reweight::make_number_density(
      a, {{-1.0, 0.0, 0.1, 0.30000000000000004, 22.885}}, {"q²"},
      {"zeta", "SR – signal region", "signal", {"GeV²"}, "", "synthetic: rein unit test"}));
  Eigen::MatrixXd b(3, 6);
  b << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18;
  std::vector<rein::axis> axes = {rein::axis({0.0, 1.0, 2.0}, "q2", rein::upper_edge::included),
                                  rein::axis({-1.0, -0.5, 0.5, 1.0}, "cos_theta_K")};
  out.emplace_back(b, rein::binning(std::move(axes)),
                   rein::reweight::number_density_labels{"alpha", "CR", "bkg", {"GeV^2", ""}, "events", "synthetic"});
  return out;
}

std::string read_error(const std::string& path, const std::string& name = "") {
  try {
    if (name.empty())
      (void)rein::io::hdf5::read_number_densities(path);
    else
      (void)rein::io::hdf5::read_number_density(path, name);
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

// The Belle II WET model of the published redist file (as tests/reweight/modifier_test.cpp
// builds it: HPQCD null, WET alternative, kernel_rates with the default endpoint-adapted rule)
// with the given targets in place of the file's map.
rein::likelihood::model wet_model_with(const std::vector<rein::reweight::reweight_target>& targets) {
  const auto redist = rein::io::read_redist(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
  const rein::physics::b_to_k_nunu_null null;
  const rein::physics::b_to_k_nunu_alternative alternative;
  rein::reweight::bin_integration_options null_options, alternative_options;
  null_options.lower_limit = alternative_options.lower_limit = 0;
  null_options.endpoint = null.q2_max();
  alternative_options.endpoint = alternative.q2_max();
  const auto kernel_at = [alternative](double q2) { return alternative.kernel(q2); };
  auto rates = std::make_shared<rein::reweight::kernel_rates<11, decltype(kernel_at)>>(
      [null](double q2) { return null(q2); }, kernel_at, redist.reweightings[0].edges, null_options, alternative_options);
  const auto& first = redist.reweightings[0];
  const rein::reweight::reweighting spec{"wet", rates, first.free, first.correlated, targets, first.policy};
  return rein::likelihood::make_model(redist.workspace, {}, {rein::reweight::make_modifier(spec)});
}

// The published map of the redist file, as targets (its JSON numbers, not the CSVs).
std::vector<rein::reweight::reweight_target> redist_targets() {
  std::vector<rein::reweight::reweight_target> targets;
  for (const auto& r : rein::io::read_redist(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json")).reweightings)
    for (const auto& t : r.targets) targets.push_back(t);
  return targets;
}

// Yields equal bit for bit (and none NaN).
void check_same_yields(const Eigen::VectorXd& actual, const Eigen::VectorXd& expected) {
  REQUIRE(actual.size() == expected.size());
  std::size_t different = 0;
  for (Eigen::Index b = 0; b < actual.size(); ++b)
    if (bits(actual[b]) != bits(expected[b]) || std::isnan(actual[b])) ++different;
  CHECK(different == 0);
}

}  // namespace

TEST_SUITE("io_hdf5") {
  TEST_CASE("number_density hdf5: write then read is bit-exact, labels and order included") {
    const std::string path = rein::test::temporary_path("nd_roundtrip.h5");
    const auto written = awkward_densities();
    rein::io::hdf5::write_number_densities(path, written);
    CHECK(rein::io::hdf5::number_density_names(path) == std::vector<std::string>{"zeta", "alpha"});
    const auto back = rein::io::hdf5::read_number_densities(path);
    REQUIRE(back.size() == 2);
    check_same(back[0], written[0]);
    check_same(back[1], written[1]);
    CHECK(bits(back[0].density()(1, 0)) == bits(-0.0));  // the sign of zero survives
    check_same(rein::io::hdf5::read_number_density(path, "alpha"), written[1]);
    // Independent check of the stored layout with the raw C API: density row-major (C order).
    const std::vector<double> raw = rein::test::raw_doubles(path, "/number_densities/alpha/density");
    REQUIRE(raw.size() == 18);
    for (std::size_t k = 0; k < raw.size(); ++k) CHECK(raw[k] == static_cast<double>(k + 1));
  }

  TEST_CASE("number_density hdf5: writing the same content twice gives byte-identical files (no time stamps)") {
    const std::string a = rein::test::temporary_path("nd_repro_a.h5");
    const std::string b = rein::test::temporary_path("nd_repro_b.h5");
    rein::io::hdf5::write_number_densities(a, awkward_densities());
    // HDF5 object time stamps have a resolution of one second: wait longer than that.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    rein::io::hdf5::write_number_densities(b, awkward_densities());
    CHECK(rein::test::file_bytes(a) == rein::test::file_bytes(b));
    // Re-writing the shipped file from its own content reproduces it byte for byte: the shipped
    // file is current with this writer (if this fails after a format change, regenerate it with
    // `rein convert belle2-knunu data/belle2-knunu data/belle2-knunu/number_densities.h5`). The
    // shipped file was written with HDF5 1.10.8 (Debian 12); other HDF5 releases may place the same
    // content differently, so the byte comparison runs only with HDF5 1.10.
    const std::string c = rein::test::temporary_path("nd_repro_shipped.h5");
    rein::io::hdf5::write_number_densities(c, rein::io::hdf5::read_number_densities(shipped));
    unsigned major = 0, minor = 0, release = 0;
    REQUIRE(H5get_libversion(&major, &minor, &release) >= 0);
    if (major == 1 && minor == 10)
      CHECK(rein::test::file_bytes(c) == rein::test::file_bytes(shipped));
    else
      MESSAGE("HDF5 " << major << "." << minor << "." << release << ": byte comparison with the shipped file skipped");
  }

  TEST_CASE("number_density hdf5: CSV -> HDF5 -> matrix is identical for the three Belle II CSVs") {
    const std::vector<double> edges = rein::make_uniform_axis(100, 0.0, 22.885).edges();
    std::vector<double> q2 = {-1.0};
    q2.insert(q2.end(), edges.begin(), edges.end());
    std::vector<number_density> densities;
    for (const auto& m : belle2)
      densities.push_back(rein::reweight::make_number_density(belle2_csv(m), {q2}, {"q2"},
                                                              {m.name, m.channel, m.sample, {"GeV^2"}, "events", m.csv}));
    const std::string path = rein::test::temporary_path("nd_belle2_from_csv.h5");
    rein::io::hdf5::write_number_densities(path, densities);
    for (const auto& m : belle2) {
      CAPTURE(m.name);
      const number_density back = rein::io::hdf5::read_number_density(path, m.name);
      check_bit_identical(back.density(), belle2_csv(m));
    }
  }

  TEST_CASE("number_density hdf5: the shipped number_densities.h5 equals the Belle II CSVs exactly") {
    const auto densities = rein::io::hdf5::read_number_densities(shipped);
    REQUIRE(densities.size() == 3);
    // q² edges: the `bins` of reinterpretation_likelihood_wet.json ([-1] + numpy.linspace(0, 22.885, 101)).
    const auto wet = rein::io::read_json(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    for (std::size_t k = 0; k < belle2.size(); ++k) {
      const auto& m = belle2[k];
      const auto& nd = densities[k];
      CAPTURE(m.name);
      CHECK(nd.name() == m.name);
      CHECK(nd.channel() == m.channel);
      CHECK(nd.sample() == m.sample);
      CHECK(nd.variables() == std::vector<std::string>{"q2"});
      CHECK(nd.labels().units == std::vector<std::string>{"GeV^2"});
      CHECK(nd.labels().source.find(m.csv) != std::string::npos);
      CHECK(nd.rows() == static_cast<std::size_t>(m.bins));
      check_bit_identical(nd.density(), belle2_csv(m));
      const auto bins = wet.at("bins").at(k).at(0).get<std::vector<double>>();
      REQUIRE(bins.size() == 102);
      const auto& edges = nd.kinematic_bins().axis(0).edges();
      REQUIRE(edges.size() == 102);
      for (std::size_t i = 0; i < edges.size(); ++i) CHECK(bits(edges[i]) == bits(bins[i]));
    }
  }

  TEST_CASE("number_density hdf5: row sums of the shipped maps equal the nominal signal yields of the workspace") {
    const auto ws = rein::io::read_json(rein::test::shipped_data("belle2-knunu/combined_likelihood.json"));
    for (const auto& m : belle2) {
      CAPTURE(m.name);
      const number_density nd = rein::io::hdf5::read_number_density(shipped, m.name);
      const nlohmann::json* nominal = nullptr;
      for (const auto& c : ws.at("channels"))
        if (c.at("name") == m.channel)
          for (const auto& s : c.at("samples"))
            if (s.at("name") == m.sample) nominal = &s.at("data");
      REQUIRE(nominal != nullptr);
      nd.check_rows(nominal->size(), "channel '" + m.channel + "' of combined_likelihood.json");
      // data/belle2-knunu/README.md states relative agreement "5e-8 for A and B, 2e-5 for HTA",
      // rounded to one digit: the largest deviations (Python math.fsum of the CSV rows, checked
      // independently) are 5.49e-8 (regA), 3.34e-8 (regB) and 2.27e-5 (hta, rows 0-1; rows 2-5
      // agree to 4e-15). The bounds are those maxima rounded up: 6e-8 (ITA) and 2.5e-5 (HTA).
      const double rtol = m.name == "hta" ? 2.5e-5 : 6e-8;
      const Eigen::VectorXd sums = nd.row_sums();
      for (std::size_t i = 0; i < nominal->size(); ++i) {
        CAPTURE(i);
        REIN_CHECK_REL(sums[static_cast<Eigen::Index>(i)], (*nominal)[i].get<double>(), rtol);
      }
    }
    // A map applied to a channel with a different bin count is refused, naming both.
    const number_density regA = rein::io::hdf5::read_number_density(shipped, "regA");
    const std::string expected = "density 'regA' (channel 'A__" + ita +
                                 "_zoomSR_Y4S', sample 'signal') has 9 rows (fit bins), channel 'B__...' of "
                                 "combined_likelihood.json has 3 bins";
    CHECK_THROWS_WITH_AS(regA.check_rows(3, "channel 'B__...' of combined_likelihood.json"),
                         doctest::Contains(expected.c_str()), rein::invalid_argument);
  }

  TEST_CASE("number_density hdf5: a missing dataset is an io_error naming the file and the dataset") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_missing.h5");
    rein::test::delete_link(path, "/number_densities/regB/density");
    const std::string message = read_error(path);
    CHECK(message == "rein::io::hdf5::read_number_densities: '" + path +
                         "': dataset '/number_densities/regB/density': is missing (expected a float64 dataset)");
    CHECK(read_error(path, "regA") == "no error");
    rein::test::delete_link(path, "/number_densities/regA/edges_0");
    CHECK(read_error(path, "regA") == "rein::io::hdf5::read_number_density: '" + path +
                                          "': dataset '/number_densities/regA/edges_0': is missing (expected a float64 dataset)");
  }

  TEST_CASE("number_density hdf5: a dataset of the wrong dtype is an io_error naming file, dataset, expected and found") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_dtype.h5");
    rein::test::replace_with_int32(path, "/number_densities/hta/edges_0", 102);
    CHECK(read_error(path, "hta") == "rein::io::hdf5::read_number_density: '" + path +
                                         "': dataset '/number_densities/hta/edges_0': expected float64, found 32-bit "
                                         "signed integer");
    const std::string second = rein::test::copy_to_temporary(shipped, "nd_dtype_density.h5");
    rein::test::replace_with_int32(second, "/number_densities/hta/density", 606);
    CHECK(read_error(second).find("dataset '/number_densities/hta/density': expected float64, found 32-bit signed integer") !=
          std::string::npos);
  }

  TEST_CASE("number_density hdf5: a truncated file is an io_error, not a crash") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_truncated.h5");
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    const std::string message = read_error(path, "hta");
    CHECK(message.find("rein::io::hdf5::read_number_density: '" + path +
                       "': the file: cannot be opened as HDF5, truncated or corrupt (needed to read group "
                       "'/number_densities/hta')") == 0);
    CHECK(message.find("truncated file") != std::string::npos);  // HDF5's own diagnosis, from its error stack
    CHECK_THROWS_AS((void)rein::io::hdf5::read_number_densities(path), rein::io_error);
    CHECK_THROWS_AS((void)rein::io::hdf5::number_density_names(path), rein::io_error);
  }

  TEST_CASE("number_density hdf5: a damaged value is caught by the dataset checksum (Fletcher-32)") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_damaged.h5");
    // byte 8·(2·101 + 40) + 3: inside entry (2, 40) of regA's density
    rein::test::corrupt_stored_byte(path, "/number_densities/regA/density", 8 * (2 * 101 + 40) + 3);
    const std::string message = read_error(path, "regA");
    CHECK(message.find("rein::io::hdf5::read_number_density: '" + path +
                       "': dataset '/number_densities/regA/density': cannot be read (truncated or corrupt data)") == 0);
    CHECK(message.find("checksum") != std::string::npos);  // HDF5's diagnosis, from its error stack
    CHECK(read_error(path, "regB") == "no error");
  }

  TEST_CASE("number_density hdf5: a file that is not HDF5, or is missing, is an io_error naming it") {
    const std::string path = rein::test::temporary_path("nd_not_hdf5.h5");
    std::ofstream(path) << "channel,sample\n1,2\n";
    CHECK(read_error(path, "regA") == "rein::io::hdf5::read_number_density: '" + path +
                                          "': the file: is not an HDF5 file, no HDF5 signature (needed to read group "
                                          "'/number_densities/regA')");
    const std::string missing = rein::test::temporary_path("nd_does_not_exist.h5");
    CHECK(read_error(missing).find("rein::io::hdf5::read_number_densities: '" + missing +
                                   "': the file: cannot be read, missing or unreadable (needed to read group "
                                   "'/number_densities')") == 0);
  }

  TEST_CASE("number_density hdf5: NaN in the map is an io_error naming file, dataset, row and column") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_nan.h5");
    std::vector<double> values = rein::test::raw_doubles(path, "/number_densities/regA/density");
    values[4 * 101 + 17] = std::numeric_limits<double>::quiet_NaN();
    rein::test::overwrite_doubles(path, "/number_densities/regA/density", values);
    CHECK(read_error(path, "regA") == "rein::io::hdf5::read_number_density: '" + path +
                                          "': dataset '/number_densities/regA/density': rein::reweight::number_density "
                                          "'regA': density(4, 17) = nan, must be finite and >= 0");
    values[4 * 101 + 17] = -1.5;
    rein::test::overwrite_doubles(path, "/number_densities/regA/density", values);
    CHECK(read_error(path, "regA").find("density(4, 17) = -1.5, must be finite and >= 0") != std::string::npos);
  }

  TEST_CASE("number_density hdf5: finite entries whose row sum overflows are an io_error naming the row (issue #18)") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_overflow.h5");
    std::vector<double> values = rein::test::raw_doubles(path, "/number_densities/regA/density");
    values[4 * 101 + 17] = values[4 * 101 + 18] = 1e308;  // each finite, their sum is not
    rein::test::overwrite_doubles(path, "/number_densities/regA/density", values);
    CHECK(read_error(path, "regA") == "rein::io::hdf5::read_number_density: '" + path +
                                          "': dataset '/number_densities/regA/density': rein::reweight::number_density "
                                          "'regA': row 4 sums to inf (the sample's yield in that bin), must be finite");
  }

  TEST_CASE("number_density hdf5: absurd declared dimensions are refused before reading, under an overridable limit") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_absurd.h5");
    rein::test::declare_doubles(path, "/number_densities/regA/density", {24, 50000000});  // 9.6 GB declared, nothing stored
    CHECK(std::filesystem::file_size(path) < 10'000'000);
    CHECK(read_error(path, "regA") == "rein::io::hdf5::read_number_density: '" + path +
                                          "': dataset '/number_densities/regA/density': reading its 24×50000000 float64 "
                                          "values needs 9600000000 bytes, more than the input size limit of 268435456 "
                                          "bytes (set REIN_MAX_INPUT_BYTES to allow more)");
    // the limit is the environment's when set: 1000 bytes refuses the shipped 9×101 density
    REQUIRE(setenv("REIN_MAX_INPUT_BYTES", "1000", 1) == 0);
    CHECK(read_error(shipped, "regA").find("reading its 9×101 float64 values needs 7272 bytes, more than the input size "
                                           "limit of 1000 bytes") != std::string::npos);
    REQUIRE(setenv("REIN_MAX_INPUT_BYTES", "lots", 1) == 0);
    CHECK_THROWS_WITH_AS((void)rein::io::hdf5::read_number_density(shipped, "regA"),
                         "rein: REIN_MAX_INPUT_BYTES = 'lots' must be a positive integer (bytes)", rein::invalid_argument);
    REQUIRE(unsetenv("REIN_MAX_INPUT_BYTES") == 0);
    CHECK(read_error(shipped, "regA") == "no error");
  }

  TEST_CASE("number_density hdf5: edges that are not increasing are an io_error naming the dataset and the index") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_edges.h5");
    std::vector<double> edges = rein::test::raw_doubles(path, "/number_densities/regB/edges_0");
    edges[50] = edges[49];
    rein::test::overwrite_doubles(path, "/number_densities/regB/edges_0", edges);
    CHECK(read_error(path, "regB") ==
          "rein::io::hdf5::read_number_density: '" + path + "': dataset '/number_densities/regB/edges_0': rein::axis "
          "'q2': edges[50] = " + rein::detail::format_value(edges[49]) + " is not greater than edges[49] = " +
          rein::detail::format_value(edges[49]) + ", edges must be strictly increasing");
  }

  TEST_CASE("number_density hdf5: wrong rank and shape mismatches are io_errors stating expected and found") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_shape.h5");
    rein::test::replace_with_doubles(path, "/number_densities/regB/density", {303}, std::vector<double>(303, 1.0));
    CHECK(read_error(path, "regB").find("dataset '/number_densities/regB/density': expected rank 2 (n_x fit bins × n_q "
                                        "kinematic bins), found rank 1") != std::string::npos);
    rein::test::replace_with_doubles(path, "/number_densities/regA/edges_0", {50}, rein::make_uniform_axis(49, 0, 1).edges());
    CHECK(read_error(path, "regA").find("dataset '/number_densities/regA/density': has 101 columns, the edges_<k> "
                                        "datasets define 49 kinematic bins") != std::string::npos);
  }

  TEST_CASE("number_density hdf5: missing or ill-typed attributes and a wrong format are io_errors") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_attributes.h5");
    rein::test::delete_attribute(path, "/number_densities/hta", "channel");
    CHECK(read_error(path, "hta") == "rein::io::hdf5::read_number_density: '" + path +
                                         "': attribute 'channel' of '/number_densities/hta': is missing (expected a "
                                         "string attribute)");
    rein::test::replace_with_int_attribute(path, "/number_densities/hta", "channel");
    CHECK(read_error(path, "hta").find("attribute 'channel' of '/number_densities/hta': expected a string, found 32-bit "
                                       "signed integer") != std::string::npos);
    rein::test::replace_with_fixed_string(path, "/", "format", "rein-efficiency-map", 19, H5T_STR_NULLTERM);
    CHECK(read_error(path) == "rein::io::hdf5::read_number_densities: '" + path +
                                  "': attribute 'format' of '/': expected 'rein-number-density', found "
                                  "'rein-efficiency-map'");
    rein::test::replace_with_fixed_string(path, "/", "format", "rein-number-density", 19, H5T_STR_NULLTERM);
    rein::test::replace_with_fixed_string(path, "/", "format_version", "2", 1, H5T_STR_NULLPAD);
    CHECK(read_error(path).find("attribute 'format_version' of '/': expected '1', found '2' (unsupported version)") !=
          std::string::npos);
    rein::test::delete_attribute(path, "/", "format");
    CHECK(read_error(path).find("attribute 'format' of '/': is missing, expected 'rein-number-density'") !=
          std::string::npos);
  }

  TEST_CASE("number_density hdf5: fixed-length strings (NUL- or space-padded) are read like variable-length ones") {
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_fixed_strings.h5");
    rein::test::replace_with_fixed_string(path, "/number_densities/regB", "sample", "signal", 10, H5T_STR_NULLPAD);
    rein::test::replace_with_fixed_string(path, "/number_densities/regB", "normalisation", "events", 12, H5T_STR_SPACEPAD);
    const number_density nd = rein::io::hdf5::read_number_density(path, "regB");
    CHECK(nd.sample() == "signal");
    CHECK(nd.labels().normalisation == "events");
  }

  TEST_CASE("number_density hdf5: an unknown name lists the densities the file has") {
    CHECK(read_error(shipped, "regC") == "rein::io::hdf5::read_number_density: '" + shipped +
                                             "': group '/number_densities/regC': is missing; the file has the number "
                                             "densities 'regA', 'regB', 'hta'");
  }

  TEST_CASE("number_density hdf5: the writer refuses repeated names and leaves no file when it cannot write") {
    auto densities = awkward_densities();
    densities.push_back(densities.front());
    const std::string path = rein::test::temporary_path("nd_duplicate.h5");
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_number_densities(path, densities),
                         "rein::io::hdf5::write_number_densities: entry 2 repeats the name 'zeta'", rein::invalid_argument);
    CHECK(!std::filesystem::exists(path));
    const std::string unwritable = rein::test::temporary_path("no_such_directory/nd.h5");
    const std::string expected =
        "rein::io::hdf5::write_number_densities: '" + unwritable + "': the file: cannot be created";
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_number_densities(unwritable, awkward_densities()),
                         doctest::Contains(expected.c_str()), rein::io_error);
    CHECK(!std::filesystem::exists(unwritable));
  }

  TEST_CASE("number_density hdf5: CSV -> HDF5 -> reweighted model gives the yields of the CSV maps bit for bit") {
    const auto reference = rein::io::read_json(rein::test::test_data("belle2-knunu/reference.json"))["wet_yields"];
    const auto wet = rein::io::read_json(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    const auto q2 = wet.at("bins").at(0).at(0).get<std::vector<double>>();
    // CSV -> number_density -> HDF5 file in the test directory -> number_density -> target
    std::vector<number_density> from_csv;
    std::vector<rein::reweight::reweight_target> csv_targets;
    for (const auto& m : belle2) {
      from_csv.push_back(rein::reweight::make_number_density(belle2_csv(m), {q2}, {"q2"},
                                                             {m.name, m.channel, m.sample, {"GeV^2"}, "events", m.csv}));
      csv_targets.push_back({m.channel, m.sample, belle2_csv(m)});
    }
    const std::string path = rein::test::temporary_path("nd_belle2_model.h5");
    rein::io::hdf5::write_number_densities(path, from_csv);
    std::vector<rein::reweight::reweight_target> h5_targets, shipped_targets;
    for (const auto& nd : rein::io::hdf5::read_number_densities(path)) h5_targets.push_back(rein::reweight::make_target(nd));
    for (const auto& nd : rein::io::hdf5::read_number_densities(shipped))
      shipped_targets.push_back(rein::reweight::make_target(nd));
    REQUIRE(h5_targets.size() == 3);
    CHECK(h5_targets[2].edges == q2);  // make_target carries the edges, make_modifier compared them with the rates'

    const auto csv_model = wet_model_with(csv_targets);
    const auto h5_model = wet_model_with(h5_targets);
    const auto shipped_model = wet_model_with(shipped_targets);
    const auto redist_model = wet_model_with(redist_targets());
    const auto& layout = h5_model.parameters();
    std::size_t points = 0;
    for (const auto* group : {"a_FFK_decorrelated_zero", "b_FFK_decorrelated_unit_vectors"})
      for (const auto& item : reference["values"][group].items()) {
        const std::string name = item.key();  // not a structured binding: clang 14 cannot capture those
        const auto& point = item.value();
        CAPTURE(name);
        Eigen::VectorXd theta = layout.inits();
        for (const char* p : {"cvl", "csl", "ctl"}) theta[static_cast<Eigen::Index>(layout.index(p))] = point[p].get<double>();
        for (std::size_t k = 0; k < 8; ++k)
          theta[static_cast<Eigen::Index>(layout.index("FFK_decorrelated[" + std::to_string(k) + "]"))] =
              point["FFK_decorrelated"][k].get<double>();
        const Eigen::VectorXd nu = h5_model.expected_main(theta);
        check_same_yields(nu, csv_model.expected_main(theta));
        check_same_yields(nu, shipped_model.expected_main(theta));
        check_same_yields(nu, redist_model.expected_main(theta));  // the file's map equals the CSVs (data/belle2-knunu/README.md)
        // at η = 0 the decorrelation matrix does not matter: the reference (adaptive quadrature,
        // pyhf + redist) holds to 1e-8 relative, the tolerance (as in modifier_test.cpp)
        if (std::string(group) == "a_FFK_decorrelated_zero") {
          ++points;
          for (Eigen::Index b = 0; b < nu.size(); ++b)
            REIN_CHECK_REL(nu[b], point["expected_actualdata"][static_cast<std::size_t>(b)].get<double>(), 1e-8);
        }
      }
    CHECK(points == 4);
  }

  TEST_CASE("number_density hdf5: a map read from HDF5 must fit its channel and the rates' edges") {
    // regB (3 rows) applied to regA's 9-bin channel: make_model refuses it
    auto regB = rein::reweight::make_target(rein::io::hdf5::read_number_density(shipped, "regB"));
    regB.channel = belle2[0].channel;
    CHECK_THROWS_WITH_AS((void)wet_model_with({regB}),
                         ("rein::likelihood::make_model: custom modifier 'wet' has 3 outputs for sample 'signal' of "
                          "channel '" + belle2[0].channel + "', which has 9 bins (one output per bin)").c_str(),
                         rein::invalid_argument);
    // a file whose q² edges were rebinned (edges_0 edited in the file): the density still has 101
    // columns, but its edges are not the rates' and make_modifier says which one differs
    const std::string path = rein::test::copy_to_temporary(shipped, "nd_other_edges.h5");
    std::vector<double> edges = rein::test::raw_doubles(path, "/number_densities/hta/edges_0");
    const double original = edges[51];
    edges[51] = 0.5 * (edges[50] + edges[51]);
    rein::test::overwrite_doubles(path, "/number_densities/hta/edges_0", edges);
    const auto hta = rein::reweight::make_target(rein::io::hdf5::read_number_density(path, "hta"));
    CHECK_THROWS_WITH_AS((void)wet_model_with({hta}),
                         ("rein::reweight::make_modifier: reweighting 'wet': the number density of sample 'sgn_1_had' in "
                          "channel 'sgn1_had' has kinematic edges[51] = " + rein::detail::format_value(edges[51]) +
                          ", the rates have edges[51] = " + rein::detail::format_value(original) +
                          " (the edges must agree to 1e-12 of the largest |edge|)").c_str(),
                         rein::invalid_argument);
  }
}
}  // namespace number_density_hdf5_test
