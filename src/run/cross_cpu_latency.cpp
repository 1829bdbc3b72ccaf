#include "run/cross_cpu_latency.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace shootout::run {

namespace {

using Clock = std::chrono::steady_clock;

// 5 batches of 5000 round trips: ~1 ms each at the ~200 ns measured here, so
// the probe costs a few ms per group; the median batch ignores one that the
// hypervisor or the tick interrupted.
constexpr int kBatches = 5;
constexpr int kRoundTrips = 5000;
constexpr auto kBatchDeadline = std::chrono::seconds(1);

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

}  // namespace

std::optional<CrossCpuLatency> measure_cross_cpu_latency(std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<CrossCpuLatency> {
    if (why) *why = reason;
    return std::nullopt;
  };
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (pthread_getaffinity_np(pthread_self(), sizeof(allowed), &allowed) != 0)
    return fail("cannot read this thread's CPU affinity");
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpus.size() < 2; ++cpu)
    if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  if (cpus.size() < 2) return fail("one usable CPU: no cross-CPU round trip");

  // 0: the ping side's turn is over; 1: the pong side's; -1: stop.
  alignas(64) std::atomic<int> ball{0};
  std::atomic<bool> pong_pinned{false}, pong_ok{true};
  std::thread pong([&] {
    pong_ok = pin_to(cpus[1]);
    pong_pinned = true;
    for (;;) {
      int seen;
      while ((seen = ball.load(std::memory_order_acquire)) == 0) {
      }
      if (seen < 0) return;
      ball.store(0, std::memory_order_release);
    }
  });
  while (!pong_pinned.load()) std::this_thread::yield();

  CrossCpuLatency out;
  out.cpu_a = cpus[0];
  out.cpu_b = cpus[1];
  std::vector<double> means;
  const bool pinned = pin_to(cpus[0]) && pong_ok.load();
  bool timed_out = false;
  for (int b = 0; pinned && b < kBatches && !timed_out; ++b) {
    const auto start = Clock::now();
    for (int i = 0; i < kRoundTrips && !timed_out; ++i) {
      ball.store(1, std::memory_order_release);
      for (unsigned spins = 1; ball.load(std::memory_order_acquire) != 0; ++spins)
        if (spins % 65536 == 0 && Clock::now() - start > kBatchDeadline) {
          timed_out = true;
          break;
        }
    }
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    means.push_back(ns / kRoundTrips);
  }
  ball.store(-1, std::memory_order_release);
  pong.join();
  // The caller's thread goes back to every CPU it was allowed.
  pthread_setaffinity_np(pthread_self(), sizeof(allowed), &allowed);

  if (!pinned) return fail("pinning threads to CPUs was refused");
  if (timed_out) return fail("a batch did not finish within 1 s (the other CPU was busy)");
  std::sort(means.begin(), means.end());
  out.batches = static_cast<int>(means.size());
  out.round_trip_ns = means[means.size() / 2];
  out.min_ns = means.front();
  out.max_ns = means.back();
  return out;
}

}  // namespace shootout::run
