// The lock Tokio's queues are guarded by, as it behaves: a contended lock
// spins before it sleeps. Tokio 1.24's injection queue, idle list and
// semaphore wait list are Rust std Mutexes (rustc 1.63, Debian's), which spin
// up to 100 times on a held lock before a futex wait; glibc's default mutex
// (std::mutex) sleeps at once. With std::mutex, spawn_many/10000 made 0.19
// futex calls per task, 0.17 of them the injection queue's lock (perf
// record of sys_enter_futex), against Tokio's 0.009. glibc's adaptive mutex
// spins the same way (glibc.pthread.mutex_spin_count, default 100).
#pragma once

#include <pthread.h>

namespace shootout::workloads {

// Lockable, for std::lock_guard and std::unique_lock (no condition
// variable: std::condition_variable needs std::mutex).
class AdaptiveMutex {
 public:
  AdaptiveMutex() noexcept {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mutex_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() noexcept { pthread_mutex_lock(&mutex_); }
  bool try_lock() noexcept { return pthread_mutex_trylock(&mutex_) == 0; }
  void unlock() noexcept { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_;
};

}  // namespace shootout::workloads
