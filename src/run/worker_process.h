// One worker process as the runner sees it: started from an argv with
// posix_spawn (never a shell), its protocol pipes on fds 3 and 4, its
// stdout+stderr in a log file; replies read with a deadline; its end
// described in words (exit code, signal, last lines of its log).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shootout::run {

struct WorkerLaunch {
  std::vector<std::string> argv;  // argv[0] is the executable's path
  std::map<std::string, std::string>
      env_overrides;                     // added to (or replacing) the runner's environment
  std::vector<std::string> env_removed;  // e.g. a stray LD_PRELOAD; "MIMALLOC_*" drops a prefix
  std::string log_path;
};

struct WorkerExit {
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string description;  // "exited with code 4", "killed by signal 11 (Segmentation fault)"
};

class WorkerProcess {
 public:
  // Throws std::runtime_error when the process cannot be started.
  explicit WorkerProcess(const WorkerLaunch& launch);
  ~WorkerProcess();  // kills and reaps a worker still running
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool send(const nlohmann::json& command);

  enum class ReadStatus { message, timeout, closed, garbage };
  struct Reply {
    ReadStatus status = ReadStatus::closed;
    nlohmann::json message;  // when status == message
    std::string error;       // when garbage: what was wrong with the line
  };
  // Waits up to `timeout` for one whole reply line.
  Reply receive(std::chrono::milliseconds timeout);

  // SIGKILL (if running) and reap.
  WorkerExit kill_and_reap();
  // Waits up to `timeout` for a voluntary exit, then kills.
  WorkerExit wait_or_kill(std::chrono::milliseconds timeout);
  std::vector<std::string> log_tail(size_t lines) const;

 private:
  WorkerExit describe(int status, bool killed_by_runner) const;
  pid_t pid_ = -1;
  int command_fd_ = -1;
  int reply_fd_ = -1;
  std::string buffer_;
  std::string log_path_;
  bool reaped_ = false;
  WorkerExit exit_;
};

}  // namespace shootout::run
