// RunDirectory on real directories: a new run gets its subdirectories (a
// workload run logs/ and traces/, an exec run logs/ only); a directory that
// holds a run is refused before anything is written, with what to do
// instead; one that cannot be created is named; --resume needs a
// manifest.json; a killed runner's partial last record is cut back to whole
// lines; the manifest's attempts get their start and end stamps.
#include "run/run_directory.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::run {
namespace {

namespace fs = std::filesystem;
using Kind = RunDirectory::Kind;

fs::path fresh(const std::string& name) {
  const fs::path dir = shootout::test::scratch_root() / ("run_directory_" + name);
  fs::remove_all(dir);
  return dir;
}

using shootout::test::read_file;
using shootout::test::write_file;

const std::regex kUtcStamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");

TEST(RunDirectory, ANewWorkloadRunGetsLogsAndTraces) {
  const fs::path dir = fresh("workloads");
  const RunDirectory run_dir = RunDirectory::create_new(dir.string(), Kind::workloads);
  EXPECT_EQ(run_dir.path(), dir.string());
  EXPECT_TRUE(fs::is_directory(dir / "logs"));
  EXPECT_TRUE(fs::is_directory(dir / "traces"));
  EXPECT_EQ(run_dir.manifest_path(), (dir / "manifest.json").string());
  EXPECT_EQ(run_dir.journal_path(), (dir / "samples.jsonl").string());
  EXPECT_EQ(run_dir.logs_dir(), (dir / "logs").string());
  EXPECT_EQ(run_dir.traces_dir(), (dir / "traces").string());
}

TEST(RunDirectory, ANewExecRunGetsLogsOnly) {
  const fs::path dir = fresh("exec");
  RunDirectory::create_new(dir.string(), Kind::exec);
  EXPECT_TRUE(fs::is_directory(dir / "logs"));
  EXPECT_FALSE(fs::exists(dir / "traces"));
}

TEST(RunDirectory, ADirectoryWithoutAJournalIsReused) {
  const fs::path dir = fresh("reused");
  write_file(dir / "notes.txt", "mine");
  RunDirectory::create_new(dir.string(), Kind::workloads);
  EXPECT_EQ(read_file(dir / "notes.txt"), "mine");
}

TEST(RunDirectory, AnExistingRunIsRefusedBeforeAnythingIsWritten) {
  const fs::path dir = fresh("existing");
  write_file(dir / "samples.jsonl", "{}\n");
  try {
    RunDirectory::create_new(dir.string(), Kind::workloads);
    FAIL() << "an existing run was not refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "the output directory " + dir.string() +
                                         " already holds a run; finish it with --resume " +
                                         dir.string() + " or choose another --out");
  }
  try {
    RunDirectory::create_new(dir.string(), Kind::exec);
    FAIL() << "an existing run was not refused";
  } catch (const std::invalid_argument& e) {
    // exec runs cannot be resumed: no --resume advice.
    EXPECT_EQ(std::string(e.what()), "the output directory " + dir.string() +
                                         " already holds a run; choose another --out");
  }
  EXPECT_FALSE(fs::exists(dir / "logs"));
  EXPECT_EQ(read_file(dir / "samples.jsonl"), "{}\n");
}

TEST(RunDirectory, ADirectoryThatCannotBeCreatedIsNamed) {
  try {
    RunDirectory::create_new("/proc/alloc-shootout-run-directory-test", Kind::workloads);
    FAIL() << "a directory under /proc was created";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind(
            "cannot create the output directory /proc/alloc-shootout-run-directory-test: ", 0),
        0u)
        << e.what();
  }
}

TEST(RunDirectory, TheDefaultIsRunsSlashTheUtcTimeWithoutColons) {
  const std::string dir = default_run_dir();
  EXPECT_TRUE(std::regex_match(dir, std::regex(R"(runs/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)"))) << dir;
}

TEST(RunDirectory, ResumeNeedsAManifest) {
  const fs::path dir = fresh("resume");
  write_file(dir / "samples.jsonl", "{}\n");
  try {
    RunDirectory::existing(dir.string());
    FAIL() << "a directory without manifest.json was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--resume " + dir.string() + ": no manifest.json there (not a run directory)");
  }
  write_file(dir / "manifest.json", "{}\n");
  const RunDirectory run_dir = RunDirectory::existing(dir.string());
  run_dir.prepare_for_writing();  // an interrupted run may predate traces/
  EXPECT_TRUE(fs::is_directory(dir / "logs"));
  EXPECT_TRUE(fs::is_directory(dir / "traces"));
}

TEST(RunDirectory, APartialLastRecordIsCutBackToWholeLines) {
  const fs::path dir = fresh("partial");
  write_file(dir / "manifest.json", "{}\n");
  const RunDirectory run_dir = RunDirectory::existing(dir.string());

  write_file(dir / "samples.jsonl", "{\"a\":1}\n{\"b\":2}\n{\"c\":");
  run_dir.cut_partial_last_record();
  EXPECT_EQ(read_file(dir / "samples.jsonl"), "{\"a\":1}\n{\"b\":2}\n");
  run_dir.cut_partial_last_record();  // whole lines stay as they are
  EXPECT_EQ(read_file(dir / "samples.jsonl"), "{\"a\":1}\n{\"b\":2}\n");

  write_file(dir / "samples.jsonl", "{\"only\":");  // killed during the first record
  run_dir.cut_partial_last_record();
  EXPECT_EQ(read_file(dir / "samples.jsonl"), "");
}

TEST(RunDirectory, EachAttemptIsStampedAtItsStartAndEnd) {
  journal::Manifest manifest;
  RunDirectory::begin_attempt(manifest, 1);
  ASSERT_EQ(manifest.attempts.size(), 1u);
  EXPECT_EQ(manifest.attempts[0].attempt, 1);
  EXPECT_TRUE(std::regex_match(manifest.attempts[0].start, kUtcStamp));
  EXPECT_FALSE(manifest.attempts[0].end);    // interrupted so far
  RunDirectory::begin_attempt(manifest, 2);  // --resume
  RunDirectory::end_attempt(manifest);
  ASSERT_EQ(manifest.attempts.size(), 2u);
  EXPECT_FALSE(manifest.attempts[0].end);
  EXPECT_EQ(manifest.attempts[1].attempt, 2);
  ASSERT_TRUE(manifest.attempts[1].end);
  EXPECT_TRUE(std::regex_match(*manifest.attempts[1].end, kUtcStamp));
}

TEST(RunDirectory, TheManifestIsWrittenWholeAndReadable) {
  const fs::path dir = fresh("manifest");
  const RunDirectory run_dir = RunDirectory::create_new(dir.string(), Kind::exec);
  journal::Manifest manifest;
  RunDirectory::begin_attempt(manifest, 1);
  run_dir.write_manifest(manifest);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "manifest.json")).get<journal::Manifest>(),
            manifest);
  EXPECT_EQ(read_file(dir / "manifest.json").back(), '\n');
}

}  // namespace
}  // namespace shootout::run
