// CPU used by other processes while a sample ran: busy time of the whole
// machine from /proc/stat, minus the worker's own CPU time.
#pragma once

#include <cstdint>
#include <optional>

namespace shootout::run {

struct CpuTimes {
  std::uint64_t busy_ns = 0;  // all CPUs, everything but idle and iowait
};
std::optional<CpuTimes> read_cpu_times();

// (busy - own) / (wall * cores), clamped to [0, 1].
double other_cpu_share(const CpuTimes& before, const CpuTimes& after, std::uint64_t own_cpu_ns,
                       std::uint64_t wall_ns, long cores);

}  // namespace shootout::run
