// How a runtime thread (a pool worker, or the bench thread inside block_on)
// sleeps when it has no work and is woken when work arrives: Tokio's
// park/unpark, one futex word per thread. Asio's own sleep (the io_context's
// mutex and condition variable) cost 3 futex calls per sleep and wake-up
// (signal, wait, and the mutex unlock after the wait: glibc re-locks the
// mutex as contended); this costs 2, and none when the thread is awake.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shootout::workloads {

class Parker {
 public:
  Parker() = default;
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  // The owning thread: sleeps until unpark(); returns at once when an
  // unpark() came since the last park() returned.
  void park() noexcept;
  // Any thread: makes the next (or current) park() return. A futex call
  // only when the owner sleeps.
  void unpark() noexcept;
  // Asleep and not yet woken: a hint for placing work (it may change at once).
  bool parked() const noexcept { return state_.load(std::memory_order_relaxed) == kParked; }

  // Another thread releasing work of the io_context this parker's thread
  // runs (WakingExecutor): Asio's io_context counts the work down, and only
  // then calls stop(). Seeing the count at zero, the owner may return from
  // block_on and restart the io_context before that stop() lands, which
  // then stops the next block_on ("the bench loop stopped before its task
  // ended", and its channel destroyed under a running sender). The owner
  // waits for releases in progress before it returns (wait_for_releases).
  class Release {
   public:
    explicit Release(Parker& parker) noexcept : parker_(parker) {
      parker_.releasing_.fetch_add(1, std::memory_order_seq_cst);
    }
    ~Release() { parker_.releasing_.fetch_sub(1, std::memory_order_release); }
    Release(const Release&) = delete;
    Release& operator=(const Release&) = delete;

   private:
    Parker& parker_;
  };
  // The owning thread, after its io_context stopped: returns once no
  // Release is alive (a few instructions, unless its thread was preempted).
  void wait_for_releases() const noexcept;

  // The parker of the calling thread while it runs a runtime loop (null on
  // other threads): work a thread posts to itself needs no wake-up.
  static Parker* current() noexcept;

  // Makes `parker` the calling thread's current() for the scope's lifetime.
  class Owner {
   public:
    explicit Owner(Parker& parker) noexcept;
    ~Owner();
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;

   private:
    Parker* previous_;
  };

 private:
  enum : std::uint32_t { kEmpty = 0, kParked = 1, kNotified = 2 };

  alignas(64) std::atomic<std::uint32_t> state_{kEmpty};
  std::atomic<std::uint32_t> releasing_{0};
};

}  // namespace shootout::workloads
