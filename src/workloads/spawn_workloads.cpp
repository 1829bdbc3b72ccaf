// Spawn families: spawn_many/N, spawn_many_local/N, spawn_many_remote_idle/N
// on the pool, spawn_st/N on the current-thread runtime. Task bodies are
// trivial: what is measured is spawning, scheduling and joining.
//
// A task is a function object: one allocation per task, as a Tokio spawn is
// one task-cell allocation, and of its size class (task_cell.h). On the
// pool it is spawned into Tokio's injection queue (ThreadPool::spawn); on
// the current-thread runtime, posted to the bench thread's io_context.
// co_spawn of a coroutine cost 7 allocations per task (frame, awaitable
// thread, its stack, completion handlers) and 2.5x Tokio's instructions per
// task (callgrind, spawn_many).
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "workloads/bounded_channel.h"
#include "workloads/families.h"
#include "workloads/task_cell.h"
#include "workloads/workload_base.h"

namespace shootout::workloads {
namespace {

// spawn_many/N: the bench thread spawns from outside the runtime and blocks
// on a countdown latch the tasks decrement.
class SpawnMany final : public WorkloadBase {
 public:
  ~SpawnMany() override { shutdown(); }
  SpawnMany(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
      : WorkloadBase(spec, params, faults) {
    info_.wait_mode = std::string("tasks are function objects spawned onto the pool; ") +
                      kTaskPlacement + "; " + kPoolQueues +
                      "; the bench thread blocks on a countdown latch (mutex + condition "
                      "variable) that the last task to finish notifies";
  }

 private:
  void run_once() override {
    executed_.store(0, std::memory_order_relaxed);
    latch_.reset(spec().count);
    for (std::uint64_t i = 0; i < spec().count; ++i) {
      runtime().pool().spawn([this, runs = task_runs(i)] {
        executed_.fetch_add(runs, std::memory_order_relaxed);
        latch_.count_down();  // after the count: its acq_rel decrement publishes it
      });
    }
    latch_.wait();
    expect("tasks executed", spec().count, executed_.load(std::memory_order_relaxed));
  }

  Countdown latch_;
  std::atomic<std::uint64_t> executed_{0};
};

// spawn_many_local/N, as tokio's rt_multi_threaded bench: inside block_on,
// N tasks are spawned onto the pool (remote spawns: the bench thread is no
// pool thread); the task that takes the shared count to zero sends on a
// channel the block_on coroutine awaits.
class SpawnManyLocal final : public WorkloadBase {
 public:
  ~SpawnManyLocal() override { shutdown(); }
  SpawnManyLocal(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
      : WorkloadBase(spec, params, faults), done_(1) {
    info_.wait_mode =
        std::string(
            "block_on: the bench thread runs its own io_context; a coroutine on it spawns the "
            "tasks (function objects) onto the pool and co_awaits a bounded channel the last "
            "task try_sends to, the thread parked on its own futex word until then; ") +
        kTaskPlacement + "; " + kPoolQueues;
  }

 private:
  using Done = BoundedChannel<bool>;

  void task(unsigned runs) {
    executed_.fetch_add(runs, std::memory_order_relaxed);
    // acq_rel: the last task's decrement orders every count before its send.
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      bool signal = true;
      if (!done_.try_send(signal)) send_failed_.store(true);
    }
  }

  Task<> body() {
    for (std::uint64_t i = 0; i < spec().count; ++i) {
      runtime().pool().spawn([this, runs = task_runs(i)] { task(runs); });
    }
    bool signal = false;
    while (!done_.try_receive(signal)) co_await done_.readable();
  }

  void run_once() override {
    remaining_.store(spec().count, std::memory_order_relaxed);
    executed_.store(0, std::memory_order_relaxed);
    runtime().bench().block_on(body());
    // Acquire pairs with the last task's release (through the channel).
    expect("tasks executed", spec().count, executed_.load(std::memory_order_acquire));
    expect("completion signal lost", 0, send_failed_.load() ? 1 : 0);
  }

  std::atomic<std::uint64_t> remaining_{0};
  std::atomic<std::uint64_t> executed_{0};
  std::atomic<bool> send_failed_{false};
  Done done_;
};

// spawn_many_remote_idle/N, as tokio's bench: spawn N empty tasks from
// outside the runtime, then await each "join handle" in spawn order. A
// handle is a slot of a preallocated array that the task marks done after
// its body.
class SpawnManyRemoteIdle final : public WorkloadBase {
 public:
  ~SpawnManyRemoteIdle() override { shutdown(); }
  SpawnManyRemoteIdle(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
      : WorkloadBase(spec, params, faults), slots_(std::make_unique<Slot[]>(spec.count)) {
    info_.wait_mode =
        std::string(
            "tasks are function objects spawned onto the pool; the bench thread waits for each "
            "task's completion slot in spawn order with std::atomic::wait (libstdc++: a short "
            "spin, then a futex), like awaiting JoinHandles in order; a completed task only "
            "wakes it when it is the one being waited for; ") +
        kTaskPlacement + "; " + kPoolQueues;
  }

 private:
  enum : std::uint32_t { pending = 0, done = 1 };
  struct Slot {
    std::atomic<std::uint32_t> state{pending};
  };

  void run_once() override {
    const std::uint64_t n = spec().count;
    for (std::uint64_t i = 0; i < n; ++i) slots_[i].state.store(pending, std::memory_order_relaxed);
    executed_.store(0, std::memory_order_relaxed);
    for (std::uint64_t i = 0; i < n; ++i) {
      runtime().pool().spawn([this, slot = &slots_[i], runs = task_runs(i)] {
        executed_.fetch_add(runs, std::memory_order_relaxed);
        slot->state.store(done, std::memory_order_release);
        slot->state.notify_one();
      });
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      while (slots_[i].state.load(std::memory_order_acquire) == pending) {
        slots_[i].state.wait(pending, std::memory_order_acquire);
      }
    }
    // Every slot was seen done (acquire), after its body's count.
    expect("tasks executed", n, executed_.load(std::memory_order_relaxed));
  }

  std::unique_ptr<Slot[]> slots_;
  std::atomic<std::uint64_t> executed_{0};
};

// spawn_st/N: current-thread runtime; inside block_on spawn N tasks on the
// same io_context and run until all of them finished.
class SpawnSt final : public WorkloadBase {
 public:
  ~SpawnSt() override { shutdown(); }
  SpawnSt(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
      : WorkloadBase(spec, params, faults) {
    info_.wait_mode =
        "current-thread: tasks are function objects posted to the bench thread's io_context, "
        "which it runs itself until no work is left (the spawning coroutine and every task)";
  }

 private:
  Task<> body() {
    const Executor self = co_await asio::this_coro::executor;
    for (std::uint64_t i = 0; i < spec().count; ++i) {
      // One thread: no atomics needed.
      spawn_task(self, [this, runs = task_runs(i)] { executed_ += runs; });
    }
  }

  void run_once() override {
    executed_ = 0;
    runtime().bench().block_on(body());
    // block_on returns when no work is left: every spawned task has ended.
    expect("tasks executed", spec().count, executed_);
  }

  std::uint64_t executed_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_spawn_workload(const Spec& spec, const WorkloadParams& params,
                                              const TestFaults& faults) {
  switch (spec.def->family) {
    case Family::spawn_many:
      return std::make_unique<SpawnMany>(spec, params, faults);
    case Family::spawn_many_local:
      return std::make_unique<SpawnManyLocal>(spec, params, faults);
    case Family::spawn_many_remote_idle:
      return std::make_unique<SpawnManyRemoteIdle>(spec, params, faults);
    case Family::spawn_st:
      return std::make_unique<SpawnSt>(spec, params, faults);
    default:
      throw std::logic_error("not a spawn workload: " + spec.name);
  }
}

}  // namespace shootout::workloads
