// The likelihood layers as sub-folders (docs/layers.md): the old paths forward to the new ones;
// the model's own yield Jacobian (model::yield_jacobian) against central differences; the
// interpolation codes' names through the one enum-name helper.
#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/interpolation.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/model.hpp"
#include "rein/likelihood/model/interpolation.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/workspace/builder.hpp"
#include "rein/likelihood/yield_jacobian.hpp"
#include "support/close.hpp"
#include "support/workspaces.hpp"

#include <doctest/doctest.h>

#include <string>

namespace layers_test {

TEST_SUITE("likelihood") {
  TEST_CASE("model::yield_jacobian: values are expected_sample's bit for bit, derivatives central differences'") {
    namespace lh = rein::likelihood;
    const auto ws = rein::test::one_channel_of_every_kind();
    const auto model = lh::make_model(ws);
    Eigen::VectorXd theta = model.parameters().inits();
    for (Eigen::Index j = 0; j < theta.size(); ++j) theta[j] += 0.1 + 0.05 * static_cast<double>(j);  // off the kinks at 0
    const auto y = model.yield_jacobian(theta);
    const auto forwarded = lh::yield_jacobian(model, theta);
    CHECK(forwarded.values == y.values);
    REQUIRE(y.first.size() == 2);
    for (std::size_t si = 0; si < 2; ++si) {
      const auto& name = model.samples()[si].name;
      const Eigen::VectorXd nu = model.expected_sample(theta, "SR", name);
      for (Eigen::Index b = 0; b < 2; ++b) CHECK(y.values[static_cast<Eigen::Index>(y.first[si]) + b] == nu[b]);  // one formula
    }
    // central differences with h = 1e-6: truncation O(h²) ~ 1e-12 and rounding ~ 1e-16 · ν/h ~ 1e-8
    // relative to the yields (ν ≤ 60), so 1e-6 absolute on derivatives of order 1..60
    const double h = 1e-6;
    for (Eigen::Index j = 0; j < theta.size(); ++j) {
      Eigen::VectorXd up = theta, down = theta;
      up[j] += h;
      down[j] -= h;
      const auto y_up = model.yield_jacobian(up), y_down = model.yield_jacobian(down);
      for (Eigen::Index r = 0; r < y.values.size(); ++r)
        REIN_CHECK_ABS(y.jacobian(r, j), (y_up.values[r] - y_down.values[r]) / (2 * h), 1e-6);
    }
  }

  TEST_CASE("interpolation_code_from_string: the names of to_string, others refused naming them all") {
    for (const auto code : rein::likelihood::all_interpolation_codes)
      CHECK(rein::likelihood::interpolation_code_from_string(rein::likelihood::to_string(code)) == code);
    CHECK_THROWS_WITH_AS(rein::likelihood::interpolation_code_from_string("code3"),
                         "rein::likelihood::interpolation_code_from_string: unknown code 'code3', expected code0, code1, code2, "
                         "code4, code4p",
                         rein::invalid_argument);
  }
}

}  // namespace layers_test
