#include "rein/core/parameter_key.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/make_model.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

namespace fixed_parameters_test {

namespace {

rein::likelihood::model normsys_model() {
  return rein::likelihood::make_model(rein::io::read_workspace(rein::test::test_data("pyhf/workspaces/1bin_normsys.json")));
}

}  // namespace

TEST_SUITE("fit") {
  TEST_CASE("fit_options::fixed: a parameter by index is the same fit as by name, bit for bit") {
    const auto m = normsys_model();
    const std::size_t bkg = m.parameters().index("bkg_norm");
    for (const double mu : {0.0, 0.7, 2.5}) {
      rein::fit::fit_options by_name, by_index;
      by_name.fixed = {{"mu", mu}, {"bkg_norm", 0.3}};
      by_index.fixed = {{m.parameters().poi_index(), mu}, {bkg, 0.3}};
      const auto a = rein::fit::fit(m, by_name), b = rein::fit::fit(m, by_index);
      // the same minimisation: the key only says which parameter is held
      CHECK(a.twice_nll == b.twice_nll);
      CHECK(a.values == b.values);
      CHECK(a.fixed == b.fixed);
      CHECK(a.status == b.status);
    }
  }

  TEST_CASE("parameter_key: by index or name, resolved against a layout") {
    const auto m = normsys_model();
    const auto& layout = m.parameters();
    const std::size_t mu = layout.index("mu");
    const rein::parameter_key by_name("mu"), by_index(mu), zero(0), unknown("nu"), beyond(layout.size());
    CHECK(by_name.refers_to(layout, mu));
    CHECK(by_index.refers_to(layout, mu));
    CHECK(by_name.index_in(layout) == mu);
    CHECK(by_index.name_in(layout) == "mu");
    CHECK(zero.index_in(layout) == 0);  // the literal 0 is an index, not a null name
    CHECK_FALSE(unknown.in(layout));
    CHECK_FALSE(unknown.refers_to(layout, mu));
    CHECK_FALSE(beyond.in(layout));
    CHECK(beyond.name_in(layout) == "#" + std::to_string(layout.size()));
    CHECK_THROWS_WITH_AS((void)unknown.index_in(layout), doctest::Contains("no parameter named 'nu'"), rein::invalid_argument);
    const std::string out_of_range = "no parameter with index " + std::to_string(layout.size());
    CHECK_THROWS_WITH_AS((void)beyond.index_in(layout), doctest::Contains(out_of_range.c_str()), rein::invalid_argument);
    rein::fit::fit_options options;
    options.fixed = {{layout.size(), 1.0}};
    CHECK_THROWS_AS((void)rein::fit::fit(m, options), rein::invalid_argument);
  }
}

}  // namespace fixed_parameters_test
