#include "exec/child_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "common/spawn.h"

namespace shootout::exec {

namespace {

std::atomic<pid_t> running_group{0};

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t to_ns(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(tv.tv_usec) * 1'000ull;
}

// The launcher's fds 3 and 4 are dup2 targets; sources above 9 never
// coincide with them (dup2(fd, fd) would keep close-on-exec).
int high_fd(int fd) {
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  close(fd);
  return moved;
}

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read = high_fd(fds[0]);
    write = high_fd(fds[1]);
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read >= 0) close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) close(write);
    write = -1;
  }
};

pid_t spawn_launcher(const RunSpec& spec, const Pipe& go, const Pipe& exec_error) {
  const std::string out = spec.stdout_path.empty() ? "/dev/null" : spec.stdout_path;
  const std::string err = spec.stderr_path.empty() ? "/dev/null" : spec.stderr_path;
  constexpr int kAppend = O_WRONLY | O_CREAT | O_APPEND;
  common::SpawnRequest request;
  request.program = spec.launcher;
  request.argv = {spec.launcher, spec.program};
  request.argv.insert(request.argv.end(), spec.argv.begin(), spec.argv.end());
  request.env = spec.env;
  request.descriptors = {common::open_on(STDIN_FILENO, "/dev/null", O_RDONLY),
                         common::open_on(STDOUT_FILENO, out, kAppend),
                         err == out ? common::copy_to(STDOUT_FILENO, STDERR_FILENO)
                                    : common::open_on(STDERR_FILENO, err, kAppend),
                         common::copy_to(go.read, 3), common::copy_to(exec_error.write, 4)};
  // Its own process group: a timeout kills the whole tree, and a terminal's
  // Ctrl-C reaches the runner, which then ends the run in order.
  request.own_process_group = true;
  request.default_signals = true;  // SIGPIPE is ignored in the CLI

  const common::Spawned spawned = common::spawn(request);
  if (spawned.error != 0)
    throw std::runtime_error("cannot start " + spec.launcher + ": " + std::strerror(spawned.error));
  return spawned.pid;
}

// Waits for `pid` to exit, up to `timeout` (0: forever). Returns false on
// timeout. A pidfd gives the exit instant exactly; without one (kernels
// before 5.3) the wait polls every millisecond.
bool wait_for_exit(pid_t pid, std::chrono::milliseconds timeout, std::uint64_t start_ns) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto left_ms = [&]() -> long long {
    if (timeout.count() <= 0) return -1;
    const auto spent = static_cast<long long>((now_ns() - start_ns) / 1'000'000ull);
    return std::max(0LL, static_cast<long long>(timeout.count()) - spent);
  };
  if (pidfd >= 0) {
    for (;;) {
      pollfd p{pidfd, POLLIN, 0};
      const long long left = left_ms();
      const int ready = poll(&p, 1, left < 0 ? -1 : static_cast<int>(left));
      if (ready < 0 && errno == EINTR) continue;
      close(pidfd);
      return ready != 0;
    }
  }
  for (;;) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid)
      return true;
    if (left_ms() == 0) return false;
    timespec ms{0, 1'000'000};
    nanosleep(&ms, nullptr);
  }
}

// Processes the command left in its group are killed, so one run cannot
// bleed into the next; briefly waited for, so their counts (folded into the
// inherited counters when they exit) are in.
bool kill_leftovers(pid_t group) {
  if (kill(-group, 0) != 0) return false;
  kill(-group, SIGKILL);
  for (int i = 0; i < 100 && kill(-group, 0) == 0; ++i) {
    timespec ms{0, 1'000'000};
    nanosleep(&ms, nullptr);
  }
  return true;
}

extern "C" void on_interrupt(int signal_number) {
  const pid_t group = running_group.load();
  if (group > 0) kill(-group, SIGKILL);
  ::signal(signal_number, SIG_DFL);
  raise(signal_number);
}

}  // namespace

std::string RunOutcome::description(std::chrono::milliseconds timeout) const {
  if (exec_error) return std::string("could not be started: ") + std::strerror(*exec_error);
  if (timed_out) {
    const double seconds = static_cast<double>(timeout.count()) / 1000.0;
    char text[96];
    std::snprintf(text, sizeof text, "timed out after %g s; its process group was killed", seconds);
    return text;
  }
  if (signal) {
    const char* name = strsignal(*signal);
    return "killed by signal " + std::to_string(*signal) +
           (name ? std::string(" (") + name + ")" : "");
  }
  if (exit_code) return "exited with code " + std::to_string(*exit_code);
  return "ended in an unknown way";
}

RunOutcome run_once(const RunSpec& spec) {
  Pipe go, exec_error;
  RunOutcome outcome;
  const pid_t pid = spawn_launcher(spec, go, exec_error);
  outcome.pid = pid;
  running_group.store(pid);
  go.close_read();
  exec_error.close_write();

  std::optional<probe::KernelCounters> counters;
  if (spec.counters) {
    std::vector<probe::ExtraTracepoint> extra = spec.extra_tracepoints;
    for (auto& tracepoint : extra)
      if (const auto at = tracepoint.filter.find("{pid}"); at != std::string::npos)
        tracepoint.filter.replace(at, 5, std::to_string(pid));
    counters.emplace(probe::KernelCounters::open_for_child(pid, spec.probe_options, extra));
    outcome.counter_status = counters->status();
  }

  const std::uint64_t start = now_ns();
  char byte = 1;
  const bool released = write(go.write, &byte, 1) == 1;
  go.close_write();
  bool exited = released && wait_for_exit(pid, spec.timeout, start);
  const std::uint64_t end = now_ns();
  if (!exited) {
    outcome.timed_out = released;
    kill(-pid, SIGKILL);
  }

  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  outcome.killed_leftovers = kill_leftovers(pid) && !outcome.timed_out;
  running_group.store(0);

  outcome.wall_ns = end - start;
  outcome.user_ns = to_ns(usage.ru_utime);
  outcome.sys_ns = to_ns(usage.ru_stime);
  outcome.max_rss_kib = static_cast<std::uint64_t>(usage.ru_maxrss);
  outcome.minor_faults = static_cast<std::uint64_t>(usage.ru_minflt);
  outcome.major_faults = static_cast<std::uint64_t>(usage.ru_majflt);
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status) && !outcome.timed_out) outcome.signal = WTERMSIG(status);

  int error = 0;
  if (read(exec_error.read, &error, sizeof error) == static_cast<ssize_t>(sizeof error))
    outcome.exec_error = error;
  if (counters) outcome.counters = counters->read();
  return outcome;
}

void kill_running_command_on_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &action, nullptr);
}

}  // namespace shootout::exec
