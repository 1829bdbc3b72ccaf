// Pool threads, the bench loop, the countdown latch and pinning.
#include "workloads/runtime.h"

#include <pthread.h>
#include <sched.h>
#include <asio/co_spawn.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace shootout::workloads {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

void pin_thread(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (const int rc = pthread_setaffinity_np(thread, sizeof(set), &set); rc != 0) {
    throw std::system_error(rc, std::generic_category(),
                            "pthread_setaffinity_np(CPU " + std::to_string(cpu) + ")");
  }
}

void Countdown::reset(std::uint64_t count) {
  std::lock_guard lock(mutex_);
  remaining_.store(count, std::memory_order_relaxed);
  done_ = count == 0;
}

void Countdown::count_down() noexcept {
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Notify under the lock so the waiter cannot return and reset() the
    // latch while we still touch it.
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_one();
  }
}

void Countdown::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return done_; });
}

namespace {
// The pool worker the calling thread is (null elsewhere): where a yield
// queues its task.
thread_local void* current_worker = nullptr;
thread_local ThreadPool* current_pool = nullptr;
}  // namespace

ThreadPool::ThreadPool(int threads, const std::vector<int>& cpus) : unparked_(threads) {
  sleepers_.reserve(static_cast<std::size_t>(threads));
  workers_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->pool = this;
  }
  threads_.reserve(static_cast<std::size_t>(threads));
  try {
    for (int i = 0; i < threads; ++i) {
      Worker& worker = *workers_[static_cast<std::size_t>(i)];
      threads_.emplace_back([this, &worker] { run(worker); });
      const std::string name = "shootout-w" + std::to_string(i);
      pthread_setname_np(threads_.back().native_handle(), name.c_str());
      if (!cpus.empty()) {
        pin_thread(threads_.back().native_handle(),
                   cpus[static_cast<std::size_t>(i + 1) % cpus.size()]);
      }
    }
  } catch (...) {
    stop_all();
    for (std::thread& t : threads_) t.join();
    throw;
  }
}

ThreadPool::~ThreadPool() { join(); }

Executor ThreadPool::executor() noexcept {
  const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed) % workers_.size();
  return workers_[i]->executor();
}

void ThreadPool::serve(Worker& worker) {
  for (;;) {
    if (worker.context.poll() != 0) {
      if (worker.searching) end_search(worker);
      continue;
    }
    if (abandon_ && worker.context.stopped()) return;  // join() drops what is queued
    // Tokio's next_task: its own queue (a yielded task runs behind what was
    // queued before it), then the injection queue.
    if (QueuedTask* task = next_queued(worker)) {
      if (worker.searching) end_search(worker);
      task->run();
      continue;
    }
    if (worker.context.stopped()) return;
    // No spinning before parking: Tokio's workers spin (pause loops, and
    // yields) before they sleep, but here a 5 us spin made mpsc/1024
    // 1.44x slower per message against Tokio (Asio / Tokio 1.83 vs 1.27,
    // 3 interleaved runs of bench/run.sh runtime each, idle 2-vCPU VM)
    // and spawns no faster (0.81 vs 0.83): on 2 CPUs a spinning thread
    // takes the CPU its peer needs to produce the work it waits for.
    park(worker);
  }
}

ThreadPool::QueuedTask* ThreadPool::next_queued(Worker& worker) {
  if (QueuedTask* task = worker.local.pop()) return task;
  return injected_.pop();
}

void ThreadPool::TaskQueue::push(QueuedTask& task) {
  task.next_ = nullptr;
  const std::lock_guard lock(mutex_);
  (first_ == nullptr ? first_ : last_->next_) = &task;
  last_ = &task;
  size_.fetch_add(1, std::memory_order_seq_cst);
}

ThreadPool::QueuedTask* ThreadPool::TaskQueue::pop() {
  if (size() == 0) return nullptr;  // the common case, without the lock
  const std::lock_guard lock(mutex_);
  QueuedTask* task = first_;
  if (task == nullptr) return nullptr;
  first_ = task->next_;
  size_.fetch_sub(1, std::memory_order_seq_cst);
  return task;
}

void ThreadPool::OwnedTasks::insert(Link& link) {
  const std::lock_guard lock(mutex_);
  link.prev = nullptr;
  link.next = first_;
  if (first_ != nullptr) first_->prev = &link;
  first_ = &link;
}

void ThreadPool::OwnedTasks::remove(Link& link) {
  const std::lock_guard lock(mutex_);
  (link.prev == nullptr ? first_ : link.prev->next) = link.next;
  if (link.next != nullptr) link.next->prev = link.prev;
}

void ThreadPool::Suspended::finish(QueuedTask& task, bool run) {
  auto& self = static_cast<Suspended&>(task);
  // The node lives in the coroutine's frame: not touched once resumed (or
  // once the handler, which owns the frame, is destroyed).
  Resume resume(std::move(*self.resume_));
  self.resume_.reset();
  if (run) std::move(resume)();
}

ThreadPool* ThreadPool::current() noexcept { return current_pool; }

void ThreadPool::schedule(QueuedTask& task) {
  auto* worker = static_cast<Worker*>(current_worker);
  (worker != nullptr && worker->pool == this ? worker->local : injected_).push(task);
  notify_parked();
}

void ThreadPool::push_yielded(Suspended& node, Resume resume) {
  auto* worker = static_cast<Worker*>(current_worker);
  if (worker == nullptr || worker->pool != this) {
    // Not on this pool's thread: nothing to yield to but its own executor.
    asio::post(std::move(resume));
    return;
  }
  node.resume_.emplace(std::move(resume));
  worker->local.push(node);
  notify_parked();
}

void ThreadPool::wake(Suspended& node, Resume resume) {
  if (current_pool == this) {
    asio::post(std::move(resume));
    return;
  }
  node.resume_.emplace(std::move(resume));
  injected_.push(node);
  notify_parked();
}

int ThreadPool::sleepers() {
  const std::lock_guard lock(idle_mutex_);
  return static_cast<int>(sleepers_.size());
}

void ThreadPool::notify_parked() {
  const auto should_wake = [this] {
    return searching_.load(std::memory_order_seq_cst) == 0 &&
           unparked_.load(std::memory_order_seq_cst) < static_cast<int>(workers_.size());
  };
  if (!should_wake()) return;
  Worker* woken = nullptr;
  {
    const std::lock_guard lock(idle_mutex_);
    if (!should_wake() || sleepers_.empty()) return;
    woken = sleepers_.back();
    sleepers_.pop_back();
    woken->sleeping = false;
    woken->searching = true;
    searching_.fetch_add(1, std::memory_order_seq_cst);
    unparked_.fetch_add(1, std::memory_order_seq_cst);
  }
  woken->parker.unpark();
}

void ThreadPool::park(Worker& worker) {
  {
    const std::lock_guard lock(idle_mutex_);
    if (worker.searching) {
      worker.searching = false;
      searching_.fetch_sub(1, std::memory_order_seq_cst);
    }
    unparked_.fetch_sub(1, std::memory_order_seq_cst);
    worker.sleeping = true;
    sleepers_.push_back(&worker);
  }
  // Tokio's notify_if_work_pending. Work queued after this worker looked,
  // whose notification saw it not yet a sleeper (or saw a searcher that
  // has since given up), is seen here: both sides write, then read the
  // other's count, seq_cst. The notification may pick this worker itself.
  if (work_pending()) notify_parked();
  worker.parker.park();
  bool notified = false;
  {
    const std::lock_guard lock(idle_mutex_);
    if (worker.sleeping) {
      // Woken by work posted to it, not to search: no longer a sleeper.
      worker.sleeping = false;
      sleepers_.erase(std::find(sleepers_.begin(), sleepers_.end(), &worker));
      unparked_.fetch_add(1, std::memory_order_seq_cst);
    }
    notified = worker.searching;
  }
  if (notified) steal(worker);
}

bool ThreadPool::steal(Worker& thief) {
  // The other workers' local tasks from a rotating start, then the
  // injection queue (Tokio's steal_work). Tokio steals half a local queue
  // at once; ours hold only yielded tasks in the study's workloads (every
  // spawn is from outside the pool), one or two at a time.
  QueuedTask* task = [&]() -> QueuedTask* {
    const std::size_t n = workers_.size();
    for (std::size_t k = 0; k < n; ++k) {
      Worker& victim = *workers_[thief.next_victim++ % n];
      if (&victim == &thief) continue;
      if (QueuedTask* stolen = victim.local.pop()) return stolen;
    }
    return injected_.pop();
  }();
  if (task == nullptr) return false;
  end_search(thief);
  task->run();
  return true;
}

void ThreadPool::end_search(Worker& worker) {
  // Tokio's transition_from_searching: the last searcher to find work
  // wakes another to search. (While searching, a worker's notifications
  // are skipped: one that kept the flag while running found work would
  // hold back every other worker's.)
  bool last = false;
  {
    const std::lock_guard lock(idle_mutex_);
    worker.searching = false;
    last = searching_.fetch_sub(1, std::memory_order_seq_cst) == 1;
  }
  if (last) notify_parked();
}

bool ThreadPool::work_pending() const noexcept {
  if (injected_.size() != 0) return true;
  for (const auto& worker : workers_) {
    if (worker->local.size() != 0) return true;
  }
  return false;
}

void ThreadPool::unpark_all() noexcept {
  for (auto& worker : workers_) worker->parker.unpark();
}

void ThreadPool::stop_all() noexcept {
  for (auto& worker : workers_) {
    worker->guard.reset();
    worker->context.stop();
  }
  unpark_all();
}

void ThreadPool::join() noexcept {
  if (abandon_) {
    stop_all();
  } else {
    // A worker whose queue is empty once its guard is gone stops its
    // io_context at its next poll; parked workers must wake to see it.
    for (auto& worker : workers_) worker->guard.reset();
    unpark_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  drop_queued();
}

void ThreadPool::drop_queued() noexcept {
  // A spawned task frees itself; destroying a coroutine's handler destroys
  // the frame its node lives in.
  for (auto& worker : workers_) {
    while (QueuedTask* abandoned = worker->local.pop()) abandoned->drop();
  }
  while (QueuedTask* abandoned = injected_.pop()) abandoned->drop();
}

void ThreadPool::run(Worker& worker) {
  const Parker::Owner owner(worker.parker);
  current_worker = &worker;
  current_pool = this;
  // A handler that throws must not terminate the process: keep the first
  // exception for the bench thread and go on serving the queue.
  for (;;) {
    try {
      serve(worker);
      return;
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
}

std::exception_ptr ThreadPool::take_error() {
  std::lock_guard lock(error_mutex_);
  return std::exchange(error_, nullptr);
}

// Concurrency hint 1: only the bench thread runs it (others only post).
BenchLoop::BenchLoop() : context_(1) {}

BenchLoop::~BenchLoop() {
  while (ThreadPool::QueuedTask* task = woken_.pop()) task->drop();
}

namespace {
thread_local BenchLoop* current_bench_loop = nullptr;
}  // namespace

BenchLoop* BenchLoop::current() noexcept { return current_bench_loop; }

void BenchLoop::wake(ThreadPool::Suspended& node, Resume resume) {
  node.resume_.emplace(std::move(resume));
  woken_.push(node);
  if (current_bench_loop != this) parker_.unpark();
}

void BenchLoop::run_woken() {
  while (ThreadPool::QueuedTask* task = woken_.pop()) task->run();
}

void BenchLoop::block_on(Task<> body) {
  const Parker::Owner owner(parker_);
  struct Current {
    BenchLoop* previous;
    explicit Current(BenchLoop* loop) : previous(std::exchange(current_bench_loop, loop)) {}
    ~Current() { current_bench_loop = previous; }
  } current(this);
  std::exception_ptr error;
  bool finished = false;
  context_.restart();
  asio::co_spawn(executor(), std::move(body), [&](std::exception_ptr e) {
    error = e;
    finished = true;
  });
  // poll() runs what is queued; the io_context stops itself when no work
  // is left (nothing queued, no operation pending). With nothing to run the
  // thread parks at once, as Tokio's block_on does. Tried and not kept
  // (perf stat, medians of 3, machine under load 4-6): searching first (1
  // us, 3 yields), or yielding once after each wake-up, cut the receiver's
  // sleeps on mpsc/64-4096 from 0.3-0.4 to 0.001-0.004 per message (on
  // mpsc/64 and mpsc/1024: 3-18x Tokio's time per message -> below it), but
  // with 32 KiB messages glibc then trimmed and re-faulted its heap far more
  // often (page faults per message on mpsc_large 0.9 -> 1.9-3.4, Tokio
  // 1.0-1.2), at 1.8-2.2x the time; with sender and receiver pinned to
  // different CPUs, as an idle machine places them, the search changed
  // nothing (mpsc/1024: 3.6 us per message either way).
  // A woken coroutine (wake()) holds work on the io_context until it runs,
  // so the io_context cannot stop while one is queued. One that ran may
  // have posted to the io_context without unparking (its own thread): poll
  // again before parking.
  for (;;) {
    context_.poll();
    const bool woken = woken_.size() != 0;
    run_woken();
    if (context_.stopped()) break;
    if (!woken) parker_.park();
  }
  // A pool thread whose release took the work count to zero may not have
  // called stop() yet; it must land before the next block_on restarts the
  // io_context (parker.h).
  parker_.wait_for_releases();
  if (!finished) throw std::logic_error("block_on: the bench loop stopped before its task ended");
  if (error) std::rethrow_exception(error);
}

Runtime::Runtime(int pool_threads, bool pin) : bench_thread_(std::this_thread::get_id()) {
  if (pin) {
    cpus_ = allowed_cpus();
    pin_thread(pthread_self(), cpus_[0]);
    pinned_ = true;
  }
  if (pool_threads > 0) pool_ = std::make_unique<ThreadPool>(pool_threads, cpus_);
}

Runtime::~Runtime() = default;

void Runtime::adopt_bench_thread() {
  if (!pinned_ || std::this_thread::get_id() == bench_thread_) return;
  pin_thread(pthread_self(), cpus_[0]);
  bench_thread_ = std::this_thread::get_id();
}

void Runtime::shutdown() noexcept {
  if (pool_) pool_->join();
}

void Runtime::abandon() noexcept {
  if (pool_) pool_->abandon();
}

}  // namespace shootout::workloads
