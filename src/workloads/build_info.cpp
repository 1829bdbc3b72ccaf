// Which Asio build this copy of the catalog is: the name CMake gave it and
// the Asio configuration the compile definitions actually produced.
#include <asio/detail/thread_info_base.hpp>
#include <asio/version.hpp>

#include <string>

#include "workloads/bounded_channel.h"
#include "workloads/workload.h"

#ifndef SHOOTOUT_RUNTIME_BUILD
#error "SHOOTOUT_RUNTIME_BUILD must name the Asio build (set by src/workloads/CMakeLists.txt)"
#endif

namespace shootout::workloads {

const char* runtime_build() { return SHOOTOUT_RUNTIME_BUILD; }

std::string runtime_details() {
  std::string out = "asio " + std::to_string(ASIO_VERSION / 100000) + "." +
                    std::to_string(ASIO_VERSION / 100 % 1000) + "." +
                    std::to_string(ASIO_VERSION % 100);
  out += "; recycling allocator cache " + std::to_string(ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE) +
         " per purpose";
#if defined(SHOOTOUT_FRAMES_FROM_RUNTIME_POOL)
  out += "; coroutine frames from the runtime's own pool";
#elif defined(ASIO_DISABLE_AWAITABLE_FRAME_RECYCLING)
  out += "; awaitable frame recycling off";
#else
  out += "; awaitable frame recycling on";
#endif
  return out;
}

const char* runtime_description() {
  // Built once: the channel's words are shared with the channel workloads.
  static const std::string text =
      std::string(
          "Runtime: standalone Asio with C++20 coroutines, shaped as Tokio's. The multi-thread "
          "runtime is W pool threads, each running its own io_context (a per-worker queue). A "
          "pool thread that runs out of work parks on its own futex word; work posted to a "
          "thread wakes it (one futex call) only while it is parked. A spawned task is one "
          "allocation of Tokio's task-cell size class (113 bytes; Tokio 1.24's cell is 120), "
          "listed among the pool's owned tasks until it ends, as Tokio's; spawned from outside "
          "the pool it goes to the injection queue every pool thread takes from once its own "
          "queues are empty, and a parked thread is woken to search unless one searches "
          "already (the last searcher to find work wakes another); the queues' locks spin "
          "before they sleep, as Rust's Mutex does. Long-lived tasks (channel senders) are "
          "placed round-robin. As Tokio's coop budget does, a channel sender yields after 128 "
          "sends without a wait: it goes behind its worker's queued work and a parked worker is "
          "woken to search, which may steal it. block_on and the current-thread runtime are "
          "the bench thread running its own io_context and parking when it has nothing to run; "
          "a coroutine there woken from another thread is queued by its node, without "
          "allocating, as Tokio wakes a task; a spawned task there is a function object posted "
          "to that io_context. "
          "Channels are bounded, in Tokio's design: ") +
      kChannelDesign +
      ". Build \"asio\": Asio's recycling caches off, so every task, operation and message "
      "allocation reaches the allocator, and coroutine frames (which Tokio's futures, living in "
      "their task, do not need) come from the runtime's own pool, never the allocator; "
      "\"asio-shipped\": Asio's defaults.";
  return text.c_str();
}

}  // namespace shootout::workloads
