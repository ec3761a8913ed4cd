// rein::likelihood's pyhf workspace edits (combine with a join, prune, rename, sorted) against the
// JSON that pyhf's own verbs print for the same edit of the same files
// (tests/data/pyhf/workspace_verbs/expected.json: pyhf 0.7.6.dev398, commit b3dc4bb2, exact commands in it).
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/likelihood/combine.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <string>

namespace combine_test {

namespace {

namespace lh = rein::likelihood;
using doctest::Contains;

lh::workspace fixture(const std::string& name) {
  const std::string path = rein::test::test_data("pyhf/" + name);
  return rein::io::workspace_from_json(rein::io::read_json(path), path);
}

// pyhf's output for the case `id`; compared as JSON values: nlohmann's objects are key-ordered
// and its numbers compare by value (pyhf's 10 equals rein's 10.0), so equality is exact
nlohmann::json pyhf_output(const std::string& id) {
  static const auto expected = rein::io::read_json(rein::test::test_data("pyhf/workspace_verbs/expected.json"));
  for (const auto& c : expected["cases"])
    if (c["id"] == id) return c.contains("output") ? c["output"] : nlohmann::json();
  FAIL("no case " << id);
  return {};
}

}  // namespace

TEST_SUITE("likelihood") {
  TEST_CASE("combine: pyhf's joins give pyhf's workspaces") {
    const auto normsys = fixture("workspaces/1bin_normsys.json");
    const auto two = fixture("workspaces/2bin_2channel.json");
    const auto coupled = fixture("workspaces/2bin_2channel_coupledhistosys.json");
    CHECK(rein::io::workspace_to_json(lh::combine(normsys, two, lh::join_mode::outer)) == pyhf_output("combine_outer"));
    CHECK(rein::io::workspace_to_json(lh::combine(normsys, fixture("workspace_verbs/2bin_2channel_meas2.json"), lh::join_mode::none)) ==
          pyhf_output("combine_none_renamed"));
    CHECK(rein::io::workspace_to_json(lh::combine(coupled, two, lh::join_mode::left_outer)) == pyhf_output("combine_left_outer"));
    CHECK(rein::io::workspace_to_json(lh::combine(coupled, two, lh::join_mode::right_outer)) == pyhf_output("combine_right_outer"));
    CHECK(rein::io::workspace_to_json(lh::combine(coupled, two, lh::join_mode::left_outer, true)) ==
          pyhf_output("combine_left_outer_merge"));
    // what pyhf refuses (its InvalidWorkspaceOperation), with every culprit named
    CHECK_THROWS_WITH_AS((void)lh::combine(normsys, two, lh::join_mode::none),
                         Contains("the two workspaces have measurements of the same name ('meas'); join 'none' allows none"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::combine(coupled, two, lh::join_mode::outer),
                         Contains("the two workspaces have channels of the same name that differ ('control', 'signal')"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)lh::combine(coupled, two, lh::join_mode::none, true), Contains("merging channels needs join 'outer'"),
                         rein::invalid_argument);
    // an identical workspace joins with itself (outer): nothing doubles
    CHECK(rein::io::workspace_to_json(lh::combine(two, two, lh::join_mode::outer)) == rein::io::workspace_to_json(two));
  }

  TEST_CASE("combine: join names as pyhf spells them") {
    CHECK(lh::join_mode_from_string("left outer") == lh::join_mode::left_outer);
    CHECK(lh::join_mode_from_string("right_outer") == lh::join_mode::right_outer);
    CHECK(std::string(lh::to_string(lh::join_mode::right_outer)) == "right outer");
    CHECK_THROWS_WITH_AS((void)lh::join_mode_from_string("outr"), Contains("join 'outr' (did you mean 'outer'?)"), rein::invalid_argument);
  }

  TEST_CASE("prune, rename, sorted: pyhf's results, all names at once") {
    const auto two = fixture("workspaces/2bin_2channel.json");
    const auto example = fixture("patchset/example_bkgonly.json");
    lh::workspace_pruning channel;
    channel.channels = {"control"};
    CHECK(rein::io::workspace_to_json(lh::prune(two, channel)) == pyhf_output("prune_channel"));
    lh::workspace_pruning many;
    many.samples = {"background2"};
    many.modifiers = {"syst1"};
    many.modifier_types = {lh::modifier_type::staterror};
    many.measurements = {"GammaExample", "ConstExample"};
    CHECK(rein::io::workspace_to_json(lh::prune(example, many)) == pyhf_output("prune_many"));
    lh::workspace_renaming swap;
    swap.channels = {{"signal", "control"}, {"control", "signal"}};  // at once: a swap, not a clash
    swap.samples = {{"background", "bkg"}};
    swap.modifiers = {{"mu", "poi"}};
    swap.measurements = {{"meas", "main"}};
    CHECK(rein::io::workspace_to_json(lh::rename(two, swap)) == pyhf_output("rename_swap"));
    CHECK(rein::io::workspace_to_json(lh::sorted(two)) == pyhf_output("sort_2bin_2channel"));
    CHECK(rein::io::workspace_to_json(lh::sorted(example)) == pyhf_output("sort_example_bkgonly"));

    lh::workspace_pruning unknown;
    unknown.channels = {"contrl"};
    CHECK_THROWS_WITH_AS((void)lh::prune(two, unknown),
                         "rein::likelihood::prune: the workspace has no channel named 'contrl' (did you mean 'control'?); it has "
                         "'control', 'signal'",
                         rein::invalid_argument);
    lh::workspace_renaming twice;
    twice.samples = {{"background", "a"}, {"background", "b"}};
    CHECK_THROWS_WITH_AS((void)lh::rename(two, twice), Contains("sample 'background' is renamed twice"), rein::invalid_argument);
    lh::workspace_renaming clash;
    clash.channels = {{"signal", "control"}};
    CHECK_THROWS_AS((void)lh::rename(two, clash), lh::workspace_error);
  }
}
}  // namespace combine_test
