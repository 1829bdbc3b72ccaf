// Faulty "allocators": each fails only its own cell, with its reason; the
// std cell of the same group is measured in full. The workload's payloads
// are 12345 bytes, the size the mid-run faults are keyed to.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace {

struct FaultRun {
  CliResult cli;
  std::string dir;  // the run directory
  std::vector<nlohmann::json> records;
};

FaultRun run_with(const std::string& name, const std::string& object,
                  const std::vector<std::string>& extra = {}, int processes = 1) {
  const std::string dir = fresh_dir(name) + "/run";
  std::vector<std::string> args = {
      "run",       "-a",     "std",   "--allocator", name + "=" + object,      "-w", "mpsc/12345",
      "--payload", "filled", "--out", dir,           "--no-allocation-profile"};
  for (const auto& a : tiny_profile(3, processes)) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  FaultRun run;
  run.cli = run_cli(args);
  run.dir = dir;
  run.records = journal_records(dir);
  return run;
}

void expect_std_intact(const FaultRun& run, int processes = 1) {
  int std_samples = 0;
  for (const auto& s : records_of_type(run.records, "sample"))
    if (s["cell"].get<std::string>().find("|std|") != std::string::npos) ++std_samples;
  EXPECT_EQ(std_samples, 3 * processes);  // 3 rounds, one sample per process
  EXPECT_EQ(records_of_type(run.records, "group_done").size(), 1u);
}

nlohmann::json only_failure(const FaultRun& run) {
  auto failed = records_of_type(run.records, "cell_failed");
  EXPECT_EQ(failed.size(), 1u);
  return failed.empty() ? nlohmann::json::object() : failed[0];
}

}  // namespace

TEST(Faults, ObjectThatIsNotAnAllocatorFailsVerification) {
  auto run = run_with("notalloc", FIXTURE_NOT_AN_ALLOCATOR);
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.err;
  auto f = only_failure(run);
  EXPECT_EQ(f["phase"], "verification");
  EXPECT_NE(f["reason"].get<std::string>().find("intended allocator is not active"),
            std::string::npos)
      << f.dump();
  EXPECT_NE(f["reason"].get<std::string>().find("malloc is served by"), std::string::npos);
  EXPECT_NE(run.cli.err.find("1 of 2 cells failed"), std::string::npos) << run.cli.err;
  expect_std_intact(run);
}

// A user object whose file name carries a version (".so.7") but that fails
// verification: the version was read, never verified, so the report does
// not list it among the versions verified in the workers; and naming it in
// -a as well as --allocator lists it once in the manifest's options.
TEST(Faults, FailedUserAllocatorIsNotListedAsVerifiedNorTwiceInTheOptions) {
  const std::string dir = fresh_dir("notalloc-versioned");
  const std::string object = dir + "/libnotalloc.so.7";
  std::filesystem::copy_file(FIXTURE_NOT_AN_ALLOCATOR, object);
  auto run = run_with("notalloc", object, {"-a", "std,notalloc"});
  EXPECT_EQ(run.cli.exit_code, 1) << run.cli.err;
  auto f = only_failure(run);
  EXPECT_EQ(f["phase"], "verification");
  EXPECT_EQ(f["verification"]["version"], "7") << f.dump();  // read from the file name
  expect_std_intact(run);

  std::ifstream manifest_file(run.dir + "/manifest.json");
  const auto manifest = nlohmann::json::parse(manifest_file);
  EXPECT_EQ(manifest["options"]["allocators"].get<std::vector<std::string>>(),
            (std::vector<std::string>{"std", "notalloc"}));

  std::ifstream report_file(run.dir + "/report.md");
  std::stringstream report;
  report << report_file.rdbuf();
  const std::string text = report.str();
  const auto versions = text.find("Allocator versions, as verified in the workers:");
  ASSERT_NE(versions, std::string::npos) << text;
  const std::string line = text.substr(versions, text.find('\n', versions) - versions);
  EXPECT_NE(line.find("std "), std::string::npos) << line;
  EXPECT_EQ(line.find("notalloc"), std::string::npos) << line;
}

TEST(Faults, MallocThatAbortsFailsAtStartWithTheSignal) {
  auto run = run_with("aborts", FIXTURE_ABORTING_MALLOC);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_EQ(f["phase"], "start");
  EXPECT_EQ(f["signal"], 6);
  EXPECT_NE(f["reason"].get<std::string>().find("killed by signal 6"), std::string::npos)
      << f.dump();
  bool saw_message = false;
  for (const auto& line : f["stderr_tail"])
    saw_message =
        saw_message || line.get<std::string>().find("aborting_malloc") != std::string::npos;
  EXPECT_TRUE(saw_message) << f.dump();
  expect_std_intact(run);
}

TEST(Faults, HangingWorkerIsTimedOut) {
  auto run = run_with("hangs", FIXTURE_HANGING_MALLOC, {"--timeout", "2"});
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_NE(f["reason"].get<std::string>().find("timeout: no reply within 2 s"), std::string::npos)
      << f.dump();
  expect_std_intact(run);
}

TEST(Faults, WorkerKilledBySegfaultMidRun) {
  auto run = run_with("segv", FIXTURE_SEGV_MALLOC);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_EQ(f["signal"], 11);
  EXPECT_NE(f["reason"].get<std::string>().find("Segmentation fault"), std::string::npos)
      << f.dump();
  expect_std_intact(run);
}

// With several worker processes per cell, one crashing fails its cell once:
// the cell's other processes are stopped, nothing of it is sampled after.
TEST(Faults, CrashInOneOfACellsProcessesFailsTheCellOnce) {
  auto run = run_with("segv3", FIXTURE_SEGV_MALLOC, {}, /*processes=*/3);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_EQ(f["signal"], 11);
  ASSERT_TRUE(f.contains("process")) << f.dump();
  EXPECT_GE(f["process"].get<int>(), 0);
  EXPECT_LT(f["process"].get<int>(), 3);
  bool failed_yet = false;
  for (const auto& r : run.records) {
    if (r["type"] == "cell_failed") failed_yet = true;
    if (failed_yet && r["type"] == "sample") {
      EXPECT_EQ(r["cell"].get<std::string>().find("|segv3|"), std::string::npos) << r.dump();
    }
  }
  expect_std_intact(run, 3);
}

TEST(Faults, GarbageOnTheProtocolPipeFailsTheCell) {
  auto run = run_with("garbage", FIXTURE_GARBAGE_LINE);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_NE(f["reason"].get<std::string>().find(
                "protocol: worker sent a line that is not a protocol message: 'this is not a "
                "protocol message'"),
            std::string::npos)
      << f.dump();
  expect_std_intact(run);
}

TEST(Faults, HalfALineThenDeathFailsTheCell) {
  auto run = run_with("halfline", FIXTURE_HALF_LINE);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_NE(f["reason"].get<std::string>().find("partial line"), std::string::npos) << f.dump();
  EXPECT_NE(f["reason"].get<std::string>().find("{\"type\":\"hel"), std::string::npos) << f.dump();
  expect_std_intact(run);
}

TEST(Faults, AllocatorThatExhaustsMemoryUnderALimit) {
  // Frees nothing: 32 MiB more every iteration of mpsc/32768 until the
  // worker's 1 GiB address-space limit makes calloc fail.
  const std::string dir = fresh_dir("leaky") + "/run";
  std::vector<std::string> args = {"run",
                                   "-a",
                                   "std",
                                   "--allocator",
                                   std::string("leaky=") + FIXTURE_LEAKY_MALLOC,
                                   "-w",
                                   "mpsc/32768",
                                   "--payload",
                                   "zeroed",
                                   "--out",
                                   dir,
                                   "--no-allocation-profile",
                                   "--worker-memory-limit",
                                   "1024",
                                   "--timeout",
                                   "10",
                                   "--processes",
                                   "1",
                                   "--samples",
                                   "3",
                                   "--measurement-time",
                                   "2",
                                   "--warm-up-time",
                                   "0.5"};
  auto cli = run_cli(args);
  EXPECT_EQ(cli.exit_code, 1) << cli.err;
  const auto records = journal_records(dir);
  auto failed = records_of_type(records, "cell_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["variant"], "leaky");
  // Usually a payload allocation fails and the worker dies saying "out of
  // memory"; when an allocation inside Asio fails first, a pool thread's
  // coroutine is lost and the worker hangs until the timeout — then its
  // address space, read before it is killed, names the cause. Either way
  // only this cell fails, as out of memory.
  const std::string reason = failed[0]["reason"].get<std::string>();
  EXPECT_NE(reason.find("out of memory"), std::string::npos) << failed[0].dump();
  int std_samples = 0;
  for (const auto& s : records_of_type(records, "sample"))
    if (s["cell"].get<std::string>().find("|std|") != std::string::npos) ++std_samples;
  EXPECT_EQ(std_samples, 3);
}

TEST(Faults, WorkerAbortingMidSample) {
  auto run = run_with("abortmid", FIXTURE_ABORT_MALLOC);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_EQ(f["signal"], 6);
  EXPECT_NE(f["phase"], "start") << f.dump();  // after hello: in warm-up or a sample
  EXPECT_NE(f["reason"].get<std::string>().find("Aborted"), std::string::npos) << f.dump();
  expect_std_intact(run);
}

TEST(Faults, WorkerKilledBySigkillMidSample) {
  auto run = run_with("killmid", FIXTURE_KILL_MALLOC);
  EXPECT_EQ(run.cli.exit_code, 1);
  auto f = only_failure(run);
  EXPECT_EQ(f["signal"], 9);
  EXPECT_NE(f["phase"], "start") << f.dump();
  // Not the runner's doing: the reason says who else sends SIGKILL.
  EXPECT_NE(f["reason"].get<std::string>().find("not sent by the runner"), std::string::npos)
      << f.dump();
  expect_std_intact(run);
}
