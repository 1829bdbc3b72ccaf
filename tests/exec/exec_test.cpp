// `alloc-shootout exec` end to end: the real command on small programs this
// suite builds (fixtures/), under every allocator installed. Assertions are
// on counts, exit statuses, messages and files — never on times.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "cli_runner.h"

#include "journal/journal.h"
#include "support/text.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using shootout::test::read_file;

// The integration suite's helpers (tests/integration/cli_runner.h).
std::vector<json> records(const std::string& run_dir) { return journal_records(run_dir); }
std::vector<json> of_type(const std::vector<json>& all, const std::string& type) {
  return records_of_type(all, type);
}

// variant -> records of `type` for it
std::map<std::string, std::vector<json>> by_variant(const std::vector<json>& all,
                                                    const std::string& type) {
  std::map<std::string, std::string> variant_of_cell;
  for (const auto& r : all)
    if (r.contains("variant")) variant_of_cell[r["cell"]] = r["variant"];
  std::map<std::string, std::vector<json>> out;
  for (const auto& r : of_type(all, type)) out[variant_of_cell[r["cell"]]].push_back(r);
  return out;
}

std::string context(const CliResult& r) { return "stdout:\n" + r.out + "\nstderr:\n" + r.err; }

bool gone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  // A zombie (not yet reaped by init) is dead too.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close == std::string::npos || line.substr(close + 2, 1) == "Z";
}

// Issue 12: -n 3 on a program that barely allocates must not give a
// verdict. Three paired rounds cannot reach p < 0.05 in any exact test
// (2/8 = 0.25 at best), so the summary says so and how many would do.
TEST(ExecTest, ThreeRoundsAreTooFewForAVerdict) {
  const std::string out = fresh_dir("too_few");
  const auto r = run_cli(
      {"exec", "-a", "std,jemalloc", "-n", "3", "--out", out, "--", FIXTURE_MADVISE_PATTERN});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  EXPECT_NE(r.out.find("too few rounds for a verdict: 3 paired rounds, 6 needed"),
            std::string::npos)
      << context(r);
  // jemalloc's row has the short form in its verdict column.
  const auto row = r.out.find("\njemalloc ");
  ASSERT_NE(row, std::string::npos) << context(r);
  const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("too few rounds"), std::string::npos) << line;
}

// (a) A known madvise pattern: the program itself calls MADV_FREE 17 times
// and MADV_DONTNEED 5 times. glibc, mimalloc, tcmalloc and tbbmalloc add
// none in a program this small, so every run shows exactly 17 / 5.
// jemalloc 5.3 (Debian libjemalloc2) adds exactly one of each at start-up:
// its boot-time probes of MADV_FREE and of whether MADV_DONTNEED zeroes
// pages (opt.trust_madvise is false on Linux). So under jemalloc the counts
// are 18 / 6, which no other allocator shows.
TEST(ExecTest, MadvisePatternIsCountedExactlyUnderEveryAllocator) {
  const std::string out = fresh_dir("madvise");
  const auto r = run_cli({"exec", "-n", "2", "--out", out, "--", FIXTURE_MADVISE_PATTERN});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const auto all = records(out);
  const auto cells = by_variant(all, "cell");
  const auto samples = by_variant(all, "sample");
  ASSERT_TRUE(cells.count("std")) << context(r);
  EXPECT_TRUE(of_type(all, "cell_failed").empty()) << context(r);
  for (const auto& [variant, cell] : cells) {
    SCOPED_TRACE(variant);
    ASSERT_EQ(cell.size(), 1u);
    const json& verification = cell[0]["verification"];
    EXPECT_TRUE(verification["ok"].get<bool>()) << verification.dump(2);
    EXPECT_EQ(verification["allocation_calls"].get<int>(), 64)
        << "the fixture mallocs 64 blocks after start-up";
    std::string madvise_source;
    for (const auto& c : cell[0]["counters"])
      if (c["name"] == "madvise_free" && c["source"].is_string()) madvise_source = c["source"];
    if (madvise_source.empty()) GTEST_SKIP() << "syscall tracepoints refused on this machine";
    EXPECT_EQ(madvise_source, "perf_event");
    const bool jemalloc = variant == "jemalloc";
    const int expected_free = jemalloc ? 18 : 17, expected_dontneed = jemalloc ? 6 : 5;
    ASSERT_EQ(samples.at(variant).size(), 2u);
    for (const auto& s : samples.at(variant)) {
      EXPECT_EQ(s["iters"], 1);
      EXPECT_EQ(s["exit_code"], 0);
      EXPECT_EQ(s["counters"]["madvise_free"].get<int>(), expected_free);
      EXPECT_EQ(s["counters"]["madvise_dontneed"].get<int>(), expected_dontneed);
      EXPECT_GE(s["counters"]["madvise"].get<int>(), expected_free + expected_dontneed);
      EXPECT_TRUE(s["counters"].contains("minor_faults"));
      EXPECT_TRUE(s["counters"].contains("user_ns"));
      EXPECT_TRUE(s["counters"].contains("sys_ns"));
      EXPECT_GT(s["hwm_kib"].get<int>(), 0);
    }
  }
  EXPECT_TRUE(r.out.find("madvise_pattern") != std::string::npos) << context(r);
}

// (b) A statically linked program: no preload can reach it.
TEST(ExecTest, StaticallyLinkedProgramIsNotInEffectExceptUnderStd) {
  const std::string out = fresh_dir("static");
  const auto r = run_cli({"exec", "-n", "2", "--out", out, "--", FIXTURE_STATIC_PROGRAM});
  const auto all = records(out);
  const auto cells = by_variant(all, "cell");
  const auto failed = by_variant(all, "cell_failed");
  const auto samples = by_variant(all, "sample");
  ASSERT_TRUE(cells.count("std")) << context(r);
  EXPECT_TRUE(cells.at("std")[0]["verification"]["ok"].get<bool>());
  EXPECT_EQ(samples.at("std").size(), 2u);
  EXPECT_FALSE(failed.count("std"));
  if (failed.empty()) GTEST_SKIP() << "no allocator other than std is installed";
  EXPECT_EQ(r.exit_code, 1) << context(r);
  for (const auto& [variant, records] : failed) {
    SCOPED_TRACE(variant);
    const std::string reason = records.at(0)["reason"];
    EXPECT_EQ(records.at(0)["phase"], "verification");
    EXPECT_NE(reason.find("allocator not in effect"), std::string::npos) << reason;
    EXPECT_NE(reason.find("statically linked"), std::string::npos) << reason;
    EXPECT_FALSE(records.at(0)["verification"]["ok"].get<bool>());
    EXPECT_FALSE(samples.count(variant)) << "a variant not in effect is never measured";
    EXPECT_FALSE(cells.count(variant));
  }
  EXPECT_NE(r.err.find("allocator not in effect"), std::string::npos) << context(r);
}

// The same program behind --shell: the shell loads the probe, the static
// program it starts does not — the variant is still not in effect.
TEST(ExecTest, StaticProgramStartedByTheShellIsNotInEffect) {
  const std::string out = fresh_dir("shell-static");
  const auto r =
      run_cli({"exec", "-n", "1", "--shell", "--out", out, "--", FIXTURE_STATIC_PROGRAM});
  const auto all = records(out);
  const auto failed = by_variant(all, "cell_failed");
  ASSERT_TRUE(by_variant(all, "cell").count("std")) << context(r);
  if (failed.empty()) GTEST_SKIP() << "no allocator other than std is installed";
  for (const auto& [variant, records] : failed) {
    SCOPED_TRACE(variant);
    const std::string reason = records.at(0)["reason"];
    if (records.at(0)["verification"]["execs"].is_null())
      GTEST_SKIP() << "exec tracepoint refused: a program behind a shell cannot be counted";
    EXPECT_NE(reason.find("did not load the probe"), std::string::npos) << reason;
  }
}

// (c) A command that exits 3: each variant fails with that code, unless
// --ignore-failure, which records every run with it.
TEST(ExecTest, NonZeroExitFailsEachVariantWithItsCode) {
  const std::string out = fresh_dir("exit3");
  const auto r = run_cli({"exec", "-n", "2", "--out", out, "--", FIXTURE_EXIT_CODE, "3"});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = records(out);
  const auto failed = by_variant(all, "cell_failed");
  ASSERT_TRUE(failed.count("std")) << context(r);
  EXPECT_TRUE(of_type(all, "sample").empty());
  for (const auto& [variant, records] : failed) {
    SCOPED_TRACE(variant);
    EXPECT_EQ(records.at(0)["exit_code"], 3);
    EXPECT_NE(records.at(0)["reason"].get<std::string>().find("exited with code 3"),
              std::string::npos);
  }
  EXPECT_NE(r.err.find("exited with code 3"), std::string::npos) << context(r);
}

TEST(ExecTest, IgnoreFailureMeasuresEveryRunWithItsExitCode) {
  const std::string out = fresh_dir("exit3-ignored");
  const auto r =
      run_cli({"exec", "-n", "3", "--ignore-failure", "--out", out, "--", FIXTURE_EXIT_CODE, "3"});
  EXPECT_EQ(r.exit_code, 0) << context(r);
  const auto all = records(out);
  EXPECT_TRUE(of_type(all, "cell_failed").empty()) << context(r);
  const auto samples = by_variant(all, "sample");
  const auto cells = by_variant(all, "cell");
  ASSERT_TRUE(cells.count("std"));
  for (const auto& [variant, cell] : cells) {
    SCOPED_TRACE(variant);
    ASSERT_EQ(samples.at(variant).size(), 3u);
    for (const auto& s : samples.at(variant)) EXPECT_EQ(s["exit_code"], 3);
  }
  EXPECT_EQ(of_type(all, "group_done").size(), 1u);
}

// (d) A command that hangs: killed at --timeout with its whole process group.
TEST(ExecTest, TimeoutKillsTheProcessGroupAndFailsTheVariant) {
  const std::string out = fresh_dir("timeout");
  const std::string pids = out + "/pids";
  const auto r = run_cli({"exec", "-a", "std", "-n", "1", "--timeout", "1", "--out", out + "/run",
                          "--", FIXTURE_SLEEPER, pids});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto failed = by_variant(records(out + "/run"), "cell_failed");
  ASSERT_TRUE(failed.count("std")) << context(r);
  const json& record = failed.at("std").at(0);
  EXPECT_TRUE(record["timed_out"].get<bool>());
  EXPECT_NE(record["reason"].get<std::string>().find("timed out after 1 s"), std::string::npos)
      << record.dump();
  std::ifstream in(pids);
  pid_t parent = 0, child = 0;
  ASSERT_TRUE(in >> parent >> child) << "the sleeper did not start";
  EXPECT_TRUE(gone(parent));
  EXPECT_TRUE(gone(child)) << "its child, in the same process group, must be killed too";
}

// (e) Arguments reach the program byte for byte: no shell.
TEST(ExecTest, ArgumentsWithShellMetacharactersArePassedVerbatim) {
  const std::string out = fresh_dir("argv");
  const std::string echoed = out + "/echoed", marker = out + "/marker";
  const std::vector<std::string> words = {
      "a; b", "$(touch " + marker + ")", "with  two spaces", "*", "'quoted'", "`id`", ""};
  std::vector<std::string> args = {
      "exec", "-a", "std", "-n", "1", "--out", out + "/run", "--", FIXTURE_ECHO_ARGS, echoed};
  args.insert(args.end(), words.begin(), words.end());
  const auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const std::string text = read_file(echoed);
  std::vector<std::string> got;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\0', at);
    got.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  EXPECT_EQ(got, words);
  EXPECT_FALSE(fs::exists(marker)) << "$(...) must not have been run by a shell";
  const auto cells = by_variant(records(out + "/run"), "cell");
  ASSERT_TRUE(cells.count("std"));
  EXPECT_NE(cells.at("std")[0]["workload"].get<std::string>().find("'a; b'"), std::string::npos);
}

TEST(ExecTest, ShellOptionRunsTheCommandThroughSh) {
  const std::string out = fresh_dir("shell");
  const std::string marker = out + "/marker";
  const auto r = run_cli({"exec", "-a", "std", "-n", "1", "--shell", "--out", out + "/run", "--",
                          std::string(FIXTURE_EXIT_CODE) + " 0 && touch " + marker});
  EXPECT_EQ(r.exit_code, 0) << context(r);
  EXPECT_TRUE(fs::exists(marker));
}

// --prepare runs through /bin/sh before every run of the command: the
// verification run, each warm-up run and each timed run.
TEST(ExecTest, PrepareRunsThroughTheShellBeforeEveryRun) {
  const std::string out = fresh_dir("prepare");
  const std::string tally = out + "/tally";
  const auto r =
      run_cli({"exec", "-a", "std", "-n", "3", "--warmup", "1", "--prepare",
               "echo run | cat >> " + tally, "--out", out + "/run", "--", FIXTURE_EXIT_CODE, "0"});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const std::string text = read_file(tally);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 1 + 3) << text;
}

TEST(ExecTest, FailingPrepareStopsTheRun) {
  const std::string out = fresh_dir("prepare-fails");
  const auto r = run_cli({"exec", "-a", "std", "-n", "2", "--prepare", "exit 7", "--out", out, "--",
                          FIXTURE_EXIT_CODE, "0"});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  EXPECT_NE(r.err.find("--prepare command exited with code 7"), std::string::npos) << context(r);
  EXPECT_TRUE(of_type(records(out), "sample").empty());
}

// (f) The run directory follows the results schema and `report` reads it.
TEST(ExecTest, RunDirectoryIsWrittenAndReportReadsIt) {
  const std::string out = fresh_dir("rundir");
  const auto r = run_cli({"exec", "-n", "2", "--out", out, "--", FIXTURE_EXIT_CODE, "0"});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const json manifest = json::parse(read_file(out + "/manifest.json"));
  EXPECT_EQ(manifest["mode"], "exec");
  EXPECT_EQ(manifest["command"]["argv"], json({FIXTURE_EXIT_CODE, "0"}));
  EXPECT_TRUE(manifest["machine"].contains("kernel"));
  EXPECT_TRUE(manifest["allocators"].contains("std"));
  const auto all = records(out);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front()["type"], "run_start");
  EXPECT_EQ(all.back()["type"], "run_end");
  EXPECT_EQ(of_type(all, "group_done").size(), 1u);
  const auto cells = of_type(all, "cell");
  ASSERT_FALSE(cells.empty());
  int baselines = 0;
  for (const auto& c : cells) {
    EXPECT_EQ(c["group"], c["workload"]);
    EXPECT_EQ(c["workload"].get<std::string>().rfind("exec:", 0), 0u);
    EXPECT_EQ(c["family"], "exec");
    EXPECT_EQ(c["payload"], "none");
    EXPECT_EQ(c["runtime"], "process");
    EXPECT_EQ(c["injection"], "preload");
    EXPECT_EQ(c["workload_info"]["elements_per_iteration"], 1);
    EXPECT_EQ(c["plan"]["mode"], "flat");
    EXPECT_EQ(c["plan"]["iterations"], json({1, 1}));
    const std::string baseline_cell = c["baseline_cell"];
    EXPECT_EQ(baseline_cell, c["workload"].get<std::string>() + "|none|process|std|preload");
    baselines += c["baseline"].get<bool>() ? 1 : 0;
    for (const auto& counter : c["counters"]) EXPECT_TRUE(counter.contains("source"));
  }
  EXPECT_EQ(baselines, 1);
  // Rounds are interleaved: every round has every variant, each at its own position.
  std::map<int, std::vector<int>> positions;
  for (const auto& s : of_type(all, "sample")) positions[s["round"]].push_back(s["position"]);
  ASSERT_EQ(positions.size(), 2u);
  for (const auto& [round, p] : positions) EXPECT_EQ(p.size(), cells.size());

  const auto report = run_cli({"report", out});
  EXPECT_EQ(report.exit_code, 0) << context(report);
  EXPECT_TRUE(fs::exists(out + "/report.md"));
}

// Bad input: one clear message, exit 2, nothing run or written.
TEST(ExecTest, MissingCommandIsBadInputBeforeAnythingRuns) {
  const std::string out = fresh_dir("missing") + "/run";
  const auto r = run_cli({"exec", "--out", out, "--", "alloc-shootout-no-such-command-xyz", "arg"});
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("command not found: alloc-shootout-no-such-command-xyz"), std::string::npos)
      << context(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << context(r);
  EXPECT_FALSE(fs::exists(out));

  const auto path = run_cli({"exec", "--out", out, "--", "/nonexistent/program"});
  EXPECT_EQ(path.exit_code, 2) << context(path);
  EXPECT_NE(path.err.find("command not found: /nonexistent/program"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

// A program whose malloc is its own, and one that never calls malloc: the
// preloaded allocator serves nothing, under every variant.
TEST(ExecTest, ProgramWithItsOwnMallocIsNotInEffect) {
  const std::string out = fresh_dir("own-malloc");
  const auto r = run_cli({"exec", "-n", "1", "--out", out, "--", FIXTURE_OWN_MALLOC});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = records(out);
  EXPECT_TRUE(of_type(all, "sample").empty());
  const auto failed = by_variant(all, "cell_failed");
  ASSERT_TRUE(failed.count("std")) << context(r);
  for (const auto& [variant, records] : failed)
    EXPECT_NE(records[0]["reason"].get<std::string>().find("defines malloc itself"),
              std::string::npos)
        << variant << ": " << records[0]["reason"];
}

TEST(ExecTest, ProgramThatNeverCallsMallocIsNotInEffect) {
  const std::string out = fresh_dir("no-malloc");
  const auto r = run_cli({"exec", "-n", "1", "--out", out, "--", FIXTURE_NO_MALLOC});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto failed = by_variant(records(out), "cell_failed");
  ASSERT_TRUE(failed.count("std")) << context(r);
  for (const auto& [variant, records] : failed) {
    EXPECT_NE(records[0]["reason"].get<std::string>().find("no malloc"), std::string::npos)
        << variant << ": " << records[0]["reason"];
    EXPECT_EQ(records[0]["verification"]["allocation_calls"], 0);
  }
}

// Without tracepoints the syscall counters are absent — never zero — and
// say why; faults and CPU times are still measured.
TEST(ExecTest, RefusedTracepointsLeaveSyscallCountersAbsentWithTheReason) {
  const std::string out = fresh_dir("no-tracepoints");
  const auto r = run_cli({"exec", "-a", "std", "-n", "1", "--no-tracepoints", "--out", out, "--",
                          FIXTURE_MADVISE_PATTERN});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const auto all = records(out);
  const auto cells = of_type(all, "cell");
  ASSERT_EQ(cells.size(), 1u);
  for (const auto& c : cells[0]["counters"]) {
    if (c["name"] == "madvise_free" || c["name"] == "mmap") {
      EXPECT_TRUE(c["source"].is_null());
      EXPECT_NE(c["detail"].get<std::string>().find("disabled"), std::string::npos);
    }
    if (c["name"] == "user_ns") {
      EXPECT_EQ(c["source"], "rusage");
    }
  }
  const auto samples = of_type(all, "sample");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_FALSE(samples[0]["counters"].contains("madvise_free"));
  EXPECT_FALSE(samples[0]["counters"].contains("mmap"));
  EXPECT_TRUE(samples[0]["counters"].contains("minor_faults"));
  EXPECT_TRUE(samples[0]["counters"].contains("user_ns"));
}

}  // namespace

// --tune: every key is read back before any run of the command, by the
// worker's own read-back under the same allocator and variables. A key the
// allocator takes is verified with its effective value; one it does not
// know fails its variant naming the key (phase "tuning", as `run` fails a
// cell), and that variant never runs; a key with no read-back API is
// recorded unverified with the reason. The other variants are measured.
TEST(ExecTest, TuneReadsEveryKeyBackAndAnUnknownKeyFailsItsVariant) {
  const std::string out = fresh_dir("tune");
  const auto r = run_cli({"exec", "-a", "std,jemalloc,tbbmalloc", "--tune",
                          "jemalloc:tcache_max:4096", "--tune", "jemalloc:no_such_key:1", "--tune",
                          "std:trim_threshold:268435456", "--tune", "tbbmalloc:use_huge_pages:1",
                          "-n", "2", "--out", out, "--", FIXTURE_EXIT_CODE, "0"});
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = records(out);
  std::map<std::string, json> cells, failed;
  for (const auto& c : of_type(all, "cell")) cells[c["variant"]] = c;
  for (const auto& f : of_type(all, "cell_failed")) failed[f["variant"]] = f;

  ASSERT_EQ(failed.size(), 1u) << context(r);
  const json& bad = failed.at("jemalloc[no_such_key:1]");
  EXPECT_EQ(bad["phase"], "tuning");
  EXPECT_NE(bad["reason"].get<std::string>().find("tuning key 'no_such_key' is unknown"),
            std::string::npos)
      << bad.dump();
  ASSERT_EQ(bad["tuning_check"]["keys"].size(), 1u) << bad.dump();
  EXPECT_EQ(bad["tuning_check"]["keys"][0]["status"], "unknown key");
  EXPECT_NE(r.err.find("no_such_key"), std::string::npos) << context(r);
  for (const auto& s : of_type(all, "sample"))
    EXPECT_EQ(s["cell"].get<std::string>().find("no_such_key"), std::string::npos);

  ASSERT_EQ(cells.size(), 6u) << context(r);
  auto only_key = [&](const std::string& variant) {
    const json& check = cells.at(variant)["tuning_check"];
    EXPECT_TRUE(check["ok"].get<bool>()) << check.dump();
    EXPECT_NE(check["read_back"].get<std::string>().find("before any run"), std::string::npos);
    EXPECT_EQ(check["keys"].size(), 1u) << check.dump();
    return check["keys"][0];
  };
  const json je = only_key("jemalloc[tcache_max:4096]");
  EXPECT_EQ(je["status"], "verified");
  EXPECT_EQ(je["effective"], "4096");
  EXPECT_EQ(je["how"], "mallctl(\"opt.tcache_max\")");
  const json glibc = only_key("std[trim_threshold:268435456]");
  EXPECT_EQ(glibc["status"], "verified");
  EXPECT_EQ(glibc["effective"], "0x10000000");
  const json tbb = only_key("tbbmalloc[use_huge_pages:1]");
  EXPECT_EQ(tbb["status"], "unverified");
  EXPECT_NE(tbb["how"].get<std::string>().find("no read-back"), std::string::npos);
  for (const char* untuned : {"std", "jemalloc", "tbbmalloc"})
    EXPECT_TRUE(cells.at(untuned)["tuning_check"].is_null()) << untuned;
  // exec's summary (the report's) marks the unverified variant, and only that one.
  EXPECT_NE(r.out.find("tbbmalloc[use_huge_pages:1] (unverified tuning)"), std::string::npos)
      << context(r);
  EXPECT_EQ(r.out.find("jemalloc[tcache_max:4096] (unverified"), std::string::npos) << context(r);
}

// Setting a glibc threshold turns its dynamic adjustment off: after the
// program frees one mmapped 1 MiB block, untuned glibc stops trimming
// (a handful of brk calls in the whole run, ~6 here), while with the trim
// threshold or the mmap threshold pinned at its 128 KiB default it trims in
// each of the 200 rounds (~20000 brk calls here). Counts, not times.
TEST(ExecTest, PinnedGlibcThresholdKeepsTrimmingAfterALargeFree) {
  const std::string out = fresh_dir("heap-trim");
  const auto r =
      run_cli({"exec", "-a", "std", "--tune", "std:trim_threshold:131072", "--tune",
               "std:mmap_threshold:131072", "-n", "2", "--out", out, "--", FIXTURE_HEAP_TRIM});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const auto all = records(out);
  for (const auto& c : of_type(all, "cell"))
    for (const auto& counter : c["counters"])
      if (counter["name"] == "brk" && counter["source"] != "perf_event")
        GTEST_SKIP() << "glibc's internal brk calls need the perf tracepoints: " << counter.dump();
  const auto samples = by_variant(all, "sample");
  ASSERT_EQ(samples.size(), 3u) << context(r);
  for (const auto& [variant, runs] : samples) {
    ASSERT_EQ(runs.size(), 2u) << variant;
    for (const auto& s : runs) {
      const auto brk = s["counters"].value("brk", -1.0);
      if (variant == "std")
        EXPECT_LT(brk, 50) << s.dump();
      else
        EXPECT_GT(brk, 400) << variant << ": " << s.dump();
    }
  }
}
