// Tokio's bounded mpsc channel (tokio 1.24, sync/mpsc), rebuilt for the
// workloads' coroutines: many senders, one receiving coroutine.
//
// Tokio's design, kept: a sender takes a permit with one compare-exchange
// (a mutex only when none is free, to queue itself), writes its message
// into a lock-free queue and wakes the receiver only when it waits; the
// receiver takes a message without a lock and returns its permit under the
// semaphore's mutex, handing it to the first waiting sender (FIFO). Asio's
// concurrent_channel took one mutex for every send and every receive: on
// mpsc/64 86 % of the futex calls were that mutex, contended between the
// sender's and the receiver's threads (docs/design.md §4).
//
// What the channel itself allocates is Tokio's pattern: messages are
// stored in blocks of 32 slots, allocated by the sender that first needs
// one and recycled by the receiver once it has taken all 32 (freed with
// the channel), so a channel of capacity 100 allocates about 5 blocks in
// its life and none per message. (A ring of `capacity` slots allocated
// with the channel was one 196 KiB allocation per iteration of
// mpsc_contention, where Tokio allocates blocks.) A wait is an Asio async
// operation on the waiting coroutine, and waking it allocates nothing, as
// a Tokio wake-up: a pool sender woken by the receiver's thread goes
// through the pool's injection queue (as Tokio schedules a task woken from
// outside its workers), a coroutine of the bench thread through its loop's
// queue (BenchLoop::wake); only a waker on the waiting coroutine's own pool
// posts to its executor. (Posting every wake-up, as Asio's channel
// completed its waits, allocated an operation each.)
#pragma once

#include <asio/async_result.hpp>
#include <asio/post.hpp>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "workloads/runtime.h"

namespace shootout::workloads {

// How the channel works, in words, for the workloads' wait_mode and the
// runtime's description.
inline constexpr const char* kChannelDesign =
    "a send takes a permit with one compare-exchange and writes into a lock-free queue of "
    "32-slot blocks; a receive takes a message without a lock and returns its permit under the "
    "channel's mutex, to the first waiting sender if any; only a full or empty channel suspends "
    "a coroutine; a waiting coroutine is woken without allocating: a pool sender woken from "
    "outside the pool through the pool's injection queue, a receiver (or sender) on the bench "
    "thread through the bench loop's queue of woken coroutines";

template <typename T>
class BoundedChannel {
  // The runtime a waiting coroutine belongs to: a pool thread's pool, or
  // the bench thread's loop (a thread has at most one of them).
  struct RunsOn {
    ThreadPool* pool = nullptr;
    BenchLoop* loop = nullptr;
    static RunsOn here() noexcept { return {ThreadPool::current(), BenchLoop::current()}; }
  };

 public:
  // A sender's place in the queue of senders waiting for room. It lives in
  // the waiting coroutine's frame, as Tokio's waiter lives in its send
  // future, so waiting allocates no node.
  class Waiter {
   public:
    Waiter() = default;
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;

   private:
    friend class BoundedChannel;
    Waiter* next_ = nullptr;
    std::optional<Resume> resume_;
    // Where the sender is woken, and its node there (wake_coroutine).
    RunsOn runs_on_;
    ThreadPool::Suspended node_;
  };

  explicit BoundedChannel(std::size_t capacity)
      : table_size_(table_size_for(capacity)),
        table_(std::make_unique<std::atomic<Block*>[]>(table_size_)),
        permits_(capacity) {}

  // Destroys the messages still buffered and the coroutines still waiting
  // (Asio destroys a suspended coroutine through its executor). Nobody may
  // use the channel meanwhile.
  ~BoundedChannel() {
    while (first_waiter_ != nullptr) {
      Waiter* waiter = std::exchange(first_waiter_, first_waiter_->next_);
      // Destroying the handler destroys the frame `waiter` lives in.
      const Resume abandoned = take(waiter->resume_);
    }
    for (T value; try_take(value);) {
    }
    for (std::size_t i = 0; i < table_size_; ++i) delete table_[i].load(std::memory_order_relaxed);
    while (spare_blocks_ != nullptr) delete std::exchange(spare_blocks_, spare_blocks_->next_spare);
  }

  BoundedChannel(const BoundedChannel&) = delete;
  BoundedChannel& operator=(const BoundedChannel&) = delete;

  // ---- senders (any thread) ----

  // Tokio's try_send: true when a permit was free and `value` is sent; false
  // (the channel is full) leaves `value` untouched.
  bool try_send(T& value) {
    if (!try_acquire()) return false;
    push(std::move(value));
    return true;
  }

  // Tokio's reserve().await: completes holding a permit, to be used by
  // send_reserved(). `waiter` must outlive the wait (a local of the
  // awaiting coroutine). send(v) is try_send, else reserve + send_reserved.
  auto reserve(Waiter& waiter) {
    return asio::async_initiate<decltype(use_task), void()>(
        [this, &waiter](Resume resume) { enqueue(waiter, std::move(resume)); }, use_task);
  }

  void send_reserved(T&& value) { push(std::move(value)); }

  // ---- the receiver (one coroutine) ----

  // Tokio's try_recv: the next message, and its permit returned.
  bool try_receive(T& out) {
    if (!try_take(out)) return false;
    release();
    return true;
  }

  // Completes when a message can be taken (at once when one can).
  // Receive: try_receive, else co_await readable() and try again.
  auto readable() {
    return asio::async_initiate<decltype(use_task), void()>(
        [this](Resume resume) { wait_readable(std::move(resume)); }, use_task);
  }

 private:
  // Tokio's BLOCK_CAP: 32 message slots and a bit per slot saying it was
  // written (Tokio's ready_slots). Positions p..p+31 (p a multiple of 32)
  // share a block, found in the table at (p / 32) mod table size.
  static constexpr std::size_t kBlockSlots = 32;
  struct Block {
    std::atomic<std::uint32_t> written{0};
    Block* next_spare = nullptr;  // in the spare list only
    struct Slot {
      alignas(T) unsigned char bytes[sizeof(T)];
    };
    Slot slots[kBlockSlots];
    T* value(std::size_t slot) noexcept {
      return std::launder(reinterpret_cast<T*>(slots[slot].bytes));
    }
  };
  enum : std::uint32_t { kReceiverRunning = 0, kReceiverWaiting = 1 };

  // At most `capacity` messages are unreleased (each holds a permit), so
  // the block a sender's position falls in was last used for positions at
  // least capacity + 31 earlier — taken, its block emptied and detached,
  // before the permit the sender holds was returned — when the table
  // covers capacity + 31 positions.
  static std::size_t table_size_for(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("a bounded channel needs capacity >= 1");
    return std::bit_ceil((capacity + 2 * kBlockSlots - 2) / kBlockSlots);
  }

  std::size_t table_index(std::uint64_t position) const noexcept {
    return (position / kBlockSlots) & (table_size_ - 1);
  }

  static Resume take(std::optional<Resume>& slot) {
    Resume resume = std::move(*slot);
    slot.reset();
    return resume;
  }

  bool try_acquire() noexcept {
    std::size_t free = permits_.load(std::memory_order_acquire);
    while (free > 0) {
      if (permits_.compare_exchange_weak(free, free - 1, std::memory_order_acq_rel,
                                         std::memory_order_acquire))
        return true;
    }
    return false;
  }

  // Runs on the waiting sender's thread once its coroutine is suspended.
  void enqueue(Waiter& waiter, Resume resume) {
    {
      const std::lock_guard lock(mutex_);
      // A permit returned since try_send failed: permits are returned under
      // this mutex, so checking under it loses none.
      if (!try_acquire()) {
        waiter.runs_on_ = RunsOn::here();
        waiter.resume_.emplace(std::move(resume));
        waiter.next_ = nullptr;
        (first_waiter_ == nullptr ? first_waiter_ : last_waiter_->next_) = &waiter;
        last_waiter_ = &waiter;
        return;
      }
    }
    asio::post(std::move(resume));
  }

  // Tokio's Semaphore::release: always under the mutex; the permit goes to
  // the first waiting sender, else back to the pool.
  void release() {
    Waiter* woken = nullptr;
    {
      const std::lock_guard lock(mutex_);
      woken = first_waiter_;
      if (woken == nullptr) {
        permits_.fetch_add(1, std::memory_order_release);
        return;
      }
      first_waiter_ = woken->next_;
    }
    // Out of the mutex: the woken sender must not meet it held. `woken`
    // lives in the sender's frame, which resumes only once its handler runs.
    wake_coroutine(woken->runs_on_, woken->node_, take(woken->resume_));
  }

  // As Tokio wakes a task, without allocating: a pool's coroutine woken from
  // outside the pool through its injection queue (ThreadPool::wake), the
  // bench thread's through its loop's queue (BenchLoop::wake); else posted.
  static void wake_coroutine(RunsOn runs_on, ThreadPool::Suspended& node, Resume resume) {
    if (runs_on.pool != nullptr)
      runs_on.pool->wake(node, std::move(resume));
    else if (runs_on.loop != nullptr)
      runs_on.loop->wake(node, std::move(resume));
    else
      asio::post(std::move(resume));
  }

  // The block for `position`: the one in the table, else a spare or a new
  // one installed there (a sender that loses the race keeps the winner's).
  Block& block_for(std::uint64_t position) {
    std::atomic<Block*>& at = table_[table_index(position)];
    Block* block = at.load(std::memory_order_acquire);
    if (block != nullptr) return *block;
    Block* fresh = nullptr;
    {
      const std::lock_guard lock(spare_mutex_);
      if (spare_blocks_ != nullptr) fresh = std::exchange(spare_blocks_, spare_blocks_->next_spare);
    }
    if (fresh == nullptr) fresh = new Block;
    if (at.compare_exchange_strong(block, fresh, std::memory_order_seq_cst)) return *fresh;
    recycle(fresh);
    return *block;
  }

  void recycle(Block* block) {
    block->written.store(0, std::memory_order_relaxed);
    const std::lock_guard lock(spare_mutex_);
    block->next_spare = spare_blocks_;
    spare_blocks_ = block;
  }

  void push(T&& value) {
    const std::uint64_t position = tail_.fetch_add(1, std::memory_order_relaxed);
    Block& block = block_for(position);
    const std::size_t slot = position % kBlockSlots;
    ::new (static_cast<void*>(block.slots[slot].bytes)) T(std::move(value));
    // seq_cst, with the receiver's: either it sees this message after
    // announcing that it waits, or this sender sees it waiting.
    block.written.fetch_or(std::uint32_t{1} << slot, std::memory_order_seq_cst);
    if (receiver_.load(std::memory_order_seq_cst) == kReceiverWaiting) wake_receiver();
  }

  // The block holding the receiver's next message once it is written, else
  // null.
  Block* ready_block() const noexcept {
    Block* block = table_[table_index(head_)].load(std::memory_order_seq_cst);
    if (block == nullptr) return nullptr;
    const bool written =
        (block->written.load(std::memory_order_seq_cst) >> (head_ % kBlockSlots) & 1) != 0;
    return written ? block : nullptr;
  }

  bool try_take(T& out) {
    Block* block = ready_block();
    if (block == nullptr) return false;
    const std::size_t slot = head_ % kBlockSlots;
    T* value = block->value(slot);
    out = std::move(*value);
    value->~T();
    if (slot == kBlockSlots - 1) {
      // Every slot taken: the block leaves the table before this message's
      // permit is returned, so the sender that reuses its place finds none.
      table_[table_index(head_)].store(nullptr, std::memory_order_release);
      recycle(block);
    }
    ++head_;
    return true;
  }

  // Runs on the receiver's thread once its coroutine is suspended.
  void wait_readable(Resume resume) {
    receiver_runs_on_ = RunsOn::here();
    receiver_resume_.emplace(std::move(resume));
    receiver_.store(kReceiverWaiting, std::memory_order_seq_cst);
    // A message written before the store above was not seen by its sender
    // as a wait: resume now, unless a sender already claimed the wake-up.
    if (ready_block() != nullptr) wake_receiver();
  }

  // Whoever moves the receiver from waiting to running resumes it, once.
  void wake_receiver() {
    std::uint32_t expected = kReceiverWaiting;
    if (receiver_.compare_exchange_strong(expected, kReceiverRunning, std::memory_order_acq_rel))
      wake_coroutine(receiver_runs_on_, receiver_node_, take(receiver_resume_));
  }

  const std::size_t table_size_;  // a power of two
  std::unique_ptr<std::atomic<Block*>[]> table_;
  // Senders' claims, the receiver's position and the permits on their own
  // cache lines: each is written by a different thread.
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::uint64_t head_ = 0;  // the receiver's alone
  std::atomic<std::uint32_t> receiver_{kReceiverRunning};
  std::optional<Resume> receiver_resume_;
  RunsOn receiver_runs_on_;
  // The waiting receiver's node in its loop's (or pool's) queue: one
  // receiver, woken once per wait, so one node serves every wait.
  ThreadPool::Suspended receiver_node_;
  alignas(64) std::atomic<std::size_t> permits_;
  std::mutex mutex_;  // guards the waiter queue; returning permits
  Waiter* first_waiter_ = nullptr;
  Waiter* last_waiter_ = nullptr;
  // Taken once per 32 messages by a sender and by the receiver, apart from
  // the semaphore's mutex, which the receiver takes for every message.
  std::mutex spare_mutex_;
  Block* spare_blocks_ = nullptr;
};

}  // namespace shootout::workloads
