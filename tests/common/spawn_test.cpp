// common::spawn with real processes (/bin/sh): argv and exactly the given
// environment reach the program, or this process's environment when none
// is given; files and our descriptors land on the numbers asked for; the
// child leads its own process group; a signal this process ignores is at
// its default action in the child only when asked; a missing program is an
// error number, not a pid.
#include "common/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::common {
namespace {

namespace fs = std::filesystem;

fs::path output_file(const std::string& name) {
  const fs::path path = shootout::test::scratch_root() / ("spawn_" + name + ".out");
  fs::remove(path);
  return path;
}

using shootout::test::read_file;

// The child's wait status.
int reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// /bin/sh -c SCRIPT, its stdout into `out`.
SpawnRequest shell(const std::string& script, const fs::path& out) {
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = {"sh", "-c", script, "name-zero"};
  request.descriptors = {open_on(STDOUT_FILENO, out.string(), O_WRONLY | O_CREAT | O_TRUNC)};
  return request;
}

TEST(Spawn, ArgvAndExactlyTheGivenEnvironmentReachTheProgram) {
  const fs::path out = output_file("env");
  setenv("SPAWN_TEST_INHERITED", "leaked", 1);
  SpawnRequest request =
      shell(R"(printf '%s|%s|%s' "$0" "$SPAWN_TEST_GIVEN" "${SPAWN_TEST_INHERITED-absent}")", out);
  request.env = std::vector<std::string>{"SPAWN_TEST_GIVEN=a b=c"};
  const Spawned spawned = spawn(request);
  ASSERT_EQ(spawned.error, 0);
  ASSERT_GT(spawned.pid, 0);
  const int status = reap(spawned.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(read_file(out), "name-zero|a b=c|absent");
}

TEST(Spawn, WithoutAnEnvironmentTheChildGetsThisProcesssOwn) {
  const fs::path out = output_file("inherit");
  setenv("SPAWN_TEST_INHERITED", "inherited", 1);
  const Spawned spawned = spawn(shell(R"(printf '%s' "$SPAWN_TEST_INHERITED")", out));
  ASSERT_EQ(spawned.error, 0);
  reap(spawned.pid);
  EXPECT_EQ(read_file(out), "inherited");
  const auto env = current_environment();
  EXPECT_NE(std::find(env.begin(), env.end(), "SPAWN_TEST_INHERITED=inherited"), env.end());
}

TEST(Spawn, OurDescriptorIsCopiedToTheNumberAsked) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  const fs::path out = output_file("copy");
  SpawnRequest request = shell("printf 'on five' >&5; printf 'stdout'", out);
  request.descriptors.push_back(copy_to(fds[1], 5));
  const Spawned spawned = spawn(request);
  close(fds[1]);
  ASSERT_EQ(spawned.error, 0);
  char text[32] = {};
  std::string received;
  ssize_t n = 0;
  while ((n = read(fds[0], text, sizeof text)) > 0) received.append(text, static_cast<size_t>(n));
  close(fds[0]);
  reap(spawned.pid);
  EXPECT_EQ(received, "on five");
  EXPECT_EQ(read_file(out), "stdout");
}

TEST(Spawn, TheChildLeadsItsOwnProcessGroupWhenAsked) {
  for (const bool own_group : {true, false}) {
    int hold[2];  // the child waits on its stdin until we have looked
    ASSERT_EQ(pipe2(hold, O_CLOEXEC), 0);
    SpawnRequest request = shell("read line", output_file("group"));
    request.descriptors.push_back(copy_to(hold[0], STDIN_FILENO));
    request.own_process_group = own_group;
    const Spawned spawned = spawn(request);
    close(hold[0]);
    ASSERT_EQ(spawned.error, 0);
    const pid_t group = getpgid(spawned.pid);
    close(hold[1]);
    reap(spawned.pid);
    if (own_group) {
      EXPECT_EQ(group, spawned.pid);
    } else {
      EXPECT_EQ(group, getpgrp());
    }
  }
}

TEST(Spawn, AnIgnoredSignalIsAtItsDefaultInTheChildOnlyWhenAsked) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &previous);  // as the CLI does
  for (const bool default_signals : {true, false}) {
    SpawnRequest request = shell("kill -PIPE $$; exit 7", output_file("signals"));
    request.default_signals = default_signals;
    const Spawned spawned = spawn(request);
    ASSERT_EQ(spawned.error, 0);
    const int status = reap(spawned.pid);
    if (default_signals) {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) << status;
    } else {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7) << status;
    }
  }
  sigaction(SIGPIPE, &previous, nullptr);
}

TEST(Spawn, AMissingProgramIsAnErrorNumberNotAPid) {
  SpawnRequest request;
  request.program = "/nonexistent/alloc-shootout-spawn-test";
  request.argv = {request.program};
  const Spawned spawned = spawn(request);
  EXPECT_EQ(spawned.error, ENOENT);
  EXPECT_EQ(spawned.pid, -1);
}

}  // namespace
}  // namespace shootout::common
