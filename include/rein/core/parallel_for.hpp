#pragma once

// rein's one thread pool: task(i) for i in [0, count) on a few threads, with progress reported
// from the calling thread and a task's exception carried back to the caller. Results do not depend
// on the thread count as long as task(i) writes only to slot i of its outputs and draws its random
// numbers from a seed of its own index (core/random.hpp task_seed).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rein {

/// progress(done, total): called from the calling thread about every 200 ms while tasks run, and
/// once when all have stopped.
using progress_callback = std::function<void(std::size_t done, std::size_t total)>;

/// What a progress callback counts when tasks report finer steps than themselves (e.g. the
/// iterations of Markov chains): a counter the tasks increase and the total it reaches.
struct progress_counter {
  const std::atomic<std::size_t>* done = nullptr;
  std::size_t total = 0;
};

/// Runs task(i) for i = 0 … count − 1 on `threads` threads (0: the hardware's concurrency; never
/// more than count). Without `progress` the calling thread works too; with it every worker is a
/// pool thread and the calling thread calls progress(finished tasks, count), or progress(*counter.done,
/// counter.total) when `counter` is given.
///
/// A progress callback that throws (e.g. on Ctrl-C in the Python module) stops the run: no new task
/// starts, and the caller gets its exception once the running tasks have ended.
///
/// Tasks are handed out in increasing index order. When a task throws, no new task starts; the
/// caller gets, after every worker has stopped, the exception of the lowest index that threw, which
/// is the same whatever the thread count (every task below it had started and ran to its end).
template <class Task>
void parallel_for(std::size_t count, unsigned threads, Task&& task, const progress_callback& progress = {},
                  const progress_counter& counter = {}) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const auto used = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0}, finished{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::size_t failure_index = count;
  std::mutex mutex;
  std::condition_variable all_stopped;
  unsigned running = 0;
  const auto work = [&]() {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        task(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < failure_index) failure = std::current_exception(), failure_index = i;
        failed = true;
      }
      ++finished;
    }
  };
  const auto report = [&]() {
    if (counter.done) progress(counter.done->load(), counter.total);
    else progress(finished.load(), count);
  };

  std::vector<std::thread> pool;
  const unsigned pool_size = progress ? used : used - 1;
  running = pool_size;
  for (unsigned t = 0; t < pool_size; ++t)
    pool.emplace_back([&]() {
      work();
      const std::lock_guard<std::mutex> lock(mutex);
      if (--running == 0) all_stopped.notify_one();
    });
  std::exception_ptr stopped;  // what the progress callback threw: the caller asked to stop
  if (progress) {
    std::unique_lock<std::mutex> lock(mutex);
    while (!all_stopped.wait_for(lock, std::chrono::milliseconds(200), [&] { return running == 0; })) {
      if (stopped) continue;
      lock.unlock();
      try {
        report();
      } catch (...) {
        stopped = std::current_exception();
        failed = true;
      }
      lock.lock();
    }
  } else {
    work();
  }
  for (auto& thread : pool) thread.join();
  if (stopped) std::rethrow_exception(stopped);
  if (failure) std::rethrow_exception(failure);
  if (progress) report();
}

}  // namespace rein
