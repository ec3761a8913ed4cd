// io::require_finite (io/json/require_finite.hpp): a non-finite number in a result's JSON is
// refused with its JSON pointer and the names of the objects around it.
#include "rein/io/json/require_finite.hpp"

#include <doctest/doctest.h>

#include <limits>

namespace require_finite_test {

TEST_SUITE("io") {
  TEST_CASE("require_finite: finite numbers, strings and null pass; NaN and infinity are named by pointer") {
    const nlohmann::json ok = {{"a", 1.5}, {"b", nullptr}, {"c", {1, 2, 3}}, {"name", "x"}};
    CHECK_NOTHROW(rein::io::require_finite(ok, "rein test"));
    const nlohmann::json bad = {
        {"channels", {{{"name", "SR"}, {"samples", {{{"name", "ttbar"}, {"yields", {1.0, std::numeric_limits<double>::infinity()}}}}}}}}};
    CHECK_THROWS_WITH_AS(rein::io::require_finite(bad, "rein test"),
                         "rein test: the output's /channels/0/samples/0/yields/1 ('SR', 'ttbar') is inf, not a finite number: the "
                         "model's inputs overflow or are degenerate there",
                         rein::domain_error);
    CHECK_THROWS_WITH_AS(rein::io::require_finite(nlohmann::json{std::numeric_limits<double>::quiet_NaN()}, "w"),
                         doctest::Contains("w: the output's /0 is nan"), rein::domain_error);
  }
}

}  // namespace require_finite_test
