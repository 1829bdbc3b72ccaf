// The run's own CPU time, as the load meter subtracts it from the machine's
// busy time: real processes that burn a known amount of CPU and then wait.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <gtest/gtest.h>

#include "run/system_load.h"

namespace shootout::run {
namespace {

constexpr std::uint64_t kBurnNs = 60'000'000;  // 60 ms of CPU

std::uint64_t own_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void burn() {
  volatile std::uint64_t sink = 0;
  while (own_cpu_ns() < kBurnNs) sink = sink + 1;
}

// A process that (with `grandchild`, through a child of its own, as strace
// runs a worker) burns kBurnNs of CPU, says so on the pipe, and waits to be
// killed. Returns its pid.
pid_t start_burner(bool grandchild) {
  int done[2];
  if (pipe(done) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // one group: stop() ends the grandchild too
    if (grandchild && fork() != 0) {
      close(done[1]);
      pause();  // the parent: idle, like strace between system calls
      _exit(0);
    }
    burn();
    (void)!write(done[1], "x", 1);
    pause();
    _exit(0);
  }
  close(done[1]);
  char c = 0;
  const bool ok = read(done[0], &c, 1) == 1;
  close(done[0]);
  return ok ? pid : -1;
}

// Ends the burner and the process it started (its own process group).
void stop(pid_t pid) {
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);  // in case it had not yet made its group
  waitpid(pid, nullptr, 0);
}

TEST(SystemLoad, RunCpuCountsEveryWorkerProcess) {
  const pid_t worker = start_burner(false);
  ASSERT_GT(worker, 0);
  const std::uint64_t without = run_cpu_ns({});
  const std::uint64_t with = run_cpu_ns({worker});
  stop(worker);
  EXPECT_GE(with, without + kBurnNs);
}

TEST(SystemLoad, RunCpuCountsTheProcessesAWorkerStarted) {
  const pid_t wrapper = start_burner(true);
  ASSERT_GT(wrapper, 0);
  const std::uint64_t with = run_cpu_ns({wrapper});
  const std::uint64_t self = run_cpu_ns({});
  EXPECT_GE(with, self + kBurnNs) << "the burning grandchild counts";
  stop(wrapper);
}

TEST(SystemLoad, AWindowRecordsTheMachineAndTheRun) {
  const pid_t worker = start_burner(false);
  ASSERT_GT(worker, 0);
  LoadMeter meter(2);
  meter.start({worker});
  const auto window = meter.stop({worker});
  stop(worker);
  ASSERT_TRUE(window.has_value()) << "/proc/stat is readable here";
  EXPECT_EQ(window->cpus, 2);
  EXPECT_GT(window->window_ns, 0u);
  // The worker was idle in the window: only the runner's own reading counts.
  EXPECT_LT(window->run_ns, kBurnNs);
  const nlohmann::json json = window->to_record();
  for (const char* field : {"window_ns", "cpus", "busy_ns", "steal_ns", "run_ns"})
    EXPECT_TRUE(json.contains(field)) << field;
}

TEST(SystemLoad, AGoneProcessCountsNothing) {
  const pid_t worker = start_burner(false);
  ASSERT_GT(worker, 0);
  stop(worker);
  EXPECT_LT(run_cpu_ns({worker}), run_cpu_ns({}) + kBurnNs);
}

}  // namespace
}  // namespace shootout::run
