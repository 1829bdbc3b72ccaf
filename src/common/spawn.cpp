#include "common/spawn.h"

#include <signal.h>
#include <spawn.h>

#include "common/emulation.h"

extern char** environ;

namespace shootout::common {

namespace {

// posix_spawn takes NULL-terminated arrays of mutable C strings; they point
// into `words`, which must outlive the call.
std::vector<char*> c_array(std::vector<std::string>& words) {
  std::vector<char*> array;
  array.reserve(words.size() + 1);
  for (auto& word : words) array.push_back(word.data());
  array.push_back(nullptr);
  return array;
}

}  // namespace

DescriptorSetup open_on(int fd, std::string path, int flags) {
  return {DescriptorSetup::Kind::open, fd, std::move(path), flags, -1};
}

DescriptorSetup copy_to(int from, int fd) { return {DescriptorSetup::Kind::copy, fd, {}, 0, from}; }

Spawned spawn(const SpawnRequest& request) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (const auto& d : request.descriptors) {
    if (d.kind == DescriptorSetup::Kind::open) {
      posix_spawn_file_actions_addopen(&actions, d.fd, d.path.c_str(), d.flags, 0644);
    } else {
      posix_spawn_file_actions_adddup2(&actions, d.from, d.fd);
    }
  }

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  short flags = 0;
  if (request.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  if (request.default_signals) {
    flags |= POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
  }
  posix_spawnattr_setflags(&attributes, flags);

  // Under a user-mode emulator, a program of the emulated architecture is
  // started through it (common/emulation.h); everything else natively.
  std::string program = request.program;
  std::vector<std::string> args = request.argv;
  if (const std::string emulator_path = emulator();
      !emulator_path.empty() && is_own_machine_elf(program)) {
    args = emulated_argv(emulator_path, program, args);
    program = emulator_path;
  }
  std::vector<char*> argv = c_array(args);
  std::vector<std::string> env;
  std::vector<char*> envp;
  if (request.env) {
    env = *request.env;
    envp = c_array(env);
  }

  Spawned spawned;
  spawned.error = posix_spawn(&spawned.pid, program.c_str(), &actions, &attributes, argv.data(),
                              request.env ? envp.data() : environ);
  if (spawned.error != 0) spawned.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return spawned;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) env.emplace_back(*entry);
  return env;
}

}  // namespace shootout::common
