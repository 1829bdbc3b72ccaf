// A spawned task as Tokio allocates one: its body padded to the size class
// of Tokio's task cell, so every allocator sees the request a Tokio spawn
// makes. The pool's tasks are ThreadPool::SpawnedTask nodes (runtime.h);
// the current-thread runtime's are posted with spawn_task() below.
//
// Tokio 1.24 allocates one 120-byte cell per task with a trivial future:
// every spawn family of bench/tokio-reference made exactly one malloc(120)
// per task (counted with an LD_PRELOAD malloc histogram, 10^6 tasks).
// Asio's operation for a two-word closure was 49 bytes, the 64-byte class
// of glibc, jemalloc, mimalloc and tcmalloc (glibc: a 64-byte fastbin chunk
// against Tokio's 128-byte one), and jemalloc's gain over glibc on
// spawn_many/10000 was 0.69 of Tokio's (ratios to std 0.64 vs 0.93, median
// of 5 interleaved runs). A closure of 80 bytes makes the operation 113
// bytes: with 120, the one class holding 113-120-byte requests in all four
// (glibc 128-byte chunk; jemalloc, mimalloc and tcmalloc 128-byte class).
// The pool's task (queue node, owned-list links, pool pointer and state
// word, then the padded body) is the same 112-byte object, allocated the
// same way. tests/integration/run_test.cpp checks the
// size the malloc count sees.
#pragma once

#include <asio/post.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace shootout::workloads {

// The object a spawn allocates: Asio's allocator asks for one byte more
// (its recycling tag), 113 bytes.
inline constexpr std::size_t kTaskObjectBytes = 112;
// The body an Asio operation holds in that object (its own fields take 32).
inline constexpr std::size_t kTaskClosureBytes = 80;

template <typename Body, std::size_t Bytes = kTaskClosureBytes>
class TaskCell {
 public:
  static_assert(sizeof(Body) <= Bytes, "a task body larger than Tokio's cell");
  explicit TaskCell(Body body) : body_(std::move(body)) {}
  void operator()() { body_(); }

 private:
  Body body_;
  // Never read: it only sizes the allocation. Zeroed, as Tokio initialises
  // its whole cell.
  std::array<std::byte, Bytes - sizeof(Body)> padding_{};
};

template <typename Executor, typename Body>
void spawn_task(const Executor& executor, Body body) {
  asio::post(executor, TaskCell<Body>(std::move(body)));
}

}  // namespace shootout::workloads
