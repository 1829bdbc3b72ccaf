// The disk fills up while samples are appended: the run stops with one
// message naming the file and the error, every record already written is a
// whole line, and after room is made `--resume` completes without
// duplicates. Needs root (a small tmpfs); skipped otherwise.
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "journal/journal.h"

TEST(DiskFull, RunStopsCleanlyAndResumesWithoutDuplicates) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  const std::string mountpoint = fresh_dir("diskfull");
  // 160 KiB: the manifest and the first groups' records fit, the rest not.
  if (mount("tmpfs", mountpoint.c_str(), "tmpfs", 0, "size=160k") != 0)
    GTEST_SKIP() << "cannot mount tmpfs here";
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mountpoint};

  const std::string dir = mountpoint + "/run";
  std::vector<std::string> args = {"run",
                                   "-a",
                                   "std,jemalloc,mimalloc",
                                   "-w",
                                   "spawn_st/{100,200,300,400,500,600,700,800}",
                                   "--out",
                                   dir,
                                   "--no-allocation-profile",
                                   "--processes",
                                   "1",
                                   "--samples",
                                   "10",
                                   "--measurement-time",
                                   "0.02",
                                   "--warm-up-time",
                                   "0.005"};
  auto full = run_cli(args);
  ASSERT_EQ(full.exit_code, 3) << full.err << full.out;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("samples.jsonl"), std::string::npos) << full.err;
  // Every line written is whole and valid.
  auto before = shootout::journal::read_journal(dir + "/samples.jsonl");
  EXPECT_FALSE(before.truncated_tail);
  ASSERT_GT(before.records.size(), 0u);

  ASSERT_EQ(mount("tmpfs", mountpoint.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  auto resumed = run_cli({"run", "--resume", dir});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto view =
      shootout::journal::latest_attempts(shootout::journal::read_journal(dir + "/samples.jsonl"));
  EXPECT_EQ(view.done_groups.size(), 8u);
  std::map<std::string, int> cells, samples;
  for (const auto& r : view.records) {
    if (r["type"] == "cell") ++cells[r["cell"]];
    if (r["type"] == "sample") ++samples[r["cell"]];
  }
  EXPECT_EQ(cells.size(), 24u);
  for (const auto& [cell, n] : cells) EXPECT_EQ(n, 1) << cell;
  for (const auto& [cell, n] : samples) EXPECT_EQ(n, 10) << cell;
}
