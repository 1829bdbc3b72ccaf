// common::spawn under ALLOC_SHOOTOUT_EMULATOR, with a real (fake) emulator:
// a shell script that records the arguments it was started with. A program
// of this build's architecture (this test executable) goes through it as
// qemu-user's `-0 ARGV0 PROGRAM ARGS...`; a script runs natively; unset,
// nothing is wrapped.
#include "common/emulation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/spawn.h"
#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::common {
namespace {

namespace fs = std::filesystem;

using shootout::test::read_file;

int exit_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A fake emulator that writes each argument on a line of `record` and exits
// 7 (it cannot run the program: under the aarch64 cross test this
// executable needs the real one).
class Emulation : public testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs them in parallel processes.
    dir_ = shootout::test::fresh_scratch_dir(
        std::string("emulation_test_") +
        testing::UnitTest::GetInstance()->current_test_info()->name());
    record_ = dir_ / "arguments";
    emulator_ = dir_ / "fake-emulator";
    std::ofstream(emulator_) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" << record_.string()
                             << "'\nexit 7\n";
    fs::permissions(emulator_, fs::perms::owner_all);
    setenv(kEmulatorVariable, emulator_.c_str(), 1);
  }
  void TearDown() override { unsetenv(kEmulatorVariable); }

  fs::path dir_, record_, emulator_;
};

std::string this_executable() { return fs::read_symlink("/proc/self/exe").string(); }

TEST_F(Emulation, AProgramOfThisArchitectureStartsThroughTheEmulator) {
  SpawnRequest request;
  request.program = this_executable();
  request.argv = {"worker-name", "--gtest_list_tests", "two words"};
  const Spawned spawned = spawn(request);
  ASSERT_EQ(spawned.error, 0);
  EXPECT_EQ(exit_status(spawned.pid), 7);
  EXPECT_EQ(read_file(record_),
            "-0\nworker-name\n" + this_executable() + "\n--gtest_list_tests\ntwo words\n");
}

TEST_F(Emulation, AScriptRunsNatively) {
  const fs::path script = dir_ / "script.sh";
  std::ofstream(script) << "#!/bin/sh\nprintf native\n";
  fs::permissions(script, fs::perms::owner_all);
  const fs::path out = dir_ / "out";
  SpawnRequest request;
  request.program = script.string();
  request.argv = {"script.sh"};
  request.descriptors = {open_on(STDOUT_FILENO, out.string(), O_WRONLY | O_CREAT | O_TRUNC)};
  const Spawned spawned = spawn(request);
  ASSERT_EQ(spawned.error, 0);
  EXPECT_EQ(exit_status(spawned.pid), 0);
  EXPECT_EQ(read_file(out), "native");
  EXPECT_FALSE(fs::exists(record_));
}

TEST_F(Emulation, UnsetItWrapsNothing) {
  unsetenv(kEmulatorVariable);
  SpawnRequest request;
  request.program = this_executable();
  request.argv = {"self", "--gtest_list_tests"};
  request.descriptors = {open_on(STDOUT_FILENO, "/dev/null", O_WRONLY)};
  const Spawned spawned = spawn(request);
  // Natively it runs (exit 0). Under qemu-user without binfmt_misc the
  // kernel refuses it: posix_spawn's ENOEXEC, or exit status 127 where qemu
  // runs posix_spawn's vfork as a fork. Either way the emulator was not asked.
  if (spawned.error == 0) {
    const int status = exit_status(spawned.pid);
    EXPECT_TRUE(status == 0 || (status == 127 && !is_own_machine_elf("/bin/sh"))) << status;
  }
  EXPECT_FALSE(fs::exists(record_));
}

TEST(EmulationFacts, OnlyAnElfOfThisArchitectureIsOwn) {
  EXPECT_TRUE(is_own_machine_elf(this_executable()));
  const fs::path script = shootout::test::scratch_root() / "emulation_script.sh";
  std::ofstream(script) << "#!/bin/sh\n";
  EXPECT_FALSE(is_own_machine_elf(script.string()));
  EXPECT_FALSE(is_own_machine_elf("/nonexistent/program"));
}

TEST(EmulationFacts, TheArgvIsQemuUsersWithTheProgramsArgvZero) {
  EXPECT_EQ(
      emulated_argv("/usr/bin/qemu-aarch64-static", "/b/worker", {"w", "--x"}),
      (std::vector<std::string>{"/usr/bin/qemu-aarch64-static", "-0", "w", "/b/worker", "--x"}));
  EXPECT_EQ(emulated_argv("/q", "/b/worker", {}),
            (std::vector<std::string>{"/q", "-0", "/b/worker", "/b/worker"}));
}

TEST(EmulationFacts, AnEmulatorThatCannotBeStartedIsNamedWithWhatIsValid) {
  unsetenv(kEmulatorVariable);
  EXPECT_EQ(emulator_problem(), "");
  setenv(kEmulatorVariable, "qemu-aarch64-static", 1);  // no PATH search in posix_spawn
  EXPECT_NE(emulator_problem().find("ALLOC_SHOOTOUT_EMULATOR=\"qemu-aarch64-static\" is not an "
                                    "executable file given by its absolute path"),
            std::string::npos);
  setenv(kEmulatorVariable, "/nonexistent/qemu", 1);
  EXPECT_NE(emulator_problem().find("e.g. /usr/bin/qemu-aarch64-static"), std::string::npos);
  setenv(kEmulatorVariable, "/bin/sh", 1);
  EXPECT_EQ(emulator_problem(), "");
  unsetenv(kEmulatorVariable);
}

}  // namespace
}  // namespace shootout::common
