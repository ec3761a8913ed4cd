// What a model shows of its samples (model::samples(): sample_info) and the model operation
// reparametrize (a new layout, some channels' samples reading another parameter).
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/model/reparametrize.hpp"
#include "rein/likelihood/workspace/builder.hpp"
#include "support/message.hpp"
#include "support/workspaces.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace reparametrize_test {

namespace lh = rein::likelihood;

// Channels A and B, each with a signal scaled by mu and a background with a normsys.
lh::workspace two_channels() {
  return lh::workspace_builder()
      .channel("A", 2)
      .sample("signal", {5, 10}).normfactor("mu")
      .sample("background", {50, 52}).normsys("bkg_norm", 1.1, 0.9)
      .channel("B", 3)
      .sample("signal", {2, 4, 6}).normfactor("mu")
      .sample("background", {20, 21, 22}).normsys("bkg_norm", 1.1, 0.9)
      .observation("A", {55, 60})
      .observation("B", {22, 26, 27})
      .measurement("meas", "mu")
      .build();
}

TEST_SUITE("likelihood") {
  TEST_CASE("model::samples: each sample's channel, bins and the parameters its modifiers read") {
    const auto ws = rein::test::one_channel_of_every_kind();
    const auto m = lh::make_model(ws);
    const auto& layout = m.parameters();
    const auto index = [&](const char* name) { return layout.index(name); };
    REQUIRE(m.samples().size() == 2);
    const auto& signal = m.samples()[0];
    CHECK(signal.channel == "SR");
    CHECK(signal.name == "signal");
    CHECK(signal.offset == 0);
    CHECK(signal.nominal == std::vector<double>{5, 10});
    CHECK(signal.scalar_parameters == std::vector<std::size_t>{index("mu"), index("lumi")});  // workspace order
    CHECK(signal.shift_parameters.empty());
    CHECK(signal.bin_parameters.empty());
    CHECK_FALSE(signal.nonconvex_interpolation);
    const auto& background = m.samples()[1];
    CHECK(background.scalar_parameters == std::vector<std::size_t>{index("bkg_norm")});
    CHECK(background.shift_parameters == std::vector<std::size_t>{index("shape")});
    CHECK(background.bin_parameters == std::vector<std::vector<std::size_t>>{{index("stat_SR[0]"), index("stat_SR[1]")}});
    CHECK_FALSE(background.nonconvex_interpolation);  // pyhf's defaults: code4 and code4p are smooth

    lh::model_options code0;
    code0.histosys = lh::interpolation_code::code0;
    CHECK(lh::make_model(ws, code0).samples()[1].nonconvex_interpolation);
    lh::model_options code2;
    code2.normsys = lh::interpolation_code::code2;
    CHECK(lh::make_model(ws, code2).samples()[1].nonconvex_interpolation);
    CHECK_FALSE(lh::make_model(ws, code2).samples()[0].nonconvex_interpolation);
  }

  TEST_CASE("reparametrize: a channel's samples read an appended copy of a parameter") {
    const auto m = lh::make_model(two_channels());
    const std::size_t mu = m.parameters().index("mu");
    auto parameters = m.parameters().all();
    auto copy = parameters[mu];
    copy.name = copy.set = "mu_B";
    parameters.push_back(copy);
    const auto split = lh::reparametrize(m, rein::parameter_layout(parameters, std::string("mu")), {{"B", mu, parameters.size() - 1}});
    CHECK(split.parameters().size() == m.parameters().size() + 1);
    CHECK(split.samples()[2].scalar_parameters == std::vector<std::size_t>{parameters.size() - 1});
    CHECK(split.samples()[0].scalar_parameters == std::vector<std::size_t>{mu});
    // A at μ = 1.3 and B at μ_B = 2 are the original model's yields there, bit for bit (the same products)
    Eigen::VectorXd theta = m.parameters().inits();
    theta[static_cast<Eigen::Index>(mu)] = 1.3;
    Eigen::VectorXd theta_b = theta;
    theta_b[static_cast<Eigen::Index>(mu)] = 2;
    Eigen::VectorXd theta_split(theta.size() + 1);
    theta_split << theta, 2.0;
    const Eigen::VectorXd nu = split.expected_main(theta_split);
    CHECK(nu.head(2) == m.expected_main(theta).head(2));
    CHECK(nu.tail(3) == m.expected_main(theta_b).tail(3));
    CHECK(split.observed().main == m.observed().main);
    CHECK(split.observed().aux == m.observed().aux);
    // no redirect: the same model under the same layout, the same nll bit for bit
    CHECK(lh::reparametrize(m, m.parameters()).nll(theta) == m.nll(theta));
  }

  TEST_CASE("reparametrize: bad layouts and redirects") {
    const auto m = lh::make_model(two_channels());
    const std::size_t mu = m.parameters().index("mu");
    auto fewer = m.parameters().all();
    fewer.pop_back();
    CHECK(rein::test::message_of([&] { (void)lh::reparametrize(m, rein::parameter_layout(fewer)); }) ==
          "rein::likelihood::reparametrize: the layout has 1 parameters, the model has 2");
    auto constrained = m.parameters().all();
    constrained[mu].constraint = rein::constraint_kind::normal;
    CHECK(rein::test::message_of([&] { (void)lh::reparametrize(m, rein::parameter_layout(constrained)); }) ==
          "rein::likelihood::reparametrize: the layout's constrained parameters differ from the model's");
    CHECK(rein::test::message_of([&] { (void)lh::reparametrize(m, m.parameters(), {{"C", mu, mu}}); }) ==
          "rein::likelihood::reparametrize: the model has no channel 'C'");
    CHECK(rein::test::message_of([&] { (void)lh::reparametrize(m, m.parameters(), {{"B", mu, 2}}); }) ==
          "rein::likelihood::reparametrize: redirect " + std::to_string(mu) + " -> 2 in channel 'B': the layout has 2 parameters");
  }
}

}  // namespace reparametrize_test
