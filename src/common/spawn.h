// Starting a program with posix_spawn — never through a shell — the one way
// every layer does it: the worker processes (run/worker_process.cpp), the
// user's command behind the exec launcher (exec/child_run.cpp) and the
// helper programs whose output is read (subprocess.cpp). Each caller says
// what the new process gets on its descriptors and in its environment; the
// C arrays posix_spawn wants are built, and every spawn object destroyed,
// here once. With ALLOC_SHOOTOUT_EMULATOR set, a program of this build's
// architecture is started through that emulator (common/emulation.h).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shootout::common {

// What the new process finds on its descriptors, applied in order before it
// starts: a file opened on a descriptor, or a descriptor of ours copied to
// another number (dup2 clears close-on-exec on the target, so only these
// reach a program when everything else of ours is O_CLOEXEC).
struct DescriptorSetup {
  enum class Kind { open, copy };
  Kind kind;
  int fd;            // the descriptor number in the new process
  std::string path;  // open: the file
  int flags = 0;     // open: O_RDONLY, O_WRONLY | O_CREAT | O_APPEND, ...
  int from = -1;     // copy: our descriptor
};
// `path` opened on `fd` with `flags` (created rw-r--r-- when O_CREAT).
DescriptorSetup open_on(int fd, std::string path, int flags);
// Our descriptor `from` as `fd` in the new process.
DescriptorSetup copy_to(int from, int fd);

struct SpawnRequest {
  std::string program;            // a path: no PATH search here
  std::vector<std::string> argv;  // argv[0] included
  // "KEY=VALUE" entries; empty optional: this process's environment
  std::optional<std::vector<std::string>> env;
  std::vector<DescriptorSetup> descriptors;
  // Its own process group (its pid as the group id): a terminal's Ctrl-C
  // then reaches only the tool, which ends its children in order, and a
  // timeout can kill the child's whole tree.
  bool own_process_group = false;
  // No blocked signals and every signal at its default action, whatever
  // this process blocks or ignores (the CLI ignores SIGPIPE).
  bool default_signals = false;
};

struct Spawned {
  pid_t pid = -1;
  int error = 0;  // posix_spawn's error number; 0: started, pid is valid
};

Spawned spawn(const SpawnRequest& request);

// This process's environment, "KEY=VALUE" each.
std::vector<std::string> current_environment();

}  // namespace shootout::common
