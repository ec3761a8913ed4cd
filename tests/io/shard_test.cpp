// Shards of a run (io/json/shard.hpp, merge_shards.hpp): the record, the digests (against an
// independent FNV-1a 64 evaluation) and the merge of shard outputs, with its checks.
#include "rein/io/json/merge_shards.hpp"
#include "rein/io/json/shard.hpp"
#include "support/close.hpp"

#include "infer/counting.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace shard_test {

using json = nlohmann::json;

// A toy shard of a run of `n_toys` toys in `count` shards, signed with `run`.
rein::io::shard_file toy_shard(std::size_t index, std::size_t count, std::size_t n_toys, const std::string& run) {
  const auto [first, end] = rein::shard_slice(n_toys, index, count);
  std::vector<double> sb, b;
  for (std::size_t t = first; t < end; ++t) {
    sb.push_back(static_cast<double>(t));
    b.push_back(t == 1 ? std::nan("") : 10.0 + static_cast<double>(t));  // toy 1's b fit failed
  }
  auto document = rein::io::toy_shard_json(rein::io::shard_record("cls", index, count, {"ws.json", "--toys", "5"}), 1.0, 2.5,
                                           rein::fit::fit_status::ok, first, sb, b);
  rein::io::sign_shard(document, run);
  return {"shard" + std::to_string(index) + ".json", document};
}

TEST_SUITE("io") {
  TEST_CASE("whole_run: a shard's command line without --shard I/N") {
    const std::vector<std::string> tokens = {"ws.json", "--shard", "1/3", "--toys", "5", "--shard=0/2"};
    CHECK(rein::io::whole_run(tokens) == std::vector<std::string>{"ws.json", "--toys", "5"});
  }

  TEST_CASE("contents_digest, run_digest: FNV-1a 64 of the length-prefixed parts") {
    // references: an independent Python evaluation of FNV-1a 64 (offset 0xcbf29ce484222325, prime
    // 0x100000001b3; it gives af63dc4c8601ec8c for "a", the published test vector) over
    // "rein shard contents" then "3:abc", "1:2", "7:{\"x\":1}"
    const json document = {{"x", 1}, {"shard", {{"index", 2}}}, {"seconds", 3.5}};
    CHECK(rein::io::contents_digest("abc", 2, document) == "64a4f779e12bcd65");
    CHECK(rein::io::contents_digest("abc", 2, json{{"x", 1}}) == "64a4f779e12bcd65");  // record and wall time are not results
    CHECK(rein::io::contents_digest("abc", 1, document) != "64a4f779e12bcd65");
    // over "rein shard run", "cls", the whole run's tokens, N = 3 and the file's bytes
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/shard_test_model.txt";
    std::ofstream(path) << "model bytes\n";
    CHECK(rein::io::run_digest("cls", {"ws.json", "--shard", "0/3", "--toys", "5"}, 3, {path}) == "cb9579ca32ed0e6a");
    CHECK_THROWS_WITH_AS(rein::io::run_digest("cls", {}, 3, {path + ".missing"}),
                         doctest::Contains("shard_test_model.txt.missing"), rein::io_error);
  }

  TEST_CASE("merge_toy_shards: the shards' toys in index order, whatever order they come in") {
    auto ordered = rein::io::order_shards({toy_shard(1, 2, 5, "r"), toy_shard(0, 2, 5, "r")});
    REQUIRE(ordered.size() == 2);
    CHECK(ordered[0].path == "shard0.json");
    rein::io::check_shard_digests(ordered, "r");
    const auto toys = rein::io::merge_toy_shards(ordered, 5);
    CHECK(toys.mu == 1.0);
    CHECK(toys.q_obs == 2.5);
    CHECK(toys.status == rein::fit::fit_status::ok);
    CHECK(toys.sb == std::vector<double>{0, 1, 2, 3, 4});
    REQUIRE(toys.b.size() == 5);
    CHECK(std::isnan(toys.b[1]));  // null, a failed fit, comes back as NaN
    CHECK(toys.b[4] == 14.0);
  }

  TEST_CASE("order_shards, check_shard_digests, merge_toy_shards: bad shards are refused naming the file") {
    CHECK_THROWS_WITH_AS(rein::io::order_shards({toy_shard(0, 2, 5, "r")}), "rein merge: shard 1/2 is missing", rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::io::order_shards({toy_shard(0, 2, 5, "r"), toy_shard(0, 2, 5, "r")}),
                         doctest::Contains("shard 0 given twice"), rein::invalid_argument);
    auto other = toy_shard(1, 2, 5, "r");
    other.document["shard"]["arguments"][2] = "6";
    CHECK_THROWS_WITH_AS(rein::io::order_shards({toy_shard(0, 2, 5, "r"), other}),
                         doctest::Contains("'shard1.json' is a shard of another run than 'shard0.json'"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS(rein::io::check_shard_digests({toy_shard(0, 2, 5, "r"), toy_shard(1, 2, 5, "s")}, "r"),
                         doctest::Contains("'shard1.json' is a shard of another run"), rein::invalid_argument);
    auto tampered = toy_shard(1, 2, 5, "r");
    tampered.document["sb"][0] = 7.0;
    CHECK_THROWS_WITH_AS(rein::io::check_shard_digests({toy_shard(0, 2, 5, "r"), tampered}, "r"),
                         doctest::Contains("/shard/contents_digest"), rein::io_error);
    auto shifted = toy_shard(1, 2, 5, "r");
    shifted.document["first"] = 3;
    CHECK_THROWS_WITH_AS(rein::io::merge_toy_shards({toy_shard(0, 2, 5, "r"), shifted}, 5),
                         doctest::Contains("'shard1.json' at /first"), rein::io_error);
    CHECK_THROWS_WITH_AS(rein::io::merge_toy_shards({toy_shard(0, 2, 5, "r"), toy_shard(1, 2, 5, "r")}, 6),
                         doctest::Contains("'shard0.json' at /sb: holds 2 toys"), rein::io_error);
    auto negative = toy_shard(1, 2, 5, "r");
    negative.document["b"][2] = -1.0;
    CHECK_THROWS_WITH_AS(rein::io::merge_toy_shards({toy_shard(0, 2, 5, "r"), negative}, 5),
                         doctest::Contains("'shard1.json' at /b/2: expected a test statistic >= 0 or null"), rein::io_error);
    auto status = toy_shard(0, 1, 5, "r");
    status.document["status"] = "fine";
    CHECK_THROWS_WITH_AS(rein::io::merge_toy_shards({status}, 5), doctest::Contains("unknown fit status \"fine\""), rein::io_error);
  }

  TEST_CASE("merge_scan_shards, merge_grid_shards: points in order; a grid's seconds summed") {
    const json record0 = rein::io::shard_record("grid", 0, 2, {}), record1 = rein::io::shard_record("grid", 1, 2, {});
    const json common = {{"labels", {"m"}}, {"cl", 0.95}, {"threads", 1}};
    json a = common, b = common;
    a.update({{"shard", record0}, {"first", 0}, {"points", {{{"status", "ok"}}}}, {"seconds", 1.5}});
    b.update({{"shard", record1}, {"first", 1}, {"points", {{{"status", "line_search_failed"}}}}, {"seconds", 2.0}});
    bool all_ok = true;
    const auto grid = rein::io::merge_grid_shards({{"a", a}, {"b", b}}, all_ok);
    CHECK_FALSE(all_ok);
    CHECK(grid["points"].size() == 2);
    CHECK(grid["seconds"] == 3.5);
    CHECK(grid["cl"] == 0.95);
    const json s0 = {{"first", 0}, {"points", rein::io::scan_points_json({{0.0, 4.0, 0.0, rein::fit::fit_status::ok}})}};
    const json s1 = {{"first", 1}, {"points", rein::io::scan_points_json({{1.0, 2.0, 0.0, rein::fit::fit_status::max_iterations}})}};
    const auto points = rein::io::merge_scan_shards({{"s0", s0}, {"s1", s1}});
    REQUIRE(points.size() == 2);
    CHECK(points[1].value == 1.0);
    CHECK(points[1].twice_nll == 2.0);
    CHECK(points[1].status == rein::fit::fit_status::max_iterations);
    CHECK_THROWS_WITH_AS(rein::io::merge_scan_shards({{"s1", s1}}), doctest::Contains("'s1' at /first"), rein::io_error);
  }

  TEST_CASE("merge_scan: the profile scan from its shards, against the closed form of a counting experiment") {
    // one bin, n = 3 over b = 3, signal μ: Δ(2 nll)(μ) = 2[(μ + 3 − 3) − 3 ln((μ + 3)/3)], μ̂ = 0
    const auto model = rein::test::counting(1, 3, 3, 60);
    const std::vector<double> grid = {0.0, 1.0, 2.0};
    const json s0 = {{"first", 0}, {"points", rein::io::scan_points_json(rein::infer::profile_scan_points(model, model.observed(), "mu", {0.0, 1.0}))}};
    const json s1 = {{"first", 2}, {"points", rein::io::scan_points_json(rein::infer::profile_scan_points(model, model.observed(), "mu", {2.0}))}};
    const auto r = rein::io::merge_scan(model, "mu", grid, {{"s0", s0}, {"s1", s1}});
    CHECK(r.status == rein::fit::fit_status::ok);
    REQUIRE(r.points.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      const double mu = grid[i];
      // fits converge to |Δ2nll| ≲ 1e-9
      REIN_CHECK_ABS(r.points[i].delta_twice_nll, 2 * (mu - 3 * std::log((mu + 3) / 3)), 1e-8);
    }
    CHECK_THROWS_WITH_AS((void)rein::io::merge_scan(model, "mu", {0.0, 1.0}, {{"s0", s0}, {"s1", s1}}),
                         "rein::io::merge_scan: the shards hold 3 scan points, the scan has 2", rein::invalid_argument);
  }

  TEST_CASE("fit_status_from_name: the inverse of fit::to_string") {
    for (auto s : {rein::fit::fit_status::ok, rein::fit::fit_status::max_iterations, rein::fit::fit_status::non_finite,
                   rein::fit::fit_status::line_search_failed, rein::fit::fit_status::not_converged})
      CHECK(rein::io::fit_status_from_name(rein::fit::to_string(s)) == s);
    CHECK_FALSE(rein::io::fit_status_from_name("OK").has_value());
  }
}

}  // namespace shard_test
