// The analysis model built from the fixture run, and bad input: every
// expected value below follows from the generator's figures in fixture.cpp.
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "report/analysis.h"
#include "report/csv_report.h"
#include "report/findings.h"
#include "report/floor.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/report.h"
#include "test_support.h"

namespace shootout::report {
namespace {

using testing::TempDir;

const ReportModel& fixture_model() {
  static const ReportModel model = analyse(testing::committed_fixture());
  return model;
}

const CellAnalysis& cell(const std::string& id) {
  const CellAnalysis* c = fixture_model().run.find(id);
  if (!c) throw std::runtime_error("no cell " + id);
  return *c;
}

TEST(Analysis, ReadsEveryCellOfTheLatestAttempts) {
  const RunModel& m = fixture_model().run;
  EXPECT_EQ(m.cells.size(),
            25u);  // 3 sizes x 2 payloads x 3 variants + 2 tuned + 4 spawn_many + 1 failed
  EXPECT_EQ(m.last_attempt, 2);
  EXPECT_TRUE(m.incomplete_groups.empty());
  // spawn_many/1000 ran 3 rounds in attempt 1 and 10 in attempt 2: only the latter count.
  const CellAnalysis& spawn = cell("spawn_many/1000|none|asio|std|preload");
  EXPECT_EQ(spawn.samples.size(), 10u);
  EXPECT_EQ(spawn.rounds, 10);
  EXPECT_EQ(spawn.status, CellStatus::ok);
}

TEST(Analysis, CountersPerIterationAndPerElement) {
  const CellAnalysis& j = cell("mpsc/32768|zeroed|asio|jemalloc|preload");
  ASSERT_TRUE(j.per_element("madvise_dontneed"));
  EXPECT_NEAR(*j.per_element("madvise_dontneed"), 1.0, 1e-9);
  EXPECT_NEAR(*j.per_iteration("madvise_dontneed"), 1000.0, 1e-6);
  ASSERT_TRUE(j.page_faults_per_element());
  EXPECT_NEAR(*j.page_faults_per_element(), 1.0, 1e-9);
  EXPECT_NEAR(*j.sys_share, 0.72, 1e-6);
  // Against std's 0.6 faults per message, jemalloc's excess is the purge
  // and 0.4 faults: below the refault rule's 0.5.
  EXPECT_EQ(j.driver.rule, "madvise_dontneed_purge");
  EXPECT_EQ(j.driver.text,
            "eager purge via MADV_DONTNEED (+1.0 MADV_DONTNEED, +0.40 page faults per message "
            "over std)");
  // A faster cell is credited with what it avoids of the baseline's.
  EXPECT_EQ(cell("mpsc/32768|filled|asio|jemalloc|preload").driver.text,
            "avoids std's heap trim via brk (std: +0.30 brk, +2.4 page faults per message)");
  // cycles were unavailable: absent, never zero.
  EXPECT_FALSE(j.per_iteration("cycles"));
  EXPECT_EQ(j.source_of("cycles"), "");
  EXPECT_EQ(j.source_of("madvise_dontneed"), "perf_event");
}

TEST(Analysis, TimeEstimatesRatiosAndMemory) {
  const CellAnalysis& j = cell("mpsc/32768|zeroed|asio|jemalloc|preload");
  ASSERT_TRUE(j.time);
  // 5.2 ms per iteration, +-1 % noise and up to +3 % drift.
  EXPECT_GT(j.time->median.point, 5.2e6);
  EXPECT_LT(j.time->median.point, 5.2e6 * 1.045);
  EXPECT_LE(j.time->median.lower, j.time->median.point);
  ASSERT_TRUE(j.ratio);
  EXPECT_EQ(j.ratio->rounds, 10);
  EXPECT_NEAR(j.ratio->ratio.point, 5200.0 / 1875.3, 0.03);
  EXPECT_EQ(j.ratio->verdict, stats::Verdict::slower);
  EXPECT_EQ(j.per_round_ratios.size(), 10u);
  // peak RSS = the largest hwm_kib of the samples (19000 + 10 * 3).
  ASSERT_TRUE(j.peak_rss_kib);
  EXPECT_DOUBLE_EQ(*j.peak_rss_kib, 19030);
  const CellAnalysis& baseline = cell("mpsc/32768|zeroed|asio|std|preload");
  EXPECT_TRUE(baseline.baseline);
  EXPECT_FALSE(baseline.ratio);
  EXPECT_EQ(baseline.driver.rule, "baseline");  // the reference, not judged against itself
}

TEST(Analysis, FailedCellKeepsItsReason) {
  const CellAnalysis& t = cell("mpsc/8|zeroed|asio|tcmalloc|preload");
  EXPECT_EQ(t.status, CellStatus::failed);
  ASSERT_TRUE(t.failure);
  EXPECT_EQ(t.failure->phase, "verification");
  EXPECT_NE(t.failure->reason.find("not libtcmalloc_minimal.so.4"), std::string::npos);
  EXPECT_EQ(t.failure->exit_code, 3);
  EXPECT_FALSE(t.usable());
  EXPECT_TRUE(t.driver.rule.empty());
}

TEST(Analysis, ProfilesAndWarnings) {
  const RunModel& m = fixture_model().run;
  ASSERT_EQ(m.profiles.size(), 3u);
  for (const auto& p : m.profiles) EXPECT_EQ(p.elements_per_iteration, 1000u) << p.workload;
  // std's spawn_many cell shared the machine with another process (15 %).
  ASSERT_FALSE(m.warnings.empty());
  EXPECT_NE(m.warnings[0].find("Busy machine: in 1 of "), std::string::npos) << m.warnings[0];
  EXPECT_NE(m.warnings[0].find("(spawn_many/1000 std 15.0 %)"), std::string::npos) << m.warnings[0];
}

TEST(Analysis, SameFilesGiveTheSameModel) {
  const RunModel again = analyze_run(testing::committed_fixture());
  const CellAnalysis* a = again.find("mpsc/4096|filled|asio|jemalloc|preload");
  const CellAnalysis& b = cell("mpsc/4096|filled|asio|jemalloc|preload");
  ASSERT_TRUE(a && a->ratio && b.ratio);
  EXPECT_EQ(a->ratio->ratio.lower, b.ratio->ratio.lower);  // bit-identical bootstrap
  EXPECT_EQ(a->time->median.upper, b.time->median.upper);
}

// bench: a sample with counted_process carries its whole process's counts
// (a process that ran one benchmark), covering every sample of that
// process. Three rounds; per process 3 samples of 10, 20 and 30 iterations,
// 75 MADV_DONTNEED under jemalloc, 500 ns sys of 1500 ns CPU, 300 µs wall.
// Every sample has the harness's CPU time: 900 ns per iteration under std,
// under jemalloc 550 ns in its 10-iteration samples and 825 in the others.
TEST(Analysis, ACountedProcessIsDividedByAllItsIterations) {
  TempDir dir;
  testing::write_text(dir / "manifest.json", testing::fixture_manifest());
  std::string journal;
  auto line = [&](const nlohmann::json& record) { journal += record.dump() + "\n"; };
  for (const std::string variant : {"std", "jemalloc"})
    line({{"schema", 1},
          {"attempt", 1},
          {"type", "cell"},
          {"group", "bench:suite"},
          {"cell", "zeroed|none|process|" + variant + "|preload"},
          {"workload", "zeroed"},
          {"variant", variant},
          {"baseline", variant == "std"},
          {"baseline_cell", "zeroed|none|process|std|preload"}});
  for (int round = 0; round < 3; ++round)
    for (const std::string variant : {"std", "jemalloc"}) {
      const std::uint64_t per_iteration_ns = variant == "std" ? 1000 : 1100;
      for (const std::uint64_t iters : {10, 20, 30}) {
        nlohmann::json sample = {{"schema", 1},
                                 {"attempt", 1},
                                 {"type", "sample"},
                                 {"group", "bench:suite"},
                                 {"cell", "zeroed|none|process|" + variant + "|preload"},
                                 {"round", round},
                                 {"iters", iters},
                                 {"ns", iters * per_iteration_ns}};
        sample["harness_cpu_ns"] = iters * (variant == "std" ? 900 : iters == 10 ? 550 : 825);
        if (iters == 10) {
          sample["counters"] = {
              {"madvise_dontneed", variant == "std" ? 0 : 75}, {"user_ns", 1000}, {"sys_ns", 500}};
          sample["counted_process"] = {
              {"iters", 60}, {"measured_ns", 60 * per_iteration_ns}, {"wall_ns", 300000}};
        }
        line(sample);
      }
    }
  line({{"schema", 1}, {"attempt", 1}, {"type", "group_done"}, {"group", "bench:suite"}});
  testing::write_text(dir / "samples.jsonl", journal);

  const RunModel m = analyze_run(dir.path());
  const CellAnalysis* jemalloc = m.find("zeroed|none|process|jemalloc|preload");
  ASSERT_NE(jemalloc, nullptr);
  // 75 over the process's 60 iterations, not its first sample's 10.
  EXPECT_DOUBLE_EQ(*jemalloc->per_iteration("madvise_dontneed"), 75.0 / 60);
  EXPECT_EQ(jemalloc->counters.at("madvise_dontneed").samples, 3);
  // The samples without counters leave the CPU sums complete; sys is of
  // the process's wall time, not of its first sample's 11 µs.
  ASSERT_TRUE(jemalloc->sys_share && jemalloc->sys_wall_share);
  EXPECT_DOUBLE_EQ(*jemalloc->sys_share, 500.0 / 1500);
  EXPECT_DOUBLE_EQ(*jemalloc->sys_wall_share, 500.0 / 300000);
  // 66 µs measured of 300 µs, in every round.
  ASSERT_TRUE(jemalloc->measured_share);
  EXPECT_DOUBLE_EQ(*jemalloc->measured_share, 66000.0 / 300000);
  const std::string md = markdown_report(analyse(dir.path()));
  EXPECT_NE(md.find("the harness's measured iterations took this share"), std::string::npos);
  EXPECT_NE(md.find("| zeroed | 20.0 % | 22.0 % |"), std::string::npos) << md;
  // The harness's CPU time: summed over the samples, then divided — by
  // iterations (3 × (5500 + 16500 + 24750) ns ÷ 180 = 779.17 ns, not the
  // mean of the samples' 550, 825, 825) and by the harness's wall time.
  const CellAnalysis* std_cell = m.find("zeroed|none|process|std|preload");
  ASSERT_NE(std_cell, nullptr);
  ASSERT_TRUE(std_cell->harness_cpu_per_iteration && std_cell->harness_cpu_share);
  EXPECT_DOUBLE_EQ(*std_cell->harness_cpu_per_iteration, 900);
  EXPECT_DOUBLE_EQ(*std_cell->harness_cpu_share, 0.9);
  ASSERT_TRUE(jemalloc->harness_cpu_per_iteration && jemalloc->harness_cpu_share);
  EXPECT_DOUBLE_EQ(*jemalloc->harness_cpu_per_iteration, 46750.0 / 60);
  EXPECT_DOUBLE_EQ(*jemalloc->harness_cpu_share, 46750.0 / 66000);
  EXPECT_NE(md.find("The harness's own CPU time per iteration"), std::string::npos) << md;
  EXPECT_NE(md.find("| zeroed | 900.0 ns (90.0 %) | 779.2 ns (70.8 %) |"), std::string::npos) << md;
  // A run without counted processes has no share, and no such table; one
  // without the harness's CPU time, no CPU figures.
  EXPECT_FALSE(cell("mpsc/8|zeroed|asio|std|preload").measured_share);
  EXPECT_FALSE(cell("mpsc/8|zeroed|asio|std|preload").harness_cpu_per_iteration);
  EXPECT_EQ(markdown_report(fixture_model()).find("measured iterations took"), std::string::npos);
  EXPECT_EQ(markdown_report(fixture_model()).find("The harness's own CPU time"), std::string::npos);
}

// ---- bad input ---------------------------------------------------------------

std::string error_of(const std::string& dir) {
  try {
    analyze_run(dir);
  } catch (const ReportError& e) {
    return e.what();
  }
  return "";
}

TEST(BadInput, MissingRunDirectory) {
  EXPECT_NE(error_of("/nonexistent/run").find("run directory /nonexistent/run does not exist"),
            std::string::npos);
}

TEST(BadInput, MissingManifest) {
  TempDir dir;
  testing::write_text(dir / "samples.jsonl", testing::fixture_journal());
  EXPECT_NE(error_of(dir.path()).find("has no manifest.json"), std::string::npos);
}

TEST(BadInput, MissingSamples) {
  TempDir dir;
  testing::write_text(dir / "manifest.json", testing::fixture_manifest());
  EXPECT_NE(error_of(dir.path()).find("has no samples.jsonl"), std::string::npos);
}

TEST(BadInput, MalformedLineIsNamed) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  std::string journal = testing::fixture_journal();
  // Replace line 5 with garbage.
  std::size_t at = 0;
  for (int i = 0; i < 4; ++i) at = journal.find('\n', at) + 1;
  const std::size_t end = journal.find('\n', at);
  journal.replace(at, end - at, "{\"schema\":1,\"type\":\"sample\",");
  testing::write_text(dir / "samples.jsonl", journal);
  const std::string e = error_of(dir.path());
  EXPECT_NE(e.find("samples.jsonl line 5"), std::string::npos) << e;
}

TEST(BadInput, TruncatedLastLineIsIgnoredWithAWarning) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  testing::write_text(dir / "samples.jsonl",
                      testing::fixture_journal() + "{\"schema\":1,\"type\":\"sam");
  const RunModel m = analyze_run(dir.path());
  EXPECT_TRUE(m.truncated_tail);
  bool warned = false;
  for (const auto& w : m.warnings) warned = warned || w.find("partial line") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(BadInput, SampleWithoutTimeIsNamed) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  testing::write_text(
      dir / "samples.jsonl",
      "{\"schema\":1,\"type\":\"sample\",\"attempt\":1,\"cell\":\"mpsc/8|zeroed|asio|std|preload\","
      "\"group\":\"mpsc/8\",\"round\":0,\"iters\":3}\n");
  const std::string e = error_of(dir.path());
  EXPECT_NE(e.find("samples.jsonl line 1: sample of cell 'mpsc/8|zeroed|asio|std|preload' "
                   "(round 0): \"ns\" is missing"),
            std::string::npos)
      << e;
}

// ---- write_reports and summary_table -----------------------------------------

TEST(WriteReports, WritesEachFormatAtomically) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  const auto paths = write_reports(analyse(dir.path()), {Format::markdown, Format::csv,
                                                         Format::json, Format::html, Format::csv});
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(paths[0], dir / "report.md");
  EXPECT_EQ(paths[1], dir / "bench_results.csv");
  EXPECT_EQ(paths[2], dir / "results.json");
  EXPECT_EQ(paths[3], dir / "report.html");
  for (const auto& p : paths) EXPECT_TRUE(std::filesystem::is_regular_file(p)) << p;
  // Nothing else is left behind: no temporary report or chart-script files.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
    EXPECT_EQ(entry.path().filename().string().find(".report-chart-"), std::string::npos);
  }
  EXPECT_EQ(files, 6);
  const std::string text = testing::read_text(dir / "results.json");
  EXPECT_EQ(text.rfind("{\n  \"schema\": 1,", 0), 0u);  // versioned, schema first
  const auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["cells"].size(), 25u);
  EXPECT_EQ(json["manifest"]["machine"]["kernel"], "6.1.0-26-amd64");
  for (const auto& c : json["cells"]) {
    if (c["cell"] != "mpsc/32768|zeroed|asio|jemalloc|preload") continue;
    EXPECT_EQ(c["key_driver"]["rule"], "madvise_dontneed_purge");
    EXPECT_EQ(c["counters"]["madvise_dontneed"]["per_element"], 1.0);
    EXPECT_EQ(c["counters"]["madvise_dontneed"]["source"], "perf_event");
    EXPECT_EQ(c["ratio"]["verdict"], "slower");
    EXPECT_LT(c["time_ns"]["median"]["lower"].get<double>(),
              c["time_ns"]["median"]["upper"].get<double>());
    EXPECT_FALSE(c["counters"].contains("cycles"));  // unavailable: absent, not zero
  }
  EXPECT_EQ(json["tuning"].size(), 3u);
  EXPECT_FALSE(json["cliffs"].empty());
}

TEST(WriteReports, UnknownFormatNamesTheValidOnes) {
  EXPECT_EQ(parse_format("md"), Format::markdown);
  EXPECT_EQ(parse_format("html"), Format::html);
  try {
    parse_format("pdf");
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("valid: md, csv, json, html"), std::string::npos);
  }
}

TEST(SummaryTable, ColourOnlyWhenAsked) {
  const std::string plain = summary_table(fixture_model(), false);
  const std::string coloured = summary_table(fixture_model(), true);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[32m"), std::string::npos);
  EXPECT_NE(plain.find("case"), std::string::npos);
  EXPECT_NE(plain.find("mpsc/32768 zeroed"), std::string::npos);
  EXPECT_NE(plain.find("spawn_many/1000"), std::string::npos);
}

// ---- the floor (--payload floor) ------------------------------------------------

const ReportModel& floor_model() {
  static const ReportModel m = [] {
    static TempDir dir;
    testing::write_fixture_run(dir.path(), {.with_floor = true});
    return analyse(dir.path());
  }();
  return m;
}

const CellAnalysis& floor_cell(const std::string& id) {
  const CellAnalysis* c = floor_model().run.find(id);
  if (!c) throw std::runtime_error("no cell " + id);
  return *c;
}

TEST(Floor, AllocatorShareIsTimeMinusFloorOverTime) {
  // std filled: 2400 µs against a 600 µs floor, ±1 % noise per sample.
  const CellAnalysis& s = floor_cell("mpsc/32768|filled|asio|std|preload");
  ASSERT_TRUE(s.floor_share);
  EXPECT_EQ(s.floor_share->floor_cell, "mpsc/32768|floor|asio|std|preload");
  EXPECT_NEAR(s.floor_share->share.point, 0.75, 0.01);
  EXPECT_LE(s.floor_share->share.lower, s.floor_share->share.point);
  EXPECT_GE(s.floor_share->share.upper, s.floor_share->share.point);
  // Each variant against its own floor: jemalloc[tcache_max:4096] 900 over 500 µs.
  const CellAnalysis& j = floor_cell("mpsc/32768|filled|asio|jemalloc[tcache_max:4096]|preload");
  ASSERT_TRUE(j.floor_share);
  EXPECT_NEAR(j.floor_share->share.point, 400.0 / 900.0, 0.01);
  // (2400 − 600) ÷ (900 − 500) = 4.5× on allocation alone (2.67× on the whole).
  ASSERT_TRUE(allocation_speedup(j, s));
  EXPECT_NEAR(*allocation_speedup(j, s), 4.5, 0.15);
  // The model carries it, against the cell's own baseline cell.
  ASSERT_TRUE(j.floor_share->speedup);
  EXPECT_EQ(*j.floor_share->speedup, *allocation_speedup(j, s));
  EXPECT_FALSE(s.floor_share->speedup);  // the baseline itself
  // The floor cells themselves, and workloads without one, have no share.
  EXPECT_FALSE(floor_cell("mpsc/32768|floor|asio|std|preload").floor_share);
  EXPECT_FALSE(floor_cell("mpsc/4096|filled|asio|std|preload").floor_share);
  EXPECT_FALSE(cell("mpsc/32768|filled|asio|std|preload").floor_share);  // no floor ran
}

TEST(Floor, EveryOutputShowsTheShare) {
  const ReportModel& m = floor_model();
  const std::string md = markdown_report(m);
  EXPECT_NE(md.find("Best vs std on allocation (time − floor)"), std::string::npos);
  EXPECT_NE(md.find("(allocation 75."), std::string::npos);
  EXPECT_NE(md.find("| jemalloc[tcache_max:4096] 4.5"), std::string::npos) << md;
  // The summary: how much of std's time is allocation, and best vs std on it.
  const std::string sentence = "allocation is 75.";
  EXPECT_NE(md.find("- " + sentence), std::string::npos);
  EXPECT_NE(md.find("of std's time in mpsc/32768 filled; on allocation alone std is 4.5"),
            std::string::npos)
      << md;
  EXPECT_NE(summary_table(m, false).find(sentence), std::string::npos);
  // CSV and JSON carry it per cell.
  const std::string csv = csv_report(m);
  EXPECT_NE(csv.find(",floor_cell,allocation_share,allocation_share_lower,allocation_share_upper,"
                     "allocation_speedup,"),
            std::string::npos);
  EXPECT_NE(csv.find(",mpsc/32768|floor|asio|std|preload,0.7"), std::string::npos);
  const auto json = nlohmann::json::parse(json_report(m));
  int with_share = 0;
  for (const auto& c : json["cells"])
    if (!c["allocation_share"].is_null()) {
      ++with_share;
      EXPECT_GT(c["allocation_share"]["point"].get<double>(), 0.3);
    }
  EXPECT_EQ(with_share, 8);  // 4 variants x zeroed, filled
  // Without a floor, no column, no sentence.
  EXPECT_EQ(markdown_report(fixture_model()).find("on allocation"), std::string::npos);
}

}  // namespace
}  // namespace shootout::report

// ---- machine state and worker processes --------------------------------------

namespace shootout::report {
namespace {

// Gives every group_done of the fixture a cross-CPU round trip: `before` ns
// before the group, `after(i)` after the i-th one.
void add_cross_cpu(const std::string& dir, double before, const std::function<double(int)>& after) {
  testing::rewrite_journal(dir, [&](std::vector<nlohmann::json>& records) {
    int i = 0;
    for (auto& r : records)
      if (r["type"] == "group_done")
        r["cross_cpu"] = {{"before", {{"round_trip_ns", before}, {"batches", 5}}},
                          {"after", {{"round_trip_ns", after(i++)}, {"batches", 5}}}};
  });
}

bool warns_about_cross_cpu(const RunModel& m) {
  for (const auto& w : m.warnings)
    if (w.find("cross-CPU round trip") != std::string::npos) return true;
  return false;
}

TEST(MachineState, SteadyCrossCpuRoundTripIsReadWithoutWarning) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  add_cross_cpu(dir.path(), 200, [](int i) { return 210.0 + i; });
  const RunModel m = analyze_run(dir.path());
  ASSERT_FALSE(m.cross_cpu.empty());
  EXPECT_EQ(m.cross_cpu[0].before_ns, 200.0);
  EXPECT_EQ(m.cross_cpu[0].after_ns, 210.0);
  EXPECT_EQ(m.cross_cpu_round_trips().size(), 2 * m.cross_cpu.size());
  EXPECT_FALSE(warns_about_cross_cpu(m));
}

TEST(MachineState, ShiftedCrossCpuRoundTripWarns) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  add_cross_cpu(dir.path(), 200, [](int i) { return i == 1 ? 420.0 : 205.0; });
  const RunModel m = analyze_run(dir.path());
  ASSERT_TRUE(warns_about_cross_cpu(m));
  bool named = false;
  for (const auto& w : m.warnings)
    named = named || w.find("from 200 to 420 ns") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(MachineState, UnmeasuredRoundTripIsAbsentAndANegativeOneIsRefused) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  testing::rewrite_journal(dir.path(), [](std::vector<nlohmann::json>& records) {
    for (auto& r : records)
      if (r["type"] == "group_done")
        r["cross_cpu"] = {{"before", {{"round_trip_ns", nullptr}, {"why", "one usable CPU"}}},
                          {"after", {{"round_trip_ns", nullptr}, {"why", "one usable CPU"}}}};
  });
  EXPECT_TRUE(analyze_run(dir.path()).cross_cpu_round_trips().empty());
  add_cross_cpu(dir.path(), -3, [](int) { return 200.0; });
  EXPECT_NE(error_of(dir.path()).find("\"round_trip_ns\" must be a positive number"),
            std::string::npos)
      << error_of(dir.path());
}

// Two worker processes per cell, jemalloc's second one 1.3x slower: ratios
// pair process with process, and the CI spans both processes' levels.
TEST(Processes, RatiosArePairedByProcessAndResampledByProcess) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  const std::string id = "mpsc/4096|filled|asio|jemalloc|preload";
  const RunModel one = analyze_run(dir.path());
  testing::rewrite_journal(dir.path(), [&](std::vector<nlohmann::json>& records) {
    std::vector<nlohmann::json> out;
    for (auto& r : records) {
      out.push_back(r);
      if (r["type"] != "sample") continue;
      out.back()["process"] = 0;
      auto second = r;
      second["process"] = 1;
      if (r["cell"] == id) second["ns"] = std::llround(r["ns"].get<double>() * 1.3);
      out.push_back(second);
    }
    records = out;
  });
  const RunModel two = analyze_run(dir.path());
  const CellAnalysis* a = one.find(id);
  const CellAnalysis* b = two.find(id);
  ASSERT_TRUE(a && b && a->ratio && b->ratio);
  EXPECT_EQ(a->processes, 1);
  EXPECT_EQ(b->processes, 2);
  EXPECT_EQ(b->per_round_ratios.size(), 2 * a->per_round_ratios.size());
  // The geometric mean of the two processes' levels: x sqrt(1.3).
  EXPECT_NEAR(b->ratio->ratio.point, a->ratio->ratio.point * std::sqrt(1.3), 0.002);
  EXPECT_GT(b->ratio->ratio.upper, a->ratio->ratio.upper * 1.2);
  EXPECT_LT(b->ratio->ratio.lower, a->ratio->ratio.upper * 1.05);
  const std::string md = testing::read_text(dir.path() + "/samples.jsonl");
  EXPECT_NE(md.find("\"process\":1"), std::string::npos);
}

}  // namespace
}  // namespace shootout::report

namespace shootout::report {
namespace {

// The runner's steady-state record of a cell whose purging settled during
// its rounds: the report names the cell, the counter and both rates.
TEST(SteadyState, UnsteadyCellIsOneWarningLineInTheReport) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  const std::string id = "mpsc/4096|filled|asio|jemalloc|preload";
  testing::rewrite_journal(dir.path(), [&](std::vector<nlohmann::json>& records) {
    std::vector<nlohmann::json> out;
    for (auto& r : records) {
      if (r["type"] == "group_done" && r["group"] == "mpsc/4096") {
        for (const char* cell : {id.c_str(), "mpsc/4096|filled|asio|std|preload"}) {
          const bool drifting = cell == id;
          out.push_back({{"schema", 1},
                         {"type", "steady_state"},
                         {"attempt", r["attempt"]},
                         {"cell", cell},
                         {"group", "mpsc/4096"},
                         {"rounds", 9},
                         {"first_third", {0, 3}},
                         {"last_third", {6, 9}},
                         {"counters",
                          {{"madvise_dontneed",
                            {{"first_per_iteration", drifting ? 40.0 : 10.0},
                             {"last_per_iteration", 10.0},
                             {"first_count", drifting ? 1200 : 300},
                             {"last_count", 300},
                             {"agree", !drifting}}}}},
                         {"steady", !drifting}});
        }
      }
      out.push_back(r);
    }
    records = out;
  });
  const RunModel m = analyze_run(dir.path());
  ASSERT_TRUE(m.find(id) && m.find(id)->steady_state);
  EXPECT_EQ(m.find(id)->steady_state->steady, false);
  const auto lines = unsteady_cell_warnings(m);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("Not steady: mpsc/4096 filled jemalloc: madvise_dontneed 40.0 → 10.0"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(markdown_report(analyse(dir.path())).find("Not steady: mpsc/4096 filled jemalloc"),
            std::string::npos);
}

}  // namespace
}  // namespace shootout::report
