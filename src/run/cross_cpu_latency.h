// The machine's state for threads that talk to each other: the round trip of
// one cache line between two threads pinned to two CPUs. Measured before and
// after each group, it is what a wake-up-bound cell's speed follows: on this
// project's 2-vCPU VM, one run's mpsc/4096 cells took 2x the time of another
// run's (user and sys time alike, every process) while single-threaded cells
// agreed within 1 % — the host had placed the vCPUs differently. A ratio of
// such cells is only comparable between runs whose round trips agree.
#pragma once

#include <optional>
#include <string>

namespace shootout::run {

struct CrossCpuLatency {
  double round_trip_ns = 0;       // median over batches of the mean round trip
  double min_ns = 0, max_ns = 0;  // the fastest and slowest batch
  int batches = 0;
  int cpu_a = 0, cpu_b = 0;
};

// Empty (with `why` set) on a machine with one usable CPU, where pinning is
// refused, or when a batch does not finish within a second (the other CPU
// was not available to the probe).
std::optional<CrossCpuLatency> measure_cross_cpu_latency(std::string* why = nullptr);

}  // namespace shootout::run
