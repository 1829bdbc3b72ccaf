// The machine's state for threads that talk to each other: the round trip of
// one cache line between two threads pinned to two CPUs, measured before and
// after each group. Why: on this project's 2-vCPU VM one run's mpsc/4096
// cells took 2x the time of another run's (user and sys time alike, in every
// process) while single-threaded cells agreed within 1 % — a change of the
// machine, not of the allocators, invisible in steal time and other-CPU
// load. This figure makes the inter-CPU path of a run visible, so that two
// runs' channel cells are compared knowing whether it was the same.
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
