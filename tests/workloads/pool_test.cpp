// The multi-thread runtime's queues (src/workloads/runtime.h): one
// io_context per pool thread, work placed round-robin, a handler a worker
// posts to itself run by that same worker; and the threads, which sleep
// outside Asio (parker.h), still return when their io_context stops on
// another thread; a task that yields runs behind queued work, or is stolen
// by a worker woken to search; one woken from outside the pool resumes on
// a worker; spawned tasks run once each, on a worker, or are freed unrun
// at join. A missed wake-up hangs a test (ctest's timeout fails it).
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "workloads/bounded_channel.h"
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

// The receive operation holds work on the bench loop's io_context; the
// pool thread that completes it releases that work after posting the
// completion, possibly after the bench loop ran the completion and
// parked: that release must wake it, or block_on never returns.
TEST(BenchLoop, BlockOnReturnsWhenAPoolThreadReleasesItsLastWork) {
  Runtime runtime(2, false);
  BoundedChannel<bool> done(1);
  constexpr int kIterations = 300;
  int received = 0;
  for (int i = 0; i < kIterations; ++i) {
    runtime.bench().block_on([&]() -> Task<> {
      runtime.pool().spawn([&] {
        bool signal = true;
        EXPECT_TRUE(done.try_send(signal));
      });
      bool value = false;
      while (!done.try_receive(value)) co_await done.readable();
      if (value) ++received;
    }());
  }
  runtime.shutdown();
  EXPECT_EQ(received, kIterations);
}

TEST(ThreadPool, JoinReturnsOnceWorkHeldOnAnotherThreadIsReleased) {
  ThreadPool pool(2, {});
  // Counts as outstanding work of the first worker's io_context, which
  // cannot stop while it lives.
  std::optional held(asio::prefer(pool.executor(), asio::execution::outstanding_work.tracked));
  std::atomic<bool> joined{false};
  std::thread joiner([&] {
    pool.join();
    joined = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(joined.load());
  held.reset();  // the io_context stops here, on this thread
  joiner.join();
  EXPECT_TRUE(joined.load());
}

// Runs `body` as a coroutine on `on` and waits until it has ended, then
// joins the pool (an exception in the body fails the test).
void run_then_join(ThreadPool& pool, const Executor& on, Task<> body) {
  Countdown done;
  done.reset(1);
  std::exception_ptr error;
  asio::co_spawn(on, std::move(body), [&](std::exception_ptr e) {
    error = e;
    done.count_down();
  });
  done.wait();
  pool.join();
  EXPECT_FALSE(error) << "the coroutine threw";
}

// Waits (up to 10 s) until every worker of the pool is parked as a sleeper.
bool all_parked(ThreadPool& pool) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.sleepers() < pool.size() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return pool.sleepers() == pool.size();
}

// Keeps the calling worker busy until `flag` is set on another thread, or
// for 5 s.
void busy_until(const std::atomic<bool>& flag) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!flag.load() && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Tokio's coop yield (runtime.h, kCoopBudget): the yielding task goes
// behind the work its worker queued before it.
TEST(ThreadPool, AYieldedTaskResumesAfterWorkQueuedBeforeIt) {
  ThreadPool pool(1, {});
  std::atomic<bool> queued_ran{false};
  std::atomic<bool> ran_first{false};
  const Executor worker = pool.executor();
  run_then_join(pool, worker, [&]() -> Task<> {
    asio::post(worker, [&] { queued_ran = true; });
    ThreadPool::Suspended yielded;
    co_await pool.yield_now(yielded);
    ran_first = queued_ran.load();
  }());
  EXPECT_TRUE(ran_first.load());
}

// The yield wakes a sleeping worker to search; while the yielding worker is
// busy, that worker steals the task and resumes it on its own thread.
TEST(ThreadPool, ASearchingWorkerStealsATaskYieldedOnABusyWorker) {
  ThreadPool pool(2, {});
  ASSERT_TRUE(all_parked(pool)) << "the idle workers never parked";
  std::atomic<bool> resumed{false};
  std::thread::id before;
  std::thread::id after;
  const Executor worker = pool.executor();
  run_then_join(pool, worker, [&]() -> Task<> {
    before = std::this_thread::get_id();
    // Keeps the yielding worker busy until the task resumed elsewhere (or
    // 5 s passed, when the task resumes here and the test fails).
    asio::post(worker, [&] { busy_until(resumed); });
    ThreadPool::Suspended yielded;
    co_await pool.yield_now(yielded);
    after = std::this_thread::get_id();
    resumed = true;
  }());
  EXPECT_NE(before, std::thread::id{});
  EXPECT_NE(after, before) << "the yielded task was not stolen";
}

// Tokio's injection queue: a coroutine of the pool woken by a thread outside
// it resumes on a worker, even when every worker sleeps (the wake-up must
// notify one; a lost one hangs the test).
TEST(ThreadPool, ACoroutineWokenFromOutsideThePoolResumesOnAWorker) {
  ThreadPool pool(2, {});
  constexpr int kWakes = 50;
  std::mutex mutex;
  std::optional<Resume> suspended;
  std::set<std::thread::id> resumed_on;
  Countdown done;
  done.reset(1);
  asio::co_spawn(
      pool.executor(),
      [&]() -> Task<> {
        for (int i = 0; i < kWakes; ++i) {
          co_await asio::async_initiate<decltype(use_task), void()>(
              [&](Resume resume) {
                const std::lock_guard lock(mutex);
                suspended.emplace(std::move(resume));
              },
              use_task);
          const std::lock_guard lock(mutex);
          resumed_on.insert(std::this_thread::get_id());
        }
      },
      [&](std::exception_ptr) { done.count_down(); });
  ThreadPool::Suspended node;
  for (int i = 0; i < kWakes; ++i) {
    std::optional<Resume> resume;
    while (!resume) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      const std::lock_guard lock(mutex);
      if (suspended) {
        resume.emplace(std::move(*suspended));
        suspended.reset();
      }
    }
    if (i % 10 == 0) {
      ASSERT_TRUE(all_parked(pool)) << "the idle workers never parked";
    }
    pool.wake(node, std::move(*resume));
  }
  done.wait();
  pool.join();
  EXPECT_FALSE(resumed_on.empty());
  EXPECT_EQ(resumed_on.count(std::this_thread::get_id()), 0u);
}

// Tokio's remote spawn: tasks spawned from outside the pool go to the
// injection queue, and the first wakes a sleeping worker (none is awake to
// take it); every task runs exactly once, on a pool thread.
TEST(ThreadPool, TasksSpawnedFromOutsideThePoolRunOnceEachOnAWorker) {
  ThreadPool pool(2, {});
  ASSERT_TRUE(all_parked(pool)) << "the idle workers never parked";
  constexpr std::size_t kTasks = 2000;
  std::vector<std::atomic<int>> runs(kTasks);
  std::mutex mutex;
  std::set<std::thread::id> ran_on;
  Countdown done;
  done.reset(kTasks);
  for (std::size_t i = 0; i < kTasks; ++i) {
    pool.spawn([&, i] {
      runs[i].fetch_add(1, std::memory_order_relaxed);
      {
        const std::lock_guard lock(mutex);
        ran_on.insert(std::this_thread::get_id());
      }
      done.count_down();
    });
  }
  done.wait();
  pool.join();
  for (std::size_t i = 0; i < kTasks; ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i;
  EXPECT_FALSE(ran_on.empty());
  EXPECT_EQ(ran_on.count(std::this_thread::get_id()), 0u);
}

// A task a worker spawns goes to its local queue and wakes a sleeper to
// search: with the spawning worker kept busy, the searcher steals it.
TEST(ThreadPool, ATaskSpawnedOnABusyWorkerIsStolen) {
  ThreadPool pool(2, {});
  ASSERT_TRUE(all_parked(pool)) << "the idle workers never parked";
  std::atomic<bool> ran{false};
  std::thread::id spawner;
  std::thread::id runner;
  Countdown done;
  done.reset(1);
  asio::post(pool.executor(), [&] {
    spawner = std::this_thread::get_id();
    pool.spawn([&] {
      runner = std::this_thread::get_id();
      ran = true;
    });
    // Busy until the task ran elsewhere (or 5 s passed: it then runs here
    // after this handler, and the test fails).
    busy_until(ran);
    done.count_down();
  });
  done.wait();
  pool.join();
  ASSERT_TRUE(ran.load());
  EXPECT_NE(runner, spawner) << "the spawned task was not stolen";
}

// Tasks still queued at join are dropped, not run, and freed: their
// captures are destroyed. (A pool of no threads: nobody takes them.)
TEST(ThreadPool, TasksStillQueuedAtJoinAreFreedUnrun) {
  auto captured = std::make_shared<int>(0);
  std::atomic<int> ran{0};
  {
    ThreadPool pool(0, {});
    for (int i = 0; i < 10; ++i) pool.spawn([captured, &ran] { ++ran; });
    EXPECT_EQ(captured.use_count(), 11);
    pool.join();
  }
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(captured.use_count(), 1);
}

}  // namespace
}  // namespace shootout::workloads
