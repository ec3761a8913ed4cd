#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/combine.hpp"
#include "rein/likelihood/simple_models.hpp"

#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace builder_test {

namespace {

namespace lh = rein::likelihood;
using doctest::Contains;

// Points drawn uniformly inside each parameter's bounds. std::mt19937_64's output is fixed by the
// standard; the uniform mapping is ours, so the points are the same with every standard library.
std::vector<Eigen::VectorXd> points_inside_bounds(const lh::model& m, std::uint64_t seed, int count) {
  std::mt19937_64 engine(seed);
  std::vector<Eigen::VectorXd> points;
  for (int k = 0; k < count; ++k) {
    Eigen::VectorXd theta(static_cast<Eigen::Index>(m.parameters().size()));
    for (std::size_t i = 0; i < m.parameters().size(); ++i) {
      const auto& p = m.parameters()[i];
      const double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;  // [0, 1)
      theta[static_cast<Eigen::Index>(i)] = p.lower + u * (p.upper - p.lower);
    }
    points.push_back(theta);
  }
  return points;
}

// θ of model `from` rearranged into the parameter order of model `to` (same names).
Eigen::VectorXd reorder(const lh::model& from, const Eigen::VectorXd& theta, const lh::model& to,
                        const std::map<std::string, std::string>& renamed = {}) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(to.parameters().size()));
  REQUIRE(to.parameters().size() == from.parameters().size());
  for (std::size_t i = 0; i < from.parameters().size(); ++i) {
    std::string name = from.parameters()[i].name;
    const auto bracket = name.find('[');
    const auto found = renamed.find(name.substr(0, bracket));
    if (found != renamed.end()) name = found->second + (bracket == std::string::npos ? "" : name.substr(bracket));
    out[static_cast<Eigen::Index>(to.parameters().index(name))] = theta[static_cast<Eigen::Index>(i)];
  }
  return out;
}

// Same parameters in the same order with the same settings, same observed data.
void check_same_model(const lh::model& a, const lh::model& b) {
  REQUIRE(a.parameters().size() == b.parameters().size());
  for (std::size_t i = 0; i < a.parameters().size(); ++i) {
    const auto& p = a.parameters()[i];
    const auto& q = b.parameters()[i];
    CAPTURE(p.name);
    CHECK(p.name == q.name);
    CHECK(p.init == q.init);
    CHECK(p.lower == q.lower);
    CHECK(p.upper == q.upper);
    CHECK(p.fixed == q.fixed);
    CHECK(p.constraint == q.constraint);
    CHECK(p.aux == q.aux);
    CHECK(p.sigma == q.sigma);
    CHECK(p.factor == q.factor);
  }
  CHECK(a.parameters().poi_index() == b.parameters().poi_index());
  CHECK(a.observed().main == b.observed().main);
  CHECK(a.observed().aux == b.observed().aux);
}

// nll identical to the last bit at points inside the bounds: the same workspace compiled twice
// must give the same floating-point operations.
void check_same_nll(const lh::model& a, const lh::model& b, std::uint64_t seed) {
  for (const auto& theta : points_inside_bounds(a, seed, 8)) {
    const double nll_a = a.nll(theta);
    const double nll_b = b.nll(reorder(a, theta, b));
    INFO(rein::test::describe(nll_a, nll_b));
    CHECK(std::isfinite(nll_a));
    CHECK(nll_a == nll_b);
  }
}

lh::model round_trip(const lh::workspace& ws, const lh::model_options& options = {}) {
  // through the text form too: nlohmann writes doubles in shortest round-trip form
  const auto text = rein::io::workspace_to_json(ws).dump();
  return lh::make_model(rein::io::workspace_from_json(nlohmann::json::parse(text), "round trip"), options);
}

// Every modifier type, a normsys and a histosys sharing one α across channels, a staterror, a
// shapesys, a shapefactor, lumi, and two measurements with overrides.
lh::workspace every_modifier() {
  return lh::workspace_builder()
      .channel("SR", 3)
      .sample("signal", {5, 10, 3})
      .normfactor("mu")
      .lumi("lumi")
      .staterror("stat_SR", {0.5, 1.0, 0.4})
      .sample("background", {50, 52, 40})
      .normsys("bkg_norm", 1.1, 0.92)
      .histosys("bkg_shape", {53, 58, 41}, {46, 49, 38.5})
      .staterror("stat_SR", {2.0, 2.5, 1.5})
      .lumi("lumi")
      .sample("fakes", {8, 6, 9})
      .shapesys("fakes_unc", {2, 1.5, 3})
      .channel("CR", 2)
      .sample("background", {100, 80})
      .histosys("bkg_norm", {108, 87}, {93, 74})
      .shapefactor("cr_shape")
      .sample("signal", {0.5, 0.2})
      .normfactor("mu")
      .observation("SR", {60, 65, 50})
      .observation("CR", {104, 79})
      .measurement("meas", "mu")
      .bounds("mu", 0, 5)
      .init("mu", 1.5)
      .lumi_constraint("lumi", 1.0, 0.017)
      .bounds("lumi", 0.9, 1.1)
      .fixed("bkg_shape")
      .measurement("alternative", "mu")
      .lumi_constraint("lumi", 1.02, 0.03)
      .inits("cr_shape", {1.1, 0.9})
      .bounds("cr_shape", {{0.5, 2}, {0.4, 2.5}})
      .build();
}

// A builder with one channel "SR" of two bins, samples "signal" (normfactor mu) and "background"
// (normsys syst, open).
lh::workspace_builder base() {
  lh::workspace_builder b;
  b.channel("SR", 2).sample("signal", {5, 10}).normfactor("mu").sample("background", {50, 60}).normsys("syst", 1.1, 0.9);
  return b;
}

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("builder: a workspace built in code gives the same model after workspace_to_json and back") {
    const auto ws = every_modifier();
    for (const char* measurement : {"meas", "alternative"}) {
      CAPTURE(measurement);
      lh::model_options options;
      options.measurement = measurement;
      const auto built = lh::make_model(ws, options);
      const auto read = round_trip(ws, options);
      check_same_model(built, read);
      check_same_nll(built, read, 20260801);
    }
    // the overrides arrived: if the builder dropped one, the layout would show pyhf's default
    const auto m = lh::make_model(ws);
    const auto& layout = m.parameters();
    CHECK(layout[layout.index("mu")].upper == 5);
    CHECK(layout[layout.index("mu")].init == 1.5);
    CHECK(layout[layout.index("lumi")].sigma == 0.017);
    CHECK(layout[layout.index("lumi")].lower == 0.9);
    CHECK(layout[layout.index("bkg_shape")].fixed);
    CHECK(!layout.contains("bkg_norm[0]"));  // normsys + histosys share one α
    CHECK(layout.contains("bkg_norm"));
    CHECK(layout.contains("cr_shape[1]"));
    CHECK(layout.contains("stat_SR[2]"));
    CHECK(layout.contains("fakes_unc[2]"));
  }

  TEST_CASE("builder: puts each modifier, observation and config where the pyhf JSON has it") {
    const auto ws = lh::workspace_builder()
                        .channel("SR", 2)
                        .sample("signal", {5, 10})
                        .normfactor("mu")
                        .lumi("lumi")
                        .sample("background", {50, 60})
                        .normsys("syst", 1.1, 0.9)
                        .staterror("stat", {2, 3})
                        .shapefactor("sf")
                        .observation("SR", {55, 70})
                        .measurement("meas", "mu")
                        .bounds("mu", 0, 5)
                        .lumi_constraint("lumi", 1, 0.02)
                        .fixed("sf", false)
                        .build();
    const auto expected = nlohmann::json::parse(R"({
      "version": "1.0.0",
      "channels": [{"name": "SR", "samples": [
        {"name": "signal", "data": [5.0, 10.0], "modifiers": [
          {"name": "mu", "type": "normfactor", "data": null},
          {"name": "lumi", "type": "lumi", "data": null}]},
        {"name": "background", "data": [50.0, 60.0], "modifiers": [
          {"name": "syst", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
          {"name": "stat", "type": "staterror", "data": [2.0, 3.0]},
          {"name": "sf", "type": "shapefactor", "data": null}]}]}],
      "observations": [{"name": "SR", "data": [55.0, 70.0]}],
      "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
        {"name": "mu", "bounds": [[0.0, 5.0]]},
        {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02]},
        {"name": "sf", "fixed": false}]}}]
    })");
    CHECK(rein::io::workspace_to_json(ws) == expected);
  }

  TEST_CASE("simple_models: uncorrelated_background is pyhf's simplemodels.uncorrelated_background") {
    const auto ws = lh::uncorrelated_background({12, 11}, {50, 52}, {3, 7}, {60, 62});
    // pyhf 0.7 src/pyhf/simplemodels.py spec, with observations and a measurement as in
    // tests/data/pyhf/workspaces/1bin_shapesys.json
    const auto expected = nlohmann::json::parse(R"({
      "version": "1.0.0",
      "channels": [{"name": "singlechannel", "samples": [
        {"name": "signal", "data": [12.0, 11.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
        {"name": "background", "data": [50.0, 52.0],
         "modifiers": [{"name": "uncorr_bkguncrt", "type": "shapesys", "data": [3.0, 7.0]}]}]}],
      "observations": [{"name": "singlechannel", "data": [60.0, 62.0]}],
      "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}]
    })");
    CHECK(rein::io::workspace_to_json(ws) == expected);
    const auto m = lh::make_model(ws);
    check_same_nll(m, lh::make_model(rein::io::workspace_from_json(expected)), 7);
    // pyhf's docstring: expected_data(suggested_init()) = [62, 63, 277.77777778, 55.18367347];
    // main bins are sums of integers (exact), the aux τ = (50/3)², (52/7)² printed to 8 decimals
    const Eigen::VectorXd init = m.parameters().inits();
    CHECK(m.expected_main(init)[0] == 62);
    CHECK(m.expected_main(init)[1] == 63);
    REIN_CHECK_REL(m.expected_aux(init)[0], 277.77777778, 1e-10);
    REIN_CHECK_REL(m.expected_aux(init)[1], 55.18367347, 1e-9);
  }

  TEST_CASE("simple_models: correlated_background is pyhf's simplemodels.correlated_background") {
    const auto ws = lh::correlated_background({12, 11}, {50, 52}, {53, 59}, {45, 49}, {60, 62});
    // pyhf 0.7 src/pyhf/simplemodels.py spec (channel "single_channel"), with observations and a
    // measurement
    const auto expected = nlohmann::json::parse(R"({
      "version": "1.0.0",
      "channels": [{"name": "single_channel", "samples": [
        {"name": "signal", "data": [12.0, 11.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
        {"name": "background", "data": [50.0, 52.0], "modifiers": [
          {"name": "correlated_bkg_uncertainty", "type": "histosys",
           "data": {"hi_data": [53.0, 59.0], "lo_data": [45.0, 49.0]}}]}]}],
      "observations": [{"name": "single_channel", "data": [60.0, 62.0]}],
      "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}]
    })");
    CHECK(rein::io::workspace_to_json(ws) == expected);
    const auto m = lh::make_model(ws);
    check_same_nll(m, lh::make_model(rein::io::workspace_from_json(expected)), 8);
    // pyhf's docstring: expected_data(suggested_init()) = [62, 63, 0]; suggested_init = [1, 0]
    const Eigen::VectorXd init = m.parameters().inits();
    CHECK(m.expected_main(init)[0] == 62);
    CHECK(m.expected_main(init)[1] == 63);
    REQUIRE(m.expected_aux(init).size() == 1);
    CHECK(m.expected_aux(init)[0] == 0);
    CHECK(init[static_cast<Eigen::Index>(m.parameters().index("mu"))] == 1);
    CHECK(init[static_cast<Eigen::Index>(m.parameters().index("correlated_bkg_uncertainty"))] == 0);
  }

  TEST_CASE("simple_models: bad input names the function, sample and lengths") {
    CHECK_THROWS_WITH_AS((void)lh::uncorrelated_background({12, 11}, {50, 52, 3}, {3, 7}, {60, 62}),
                         "rein::likelihood::uncorrelated_background: sample 'background' in channel 'singlechannel' has 3 "
                         "bins, the channel has 2 bins",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::uncorrelated_background({12, 11}, {50, 52}, {3}, {60, 62}),
                         Contains("shapesys 'uncorr_bkguncrt' of sample 'background' in channel 'singlechannel' data has 1 entries"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::correlated_background({12, 11}, {50, 52}, {53, 59}, {45, -1}, {60, 62}),
                         Contains("rein::likelihood::correlated_background: histosys 'correlated_bkg_uncertainty' of sample "
                                  "'background' in channel 'single_channel' lo_data[1] = -1"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::correlated_background({12, 11}, {50, 52}, {53, 59}, {45, 49}, {60}),
                         Contains("observation of channel 'single_channel' has 1 entries, the channel has 2 bins"),
                         rein::invalid_argument);
  }

  TEST_CASE("combine: two single-channel workspaces make the hand-built two-channel workspace") {
    const auto left = lh::workspace_builder()
                          .channel("SR", 2)
                          .sample("signal", {5, 10})
                          .normfactor("mu")
                          .lumi("lumi")
                          .sample("background", {50, 60})
                          .normsys("syst", 1.1, 0.9)
                          .staterror("stat_SR", {2, 3})
                          .observation("SR", {55, 70})
                          .measurement("meas", "mu")
                          .bounds("mu", 0, 5)
                          .lumi_constraint("lumi", 1, 0.02)
                          .build();
    const auto right = lh::workspace_builder()
                           .channel("CR", 2)
                           .sample("signal", {0.5, 1})
                           .normfactor("mu")
                           .sample("background", {200, 150})
                           .histosys("syst", {210, 160}, {190, 141})
                           .shapefactor("sf")
                           .observation("CR", {205, 149})
                           .measurement("meas", "mu")
                           .bounds("mu", 0, 5)  // identical: kept once
                           .inits("sf", {1.2, 0.8})  // new: joined
                           .measurement("right_only", "mu")
                           .lumi_constraint("lumi", 1, 0.05)
                           .build();
    const auto both = lh::workspace_builder()
                          .channel("SR", 2)
                          .sample("signal", {5, 10})
                          .normfactor("mu")
                          .lumi("lumi")
                          .sample("background", {50, 60})
                          .normsys("syst", 1.1, 0.9)
                          .staterror("stat_SR", {2, 3})
                          .channel("CR", 2)
                          .sample("signal", {0.5, 1})
                          .normfactor("mu")
                          .sample("background", {200, 150})
                          .histosys("syst", {210, 160}, {190, 141})
                          .shapefactor("sf")
                          .observation("SR", {55, 70})
                          .observation("CR", {205, 149})
                          .measurement("meas", "mu")
                          .bounds("mu", 0, 5)
                          .lumi_constraint("lumi", 1, 0.02)
                          .inits("sf", {1.2, 0.8})
                          .measurement("right_only", "mu")
                          .lumi_constraint("lumi", 1, 0.05)
                          .build();
    const auto combined = lh::combine(left, right);
    CHECK(rein::io::workspace_to_json(combined) == rein::io::workspace_to_json(both));
    for (const char* measurement : {"meas", "right_only"}) {
      CAPTURE(measurement);
      lh::model_options options;
      options.measurement = measurement;
      const auto a = lh::make_model(combined, options);
      const auto b = lh::make_model(both, options);
      check_same_model(a, b);
      check_same_nll(a, b, 99);
    }
  }

  TEST_CASE("combine: conflicts name the channel, measurement or parameter") {
    const auto left = lh::uncorrelated_background({12, 11}, {50, 52}, {3, 7}, {60, 62});
    CHECK_THROWS_WITH_AS((void)lh::combine(left, left),
                         "rein::likelihood::combine: channel 'singlechannel' is in both workspaces (rename or prune it first)",
                         rein::invalid_argument);
    const auto other = [](const std::string& poi, double mu_upper) {
      return lh::workspace_builder()
          .channel("CR", 1)
          .sample("background", {100})
          .normfactor("mu")
          .normfactor("k")
          .observation("CR", {90})
          .measurement("meas", poi)
          .bounds("mu", 0, mu_upper)
          .build();
    };
    CHECK_NOTHROW((void)lh::combine(lh::combine(left, other("mu", 10)), lh::rename_channel(other("mu", 10), "CR", "CR2")));
    CHECK_THROWS_WITH_AS((void)lh::combine(left, other("k", 10)),
                         "rein::likelihood::combine: measurement 'meas' has POI 'mu' on the left and 'k' on the right",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::combine(lh::combine(left, other("mu", 10)), lh::rename_channel(other("mu", 5), "CR", "CR2")),
                         "rein::likelihood::combine: measurement 'meas' configures parameter 'mu' differently in the two "
                         "workspaces",
                         rein::invalid_argument);
    auto future = other("mu", 10);
    future.version = "1.0.1";
    CHECK_THROWS_WITH_AS((void)lh::combine(left, future), Contains("versions differ: '1.0.0' and '1.0.1'"),
                         rein::invalid_argument);
    // a modifier name of one type on the left and another on the right: validate rejects the union
    const auto conflicting =
        lh::workspace_builder().channel("CR", 1).sample("b", {10}).normsys("uncorr_bkguncrt", 1.1, 0.9).observation("CR", {9}).build();
    CHECK_THROWS_WITH_AS((void)lh::combine(left, conflicting),
                         Contains("modifier 'uncorr_bkguncrt' has type normsys here but a conflicting type"),
                         lh::workspace_error);
  }

  TEST_CASE("combine: rename and prune channels, samples, modifiers and measurements") {
    const auto ws = every_modifier();
    const auto m = lh::make_model(ws);

    const auto renamed_channel = lh::rename_channel(ws, "CR", "control");
    CHECK(renamed_channel.channels[1].name == "control");
    CHECK(renamed_channel.observations[1].name == "control");
    {
      const auto r = lh::make_model(renamed_channel);
      for (const auto& theta : points_inside_bounds(m, 3, 4)) CHECK(m.nll(theta) == r.nll(reorder(m, theta, r)));
    }

    const auto renamed_modifier = lh::rename_modifier(ws, "mu", "signal_strength");
    {
      const auto r = lh::make_model(renamed_modifier);
      CHECK(r.parameters()[r.parameters().poi_index()].name == "signal_strength");
      CHECK(r.parameters()[r.parameters().index("signal_strength")].upper == 5);  // config renamed too
      for (const auto& theta : points_inside_bounds(m, 4, 4))
        CHECK(m.nll(theta) == r.nll(reorder(m, theta, r, {{"mu", "signal_strength"}})));
    }

    const auto renamed_sample = lh::rename_sample(ws, "background", "bkg");
    CHECK(renamed_sample.channels[0].samples[1].name == "bkg");
    CHECK(renamed_sample.channels[1].samples[0].name == "bkg");
    CHECK(lh::rename_measurement(ws, "meas", "main").measurements[0].name == "main");

    // pruning what combine added gives the pieces back
    const auto sr_only = lh::prune_channels(ws, {"CR"});
    REQUIRE(sr_only.channels.size() == 1);
    CHECK(sr_only.channels[0].name == "SR");
    REQUIRE(sr_only.observations.size() == 1);
    CHECK(sr_only.observations[0].name == "SR");

    const auto no_fakes = lh::prune_samples(ws, {"fakes"});
    CHECK(no_fakes.channels[0].samples.size() == 2);
    CHECK(!lh::make_model(no_fakes).parameters().contains("fakes_unc[0]"));

    const auto no_lumi = lh::prune_modifiers(ws, {"lumi"});
    CHECK(!lh::make_model(no_lumi).parameters().contains("lumi"));
    for (const auto& p : no_lumi.measurements[0].parameters) CHECK(p.name != "lumi");

    const auto no_stat = lh::prune_modifier_types(ws, {lh::modifier_type::staterror, lh::modifier_type::shapefactor});
    {
      const auto r = lh::make_model(no_stat);
      CHECK(!r.parameters().contains("stat_SR[0]"));
      CHECK(!r.parameters().contains("cr_shape[0]"));
      CHECK(r.parameters().size() == m.parameters().size() - 5);
    }
    CHECK(lh::prune_measurements(ws, {"meas"}).measurements.front().name == "alternative");
  }

  TEST_CASE("combine: rename and prune reject unknown names and invalid results") {
    const auto ws = every_modifier();
    CHECK_THROWS_WITH_AS((void)lh::prune_channels(ws, {"VR"}),
                         "rein::likelihood::prune_channels: the workspace has no channel named 'VR' (it has 'CR', 'SR')",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::prune_samples(ws, {"ttbar"}), Contains("no sample named 'ttbar'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::prune_modifiers(ws, {"jes"}), Contains("no modifier named 'jes'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::prune_modifier_types(lh::prune_modifiers(ws, {"lumi"}), {lh::modifier_type::lumi}),
                         Contains("prune_modifier_types: the workspace has no modifier of type 'lumi'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::prune_measurements(ws, {"other"}), Contains("no measurement named 'other'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::rename_channel(ws, "VR", "X"), Contains("rename_channel: the workspace has no channel named 'VR'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::rename_sample(ws, "ttbar", "X"), Contains("no sample named 'ttbar'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::rename_modifier(ws, "jes", "X"), Contains("no modifier named 'jes'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::rename_measurement(ws, "other", "X"), Contains("no measurement named 'other'"),
                         rein::invalid_argument);
    // results that are not valid workspaces
    CHECK_THROWS_WITH_AS((void)lh::rename_channel(ws, "CR", "SR"), Contains("channel name 'SR' appears twice"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)lh::rename_modifier(ws, "cr_shape", "mu"), Contains("modifier 'mu' has type"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)lh::prune_modifiers(ws, {"mu"}), Contains("parameter of interest 'mu' is not a modifier"),
                         lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)lh::prune_channels(ws, {"SR", "CR"}), Contains("at least one channel"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)lh::prune_samples(ws, {"background", "signal"}), Contains("channel 'CR' has no samples"),
                         lh::workspace_error);
  }

  TEST_CASE("builder: bad input throws at the call, naming channel, sample, modifier, index and value") {
    // bin counts
    CHECK_THROWS_WITH_AS((base().sample("other", {1, 2, 3})),
                         "rein::likelihood::workspace_builder: sample 'other' in channel 'SR' has 3 bins, the channel has 2 bins",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().histosys("shape", {1, 2, 3}, {1, 2})),
                         "rein::likelihood::workspace_builder: histosys 'shape' of sample 'background' in channel 'SR' hi_data "
                         "has 3 entries, the sample has 2 bins",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().histosys("shape", {1, 2}, {1})),
                         Contains("histosys 'shape' of sample 'background' in channel 'SR' lo_data has 1 entries"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().shapesys("unc", {1, 2, 3})),
                         Contains("shapesys 'unc' of sample 'background' in channel 'SR' data has 3 entries, the sample has 2 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().staterror("stat", {1})),
                         Contains("staterror 'stat' of sample 'background' in channel 'SR' data has 1 entries, the sample has 2 bins"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().channel("CR", 3).sample("b", {1, 2, 3}).shapefactor("sf").select("SR", "signal").shapefactor("sf")),
                         Contains("shapefactor 'sf' of sample 'signal' in channel 'SR' acts on 2 bins, but on 3 bins in sample 'b' "
                                  "in channel 'CR'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().channel("CR", 0), Contains("channel 'CR' has 0 bins"), rein::invalid_argument);

    // names
    CHECK_THROWS_WITH_AS(base().channel("SR", 2), "rein::likelihood::workspace_builder: channel 'SR' already exists",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().sample("signal", {1, 2})), Contains("sample 'signal' already exists in channel 'SR'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().channel("", 2), Contains("channel name is empty"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().normfactor(""), Contains("normfactor modifier name of sample 'background' in channel 'SR' is empty"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().normsys("syst", 1.2, 0.8),
                         Contains("normsys 'syst' of sample 'background' in channel 'SR' is already there"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().select("VR"), Contains("no channel named 'VR'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().select("SR", "ttbar"), Contains("channel 'SR' has no sample named 'ttbar'"), rein::invalid_argument);

    // modifier types: one name, one parameter type, except normsys + histosys (validate.hpp's rule)
    CHECK_THROWS_WITH_AS((base().select("SR", "signal").shapesys("syst", {1, 1})),
                         "rein::likelihood::workspace_builder: shapesys 'syst' of sample 'signal' in channel 'SR' conflicts with "
                         "normsys 'syst' of sample 'background' in channel 'SR' (one name, one parameter type; only normsys and "
                         "histosys may share a name)",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().normfactor("syst"), Contains("normfactor 'syst' of sample 'background' in channel 'SR' conflicts with normsys 'syst'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().select("SR", "signal").lumi("mu"), Contains("lumi 'mu' of sample 'signal' in channel 'SR' conflicts with normfactor 'mu'"),
                         rein::invalid_argument);
    {
      auto b = base();
      CHECK_NOTHROW((b.histosys("syst", {52, 63}, {47, 58})));
      const auto m = lh::make_model(b.observation("SR", {55, 70}).build());
      CHECK(m.parameters().size() == 2);  // mu and the shared syst
    }
    CHECK_THROWS_WITH_AS((base().shapesys("unc", {1, 1}).select("SR", "signal").shapesys("unc", {1, 1})),
                         Contains("shapesys 'unc' of sample 'signal' in channel 'SR': shapesys parameters cannot be shared, 'unc' "
                                  "is already used by sample 'background' in channel 'SR'"),
                         rein::invalid_argument);

    // values
    CHECK_THROWS_WITH_AS((base().sample("other", {1, -3})),
                         "rein::likelihood::workspace_builder: sample 'other' in channel 'SR' data[1] = -3, must be finite and >= 0",
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().sample("other", {not_a_number, 1})), Contains("sample 'other' in channel 'SR' data[0] = nan"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().normsys("n", -1, 0.9),
                         Contains("normsys 'n' of sample 'background' in channel 'SR' hi = -1, must be finite and > 0"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().normsys("n", 1.1, not_a_number), Contains("normsys 'n' of sample 'background' in channel 'SR' lo = nan"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().staterror("stat", {1, -0.5})),
                         Contains("staterror 'stat' of sample 'background' in channel 'SR' data[1] = -0.5"), rein::invalid_argument);

    // order of calls
    CHECK_THROWS_WITH_AS((lh::workspace_builder().sample("s", {1})), Contains("sample 's' added before any channel"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(lh::workspace_builder().channel("SR", 1).normfactor("mu"), Contains("normfactor 'mu' added before any sample"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().bounds("mu", 0, 5), Contains("parameter configuration before any measurement"), rein::invalid_argument);

    // observations
    CHECK_THROWS_WITH_AS((base().observation("CR", {1, 2})),
                         "rein::likelihood::workspace_builder: observation for unknown channel 'CR'", rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().observation("SR", {1, 2, 3})),
                         Contains("observation of channel 'SR' has 3 entries, the channel has 2 bins"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().observation("SR", {1, 2}).observation("SR", {1, 2})), Contains("channel 'SR' is already observed"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((base().observation("SR", {1, -2})), Contains("observation of channel 'SR' data[1] = -2, must be finite and >= 0"),
                         rein::invalid_argument);

    // measurements
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").measurement("meas", "mu"), Contains("measurement 'meas' already exists"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").bounds("mu", 5, 0),
                         Contains("measurement 'meas': parameter 'mu' bounds[0] = [5, 0] are not ordered"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").bounds("mu", not_a_number, 1), Contains("parameter 'mu' bounds[0] = [nan, 1]"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").lumi_constraint("lumi", 1, 0),
                         Contains("measurement 'meas': parameter 'lumi' sigmas[0] = 0, must be finite and > 0"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").init("mu", not_a_number), Contains("parameter 'mu' inits[0] = nan, must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").init("mu", 1).init("mu", 2),
                         Contains("measurement 'meas': parameter 'mu' inits is already set"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(base().measurement("meas", "mu").fixed("syst").fixed("syst"), Contains("parameter 'syst' fixed is already set"),
                         rein::invalid_argument);
  }

  TEST_CASE("builder: build checks the whole workspace through validate") {
    CHECK_THROWS_WITH_AS((void)base().build(), Contains("channel 'SR' (/channels/0) has no observation"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)base().observation("SR", {1, 2}).channel("CR", 1).build(), Contains("channel 'CR' has no samples"),
                         lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)base().observation("SR", {1, 2}).measurement("meas", "nope").build(),
                         Contains("/measurements/0/config/poi: parameter of interest 'nope' is not a modifier"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)base().observation("SR", {1, 2}).measurement("meas", "mu").bounds("mu", {{0, 1}, {0, 2}}).build(),
                         Contains("bounds has 2 entries, parameter set 'mu' has 1"), lh::workspace_error);
    CHECK_THROWS_WITH_AS((void)base().lumi("lumi").observation("SR", {1, 2}).measurement("meas", "mu").build(),
                         Contains("lumi modifier 'lumi' needs a parameter config with auxdata and sigmas"), lh::workspace_error);
    // the message is an invalid_argument's too
    CHECK_THROWS_AS((void)base().build(), rein::invalid_argument);
  }

  TEST_CASE("make_model: model_options::inits (--init) start free parameters elsewhere, within their bounds") {
    const auto ws = base().observation("SR", {60, 70}).measurement("meas", "mu").fixed("syst").build();
    lh::model_options options;
    options.inits = {{"mu", 3.5}};
    const auto m = lh::make_model(ws, options);
    const auto& layout = m.parameters();
    CHECK(layout[layout.index("mu")].init == 3.5);
    CHECK(!layout[layout.index("mu")].fixed);
    CHECK(layout[layout.index("mu")].upper == 10);  // pyhf's normfactor bounds, unchanged
    // everything else as without the option
    const auto plain = lh::make_model(ws);
    for (std::size_t i = 0; i < layout.size(); ++i)
      if (layout[i].name != "mu") CHECK(layout[i].init == plain.parameters()[i].init);
    using doctest::Contains;
    options.inits = {{"mu", 11.0}};
    CHECK_THROWS_WITH_AS((void)lh::make_model(ws, options),
                         "rein::likelihood::make_model: init 'mu' = 11 must be finite and within its bounds [0, 10]",
                         rein::invalid_argument);
    options.inits = {{"syst", 0.5}};  // fixed by the measurement: its init is the held value
    CHECK_THROWS_WITH_AS((void)lh::make_model(ws, options), Contains("init 'syst': the parameter is fixed"), rein::invalid_argument);
    options.inits = {{"nu", 1.0}};
    CHECK_THROWS_WITH_AS((void)lh::make_model(ws, options), Contains("init 'nu': the model has no parameter 'nu'"),
                         rein::invalid_argument);
  }
}
}  // namespace builder_test
