// `alloc-shootout bench` end to end: the real command on a google/benchmark
// suite built here (suite.cpp), under the real allocators. Assertions are
// on counts, exit statuses, messages, counters' direction and files —
// never on times.
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
#include "exec/harness.h"
#include "support/text.h"

namespace {

using nlohmann::json;

using bench_support::cells_by_id;
using bench_support::context;
using shootout::test::read_file;

const std::vector<std::string> kBenchmarks = {"BM_zeroed32k/min_time:0.002",
                                              "BM_small_objects/min_time:0.002"};

// Every repetition of every benchmark is a sample of its cell (benchmark x
// variant); each variant verified; the tuned one read back; the report has
// a row per benchmark.
TEST(BenchTest, EveryRepetitionOfEveryBenchmarkUnderEveryVariant) {
  const std::string out = fresh_dir("bench_all");
  const int rounds = 2, repetitions = 3;
  const auto r = run_cli({"bench", "-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096", "-n",
                          std::to_string(rounds), "--repetitions", std::to_string(repetitions),
                          "--out", out, "--", SUITE});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  EXPECT_NE(r.err.find("google/benchmark suite: 2 benchmarks"), std::string::npos) << context(r);
  const auto all = journal_records(out);
  EXPECT_TRUE(records_of_type(all, "cell_failed").empty()) << context(r);
  const auto cells = cells_by_id(all, "cell");
  const std::set<std::string> variants = {"std", "jemalloc", "jemalloc[tcache_max:4096]"};
  ASSERT_EQ(cells.size(), kBenchmarks.size() * variants.size()) << context(r);
  for (const auto& [id, cell] : cells) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(variants.count(cell["variant"])) << cell.dump();
    EXPECT_EQ(cell["family"], "bench_fixture_suite");  // the binary's file name
    EXPECT_EQ(cell["group"], "bench:bench_fixture_suite");
    EXPECT_TRUE(cell["verification"]["ok"].get<bool>()) << cell["verification"].dump(2);
    if (cell["variant"] != "std") {
      EXPECT_NE(cell["verification"]["active_object"].get<std::string>().find("jemalloc"),
                std::string::npos)
          << cell["verification"].dump(2);
    }
    if (cell["variant"] == "jemalloc[tcache_max:4096]") {
      const json& check = cell["tuning_check"];
      ASSERT_EQ(check["keys"].size(), 1u) << check.dump();
      EXPECT_EQ(check["keys"][0]["status"], "verified");
      EXPECT_EQ(check["keys"][0]["effective"], "4096");
    }
  }

  // rounds x repetitions x benchmarks x variants, each with the harness's
  // own iterations; per (cell, round) exactly `repetitions` samples.
  const auto samples = records_of_type(all, "sample");
  EXPECT_EQ(samples.size(),
            static_cast<size_t>(rounds * repetitions) * kBenchmarks.size() * variants.size());
  std::map<std::pair<std::string, int>, int> per_cell_round;
  for (const auto& s : samples) {
    ASSERT_TRUE(cells.count(s["cell"])) << s.dump();
    ++per_cell_round[{s["cell"], s["round"]}];
    EXPECT_GT(s["iters"].get<std::uint64_t>(), 1u) << "the harness's count, not 1 per run";
    // A suite process's counters cover both benchmarks: none is credited
    // to one of them.
    EXPECT_TRUE(!s.contains("counters") || s["counters"].empty()) << s.dump();
  }
  EXPECT_EQ(per_cell_round.size(), cells.size() * rounds);
  for (const auto& [key, n] : per_cell_round) EXPECT_EQ(n, repetitions) << key.first;

  for (const auto& [id, cell] : cells)
    for (const auto& counter : cell["counters"]) {
      EXPECT_TRUE(counter["source"].is_null()) << counter.dump();
      const std::string detail = counter["detail"];
      EXPECT_NE(detail.find("not per benchmark"), std::string::npos) << detail;
      EXPECT_NE(detail.find("--isolate runs each benchmark in a process of its own"),
                std::string::npos)
          << detail;
    }

  const std::string md = read_file(out + "/report.md");
  for (const auto& name : kBenchmarks) EXPECT_NE(md.find(name), std::string::npos) << name;
  const std::string csv = read_file(out + "/bench_results.csv");
  for (const auto& name : kBenchmarks) EXPECT_NE(csv.find(name), std::string::npos) << name;
  // `report` reads the run directory again, as any run's.
  const auto again = run_cli({"report", out, "--format", "md"});
  EXPECT_EQ(again.exit_code, 0) << context(again);
  // Every run's JSON stays in the run directory.
  EXPECT_TRUE(std::filesystem::exists(out + "/logs/std-round-0.json"));

  // Each sample carries the harness's own CPU time of its iterations: the
  // repetition's cpu_time (per iteration, in its unit) × its iterations,
  // as that round's JSON has it, in the same order.
  std::map<std::pair<std::string, int>, std::vector<json>> std_samples;  // (name, round)
  for (const auto& s : samples) {
    const json& cell = cells.at(s["cell"]);
    if (cell["variant"] == "std") std_samples[{cell["workload"], s["round"]}].push_back(s);
  }
  const std::map<std::string, double> ns_per_unit = {
      {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (int round = 0; round < rounds; ++round) {
    const json harness =
        json::parse(read_file(out + "/logs/std-round-" + std::to_string(round) + ".json"));
    std::map<std::string, size_t> next;
    for (const auto& entry : harness["benchmarks"]) {
      if (entry.value("run_type", "iteration") != "iteration") continue;
      const std::string name = entry["run_name"];
      const auto& journaled = std_samples[{name, round}];
      ASSERT_LT(next[name], journaled.size()) << name;
      const json& s = journaled[next[name]++];
      ASSERT_EQ(s["iters"], entry["iterations"]) << s.dump();
      ASSERT_TRUE(s["harness_cpu_ns"].is_number_unsigned()) << s.dump();
      const double cpu = entry["cpu_time"].get<double>() * ns_per_unit.at(entry["time_unit"]) *
                         entry["iterations"].get<double>();
      EXPECT_NEAR(s["harness_cpu_ns"].get<double>(), cpu, 0.5) << s.dump();
    }
  }
  // The report: per cell, the CPU time per iteration and its share of the
  // real time (each benchmark is one thread: no more than the wall time,
  // beyond a clock tick's rounding).
  const json results = json::parse(read_file(out + "/results.json"));
  for (const auto& cell : results["cells"]) {
    SCOPED_TRACE(cell["cell"].get<std::string>());
    ASSERT_TRUE(cell["harness_cpu_ns_per_iteration"].is_number()) << cell.dump();
    EXPECT_GT(cell["harness_cpu_ns_per_iteration"].get<double>(), 0);
    EXPECT_GT(cell["harness_cpu_share"].get<double>(), 0);
    EXPECT_LT(cell["harness_cpu_share"].get<double>(), 1.5);
  }
  EXPECT_NE(md.find("The harness's own CPU time per iteration"), std::string::npos);
}

// With one benchmark selected, the process's counters are that benchmark's
// (and the harness's start-up): the counter proves the difference, not the
// time. glibc keeps a freed 32 KiB buffer on its free lists (no madvise);
// jemalloc 5.3 calls MADV_DONTNEED once at start-up, and with tcache_max:4096
// the 32 KiB buffers bypass its thread cache and are purged: thousands per
// run here (1181 and 2236 in two runs by hand), so "more than jemalloc
// untuned" is the direction, not a count.
TEST(BenchTest, FilterSelectsBenchmarksAndOneBenchmarkHasItsCounters) {
  const std::string out = fresh_dir("bench_filter");
  const int rounds = 2;
  const auto r = run_cli({"bench", "-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096", "-n",
                          std::to_string(rounds), "--filter", "zeroed", "--out", out, "--", SUITE});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  const auto all = journal_records(out);
  const auto cells = cells_by_id(all, "cell");
  ASSERT_EQ(cells.size(), 3u);
  for (const auto& [id, cell] : cells) EXPECT_EQ(cell["workload"], kBenchmarks[0]);
  const auto samples = records_of_type(all, "sample");
  EXPECT_EQ(samples.size(), 3u * rounds);  // rounds x 1 repetition x 3 variants
  std::map<std::string, std::uint64_t> dontneed_per_variant;
  for (const auto& s : samples)
    if (s.contains("counters") && s["counters"].contains("madvise_dontneed"))
      dontneed_per_variant[cells.at(s["cell"])["variant"]] +=
          s["counters"]["madvise_dontneed"].get<std::uint64_t>();
  if (dontneed_per_variant.empty()) {
    std::printf("syscall tracepoints refused on this machine: madvise direction not checked\n");
    return;
  }
  EXPECT_EQ(dontneed_per_variant["std"], 0u);
  EXPECT_GT(dontneed_per_variant["jemalloc"], dontneed_per_variant["std"]);
  EXPECT_GT(dontneed_per_variant["jemalloc[tcache_max:4096]"],
            dontneed_per_variant["jemalloc"] + 10u * rounds);
}

TEST(BenchTest, FilterSelectingNothingIsBadInput) {
  const std::string out = fresh_dir("bench_nothing");
  const auto r = run_cli({"bench", "-a", "std", "-n", "1", "--filter", "^no_such_benchmark$",
                          "--out", out, "--", SUITE});
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("--filter '^no_such_benchmark$' selects no benchmark"), std::string::npos)
      << context(r);
  EXPECT_FALSE(std::filesystem::exists(out + "/samples.jsonl")) << "nothing written before";
}

// --isolate: every benchmark in its own process each round and warm-up
// round, selected exactly (its name has '/', ':' and '.'), so its counters
// are its own: six rounds, enough for a verdict and a key driver.
TEST(BenchTest, IsolateRunsEachBenchmarkInItsOwnProcessWithItsOwnCounters) {
  const std::string out = fresh_dir("bench_isolate");
  const int rounds = 6, warmup = 1, repetitions = 2;
  const auto r =
      run_cli({"bench", "--isolate", "-a", "std,jemalloc", "--tune", "jemalloc:tcache_max:4096",
               "-n", std::to_string(rounds), "--warmup", std::to_string(warmup), "--repetitions",
               std::to_string(repetitions), "--out", out, "--", SUITE});
  ASSERT_EQ(r.exit_code, 0) << context(r);
  bench_support::expect_isolated_run(out, kBenchmarks[0], kBenchmarks[1], rounds, warmup,
                                     repetitions);

  // Each process wrote its own JSON, with its one benchmark in it.
  const json one = json::parse(read_file(out + "/logs/std-round-5-benchmark-1.json"));
  int iterations_entries = 0;  // the repetitions; the rest are their aggregates
  for (const auto& b : one["benchmarks"]) {
    EXPECT_EQ(b["run_name"], kBenchmarks[1]) << b.dump();
    iterations_entries += b["run_type"] == "iteration" ? 1 : 0;
  }
  EXPECT_EQ(iterations_entries, repetitions) << one.dump();
  EXPECT_TRUE(std::filesystem::exists(out + "/logs/std-warmup-0-benchmark-0.json"));
  const json manifest = json::parse(read_file(out + "/manifest.json"));
  EXPECT_EQ(manifest["options"]["isolate"], true);

  // report, compare and the CSV read it as any run.
  const auto again = run_cli({"report", out, "--format", "md"});
  EXPECT_EQ(again.exit_code, 0) << context(again);
  const auto compared = run_cli({"compare", out, out});
  EXPECT_EQ(compared.exit_code, 0) << context(compared);
  EXPECT_NE(compared.out.find(kBenchmarks[0]), std::string::npos) << context(compared);
  const std::string csv = read_file(out + "/bench_results.csv");
  for (const auto& name : kBenchmarks) EXPECT_NE(csv.find(name), std::string::npos) << name;
}

// One benchmark's process crashes under jemalloc in every measured run (not
// in the verification run): with --isolate only that benchmark's cell of
// jemalloc fails, with the signal and its last words, and is not run again;
// jemalloc's other benchmark is measured. Without --isolate the same crash
// takes the whole suite's process, and so both of jemalloc's cells.
TEST(BenchTest, IsolatedCrashOfOneBenchmarkFailsOnlyItsCell) {
  const std::string out = fresh_dir("bench_isolate_crash");
  const int rounds = 2;
  setenv("SHOOTOUT_SUITE_CRASH_MEASURING", "jemalloc", 1);
  const auto r = run_cli({"bench", "--isolate", "-a", "std,jemalloc", "-n", std::to_string(rounds),
                          "--out", out, "--", SUITE});
  const std::string suite_out = fresh_dir("bench_suite_crash");
  const auto suite =
      run_cli({"bench", "-a", "std,jemalloc", "-n", "1", "--out", suite_out, "--", SUITE});
  unsetenv("SHOOTOUT_SUITE_CRASH_MEASURING");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 1u) << context(r);
  const json& f = failed.begin()->second;
  EXPECT_EQ(f["variant"], "jemalloc");
  EXPECT_EQ(f["workload"], kBenchmarks[0]);
  EXPECT_EQ(f["phase"], "sample");
  EXPECT_EQ(f["signal"], 6);
  EXPECT_NE(f["reason"].get<std::string>().find("killed by signal 6"), std::string::npos)
      << f.dump(2);
  EXPECT_NE(f["reason"].get<std::string>().find("round 0 of jemalloc, benchmark " + kBenchmarks[0]),
            std::string::npos)
      << f.dump(2);
  EXPECT_TRUE(bench_support::stderr_tail_contains(f, "BM_zeroed32k crashing on purpose"))
      << f.dump(2);
  // std's two benchmarks and jemalloc's small objects, every round.
  const auto per_cell = bench_support::samples_per_cell(all);
  EXPECT_EQ(per_cell.size(), 3u);
  for (const auto& [id, n] : per_cell) EXPECT_EQ(n, rounds) << id;
  EXPECT_EQ(per_cell.count(f["cell"]), 0u);
  const auto logged = bench_support::logged_processes(out);
  const std::map<std::string, int> jemalloc_runs = {{kBenchmarks[0], 1}, {kBenchmarks[1], rounds}};
  EXPECT_EQ(logged.at("exec-jemalloc.log").timed, jemalloc_runs);

  EXPECT_EQ(suite.exit_code, 1) << context(suite);
  const auto suite_failed = cells_by_id(journal_records(suite_out), "cell_failed");
  ASSERT_EQ(suite_failed.size(), 2u) << context(suite);
  for (const auto& [id, failure] : suite_failed) EXPECT_EQ(failure["variant"], "jemalloc");
}

// --isolate's exact filters in google/benchmark's own regex engine: each
// listed benchmark's lists that benchmark alone; one of a name full of ERE
// operators compiles (google/benchmark says "Could not compile benchmark
// re" of one it cannot, as of "(") and selects nothing here.
TEST(BenchTest, ExactFiltersSelectOneBenchmarkInGoogleBenchmarksEngine) {
  const auto harness = shootout::exec::google_benchmark_harness();
  auto list = [&](const std::string& filter) {
    return run_program(SUITE, {"--benchmark_list_tests=true", "--benchmark_filter=" + filter});
  };
  for (const auto& name : kBenchmarks) {
    const auto r = list(harness->exact_filter(name));
    EXPECT_EQ(r.out, name + "\n") << context(r);
  }
  const auto odd = list(harness->exact_filter(R"(BM_odd/8 threads+1 (x) [y].z$ a\b|c*d?e{2}^f)"));
  EXPECT_EQ(odd.out, "") << context(odd);
  EXPECT_EQ(odd.err.find("Could not compile"), std::string::npos) << context(odd);
  const auto invalid = list("(");
  EXPECT_NE(invalid.err.find("Could not compile"), std::string::npos) << context(invalid);
}

TEST(BenchTest, AProgramThatIsNoHarnessIsRefusedNamingTheKnownOnes) {
  const std::string out = fresh_dir("bench_not_a_suite");
  const auto r = run_cli({"bench", "-a", "std", "-n", "1", "--out", out, "--", NOT_A_SUITE});
  EXPECT_EQ(r.exit_code, 2) << context(r);
  EXPECT_NE(r.err.find("is not a benchmark suite bench knows (known: google/benchmark, "
                       "Criterion.rs): asked for --benchmark_list_tests it printed no list"),
            std::string::npos)
      << context(r);
  EXPECT_NE(r.err.find("; asked for --bench --list it printed no list"), std::string::npos)
      << context(r);
}

// The harness's JSON is cut in half under jemalloc only: jemalloc's cells
// fail naming the line where the JSON breaks and the file; std's are measured.
TEST(BenchTest, JsonThatCannotBeParsedFailsItsVariantNamingTheLine) {
  const std::string out = fresh_dir("bench_bad_json");
  setenv("SHOOTOUT_SUITE_BREAK_JSON", "jemalloc", 1);
  const auto r = run_cli({"bench", "-a", "std,jemalloc", "-n", "1", "--out", out, "--", SUITE});
  unsetenv("SHOOTOUT_SUITE_BREAK_JSON");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 2u) << context(r);
  for (const auto& [id, f] : failed) {
    EXPECT_EQ(f["variant"], "jemalloc");
    EXPECT_EQ(f["phase"], "sample");
    const std::string reason = f["reason"];
    EXPECT_NE(reason.find("the harness's JSON cannot be parsed at line "), std::string::npos)
        << reason;
    EXPECT_NE(reason.find("jemalloc-round-0.json"), std::string::npos) << reason;
  }
  EXPECT_EQ(records_of_type(all, "sample").size(), 2u);  // std: 2 benchmarks
}

// One benchmark fails in the harness (SkipWithError) under jemalloc only:
// that one cell fails with the harness's message; every other cell is measured.
TEST(BenchTest, ABenchmarkTheHarnessFailsFailsOnlyItsCell) {
  const std::string out = fresh_dir("bench_skip");
  setenv("SHOOTOUT_SUITE_SKIP_UNDER", "jemalloc", 1);
  const auto r = run_cli({"bench", "-a", "std,jemalloc", "-n", "2", "--out", out, "--", SUITE});
  unsetenv("SHOOTOUT_SUITE_SKIP_UNDER");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 1u) << context(r);
  const json& f = failed.begin()->second;
  EXPECT_EQ(f["variant"], "jemalloc");
  EXPECT_EQ(f["workload"], kBenchmarks[1]);
  EXPECT_NE(f["reason"].get<std::string>().find(
                "the harness reported an error: skipped on purpose under this allocator"),
            std::string::npos)
      << f.dump(2);
  // std: 2 benchmarks x 2 rounds; jemalloc: BM_zeroed32k x 2 rounds.
  const auto cells = cells_by_id(all, "cell");
  const auto per_cell = bench_support::samples_per_cell(all);
  EXPECT_EQ(per_cell.size(), 3u);
  for (const auto& [id, n] : per_cell) EXPECT_EQ(n, 2) << id;
  EXPECT_EQ(per_cell.count(f["cell"]), 0u);
}

// The suite aborts under jemalloc only: jemalloc's cells fail with the
// signal and the suite's last words; std's are measured.
TEST(BenchTest, ACrashUnderOneVariantFailsOnlyThatVariant) {
  const std::string out = fresh_dir("bench_crash");
  setenv("SHOOTOUT_SUITE_CRASH_UNDER", "jemalloc", 1);
  const auto r = run_cli({"bench", "-a", "std,jemalloc", "-n", "1", "--out", out, "--", SUITE});
  unsetenv("SHOOTOUT_SUITE_CRASH_UNDER");
  EXPECT_EQ(r.exit_code, 1) << context(r);
  const auto all = journal_records(out);
  const auto failed = cells_by_id(all, "cell_failed");
  ASSERT_EQ(failed.size(), 2u) << context(r);  // both benchmarks of jemalloc
  for (const auto& [id, f] : failed) {
    SCOPED_TRACE(id);
    EXPECT_EQ(f["variant"], "jemalloc");
    EXPECT_EQ(f["signal"], 6);
    const std::string reason = f["reason"];
    EXPECT_NE(reason.find("killed by signal 6"), std::string::npos) << reason;
    EXPECT_EQ(reason.find("--ignore-failure"), std::string::npos) << "bench has no such option";
    EXPECT_TRUE(bench_support::stderr_tail_contains(f, "crashing on purpose")) << f.dump(2);
  }
  const auto cells = cells_by_id(all, "cell");
  ASSERT_EQ(cells.size(), 2u);
  for (const auto& [id, cell] : cells) EXPECT_EQ(cell["variant"], "std");
  EXPECT_EQ(records_of_type(all, "sample").size(), 2u);
}

}  // namespace
