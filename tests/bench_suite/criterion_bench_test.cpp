// `alloc-shootout bench` end to end on a Criterion.rs suite built by cargo
// (criterion/, built by the ctest fixture criterion_suite_build), under the
// real allocators. Assertions are on counts, exit statuses, messages,
// counters' direction and files — never on times. Where Debian's cargo or
// librust-criterion-dev is missing the suite is not built and every test
// here is skipped, saying so.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "bench_support.h"
#include "exec/criterion_output.h"
#include "exec/harness.h"
#include "support/text.h"

namespace {

using nlohmann::json;

using bench_support::cells_by_id;
using bench_support::context;
using shootout::test::read_file;

// The suite's benchmarks as Criterion names them: a space in one, '/' in
// the other (a group's benchmark with a parameter).
const std::string kZeroed = "zeroed 32 KiB";
const std::string kBoxes = "small_objects/boxes/64";
// Criterion's smallest sample size (the suite's own is 20, so the flag
// shows); the suite's code sets short warm-up and measurement times: the
// tests count samples and counters, never times.
constexpr int kSampleSize = 10;
const std::vector<std::string> kShortSampling = {"--sample-size", std::to_string(kSampleSize)};

std::vector<std::string> bench_args(const std::vector<std::string>& own) {
  std::vector<std::string> args = {"bench"};
  args.insert(args.end(), own.begin(), own.end());
  args.insert(args.end(), kShortSampling.begin(), kShortSampling.end());
  args.push_back("--");
  args.push_back(CRITERION_SUITE);
  return args;
}

class CriterionBenchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(CRITERION_SUITE))
      GTEST_SKIP() << "the Criterion.rs suite was not built (" << CRITERION_SUITE
                   << "): the test criterion_suite_build says why (Debian's cargo and "
                      "librust-criterion-dev are needed)";
  }
};

// Recognised as Criterion.rs; every Criterion sample of every benchmark is
// a sample of its cell (benchmark x variant); each variant verified; the
// names with a space and '/' come back exactly; the report has a row each.
TEST_F(CriterionBenchTest, EverySampleOfEveryBenchmarkUnderEveryVariant) {
  const std::string out = fresh_dir("criterion_all");
  const int rounds = 2;
  const auto r = run_cli(bench_args({"-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096",
                                     "-n", std::to_string(rounds), "--out", out}));
  ASSERT_EQ(r.exit_code, 0) << context(r);
  EXPECT_NE(r.err.find("Criterion.rs suite: 2 benchmarks"), std::string::npos) << context(r);
  const auto all = journal_records(out);
  EXPECT_TRUE(records_of_type(all, "cell_failed").empty()) << context(r);
  const auto cells = cells_by_id(all, "cell");
  const std::set<std::string> variants = {"std", "jemalloc", "jemalloc[tcache_max:4096]"};
  ASSERT_EQ(cells.size(), 2 * variants.size()) << context(r);
  std::set<std::string> workloads;
  for (const auto& [id, cell] : cells) {
    SCOPED_TRACE(id);
    workloads.insert(cell["workload"].get<std::string>());
    EXPECT_TRUE(variants.count(cell["variant"])) << cell.dump();
    EXPECT_EQ(cell["family"], "criterion_fixture_suite");
    EXPECT_EQ(cell["group"], "bench:criterion_fixture_suite");
    EXPECT_TRUE(cell["verification"]["ok"].get<bool>()) << cell["verification"].dump(2);
    if (cell["variant"] != "std") {
      EXPECT_NE(cell["verification"]["active_object"].get<std::string>().find("jemalloc"),
                std::string::npos)
          << cell["verification"].dump(2);
    }
    if (cell["variant"] == "jemalloc[tcache_max:4096]") {
      ASSERT_EQ(cell["tuning_check"]["keys"].size(), 1u);
      EXPECT_EQ(cell["tuning_check"]["keys"][0]["status"], "verified");
    }
  }
  EXPECT_EQ(workloads, (std::set<std::string>{kZeroed, kBoxes}));

  // rounds x sample size x benchmarks x variants; per (cell, round)
  // exactly the sample size, each with Criterion's own iteration count.
  const auto samples = records_of_type(all, "sample");
  EXPECT_EQ(samples.size(), static_cast<size_t>(rounds * kSampleSize) * cells.size());
  std::map<std::pair<std::string, int>, int> per_cell_round;
  std::map<std::pair<std::string, int>, std::uint64_t> most_iters;
  for (const auto& s : samples) {
    ASSERT_TRUE(cells.count(s["cell"])) << s.dump();
    const std::pair<std::string, int> key = {s["cell"], s["round"]};
    ++per_cell_round[key];
    EXPECT_GE(s["iters"].get<std::uint64_t>(), 1u) << s.dump();
    EXPECT_GT(s["ns"].get<std::uint64_t>(), 0u) << s.dump();
    most_iters[key] = std::max(most_iters[key], s["iters"].get<std::uint64_t>());
    EXPECT_TRUE(!s.contains("counters") || s["counters"].empty())
        << "a suite process's counters cover both benchmarks: " << s.dump();
    // Criterion.rs measures wall time only.
    EXPECT_FALSE(s.contains("harness_cpu_ns")) << s.dump();
  }
  EXPECT_EQ(per_cell_round.size(), cells.size() * rounds);
  for (const auto& [key, n] : per_cell_round) EXPECT_EQ(n, kSampleSize) << key.first;
  // Criterion's linear sampling: sample i has i x d iterations, so the
  // largest count of a round is at least the sample size.
  for (const auto& [key, n] : most_iters) EXPECT_GE(n, static_cast<std::uint64_t>(kSampleSize));

  const json manifest = json::parse(read_file(out + "/manifest.json"));
  EXPECT_EQ(manifest["options"]["harness"], "Criterion.rs") << manifest["options"].dump();
  EXPECT_EQ(manifest["options"]["sample_size"], kSampleSize);
  // Each run had a CRITERION_HOME of its own in the run directory.
  EXPECT_TRUE(std::filesystem::exists(out + "/logs/std-round-1.criterion/small_objects/boxes/64/"
                                            "new/sample.json"));
  const std::string md = read_file(out + "/report.md");
  for (const auto& name : {kZeroed, kBoxes}) EXPECT_NE(md.find(name), std::string::npos) << name;
  EXPECT_EQ(md.find("The harness's own CPU time"), std::string::npos);
  const std::string csv = read_file(out + "/bench_results.csv");
  for (const auto& name : {kZeroed, kBoxes}) EXPECT_NE(csv.find(name), std::string::npos) << name;
  const auto again = run_cli({"report", out, "--format", "md"});
  EXPECT_EQ(again.exit_code, 0) << context(again);
}

// --filter is Criterion's regular expression; with one benchmark selected
// its process's counters are the benchmark's (and the harness's own). The
// counter proves the difference, not the time, per measured iteration:
// glibc keeps a freed 32 KiB calloc'd buffer on its free lists (none per
// buffer; with Criterion's default 100 000 bootstrap resamples its ~11
// MADV_DONTNEED per process came from trimming the arenas of Criterion's
// analysis threads, 12 in 125 730 iterations by hand; with the suite's 2000
// there were none in 6 processes); jemalloc with tcache_max:4096 purges the
// buffers its thread cache no longer holds, about once per buffer (1.3–1.5
// per measured iteration in runs by hand: warm-up iterations are counted
// too, not measured).
TEST_F(CriterionBenchTest, FilterSelectsOneBenchmarkWithItsCounters) {
  const std::string out = fresh_dir("criterion_filter");
  const int rounds = 2;
  const auto r =
      run_cli(bench_args({"-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096", "-n",
                          std::to_string(rounds), "--filter", "zeroed", "--out", out}));
  ASSERT_EQ(r.exit_code, 0) << context(r);
  EXPECT_NE(r.err.find("Criterion.rs suite: 1 benchmarks"), std::string::npos) << context(r);
  const auto all = journal_records(out);
  const auto cells = cells_by_id(all, "cell");
  ASSERT_EQ(cells.size(), 3u);
  for (const auto& [id, cell] : cells) EXPECT_EQ(cell["workload"], kZeroed);
  const auto samples = records_of_type(all, "sample");
  EXPECT_EQ(samples.size(), 3u * rounds * kSampleSize);
  std::map<std::string, double> dontneed, iterations;  // per variant, over the rounds
  std::map<std::string, int> with_counters;
  for (const auto& s : samples) {
    const std::string variant = cells.at(s["cell"])["variant"];
    iterations[variant] += s["iters"].get<double>();
    if (!s.contains("counters") || s["counters"].empty()) continue;
    ++with_counters[variant];
    if (s["counters"].contains("madvise_dontneed"))
      dontneed[variant] += s["counters"]["madvise_dontneed"].get<double>();
  }
  // The process's counters once per cell and round (on its first sample).
  EXPECT_EQ(with_counters.size(), 3u);
  for (const auto& [variant, n] : with_counters) EXPECT_EQ(n, rounds) << variant;
  if (dontneed.empty()) {
    std::printf("syscall tracepoints refused on this machine: madvise counts not checked\n");
    return;
  }
  EXPECT_LT(dontneed["std"] / iterations["std"], 0.01) << dontneed["std"];
  EXPECT_GT(dontneed["jemalloc[tcache_max:4096]"] / iterations["jemalloc[tcache_max:4096]"], 0.5)
      << dontneed["jemalloc[tcache_max:4096]"] << " in " << iterations["jemalloc[tcache_max:4096]"];
}

// A name with '/' selected by a filter with '/': Criterion matches it
// against the whole id. Measurement and warm-up time in whole seconds (all
// Criterion 0.3 takes) reach it.
TEST_F(CriterionBenchTest, AFilterWithSlashSelectsTheGroupsBenchmark) {
  const std::string out = fresh_dir("criterion_slash");
  const auto r =
      run_cli(bench_args({"-a", "std", "-n", "1", "--filter", "boxes/64$", "--measurement-time",
                          "1", "--warm-up-time", "1", "--out", out}));
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const auto cells = cells_by_id(journal_records(out), "cell");
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells.begin()->second["workload"], kBoxes);
  EXPECT_EQ(records_of_type(journal_records(out), "sample").size(),
            static_cast<size_t>(kSampleSize));
}

TEST_F(CriterionBenchTest, FilterSelectingNothingAndGoogleBenchmarkOptionsAreBadInput) {
  const std::string out = fresh_dir("criterion_nothing");
  auto r = run_cli(
      bench_args({"-a", "std", "-n", "1", "--filter", "^no_such_benchmark$", "--out", out}));
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("--filter '^no_such_benchmark$' selects no benchmark"), std::string::npos)
      << context(r);
  EXPECT_FALSE(std::filesystem::exists(out + "/samples.jsonl")) << "nothing written before";

  r = run_cli(
      {"bench", "-a", "std", "-n", "1", "--measurement-time", "0.5", "--", CRITERION_SUITE});
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("--measurement-time 0.5: Criterion.rs 0.3 takes whole seconds"),
            std::string::npos)
      << context(r);

  r = run_cli({"bench", "-a", "std", "-n", "1", "--repetitions", "3", "--", CRITERION_SUITE});
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("--repetitions is a google/benchmark setting; a Criterion.rs suite's "
                       "samples per run are its sample size (--sample-size N"),
            std::string::npos)
      << context(r);
}

// Every sample.json cut in half under jemalloc only: jemalloc's cells fail
// naming the file; std's are measured.
TEST_F(CriterionBenchTest, ASampleJsonThatCannotBeParsedFailsItsVariantNamingTheFile) {
  const std::string out = fresh_dir("criterion_bad_json");
  setenv("SHOOTOUT_SUITE_BREAK_JSON", "jemalloc", 1);
  const auto r = run_cli(bench_args({"-a", "std,jemalloc", "-n", "1", "--out", out}));
  unsetenv("SHOOTOUT_SUITE_BREAK_JSON");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 2u) << context(r);
  for (const auto& [id, f] : failed) {
    EXPECT_EQ(f["variant"], "jemalloc");
    EXPECT_EQ(f["phase"], "sample");
    const std::string reason = f["reason"];
    EXPECT_NE(reason.find("sample.json of benchmark "), std::string::npos) << reason;
    EXPECT_NE(reason.find(" cannot be parsed at line 1"), std::string::npos) << reason;
    EXPECT_NE(reason.find(out + "/logs/jemalloc-round-0.criterion/"), std::string::npos) << reason;
    EXPECT_NE(reason.find("/new/sample.json"), std::string::npos) << reason;
  }
  EXPECT_EQ(records_of_type(all, "sample").size(), 2u * kSampleSize);  // std's
}

// --isolate's exact filters in Criterion's own regex engine (the regex
// crate, which panics on a filter it cannot parse, as on an escaped '/'):
// each listed benchmark's lists that benchmark alone; one of a name full of
// operators parses and selects nothing here.
TEST_F(CriterionBenchTest, ExactFiltersSelectOneBenchmarkInCriterionsEngine) {
  const auto harness = shootout::exec::criterion_harness();
  const std::string home = fresh_dir("criterion_exact_home");
  setenv("CRITERION_HOME", home.c_str(), 1);
  auto list = [&](const std::string& filter) {
    return run_program(CRITERION_SUITE, {"--bench", "--list", filter});
  };
  for (const auto& name : {kZeroed, kBoxes}) {
    const auto r = list(harness->exact_filter(name));
    EXPECT_EQ(r.exit_code, 0) << context(r);
    EXPECT_EQ(shootout::exec::parse_criterion_list(r.out), std::vector<std::string>{name})
        << context(r);
  }
  const auto odd = list(harness->exact_filter(R"(odd/8 threads+1 (x) [y].z$ a\b|c*d?e{2}^f -#&~)"));
  const auto invalid = list(R"(^small_objects\/boxes$)");
  unsetenv("CRITERION_HOME");
  EXPECT_EQ(odd.exit_code, 0) << context(odd);
  EXPECT_TRUE(shootout::exec::parse_criterion_list(odd.out).empty()) << context(odd);
  EXPECT_NE(invalid.exit_code, 0) << context(invalid);
  EXPECT_NE(invalid.err.find("as a regular expression"), std::string::npos) << context(invalid);
}

// --isolate: every benchmark in its own process each round, selected by
// Criterion's regular expression exactly (a space in one name, '/' in the
// other), so its counters are its own: six rounds, enough for a verdict and
// a key driver.
TEST_F(CriterionBenchTest, IsolateRunsEachBenchmarkInItsOwnProcessWithItsOwnCounters) {
  const std::string out = fresh_dir("criterion_isolate");
  const int rounds = 6;
  const auto r =
      run_cli(bench_args({"--isolate", "-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096",
                          "-n", std::to_string(rounds), "--out", out}));
  ASSERT_EQ(r.exit_code, 0) << context(r);
  bench_support::expect_isolated_run(out, kZeroed, kBoxes, rounds, /*warmup=*/0, kSampleSize);
  // Each process had a CRITERION_HOME of its own, with its one benchmark.
  const std::string home = out + "/logs/std-round-5-benchmark-1.criterion";
  EXPECT_TRUE(std::filesystem::exists(home + "/small_objects/boxes/64/new/sample.json"));
  EXPECT_FALSE(std::filesystem::exists(home + "/zeroed 32 KiB")) << "ran the other benchmark too";
  const auto again = run_cli({"report", out, "--format", "md"});
  EXPECT_EQ(again.exit_code, 0) << context(again);
}

// "zeroed 32 KiB" aborts under jemalloc in every measured run (not in the
// verification run, --test): with --isolate only that cell of jemalloc
// fails, with the signal and its last words; the rest is measured.
TEST_F(CriterionBenchTest, IsolatedCrashOfOneBenchmarkFailsOnlyItsCell) {
  const std::string out = fresh_dir("criterion_isolate_crash");
  setenv("SHOOTOUT_SUITE_CRASH_MEASURING", "jemalloc", 1);
  const auto r = run_cli(bench_args({"--isolate", "-a", "std,jemalloc", "-n", "1", "--out", out}));
  unsetenv("SHOOTOUT_SUITE_CRASH_MEASURING");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 1u) << context(r);
  const json& f = failed.begin()->second;
  EXPECT_EQ(f["variant"], "jemalloc");
  EXPECT_EQ(f["workload"], kZeroed);
  EXPECT_EQ(f["signal"], 6);
  EXPECT_NE(f["reason"].get<std::string>().find("killed by signal 6"), std::string::npos)
      << f.dump(2);
  EXPECT_TRUE(bench_support::stderr_tail_contains(f, "zeroed 32 KiB crashing on purpose"))
      << f.dump(2);
  const auto per_cell = bench_support::samples_per_cell(all);
  EXPECT_EQ(per_cell.size(), 3u);  // std's two, jemalloc's small_objects/boxes/64
  for (const auto& [id, n] : per_cell) EXPECT_EQ(n, kSampleSize) << id;
  EXPECT_EQ(per_cell.count(f["cell"]), 0u);
}

// The suite aborts under jemalloc only: jemalloc's cells fail with the
// signal and the suite's last words; std's are measured.
TEST_F(CriterionBenchTest, ACrashUnderOneVariantFailsOnlyThatVariant) {
  const std::string out = fresh_dir("criterion_crash");
  setenv("SHOOTOUT_SUITE_CRASH_UNDER", "jemalloc", 1);
  const auto r = run_cli(bench_args({"-a", "std,jemalloc", "-n", "1", "--out", out}));
  unsetenv("SHOOTOUT_SUITE_CRASH_UNDER");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 2u) << context(r);
  for (const auto& [id, f] : failed) {
    SCOPED_TRACE(id);
    EXPECT_EQ(f["variant"], "jemalloc");
    EXPECT_EQ(f["signal"], 6);
    EXPECT_NE(f["reason"].get<std::string>().find("killed by signal 6"), std::string::npos)
        << f.dump(2);
    EXPECT_TRUE(bench_support::stderr_tail_contains(f, "crashing on purpose")) << f.dump(2);
  }
  const auto cells = cells_by_id(all, "cell");
  ASSERT_EQ(cells.size(), 2u);
  for (const auto& [id, cell] : cells) EXPECT_EQ(cell["variant"], "std");
  EXPECT_EQ(records_of_type(all, "sample").size(), 2u * kSampleSize);
}

}  // namespace
