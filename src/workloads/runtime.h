// The async runtime the workloads run on, Tokio's shapes rebuilt with Asio:
// a multi-thread pool (W threads, an io_context each), the bench thread's
// own io_context for block_on and the current-thread runtime, a reusable
// countdown latch, and CPU pinning. Threads sleep on a Parker (parker.h)
// and are woken by the executor that queues work for them
// (waking_executor.h).
#pragma once

// First: its specializations must precede every coroutine frame.
#include "workloads/frame_pool.h"

#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/recycling_allocator.hpp>
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

#include "workloads/adaptive_mutex.h"
#include "workloads/parker.h"
#include "workloads/task_cell.h"
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
// Beside the io_contexts, Tokio's two other queues, for spawned tasks and
// suspended coroutines (QueuedTask nodes): each worker's local queue (tasks
// that yielded on it, kCoopBudget, or were spawned on it), behind its
// io_context's work, and the injection queue every worker takes from once
// its own work is done, where a task spawned from outside the pool goes
// (every spawn family spawns from the bench thread, as Tokio's benches do)
// and where a coroutine woken by a thread outside the pool goes (a channel
// sender woken by the receiver on the bench thread). Work put in either
// wakes a parked worker to search (Tokio's notify_parked) unless one
// searches already; the searcher steals from another's local queue or
// takes an injected task, and the last searcher to find work wakes
// another. Handlers posted to an io_context are not stolen.
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
  int size() const noexcept { return static_cast<int>(threads_.size()); }
  // How many workers are parked as sleepers now (a hint, for tests).
  int sleepers();

  // A task's place in a worker's local queue or in the injection queue:
  // intrusive, so queuing allocates nothing. run() or drop() ends it (a
  // spawned task frees itself; a coroutine's node is in its frame).
  class QueuedTask {
   public:
    QueuedTask(const QueuedTask&) = delete;
    QueuedTask& operator=(const QueuedTask&) = delete;
    void run() { finish_(*this, true); }
    void drop() noexcept { finish_(*this, false); }

   protected:
    using Finish = void (*)(QueuedTask&, bool run);
    explicit QueuedTask(Finish finish) noexcept : finish_(finish) {}
    ~QueuedTask() = default;

   private:
    friend class ThreadPool;
    QueuedTask* next_ = nullptr;
    Finish finish_;
  };
  // A suspended coroutine's node, in the coroutine's own frame.
  class Suspended final : public QueuedTask {
   public:
    Suspended() noexcept : QueuedTask(&finish) {}

   private:
    friend class ThreadPool;
    friend class BenchLoop;
    static void finish(QueuedTask& task, bool run);
    std::optional<Resume> resume_;
  };

  // Spawns `body` as Tokio spawns a task: one allocation (SpawnedTask, of
  // Tokio's task-cell class: task_cell.h), listed among the pool's owned
  // tasks until it ends, queued where Tokio queues it — from outside the
  // pool in the injection queue, from a worker in its local queue — and a
  // parked worker woken to search unless one searches.
  template <typename Body>
  void spawn(Body body) {
    SpawnedTask<Body>& task = SpawnedTask<Body>::make(std::move(body), *this);
    schedule(task);
    // The study's spawns drop their JoinHandle at once, as Tokio's benches
    // do: a reference the spawning thread gives up, racing the worker.
    task.drop_join_handle();
  }
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
  friend class BenchLoop;  // its queue of woken coroutines is a TaskQueue
  // A FIFO of queued tasks under its own mutex (Tokio 1.24's injection
  // queue is one too); size() is read without it, seq_cst, against the idle
  // counts (runtime.cpp, park).
  class TaskQueue {
   public:
    void push(QueuedTask& task);
    QueuedTask* pop();
    int size() const noexcept { return size_.load(std::memory_order_seq_cst); }

   private:
    AdaptiveMutex mutex_;
    QueuedTask* first_ = nullptr;
    QueuedTask* last_ = nullptr;
    std::atomic<int> size_{0};
  };
  struct Worker {
    // Before the io_context: operations it destroys may still wake it.
    Parker parker;
    ThreadPool* pool = nullptr;
    // Tokio's local run queue: tasks that yielded on this worker or were
    // spawned on it, oldest first; searchers steal from it.
    TaskQueue local;
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
  // Tokio 1.24's OwnedTasks: every spawned task is in one list under one
  // lock from its spawn until it ends (Tokio shuts tasks down from it), so
  // a spawn and a completion take that lock each, as Tokio's do: besides
  // the injection queue's, the one lock the spawning thread and the
  // workers share per task.
  class OwnedTasks {
   public:
    struct Link {
      Link* prev = nullptr;
      Link* next = nullptr;
    };
    void insert(Link& link);
    void remove(Link& link);

   private:
    AdaptiveMutex mutex_;
    Link* first_ = nullptr;
  };
  // A spawned task: the body, padded to Tokio's cell class, after the node.
  // Allocated through Asio's recycling allocator, so the asio-shipped build
  // keeps Asio's per-thread cache and the asio build (cache size 0) passes
  // every allocation to the allocator.
  //
  // Its life is Tokio 1.24's (runtime/task/state.rs, harness.rs): one state
  // word holding flags and three references — the owned list's, the queue's
  // (notified) and the JoinHandle's. The spawner drops the handle's (one
  // compare-exchange while the task has not run); the worker marks it
  // running, runs it, marks it complete, unlists it and drops the other
  // two; whoever drops the last frees the cell — usually the worker, the
  // spawner when the task finished first. Each task also holds the pool's
  // handle, a count shared by all tasks (Tokio's Arc<Handle>). These are
  // the cache lines the spawning thread and the workers pass between them
  // per task in Tokio, besides the two locks.
  template <typename Body>
  class SpawnedTask final : public QueuedTask {
   public:
    using Allocator = asio::recycling_allocator<SpawnedTask>;
    static SpawnedTask& make(Body body, ThreadPool& pool) {
      static_assert(sizeof(SpawnedTask) == kTaskObjectBytes, "not Tokio's task-cell class");
      Allocator allocator;
      SpawnedTask* task = allocator.allocate(1);
      try {
        new (task) SpawnedTask(std::move(body), pool);
      } catch (...) {
        allocator.deallocate(task, 1);
        throw;
      }
      pool.handle_refs_.fetch_add(1, std::memory_order_relaxed);
      pool.owned_tasks_.insert(task->owned_);
      return *task;
    }
    void drop_join_handle() noexcept {
      std::uint64_t state = kInitial;
      if (state_.compare_exchange_strong(state, (kInitial - kRefOne) & ~kJoinInterest,
                                         std::memory_order_acq_rel, std::memory_order_acquire))
        return;
      state_.fetch_and(~kJoinInterest, std::memory_order_acq_rel);
      release(1);
    }

   private:
    // Tokio's state bits; references counted from bit 6.
    static constexpr std::uint64_t kRunning = 1, kComplete = 2, kNotified = 4, kJoinInterest = 8,
                                   kRefOne = 64;
    static constexpr std::uint64_t kInitial = 3 * kRefOne | kJoinInterest | kNotified;

    SpawnedTask(Body body, ThreadPool& pool)
        : QueuedTask(&finish), pool_(&pool), cell_(std::move(body)) {}
    static void finish(QueuedTask& task, bool run) {
      auto* self = static_cast<SpawnedTask*>(&task);
      // Unlisted and its references dropped when it ends, even by a
      // throwing body.
      struct End {
        SpawnedTask* task;
        ~End() {
          task->pool_->owned_tasks_.remove(task->owned_);
          task->release(2);
        }
      } end{self};
      if (!run) return;
      std::uint64_t state = self->state_.load(std::memory_order_acquire);
      while (!self->state_.compare_exchange_weak(state, (state & ~kNotified) | kRunning,
                                                 std::memory_order_acq_rel,
                                                 std::memory_order_acquire)) {
      }
      self->cell_();
      self->state_.fetch_xor(kRunning | kComplete, std::memory_order_acq_rel);
    }
    void release(std::uint64_t refs) noexcept {
      const std::uint64_t before = state_.fetch_sub(refs * kRefOne, std::memory_order_acq_rel);
      if (before / kRefOne != refs) return;
      ThreadPool* pool = pool_;
      this->~SpawnedTask();
      Allocator().deallocate(this, 1);
      pool->handle_refs_.fetch_sub(1, std::memory_order_release);
    }
    OwnedTasks::Link owned_;
    ThreadPool* pool_;
    std::atomic<std::uint64_t> state_{kInitial};
    TaskCell<Body, kTaskObjectBytes - sizeof(QueuedTask) - sizeof(OwnedTasks::Link) -
                       sizeof(ThreadPool*) - sizeof(std::atomic<std::uint64_t>)>
        cell_;
  };

  void run(Worker& worker);
  // Runs the worker's queue until its io_context stops.
  void serve(Worker& worker);
  // A spawned task: into the calling worker's local queue, or (from
  // outside the pool) the injection queue; then notify_parked.
  void schedule(QueuedTask& task);
  void push_yielded(Suspended& node, Resume resume);
  // The worker's oldest local task, else the injection queue's oldest.
  QueuedTask* next_queued(Worker& worker);
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
  void drop_queued() noexcept;
  void stop_all() noexcept;
  void unpark_all() noexcept;

  std::vector<std::unique_ptr<Worker>> workers_;
  TaskQueue injected_;  // Tokio's inject queue
  OwnedTasks owned_tasks_;
  // Tokio's Arc<Handle> count: one per spawned task alive, plus the pool's.
  alignas(64) std::atomic<std::size_t> handle_refs_{1};
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  // Tokio's idle state: how many workers search and how many are not
  // sleepers, read without the lock to skip notifications; the sleepers,
  // last parked first.
  AdaptiveMutex idle_mutex_;
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
// Where a spawned task goes (ThreadPool::spawn), in words.
inline constexpr const char* kTaskPlacement =
    "a task spawned from outside the pool goes to the pool's injection queue (one mutex-guarded "
    "FIFO, as Tokio 1.24's), and a parked pool thread is woken to search for it unless one "
    "searches already; a pool thread takes from it once its own queues are empty, and the last "
    "searcher to find work wakes another";

// Tokio's block_on and current-thread runtime: an io_context that only the
// bench thread runs. block_on() co_spawns `body` on it and runs it until it
// has no work left: the body, everything spawned on it, and every
// completion other threads post back to it. While waiting the thread parks
// on its Parker (no search: Tokio's block_on parks at once too).
class BenchLoop {
 public:
  BenchLoop();
  ~BenchLoop();  // drops coroutines woken but not run (an abandoned iteration)
  Executor executor() noexcept { return Executor(context_.get_executor(), parker_); }
  void block_on(Task<> body);

  // Resumes a coroutine of this loop suspended with `node`, from any
  // thread, as Tokio wakes a task of its block_on or current-thread
  // runtime: the node (in the waiting coroutine's frame, or in what it
  // waits on) is queued and the bench thread unparked, so a wake-up
  // allocates nothing. Posting the handler to the io_context allocated one
  // 40-byte operation per wake-up, on the waking thread, freed on this one:
  // on mpsc/32768, 0.37 allocations per message beside the message, which
  // Tokio does not make (docs/design.md §4).
  void wake(ThreadPool::Suspended& node, Resume resume);
  // The loop the calling thread runs block_on for, else null.
  static BenchLoop* current() noexcept;

 private:
  // Runs the coroutines woken since last time, oldest first.
  void run_woken();

  Parker parker_;  // before the io_context: operations it destroys may still wake it
  asio::io_context context_;
  ThreadPool::TaskQueue woken_;
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
