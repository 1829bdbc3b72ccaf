// One run of the user's command, measured from outside (`perf stat`'s way):
// the static launcher is spawned in its own process group with the
// command's environment and waits; perf counters are opened on it with
// inherit + enable_on_exec; it is released and execs the command; the wall
// clock runs from the release to the command's exit. CPU times, peak RSS and
// (as a fallback) faults come from wait4's rusage, which covers the command
// and the descendants it waited for. A run past its timeout has its whole
// process group killed. Never a shell: argv goes to execve as given.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/counters.h"

namespace shootout::exec {

struct RunSpec {
  std::string launcher;                  // alloc-shootout-exec-launcher
  std::string program;                   // path given to execve
  std::vector<std::string> argv;         // argv[0] first
  std::vector<std::string> env;          // the complete environment, "KEY=VALUE"
  std::string stdout_path;               // "" = /dev/null
  std::string stderr_path;               // "" = /dev/null; appended to
  std::chrono::milliseconds timeout{0};  // 0 = none
  bool counters = true;                  // open perf counters on the run
  probe::ProbeOptions probe_options;
  // "{pid}" in a filter stands for the command's pid, known only once the
  // launcher runs (e.g. "pid == {pid}").
  std::vector<probe::ExtraTracepoint> extra_tracepoints;
};

struct RunOutcome {
  std::uint64_t wall_ns = 0;
  std::uint64_t user_ns = 0, sys_ns = 0;             // wait4 rusage
  std::uint64_t max_rss_kib = 0;                     // ru_maxrss: the largest single process
  std::uint64_t minor_faults = 0, major_faults = 0;  // wait4 rusage
  probe::Reading counters;                           // perf counters that could be read
  std::vector<probe::CounterStatus> counter_status;
  int pid = -1;  // the command's pid (the launcher's, kept across execve)
  std::optional<int> exit_code;
  std::optional<int> signal;
  bool timed_out = false;
  bool killed_leftovers = false;  // processes left in its group after it exited
  std::optional<int> exec_error;  // errno of a failed execve

  bool succeeded() const { return exit_code == 0 && !timed_out && !exec_error; }
  // "exited with code 3", "killed by signal 11 (Segmentation fault)",
  // "timed out after 2 s; its process group was killed", ...
  std::string description(std::chrono::milliseconds timeout) const;
};

// Throws std::runtime_error when the launcher cannot be started at all.
RunOutcome run_once(const RunSpec& spec);

// Installs SIGINT/SIGTERM/SIGHUP handlers that kill the process group of
// the run in progress before the runner dies: the command runs in its own
// group, so a Ctrl-C on the terminal would not reach it otherwise.
void kill_running_command_on_interrupt();

}  // namespace shootout::exec
