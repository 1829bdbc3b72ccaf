#include "run/system_load.h"

#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace shootout::run {

namespace {

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t cpu_clock_ns(pid_t pid) {
  clockid_t clock{};
  if (clock_getcpuclockid(pid, &clock) != 0) return 0;
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// The process and its descendants. Children are listed per thread
// (/proc/PID/task/TID/children); the processes a worker or strace starts are
// started from their main thread, so its list is the one read.
void add_tree(pid_t pid, std::uint64_t& total, int depth) {
  total += cpu_clock_ns(pid);
  if (depth >= 4) return;  // runner -> strace -> worker: deeper is not ours
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
  for (pid_t child = 0; children >> child;) add_tree(child, total, depth + 1);
}

}  // namespace

std::optional<CpuTimes> read_cpu_times() {
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;
  if (label != "cpu") return std::nullopt;
  // user nice system idle iowait irq softirq steal (in USER_HZ ticks)
  std::uint64_t v[8] = {};
  for (auto& x : v) in >> x;
  if (!in) return std::nullopt;
  static const long hz = sysconf(_SC_CLK_TCK);
  const std::uint64_t tick_ns = 1000000000ull / static_cast<std::uint64_t>(hz);
  return CpuTimes{(v[0] + v[1] + v[2] + v[5] + v[6]) * tick_ns, v[7] * tick_ns};
}

std::uint64_t run_cpu_ns(const std::vector<pid_t>& pids) {
  std::uint64_t total = cpu_clock_ns(0);  // 0: this process
  for (pid_t pid : pids) add_tree(pid, total, 0);
  return total;
}

journal::SampleLoad LoadWindow::to_record() const {
  return {window_ns, static_cast<std::uint64_t>(cpus), busy_ns, steal_ns, run_ns};
}

void LoadMeter::start(const std::vector<pid_t>& pids) {
  machine_ = read_cpu_times();
  run_ns_ = run_cpu_ns(pids);
  start_ns_ = monotonic_ns();
}

std::optional<LoadWindow> LoadMeter::stop(const std::vector<pid_t>& pids) const {
  const std::uint64_t end_ns = monotonic_ns();
  const std::uint64_t run_ns = run_cpu_ns(pids);
  const auto machine = read_cpu_times();
  if (!machine_ || !machine || machine->busy_ns < machine_->busy_ns ||
      machine->steal_ns < machine_->steal_ns || cpus_ <= 0)
    return std::nullopt;
  LoadWindow w;
  w.window_ns = end_ns - start_ns_;
  w.cpus = cpus_;
  w.busy_ns = machine->busy_ns - machine_->busy_ns;
  w.steal_ns = machine->steal_ns - machine_->steal_ns;
  // A worker that died in the window takes its CPU time with it: never negative.
  w.run_ns = run_ns > run_ns_ ? run_ns - run_ns_ : 0;
  return w;
}

}  // namespace shootout::run
