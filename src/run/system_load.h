// The machine's other load while a sample ran, measured so that it can be
// aggregated over a cell's samples: per sample the runner records the raw
// window — wall time, CPUs, busy and steal time of the machine (/proc/stat)
// and the CPU time this run's own processes used — and the report divides
// sums, never averages per-sample shares. /proc/stat counts in 10 ms ticks
// (USER_HZ 100) against samples of ~27 ms (profile quick), so one sample's
// share is mostly rounding; over a cell's 30 samples the rounding averages
// out. Steal time (the hypervisor running someone else on our vCPU) is kept
// apart: it is not another process of this machine.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "journal/records.h"

namespace shootout::run {

struct CpuTimes {
  std::uint64_t busy_ns = 0;   // all CPUs: user, nice, system, irq, softirq (not steal)
  std::uint64_t steal_ns = 0;  // all CPUs: time the hypervisor gave to another guest
};
std::optional<CpuTimes> read_cpu_times();

// CPU time (user + system, ns) used so far by this process and by each of
// `pids` with every process it started (an strace-wrapped worker is strace's
// child), from each process's CPU clock (clock_getcpuclockid: ns, all
// threads). A process that is gone counts 0.
std::uint64_t run_cpu_ns(const std::vector<pid_t>& pids);

// One sample's window, as recorded under "load" in samples.jsonl.
struct LoadWindow {
  std::uint64_t window_ns = 0;  // runner's monotonic clock between the readings
  long cpus = 0;
  std::uint64_t busy_ns = 0, steal_ns = 0;  // the machine's, during the window
  std::uint64_t run_ns = 0;  // this run's processes (runner + every worker), during the window
  journal::SampleLoad to_record() const;
};

// Brackets a sample: start() before the runner sends the command, stop()
// after the reply; nullopt when /proc/stat cannot be read.
class LoadMeter {
 public:
  explicit LoadMeter(long cpus) : cpus_(cpus) {}
  void start(const std::vector<pid_t>& pids);
  std::optional<LoadWindow> stop(const std::vector<pid_t>& pids) const;

 private:
  long cpus_;
  std::optional<CpuTimes> machine_;
  std::uint64_t run_ns_ = 0, start_ns_ = 0;
};

}  // namespace shootout::run
