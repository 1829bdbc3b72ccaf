// The multi-thread runtime's queues (src/workloads/runtime.h): one
// io_context per pool thread, work placed round-robin, a handler a worker
// posts to itself run by that same worker.
#include <gtest/gtest.h>

#include <asio/post.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "workloads/runtime.h"

namespace shootout::workloads {
namespace {

TEST(ThreadPool, RoundRobinReachesEveryWorkerThroughItsOwnQueue) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  ThreadPool pool(kThreads, {});
  std::mutex mutex;
  std::vector<std::thread::id> ran_on(kThreads * kRounds);
  Countdown done;
  done.reset(ran_on.size());
  for (std::size_t i = 0; i < ran_on.size(); ++i) {
    asio::post(pool.executor(), [&, i] {
      {
        std::lock_guard lock(mutex);
        ran_on[i] = std::this_thread::get_id();
      }
      done.count_down();
    });
  }
  done.wait();
  pool.join();
  // Post i went to worker i % W: the same W threads, in the same order, in
  // every round, and W different ones.
  std::set<std::thread::id> distinct;
  for (std::size_t i = 0; i < ran_on.size(); ++i) {
    distinct.insert(ran_on[i]);
    EXPECT_EQ(ran_on[i], ran_on[i % kThreads]) << "post " << i;
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads));
}

TEST(ThreadPool, WorkAWorkerPostsToItselfStaysOnIt) {
  ThreadPool pool(3, {});
  std::atomic<int> moved{0};
  Countdown done;
  constexpr int kHops = 100;
  done.reset(1);
  const Executor first = pool.executor();
  // A chain of handlers each posting the next to its own executor, as a
  // sender coroutine resumed on its own io_context is.
  struct Hop {
    Executor self;
    std::thread::id thread;
    std::atomic<int>& moved;
    Countdown& done;
    int left;
    void operator()() {
      if (thread != std::thread::id{} && thread != std::this_thread::get_id()) ++moved;
      if (left == 0) return done.count_down();
      asio::post(self, Hop{self, std::this_thread::get_id(), moved, done, left - 1});
    }
  };
  asio::post(first, Hop{first, {}, moved, done, kHops});
  done.wait();
  pool.join();
  EXPECT_EQ(moved.load(), 0);
}

}  // namespace
}  // namespace shootout::workloads
