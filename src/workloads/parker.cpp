// Park/unpark on a futex word (Linux).
#include "workloads/parker.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

namespace shootout::workloads {
namespace {

thread_local Parker* current_parker = nullptr;

// Sleeps while *word == expected (or returns at once when it is not).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void futex_wake_one(std::atomic<std::uint32_t>& word) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

}  // namespace

void Parker::park() noexcept {
  // A wake-up that came while the thread was awake: consume it.
  std::uint32_t expected = kNotified;
  if (state_.compare_exchange_strong(expected, kEmpty)) return;
  expected = kEmpty;
  if (!state_.compare_exchange_strong(expected, kParked)) {
    state_.store(kEmpty);  // notified in between
    return;
  }
  for (;;) {
    futex_wait(state_, kParked);
    expected = kNotified;
    if (state_.compare_exchange_strong(expected, kEmpty)) return;
    // Spurious return (a signal, or a stale futex wake): still kParked.
  }
}

void Parker::unpark() noexcept {
  if (state_.exchange(kNotified) != kParked) return;  // awake: it will see the work
  futex_wake_one(state_);
}

Parker* Parker::current() noexcept { return current_parker; }

void Parker::wait_for_releases() const noexcept {
  while (releasing_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

Parker::Owner::Owner(Parker& parker) noexcept : previous_(current_parker) {
  current_parker = &parker;
}

Parker::Owner::~Owner() { current_parker = previous_; }

}  // namespace shootout::workloads
