#include "rein/io/hdf5/reweighted_workspace.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/reweight/named_rates.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace reweighted_workspace_test {

namespace {

const std::string published = rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json");

std::string scratch(const std::string& name) {
  const std::string dir = std::string(REIN_TEST_BINARY_DIR) + "/reweighted_workspace";
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

rein::io::redist_model named(rein::io::redist_model model) {
  for (auto& r : model.reweightings) r.null = "hpqcd-b-to-k-nunu", r.alternative = "wet-b-to-k-nunu";
  return model;
}

rein::likelihood::model model_of(const rein::io::redist_model& saved) {
  std::map<std::vector<double>, std::shared_ptr<const rein::reweight::bin_rates>> rates;
  return rein::io::make_redist_model(saved, [&](const rein::io::redist_reweighting& r) {
    auto& found = rates[r.edges];
    if (!found) found = rein::reweight::make_named_rates(r.null, r.alternative, r.edges);
    return found;
  });
}

}  // namespace

TEST_SUITE("io_hdf5") {
  TEST_CASE("reweighted workspace: the Belle II WET model round-trips through JSON + HDF5 bit for bit") {
    const auto original = named(rein::io::read_redist(published));
    const std::string json = scratch("wet.json");
    rein::io::hdf5::write_reweighted_workspace(json, "wet_densities.h5", original);
    CHECK(std::filesystem::exists(scratch("wet_densities.h5")));
    const auto back = rein::io::hdf5::read_reweighted_workspace(json);

    CHECK(rein::io::workspace_to_json(back.workspace) == rein::io::workspace_to_json(original.workspace));
    REQUIRE(back.reweightings.size() == original.reweightings.size());
    for (std::size_t i = 0; i < back.reweightings.size(); ++i) {
      const auto& a = back.reweightings[i];
      const auto& b = original.reweightings[i];
      CAPTURE(b.name);
      CHECK(a.name == b.name);
      CHECK(a.null == b.null);
      CHECK(a.alternative == b.alternative);
      CHECK(a.edges == b.edges);
      REQUIRE(a.free.size() == b.free.size());
      for (std::size_t k = 0; k < a.free.size(); ++k) {
        CHECK(a.free[k].name == b.free[k].name);
        CHECK(a.free[k].init == b.free[k].init);
        CHECK(a.free[k].lower == b.free[k].lower);
        CHECK(a.free[k].upper == b.free[k].upper);
      }
      REQUIRE(a.correlated.size() == 1);
      CHECK(a.correlated[0].mean == b.correlated[0].mean);
      CHECK(a.correlated[0].covariance == b.correlated[0].covariance);
      CHECK(a.policy.cutoff_low == b.policy.cutoff_low);
      CHECK(a.policy.cutoff_high == b.policy.cutoff_high);
      CHECK(a.policy.upper_bound.has_value() == b.policy.upper_bound.has_value());
      REQUIRE(a.targets.size() == 1);
      CHECK(a.targets[0].channel == b.targets[0].channel);
      CHECK(a.targets[0].sample == b.targets[0].sample);
      CHECK(a.targets[0].density == b.targets[0].density);
    }

    // the same inputs give the same likelihood: yields identical at a point away from the inits
    const auto m1 = model_of(original), m2 = model_of(back);
    Eigen::VectorXd theta = m1.parameters().inits();
    theta[static_cast<Eigen::Index>(m1.parameters().index("cvl"))] = 11.3;
    theta[static_cast<Eigen::Index>(m1.parameters().index("ctl"))] = 8.21;
    theta[static_cast<Eigen::Index>(m1.parameters().index("FFK_decorrelated[3]"))] = 0.7;
    const Eigen::VectorXd nu1 = m1.expected_main(theta), nu2 = m2.expected_main(theta);
    CHECK((nu1.array() == nu2.array()).all());
    CHECK(m1.twice_nll(theta, m1.observed()) == m2.twice_nll(theta, m2.observed()));
  }

  TEST_CASE("reweighted workspace: bad input names the file, the pointer and the problem") {
    const auto original = named(rein::io::read_redist(published));
    const std::string json = scratch("bad.json");
    rein::io::hdf5::write_reweighted_workspace(json, "bad_densities.h5", original);
    const auto good = rein::io::read_json(json);
    const auto write_and_read = [&](const nlohmann::json& document) {
      rein::io::write_json(document, json);
      return rein::io::hdf5::read_reweighted_workspace(json);
    };

    CHECK_THROWS_WITH_AS((void)rein::io::hdf5::write_reweighted_workspace(scratch("x.json"), "x.h5", rein::io::read_redist(published)),
                         doctest::Contains("reweighting 'regA' does not name its rates"), rein::invalid_argument);

    auto document = good;
    document.erase("rein.reweight");
    CHECK_THROWS_WITH_AS((void)write_and_read(document), doctest::Contains("missing key 'rein.reweight'"), rein::io_error);

    document = good;
    document["rein.reweight"]["reweightings"][1]["name"] = "regC";
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains("names reweighting 'regB', which /rein.reweight/reweightings does not define"),
                         rein::io_error);

    document = good;
    document["rein.reweight"]["densities"] = "missing.h5";
    CHECK_THROWS_WITH_AS((void)write_and_read(document), doctest::Contains("missing.h5"), rein::io_error);

    document = good;
    document["rein.reweight"]["reweightings"][0]["policy"]["allow_negative"] = "no";
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains("/rein.reweight/reweightings/0/policy/allow_negative: expected true or false"),
                         rein::io_error);

    // issue #18: the policy's ranges and ordering, the version, the free parameters' bounds
    document = good;
    document["rein.reweight"]["reweightings"][0]["policy"]["upper_bound"] = -1;
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains(("'" + json + "' /rein.reweight/reweightings/0/policy/upper_bound: -1, must be a number > 0").c_str()),
                         rein::io_error);
    document = good;
    document["rein.reweight"]["reweightings"][1]["policy"]["cutoff"] = {20, 1};
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains(("'" + json + "' /rein.reweight/reweightings/1/policy/cutoff: [20, 1] is empty or reversed").c_str()),
                         rein::io_error);
    document = good;
    document["rein.reweight"]["version"] = "2.0.0";
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains(("'" + json + "' /rein.reweight/version: version '2.0.0' is not supported (this reader reads 1.0.0)").c_str()),
                         rein::io_error);
    document = good;
    document["rein.reweight"].erase("version");
    CHECK_THROWS_WITH_AS((void)write_and_read(document), doctest::Contains("/rein.reweight: missing required key 'version'"),
                         rein::io_error);
    document = good;
    document["rein.reweight"]["reweightings"][0]["free"][0]["init"] = 25.0;
    CHECK_THROWS_WITH_AS((void)write_and_read(document),
                         doctest::Contains(("'" + json + "' /rein.reweight/reweightings/0/free/0: parameter 'cvl' init 25 lies outside its bounds [0, 20]").c_str()),
                         rein::io_error);

    // regA's modifier pointing at regB's density: another channel
    document = good;
    for (auto& channel : document["channels"])
      for (auto& sample : channel["samples"])
        for (auto& m : sample["modifiers"])
          if (m["type"] == "rein.reweight" && m["name"] == "regA") m["data"]["density"] = "regB";
    CHECK_THROWS_WITH_AS((void)write_and_read(document), doctest::Contains("density 'regB'"), rein::io_error);
  }
}
}  // namespace reweighted_workspace_test
