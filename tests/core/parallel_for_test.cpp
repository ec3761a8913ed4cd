#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace parallel_for_test {

namespace {

// A task with random numbers of its own index: the sums are a deterministic function of i.
std::vector<double> seeded_sums(std::size_t count, unsigned threads) {
  std::vector<double> out(count, 0.0);
  rein::parallel_for(count, threads, [&](std::size_t i) {
    std::mt19937_64 rng(rein::task_seed(42, 0, i));
    double sum = 0;
    for (int k = 0; k < 1000; ++k) sum += std::uniform_real_distribution<double>(0, 1)(rng);
    out[i] = sum;
  });
  return out;
}

}  // namespace

TEST_SUITE("core") {
  TEST_CASE("parallel_for: every index once, results identical at 1, 2 and 4 threads") {
    std::vector<std::atomic<int>> seen(257);
    rein::parallel_for(seen.size(), 4, [&](std::size_t i) { ++seen[i]; });
    for (const auto& s : seen) CHECK(s == 1);
    const auto one = seeded_sums(64, 1);
    CHECK(seeded_sums(64, 2) == one);  // exact: the same draws in the same order per slot
    CHECK(seeded_sums(64, 4) == one);
    rein::parallel_for(0, 4, [&](std::size_t) { FAIL("no task for count 0"); });
  }

  TEST_CASE("parallel_for: a task's exception reaches the caller, the lowest throwing index at any thread count") {
    for (unsigned threads : {1u, 2u, 4u}) {
      CAPTURE(threads);
      std::atomic<std::size_t> ran{0};
      std::string message;
      try {
        rein::parallel_for(100, threads, [&](std::size_t i) {
          ++ran;
          if (i == 17 || i == 60) throw rein::invalid_argument("task " + std::to_string(i) + " failed");
        });
      } catch (const rein::invalid_argument& e) {
        message = e.what();
      }
      CHECK(message == "task 17 failed");
      CHECK(ran >= 18);  // tasks 0 … 17 all ran; later ones may not have started
      CHECK(ran <= 100);
    }
    // with a progress callback too (every worker a pool thread)
    CHECK_THROWS_WITH_AS(rein::parallel_for(8, 2, [](std::size_t i) { if (i == 3) throw std::runtime_error("three"); },
                                            [](std::size_t, std::size_t) {}),
                         "three", std::runtime_error);
  }

  TEST_CASE("parallel_for: progress counts finished tasks, or the caller's counter, and ends at the total") {
    std::vector<std::pair<std::size_t, std::size_t>> reports;
    rein::parallel_for(20, 2, [](std::size_t) {}, [&](std::size_t done, std::size_t total) { reports.emplace_back(done, total); });
    REQUIRE(!reports.empty());
    CHECK(reports.back() == std::make_pair(std::size_t{20}, std::size_t{20}));
    for (std::size_t k = 1; k < reports.size(); ++k) CHECK(reports[k].first >= reports[k - 1].first);

    std::atomic<std::size_t> steps{0};
    reports.clear();
    rein::parallel_for(3, 2, [&](std::size_t) { steps += 5; }, [&](std::size_t done, std::size_t total) { reports.emplace_back(done, total); },
                       {&steps, 15});
    REQUIRE(!reports.empty());
    CHECK(reports.back() == std::make_pair(std::size_t{15}, std::size_t{15}));
  }

  TEST_CASE("parallel_for: a progress callback that throws stops the run; running tasks end, no new one starts") {
    std::atomic<std::size_t> started{0};
    const auto slow = [&](std::size_t) {
      ++started;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    };
    CHECK_THROWS_WITH_AS(rein::parallel_for(1000, 2, slow, [](std::size_t, std::size_t) { throw std::runtime_error("interrupted"); }),
                         "interrupted", std::runtime_error);
    // the first report comes after 200 ms: about 2 threads x 4 tasks of 50 ms, far from 1000
    CHECK(started.load() < 100);
  }
}
}  // namespace parallel_for_test
