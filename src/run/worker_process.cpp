#include "run/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>

#include "common/fd_io.h"
#include "common/spawn.h"
#include "worker/protocol.h"

namespace shootout::run {

namespace {

std::vector<std::string> build_environment(const WorkerLaunch& launch) {
  std::vector<std::string> env;
  for (std::string& entry : common::current_environment()) {
    const std::string key = entry.substr(0, entry.find('='));
    bool drop = launch.env_overrides.count(key) > 0;
    for (const auto& removed : launch.env_removed) {
      const bool prefix = !removed.empty() && removed.back() == '*';
      drop = drop ||
             (prefix ? key.rfind(removed.substr(0, removed.size() - 1), 0) == 0 : removed == key);
    }
    if (!drop) env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : launch.env_overrides) env.push_back(key + "=" + value);
  return env;
}

}  // namespace

WorkerProcess::WorkerProcess(const WorkerLaunch& launch) : log_path_(launch.log_path) {
  int commands[2], replies[2];
  if (pipe2(commands, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  if (pipe2(replies, O_CLOEXEC) != 0) {
    close(commands[0]);
    close(commands[1]);
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  }
  common::SpawnRequest request;
  request.program = launch.argv.at(0);
  request.argv = launch.argv;
  request.env = build_environment(launch);
  // dup2 clears FD_CLOEXEC on the target, so only fds 0-4 reach the worker.
  request.descriptors = {
      common::open_on(STDIN_FILENO, "/dev/null", O_RDONLY),
      common::open_on(STDOUT_FILENO, launch.log_path, O_WRONLY | O_CREAT | O_APPEND),
      common::copy_to(STDOUT_FILENO, STDERR_FILENO),
      common::copy_to(commands[0], worker::kCommandFd),
      common::copy_to(replies[1], worker::kReplyFd),
  };
  // Its own process group, so a terminal's Ctrl-C reaches the runner, which
  // then ends its workers in order.
  request.own_process_group = true;

  const common::Spawned spawned = common::spawn(request);
  close(commands[0]);
  close(replies[1]);
  if (spawned.error != 0) {
    close(commands[1]);
    close(replies[0]);
    throw std::runtime_error("cannot start " + request.program + ": " + strerror(spawned.error));
  }
  pid_ = spawned.pid;
  command_fd_ = commands[1];
  reply_fd_ = replies[0];
}

WorkerProcess::~WorkerProcess() {
  if (!reaped_) kill_and_reap();
  if (command_fd_ >= 0) close(command_fd_);
  if (reply_fd_ >= 0) close(reply_fd_);
}

bool WorkerProcess::send(const nlohmann::json& command) {
  // MSG_NOSIGNAL does not apply to pipes; the CLI ignores SIGPIPE instead.
  return common::write_all(command_fd_, command.dump() + "\n") == 0;
}

WorkerProcess::Reply WorkerProcess::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      try {
        return {ReadStatus::message, worker::decode_reply(line), ""};
      } catch (const std::exception& e) {
        return {ReadStatus::garbage, {}, e.what()};
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {ReadStatus::timeout, {}, ""};
    pollfd p{reply_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return {ReadStatus::timeout, {}, ""};
    char chunk[65536];
    const ssize_t n = read(reply_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!buffer_.empty()) {  // a half line, then the pipe closed
        std::string partial = buffer_;
        buffer_.clear();
        return {ReadStatus::garbage,
                {},
                "worker closed its pipe after a partial line: '" + partial.substr(0, 200) + "'"};
      }
      return {ReadStatus::closed, {}, ""};
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    if (buffer_.size() > (16u << 20))
      return {ReadStatus::garbage, {}, "worker wrote more than 16 MiB without a newline"};
  }
}

WorkerExit WorkerProcess::describe(int status, bool killed_by_runner) const {
  WorkerExit e;
  if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
    e.description = "exited with code " + std::to_string(*e.exit_code);
  } else if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
    e.description =
        "killed by signal " + std::to_string(*e.signal) + " (" + strsignal(*e.signal) + ")";
    if (*e.signal == SIGKILL)
      e.description = killed_by_runner ? "stopped by the runner (SIGKILL)"
                                       : e.description +
                                             ": not sent by the runner; the kernel's OOM killer "
                                             "or another process";
  }
  return e;
}

WorkerExit WorkerProcess::kill_and_reap() {
  if (reaped_) return exit_;
  int status = 0;
  // Already gone on its own? Then its own exit status tells why.
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    exit_ = describe(status, false);
    return exit_;
  }
  ::kill(pid_, SIGKILL);
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  exit_ = describe(status, true);
  return exit_;
}

WorkerExit WorkerProcess::wait_or_kill(std::chrono::milliseconds timeout) {
  if (reaped_) return exit_;
  if (command_fd_ >= 0) {  // EOF on its command pipe tells a live worker to stop
    close(command_fd_);
    command_fd_ = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      exit_ = describe(status, false);
      return exit_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return kill_and_reap();
    usleep(2000);
  }
}

std::vector<std::string> WorkerProcess::log_tail(size_t lines) const {
  std::ifstream in(log_path_);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line.substr(0, 500));
    if (tail.size() > lines) tail.pop_front();
  }
  return {tail.begin(), tail.end()};
}

}  // namespace shootout::run
