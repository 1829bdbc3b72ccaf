#include "common/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/spawn.h"

namespace shootout::common {

namespace {

std::string locate(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  std::string path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
  path += ":/sbin:/usr/sbin";  // ldconfig lives here and is often not on a user's PATH
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = path.substr(start, end - start) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

}  // namespace

std::optional<CapturedOutput> capture_stdout(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::nullopt;
  const std::string program = locate(argv[0]);
  if (program.empty()) return std::nullopt;

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  SpawnRequest request;
  request.program = program;
  request.argv = argv;
  request.descriptors = {copy_to(fds[1], STDOUT_FILENO),
                         open_on(STDERR_FILENO, "/dev/null", O_WRONLY)};
  const Spawned spawned = spawn(request);
  close(fds[1]);
  if (spawned.error != 0) {
    close(fds[0]);
    return std::nullopt;
  }
  const pid_t pid = spawned.pid;

  CapturedOutput result;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace shootout::common
