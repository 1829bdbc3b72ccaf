// The async runtime the workloads run on, Tokio's shapes rebuilt with Asio:
// a multi-thread pool (W threads, an io_context each), the bench thread's
// own io_context for block_on and the current-thread runtime, a reusable
// countdown latch, and CPU pinning. Threads sleep on a Parker (parker.h)
// and are woken by the executor that queues work for them
// (waking_executor.h).
#pragma once

#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "workloads/parker.h"
#include "workloads/waking_executor.h"

namespace shootout::workloads {

// Every coroutine and completion names this concrete executor
// (the io_context's, waking its thread), not Asio's default
// any_io_executor: posting a completion through the type-erased executor
// wraps it in a second allocation (the channel workloads' waits cost 2 more
// allocations per message that way).
using Executor = WakingExecutor<asio::io_context::executor_type>;
template <typename T = void>
using Task = asio::awaitable<T, Executor>;
inline constexpr asio::use_awaitable_t<Executor> use_task{};
// What resumes a suspended Task: invoked, it runs the coroutine on the
// calling thread; posted, on its executor's.
using Resume = asio::async_result<std::decay_t<decltype(use_task)>, void()>::handler_type;

// CPUs this process may run on (its affinity mask), ascending. Pinning
// "CPU k" means the k-th of these (mod their count), so a restricted
// cpuset still pins.
std::vector<int> allowed_cpus();
// Throws std::system_error when the kernel refuses.
void pin_thread(pthread_t thread, int cpu);

// A reusable countdown latch (std::latch is single-use): the last
// count_down() wakes wait() through a condition variable.
class Countdown {
 public:
  void reset(std::uint64_t count);  // only while nobody counts or waits
  void count_down() noexcept;
  void wait();
  std::uint64_t remaining() const noexcept { return remaining_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::uint64_t> remaining_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = true;
};

// Tokio's cooperative budget (tokio 1.24, runtime/coop.rs): a task gets 128
// units each time it is polled and every channel send consumes one, so a
// sender that never waits yields after 128 sends. Tokio then queues it
// behind its worker's other tasks and wakes a parked worker to search, which
// may steal it. Without it our senders never yielded: Tokio's mpsc/64 run
// with its senders opted out (task::unconstrained) switched threads 0.008-
// 0.015 times per message instead of 0.08-0.09, moved its sender between
// workers 170-260 times in 300 000 messages instead of 1600-2200, and spent
// 1.5-2x the CPU time under glibc (perf stat, 2 runs each): the budget is
// where Tokio's runtime cost meets glibc's arena contention.
inline constexpr unsigned kCoopBudget = 128;

// Tokio's multi-thread runtime: W threads, each running its own io_context
// (a per-worker run queue; concurrency hint 1, so a handler a worker posts
// to itself goes to its thread-private queue without taking the lock or
// waking anyone). One io_context shared by the W threads made every post
// signal the shared condition variable and every dequeue contend for one
// mutex (with it and co_spawned tasks, 0.96 futex calls per task on
// spawn_many/10000: docs/design.md §4).
//
// Beside the io_contexts, Tokio's two other queues, for suspended
// coroutines only (no allocation: the node lives in the coroutine's frame):
// each worker's yielded tasks (behind its queued work, kCoopBudget) and the
// injection queue every worker takes from once its own work is done, where
// a coroutine woken by a thread outside the pool goes (a channel sender
// woken by the receiver on the bench thread). Work put in either wakes a
// parked worker to search (Tokio's notify_parked), which steals a yielded
// task or takes an injected one; the last searcher to find work wakes
// another. Tasks posted to an io_context are not stolen.
//
// A worker runs what its queues hold, then parks on its Parker until woken
// (no spinning first: runtime.cpp says why). Each io_context is kept alive
// by a work guard from construction to join().
class ThreadPool {
 public:
  // cpus: pin thread i to cpus[(i + 1) % size] (CPU 0 is the bench thread's);
  // empty: no pinning.
  ThreadPool(int threads, const std::vector<int>& cpus);
  ~ThreadPool();  // join()s
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The next worker's executor, round-robin; safe from any thread. For
  // long-lived tasks (channel senders), which must spread over the workers.
  Executor executor() noexcept;
  // Where a spawned task goes, as Tokio wakes a parked worker for a remote
  // spawn only when no worker is awake to take it: the next awake worker
  // from a round-robin start, else (all parked) that start, which the post
  // wakes. Round-robin alone woke a sleeping worker 0.16 times per task on
  // spawn_many/10000 (Tokio 0.004).
  Executor executor_for_task() noexcept;
  int size() const noexcept { return static_cast<int>(threads_.size()); }
  // How many workers are parked as sleepers now (a hint, for tests).
  int sleepers();
  // A suspended coroutine's place in a worker's yielded tasks or in the
  // injection queue, in the coroutine's own frame.
  class Suspended {
   public:
    Suspended() = default;
    Suspended(const Suspended&) = delete;
    Suspended& operator=(const Suspended&) = delete;

   private:
    friend class ThreadPool;
    Suspended* next_ = nullptr;
    std::optional<Resume> resume_;
  };
  // co_await from a coroutine running on a pool thread: suspends it behind
  // the work its worker has queued and wakes a parked worker to search, as
  // Tokio's yield does. Whichever runs first resumes it: its own worker once
  // its queue is empty, or the searcher, which steals it (the coroutine then
  // runs on the searcher's thread until it next waits).
  auto yield_now(Suspended& node) {
    return asio::async_initiate<decltype(use_task), void()>(
        [this, &node](Resume resume) { push_yielded(node, std::move(resume)); }, use_task);
  }
  // Resumes a coroutine of this pool suspended with `node`, as Tokio
  // schedules a woken task: from a thread outside the pool, through the
  // injection queue (a parked worker woken to take it if none searches);
  // from a worker, posted to the coroutine's own executor.
  void wake(Suspended& node, Resume resume);
  // The pool the calling thread works for, else null.
  static ThreadPool* current() noexcept;

  // An exception that escaped a handler on a pool thread, once.
  std::exception_ptr take_error();
  // Abandon queued work at destruction instead of draining it (after a
  // failed iteration, when senders may wait forever).
  void abandon() noexcept { abandon_ = true; }
  // Lets the threads finish the queued work (or drop it, when abandoned)
  // and joins them; the io_contexts stay alive for objects bound to them.
  void join() noexcept;

 private:
  // A FIFO of suspended coroutines under its own mutex; size() is read
  // without it, seq_cst, against the idle counts (runtime.cpp, park).
  class NodeQueue {
   public:
    void push(Suspended& node, Resume resume);
    std::optional<Resume> pop();
    int size() const noexcept { return size_.load(std::memory_order_seq_cst); }

   private:
    std::mutex mutex_;
    Suspended* first_ = nullptr;
    Suspended* last_ = nullptr;
    std::atomic<int> size_{0};
  };
  struct Worker {
    // Before the io_context: operations it destroys may still wake it.
    Parker parker;
    ThreadPool* pool = nullptr;
    // Tasks that yielded on this worker, oldest first.
    NodeQueue yielded;
    // Tokio's idle bookkeeping, written under idle_mutex_: in the sleepers
    // list; woken by a notification to search. Only a sleeper's are
    // written by another thread, so an awake worker reads its own freely.
    bool sleeping = false;
    bool searching = false;
    std::size_t next_victim = 0;  // the worker's own: where its search starts
    asio::io_context context{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
    Executor executor() noexcept { return Executor(context.get_executor(), parker); }
  };
  void run(Worker& worker);
  // Runs the worker's queue until its io_context stops.
  void serve(Worker& worker);
  void push_yielded(Suspended& node, Resume resume);
  // The worker's oldest yielded task, else the injection queue's oldest.
  std::optional<Resume> next_suspended(Worker& worker);
  // Tokio's idle.rs: park as a sleeper (woken at once if work is pending);
  // on waking, leave the sleepers, or (notified) search for work.
  void park(Worker& worker);
  bool steal(Worker& thief);
  // A searching worker found work: no longer searching.
  void end_search(Worker& worker);
  bool work_pending() const noexcept;
  // Wakes a sleeper to search unless a worker searches already or none
  // sleeps (Tokio's notify_parked).
  void notify_parked();
  void drop_suspended() noexcept;
  void stop_all() noexcept;
  void unpark_all() noexcept;

  std::vector<std::unique_ptr<Worker>> workers_;
  NodeQueue injected_;  // Tokio's inject queue
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  // Tokio's idle state: how many workers search and how many are not
  // sleepers, read without the lock to skip notifications; the sleepers,
  // last parked first.
  std::mutex idle_mutex_;
  std::atomic<int> searching_{0};
  std::atomic<int> unparked_{0};
  std::vector<Worker*> sleepers_;
  std::mutex error_mutex_;
  std::exception_ptr error_;
  bool abandon_ = false;
};

// How work reaches the pool, in words, for the workloads' wait_mode.
inline constexpr const char* kPoolQueues =
    "each pool thread runs its own io_context (its own queue); one that runs out of work "
    "parks on its own futex word, and work posted to it wakes it only while it is parked";
// Where a spawned task goes (executor_for_task), in words.
inline constexpr const char* kTaskPlacement =
    "a spawned task goes to an awake pool thread (the first from a round-robin start), else "
    "to a parked one, which the post wakes";

// Tokio's block_on and current-thread runtime: an io_context that only the
// bench thread runs. block_on() co_spawns `body` on it and runs it until it
// has no work left: the body, everything spawned on it, and every
// completion other threads post back to it. While waiting the thread parks
// on its Parker (no search: Tokio's block_on parks at once too).
class BenchLoop {
 public:
  BenchLoop();
  Executor executor() noexcept { return Executor(context_.get_executor(), parker_); }
  void block_on(Task<> body);

 private:
  Parker parker_;  // before the io_context: operations it destroys may still wake it
  asio::io_context context_;
};

// What one workload runs on: the bench loop, and the pool unless the
// runtime is current-thread (pool_threads == 0).
class Runtime {
 public:
  // Pins the calling thread (the bench thread) when `pin` is set, before
  // starting the pool threads.
  Runtime(int pool_threads, bool pin);
  ~Runtime();

  BenchLoop& bench() noexcept { return bench_; }
  ThreadPool& pool() noexcept { return *pool_; }
  bool has_pool() const noexcept { return pool_ != nullptr; }
  bool pinned() const noexcept { return pinned_; }
  // Pins a new caller of run() the way the constructor pinned its caller.
  void adopt_bench_thread();
  void abandon() noexcept;
  // Joins the pool threads; see ThreadPool::join.
  void shutdown() noexcept;

 private:
  BenchLoop bench_;
  bool pinned_ = false;
  std::vector<int> cpus_;
  std::thread::id bench_thread_;
  std::unique_ptr<ThreadPool> pool_;  // last: its threads stop first
};

}  // namespace shootout::workloads
