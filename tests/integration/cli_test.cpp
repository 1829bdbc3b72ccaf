// Bad input: one clear message naming what was wrong and what is valid,
// a non-zero exit, and nothing written.
#include <filesystem>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace {

void expect_refused(const std::vector<std::string>& args, const std::string& message) {
  auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << "stderr was: " << r.err;
}

}  // namespace

TEST(CliErrors, UnknownAllocatorNamesTheValidOnes) {
  expect_refused({"run", "-a", "std,nosuchalloc", "--out", fresh_dir("x") + "/run"},
                 "unknown allocator 'nosuchalloc' (known: std, jemalloc, mimalloc, tcmalloc");
}

TEST(CliErrors, UnknownWorkload) {
  expect_refused({"run", "-a", "std", "-w", "nosuch/1", "--out", fresh_dir("x") + "/run"},
                 "nosuch");
}

TEST(CliErrors, UnknownPayloadMode) {
  expect_refused({"run", "-a", "std", "--payload", "sparkly", "--out", fresh_dir("x") + "/run"},
                 "sparkly");
}

TEST(CliErrors, UnknownProfile) {
  expect_refused({"run", "--profile", "slow"},
                 "unknown profile 'slow' (valid: quick, standard, study)");
}

TEST(CliErrors, UserAllocatorPathThatDoesNotExist) {
  expect_refused({"run", "--allocator", "mine=/nonexistent/libmine.so"},
                 "--allocator mine: no such file '/nonexistent/libmine.so'");
}

TEST(CliErrors, UserAllocatorThatIsNotASharedObject) {
  expect_refused({"run", "--allocator", "mine=/etc/hostname"}, "is not an ELF shared object");
}

TEST(CliErrors, BaselineNotInTheRun) {
  expect_refused({"run", "-a", "jemalloc", "--out", fresh_dir("x") + "/run"},
                 "the baseline allocator 'std' is not among the allocators");
}

TEST(CliErrors, UnknownRuntime) {
  expect_refused({"run", "-a", "std", "--runtime", "tokio", "--out", fresh_dir("x") + "/run"},
                 "unknown runtime 'tokio' (valid: asio, asio-shipped)");
}

TEST(CliErrors, UnwritableOutputDirectory) {
  auto r = run_cli({"run", "-a", "std", "-w", "spawn_st/10", "--out", "/proc/alloc-shootout-run"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot create the output directory /proc/alloc-shootout-run"),
            std::string::npos)
      << r.err;
}

TEST(CliErrors, ResumeOfSomethingThatIsNotARun) {
  const std::string dir = fresh_dir("not-a-run");
  expect_refused({"run", "--resume", dir}, "no manifest.json there (not a run directory)");
}

TEST(CliErrors, UnknownSubcommandAndMissingArguments) {
  auto r = run_cli({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
  r = run_cli({"list"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("what is required"), std::string::npos) << r.err;
}

TEST(ListAllocators, ShowsEveryPackagedAllocatorWithItsVersion) {
  auto r = run_cli({"list", "allocators"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line_start : {"std ", "jemalloc ", "mimalloc ", "tcmalloc ", "tbbmalloc "}) {
    const auto at = r.out.find(std::string("\n") + line_start);
    ASSERT_NE(at, std::string::npos) << line_start << " missing in:\n" << r.out;
    const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    EXPECT_NE(line.find(" yes "), std::string::npos) << line;
    EXPECT_EQ(line.find(" ? "), std::string::npos) << "no version: " << line;
  }
  EXPECT_NE(r.out.find("jemalloc     yes        5.3.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mimalloc     yes        2.0.9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("snmalloc     no"), std::string::npos) << r.out;
}

TEST(ListAllocators, AUserObjectThatIsNotAnAllocatorIsMarkedUnusable) {
  auto r = run_cli(
      {"list", "allocators", "--allocator", std::string("fake=") + FIXTURE_NOT_AN_ALLOCATOR});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fake         NO"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intended allocator is not active"), std::string::npos) << r.out;
}

TEST(ListWorkloads, ListsEveryStudyFamily) {
  auto r = run_cli({"list", "workloads"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* family : {"spawn_many/", "mpsc/", "block_on_alloc/", "alloc_stress/",
                             "spawn_many_local/", "spawn_many_remote_idle/", "mpsc_contention/",
                             "mpsc_large/", "block_on_alloc_st/", "spawn_st/"})
    EXPECT_NE(r.out.find(family), std::string::npos) << family;
}

TEST(CliErrors, TooFewBootstrapResamples) {
  expect_refused({"run", "-a", "std", "--bootstrap-resamples", "10"},
                 "--bootstrap-resamples must be at least 1000");
}

TEST(CliErrors, ProcessesOutOfRange) {
  expect_refused({"run", "-a", "std", "--processes", "-2"},
                 "--processes must be between 1 and 16, got -2");
  expect_refused({"run", "-a", "std", "--processes", "17"},
                 "--processes must be between 1 and 16, got 17");
}
