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
// What a message costs the allocator is the workload's own allocation
// only. Messages are stored in a ring of at least `capacity` slots,
// allocated once with the channel (Tokio: 32-slot blocks allocated as its
// list grows and recycled; neither allocates per message). A wait is an
// Asio async operation on the waiting coroutine, completed by posting it
// to that coroutine's executor, as Asio's channel completed its waits.
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

template <typename T>
class BoundedChannel {
  // What resumes a suspended coroutine of the workloads (Task).
  using Resume =
      typename asio::async_result<std::decay_t<decltype(use_task)>, void()>::handler_type;

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
  };

  explicit BoundedChannel(std::size_t capacity)
      : slots_(slots_for(capacity)), ring_(std::make_unique<Cell[]>(slots_)), permits_(capacity) {
    for (std::size_t i = 0; i < slots_; ++i) ring_[i].sequence.store(i, std::memory_order_relaxed);
  }

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
  // A ring slot: `sequence` is its position p while free for the sender
  // that claims p, p + 1 once that message is written, and p + slots once
  // the receiver took it (free for position p + slots). Tokio's block slots
  // carry the same "ready" state as bits.
  struct Cell {
    std::atomic<std::uint64_t> sequence{0};
    alignas(T) unsigned char storage[sizeof(T)];
    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };
  enum : std::uint32_t { kReceiverRunning = 0, kReceiverWaiting = 1 };

  static std::size_t slots_for(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("a bounded channel needs capacity >= 1");
    return std::bit_ceil(capacity);
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
    // Out of the mutex: the woken sender must not meet it held. `woken` is
    // not touched after its handler is moved out (its frame may resume).
    asio::post(take(woken->resume_));
  }

  // A permit bounds the messages in the ring to `capacity` <= slots, and a
  // permit is returned only after its slot was freed: the slot a sender
  // claims is free, whichever thread freed it.
  void push(T&& value) {
    const std::uint64_t position = tail_.fetch_add(1, std::memory_order_relaxed);
    Cell& cell = ring_[position & (slots_ - 1)];
    if (cell.sequence.load(std::memory_order_acquire) != position)
      throw std::logic_error("bounded channel: a sender claimed a slot still in use");
    ::new (static_cast<void*>(cell.storage)) T(std::move(value));
    // seq_cst, with the receiver's: either it sees this message after
    // announcing that it waits, or this sender sees it waiting.
    cell.sequence.store(position + 1, std::memory_order_seq_cst);
    if (receiver_.load(std::memory_order_seq_cst) == kReceiverWaiting) wake_receiver();
  }

  bool try_take(T& out) {
    Cell& cell = ring_[head_ & (slots_ - 1)];
    if (cell.sequence.load(std::memory_order_acquire) != head_ + 1) return false;
    T* value = cell.value();
    out = std::move(*value);
    value->~T();
    cell.sequence.store(head_ + slots_, std::memory_order_release);
    ++head_;
    return true;
  }

  bool message_ready() const noexcept {
    return ring_[head_ & (slots_ - 1)].sequence.load(std::memory_order_seq_cst) == head_ + 1;
  }

  // Runs on the receiver's thread once its coroutine is suspended.
  void wait_readable(Resume resume) {
    receiver_resume_.emplace(std::move(resume));
    receiver_.store(kReceiverWaiting, std::memory_order_seq_cst);
    // A message written before the store above was not seen by its sender
    // as a wait: resume now, unless a sender already claimed the wake-up.
    if (message_ready()) wake_receiver();
  }

  // Whoever moves the receiver from waiting to running resumes it, once.
  void wake_receiver() {
    std::uint32_t expected = kReceiverWaiting;
    if (receiver_.compare_exchange_strong(expected, kReceiverRunning, std::memory_order_acq_rel))
      asio::post(take(receiver_resume_));
  }

  const std::size_t slots_;  // a power of two >= capacity
  std::unique_ptr<Cell[]> ring_;
  // Senders' claims, the receiver's position and the permits on their own
  // cache lines: each is written by a different thread.
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::uint64_t head_ = 0;  // the receiver's alone
  std::atomic<std::uint32_t> receiver_{kReceiverRunning};
  std::optional<Resume> receiver_resume_;
  alignas(64) std::atomic<std::size_t> permits_;
  std::mutex mutex_;  // guards the waiter queue; returning permits
  Waiter* first_waiter_ = nullptr;
  Waiter* last_waiter_ = nullptr;
};

}  // namespace shootout::workloads
