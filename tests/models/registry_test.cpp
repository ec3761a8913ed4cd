#include "rein/models/registry.hpp"
#include "rein/models/tabulated.hpp"
#include "rein/reweight/named_rates.hpp"
#include "support/close.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace registry_test {

TEST_SUITE("models") {
  TEST_CASE("the built-in WET alternative carries the parameters of Belle II's published model") {
    // reference: new_pars of data/belle2-knunu/reinterpretation_likelihood_wet.json (redist's file)
    std::ifstream in(rein::test::shipped_data("belle2-knunu/reinterpretation_likelihood_wet.json"));
    const auto file = nlohmann::json::parse(in);
    const auto& wet = rein::models::find_alternative("wet-b-to-k-nunu");
    REQUIRE(wet.parameters.size() == 11);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& p = wet.parameters[k];
      const auto& published = file["new_pars"][0][p.name];
      CHECK(p.init == published["inits"][0].get<double>());  // exact: the same decimal
      CHECK(p.lower == published["bounds"][0][0].get<double>());
      CHECK(p.upper == published["bounds"][0][1].get<double>());
    }
    for (std::size_t k = 0; k < 8; ++k) {
      const auto& p = wet.parameters[3 + k];
      CHECK(p.name == "FFK[" + std::to_string(k) + "]");
      CHECK(p.init == file["new_pars"][0]["FFK"]["inits"][k].get<double>());
      CHECK(std::isinf(p.lower));
      CHECK(std::isinf(p.upper));
    }
    CHECK(rein::models::named_nulls().front() == "hpqcd-b-to-k-nunu");
    // the old header forwards to the registry
    CHECK(rein::reweight::named_alternatives() == rein::models::named_alternatives());
  }

  TEST_CASE("canonical_rate_name: rein rate's older spellings name registered rates") {
    for (const std::string old : {"b_to_k_nunu", "hpqcd_null"}) {
      const std::string name = rein::models::canonical_rate_name(old);
      const auto nulls = rein::models::named_nulls(), alternatives = rein::models::named_alternatives();
      CHECK(std::count(nulls.begin(), nulls.end(), name) + std::count(alternatives.begin(), alternatives.end(), name) == 1);
    }
    CHECK(rein::models::canonical_rate_name("b_to_k_nunu") == "wet-b-to-k-nunu");
    CHECK(rein::models::canonical_rate_name("hpqcd_null") == "hpqcd-b-to-k-nunu");
    CHECK(rein::models::canonical_rate_name("sm-plus-invisible-resonance") == "sm-plus-invisible-resonance");
  }

  TEST_CASE("a user's tabulated null joins the registry by name and integrates as its table says") {
    // the table (0, 3), (5, 13), (10, 23) is the line σ0(x) = 3 + 2x in x = q², so ∫_1^3 = [3x + x²]
    // = 14 and ∫_3^5 = 22 (closed form; the kink-free bins make the 16-node rules exact to rounding)
    rein::models::add_null(rein::models::tabulated_null("test-linear", {0, 5, 10}, {3, 13, 23}));
    const auto rates = rein::models::make_named_rates("test-linear", "wet-b-to-k-nunu", {1, 3, 5});
    REIN_CHECK_REL(rates->null_integrals()[0], 14.0, 1e-13);
    REIN_CHECK_REL(rates->null_integrals()[1], 22.0, 1e-13);
    CHECK(rates->parameters() == 11);

    CHECK_THROWS_WITH_AS(rein::models::add_null(rein::models::tabulated_null("test-linear", {0, 1}, {1, 1})),
                         doctest::Contains("a rate named 'test-linear' exists already"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::models::make_named_rates("sm", "wet-b-to-k-nunu", {1, 3}),
                         doctest::Contains("unknown null rate 'sm'; known: 'hpqcd-b-to-k-nunu', 'test-linear'"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::models::tabulated_null("bad", {0, 2, 1}, {1, 1, 1}),
                         doctest::Contains("q2[2] = 1 must be finite and greater than the previous point"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)rein::models::tabulated_null("bad", {0, 1}, {1, -1}),
                         doctest::Contains("rate[1] = -1 must be finite and >= 0"), rein::invalid_argument);
  }

  TEST_CASE("a tabulated alternative integrates its linear interpolant exactly, kinks inside bins included, times scale") {
    // the triangle (0, 0), (1, 2), (3, 0): ∫ over [0.5, 2] = 0.75 + 1.5 = 2.25 (trapezoids by hand),
    // over [2, 4] = 0.5 (zero beyond the table); the whole triangle is 3
    rein::models::add_alternative(rein::models::tabulated_alternative("test-triangle", {0, 1, 3}, {0, 2, 0}));
    const auto& entry = rein::models::find_alternative("test-triangle");
    REQUIRE(entry.parameters.size() == 1);
    CHECK(entry.parameters[0].name == "scale");
    const auto rates = rein::models::make_named_rates("hpqcd-b-to-k-nunu", "test-triangle", {0, 0.5, 2, 4});
    const double scale = 1.5;
    std::vector<double> integrals(3), jacobian(3);
    rates->alternative_integrals(&scale, integrals.data(), jacobian.data());
    REIN_CHECK_REL(integrals[0], 1.5 * 0.25, 1e-15);
    REIN_CHECK_REL(integrals[1], 1.5 * 2.25, 1e-15);
    REIN_CHECK_REL(integrals[2], 1.5 * 0.5, 1e-15);
    REIN_CHECK_REL(jacobian[1], 2.25, 1e-15);
    CHECK_THROWS_WITH_AS((void)rein::models::tabulated_alternative("bad", {0, 1}, {1, std::nan("")}),
                         doctest::Contains("tabulated_alternative 'bad': rate[1] = nan must be finite and >= 0"),
                         rein::invalid_argument);
  }

  TEST_CASE("add_null and add_alternative refuse older spellings, bad supports and bad parameters, naming them") {
    using rein::invalid_argument;
    // 'b_to_k_nunu' would be read as the built-in WET rate by every file and --alt: never this one
    CHECK_THROWS_WITH_AS(rein::models::add_null(rein::models::tabulated_null("hpqcd_null", {0, 1}, {1, 1})),
                         "rein::models::add_null: 'hpqcd_null' is the older spelling of 'hpqcd-b-to-k-nunu'; choose another name",
                         invalid_argument);
    CHECK_THROWS_WITH_AS(rein::models::add_null({"test-empty-support", "", [](double) { return 1.0; }, 5, 1}),
                         "rein::models::add_null: 'test-empty-support' has the support q2_min = 5, q2_max = 1; need q2_min < q2_max",
                         invalid_argument);
    CHECK_THROWS_WITH_AS(rein::models::add_null({"test-nan-support", "", [](double) { return 1.0; }, std::nan(""), 1}),
                         doctest::Contains("q2_min = nan, q2_max = 1; need q2_min < q2_max"), invalid_argument);
    auto alternative = rein::models::tabulated_alternative("b_to_k_nunu", {0, 1}, {1, 1});
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative),
                         "rein::models::add_alternative: 'b_to_k_nunu' is the older spelling of 'wet-b-to-k-nunu'; choose another name",
                         invalid_argument);
    alternative.name = "test-bad-parameters";
    const double inf = std::numeric_limits<double>::infinity();
    alternative.parameters = {{"a", 0, -1, 1}, {"a", 0, -1, 1}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative),
                         "rein::models::add_alternative: 'test-bad-parameters' parameters[1] = 'a' repeats parameters[0]", invalid_argument);
    alternative.parameters = {{"a", 0, -1, 1}, {"", 0, -1, 1}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative),
                         "rein::models::add_alternative: 'test-bad-parameters' parameters[1] has no name", invalid_argument);
    alternative.parameters = {{"a", 0, 1, -1}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative),
                         "rein::models::add_alternative: 'test-bad-parameters' parameters[0] ('a') has lower = 1, upper = -1; need "
                         "lower < upper (±inf for none)",
                         invalid_argument);
    alternative.parameters = {{"a", 0, std::nan(""), 1}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative), doctest::Contains("has lower = nan, upper = 1"), invalid_argument);
    alternative.parameters = {{"a", 5, 0, 1}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative),
                         "rein::models::add_alternative: 'test-bad-parameters' parameters[0] ('a') has init = 5; need a finite value "
                         "in [0, 1]",
                         invalid_argument);
    alternative.parameters = {{"a", inf, -inf, inf}};
    CHECK_THROWS_WITH_AS(rein::models::add_alternative(alternative), doctest::Contains("('a') has init = inf; need a finite value in [-inf, inf]"),
                         invalid_argument);
    // nothing refused was added
    const auto names = rein::models::named_alternatives();
    CHECK(std::count(names.begin(), names.end(), "test-bad-parameters") == 0);
  }
}
}  // namespace registry_test
