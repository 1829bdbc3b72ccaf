// What every output marks as not what it seems: a tuning that could not be
// read back, a --probes off/strace variant (a measurement of the tool, never
// a winner), a run under an emulator (its times are the emulator's); and the
// noise warnings: other load summed over a cell's samples
// (minus the run's own processes, steal apart), one line per kind with the
// worst few, every flagged cell in one table after the answer.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/analysis.h"
#include "report/csv_report.h"
#include "report/findings.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/report.h"
#include "support/text.h"
#include "test_support.h"

namespace shootout::report {
namespace {

using nlohmann::json;
using testing::TempDir;

using shootout::test::contains;

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The fixture's tuned jemalloc with its one key unverified, as a tbbmalloc
// key always is.
constexpr const char* kTuned = "jemalloc[tcache_max:4096]";
constexpr const char* kWhy = "no read-back of this setting";

void mark_tuning_unverified(const std::string& dir) {
  testing::rewrite_journal(dir, [](std::vector<json>& records) {
    for (auto& r : records)
      if (r["type"] == "cell" && r["variant"] == kTuned)
        r["tuning_check"] = {{"ok", true},
                             {"message", ""},
                             {"keys",
                              {{{"key", "tcache_max"},
                                {"asked", "4096"},
                                {"effective", ""},
                                {"status", "unverified"},
                                {"how", kWhy}}}}};
  });
}

TEST(UnverifiedTuning, IsMarkedInEveryOutputWithItsReason) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  mark_tuning_unverified(dir.path());
  const ReportModel report = analyse(dir.path());
  const std::string mark = std::string(kTuned) + " (unverified tuning)";
  const std::string reason = std::string("tcache_max:4096: ") + kWhy;

  const std::string md = markdown_report(report);
  EXPECT_TRUE(contains(md, "| " + mark + " |")) << "family column";
  EXPECT_TRUE(contains(md, "- " + std::string(kTuned) + ": " + reason)) << "tuning section";
  EXPECT_TRUE(contains(md, "Unverified tunings: 1 tuned variant")) << "warning";
  EXPECT_TRUE(contains(md, "| " + mark + " | ")) << "tuning tables";

  const std::string csv = csv_report(report);
  EXPECT_TRUE(contains(csv, ",harness_cpu_share,probes,tuning_verified,tuning_unverified,"));
  EXPECT_TRUE(contains(csv, ",counters,false," + reason + ",")) << csv;
  EXPECT_TRUE(contains(csv, ",counters,,,")) << "untuned: empty";

  const auto results = results_json(report);
  int tuned = 0;
  for (const auto& c : results["cells"]) {
    if (c["variant"] != kTuned) {
      if (c["tuning"] == "") EXPECT_TRUE(c["tuning_verified"].is_null()) << c["cell"];
      continue;
    }
    ++tuned;
    EXPECT_EQ(c["tuning_verified"], false);
    ASSERT_EQ(c["tuning_unverified"].size(), 1u);
    EXPECT_EQ(c["tuning_unverified"][0]["why"], kWhy);
    EXPECT_EQ(c["tuning_check"][0]["status"], "unverified");
  }
  EXPECT_GT(tuned, 0);

  EXPECT_TRUE(contains(summary_table(report, false), mark + ": " + reason + "\n"));

  TempDir other;
  testing::write_fixture_run(other.path());
  const std::string cmp = compare(other.path(), dir.path());
  EXPECT_TRUE(contains(cmp, "| " + mark + " in B |"));
  EXPECT_TRUE(contains(cmp, "- B: " + std::string(kTuned) + ": " + reason));
}

TEST(Emulation, EveryOutputSaysItsTimesAreNotComparableAndItsCountersAre) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  json manifest = json::parse(testing::read_text(dir / "manifest.json"));
  manifest["machine"]["arch"] = "aarch64";
  manifest["machine"]["emulator"] = "qemu-aarch64 version 7.2.18, page size 65536";
  testing::write_text(dir / "manifest.json", manifest.dump());
  const ReportModel report = analyse(dir.path());
  const std::string note =
      "Emulated run (qemu-aarch64 version 7.2.18, page size 65536): its times measure the "
      "emulator";

  const std::string md = markdown_report(report);
  const auto summary = md.find("## Summary");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_LT(md.find(note), md.find("| Case |", summary)) << "before the first time";
  EXPECT_TRUE(contains(md, "not comparable with any other run's, nor between its allocators"));
  EXPECT_TRUE(contains(md,
                       "Its counters are: where measured, the system calls each allocator "
                       "made (madvise by advice, mmap, munmap, brk)"));
  EXPECT_TRUE(contains(html_report(report, {"/nonexistent/gnuplot"}), note));
  const auto results = results_json(report);
  ASSERT_TRUE(results.contains("emulation"));
  EXPECT_EQ(results["emulation"].get<std::string>().rfind(note, 0), 0u);
  auto second = results.begin();
  ++second;
  EXPECT_EQ(second.key(), "emulation") << "right after the schema";
  EXPECT_EQ(summary_table(report, false).rfind(note, 0), 0u) << "the terminal's first line";

  TempDir native;
  testing::write_fixture_run(native.path());
  const ReportModel native_report = analyse(native.path());
  EXPECT_FALSE(contains(markdown_report(native_report), "Emulated run"));
  EXPECT_FALSE(results_json(native_report).contains("emulation"));
  EXPECT_FALSE(contains(summary_table(native_report, false), "Emulated run"));
}

TEST(UnverifiedTuning, VerifiedKeysAreNotMarked) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  testing::rewrite_journal(dir.path(), [](std::vector<json>& records) {
    for (auto& r : records)
      if (r["type"] == "cell" && r["variant"] == kTuned)
        r["tuning_check"] = {{"keys",
                              {{{"key", "tcache_max"},
                                {"asked", "4096"},
                                {"effective", "4096"},
                                {"status", "verified"},
                                {"how", "mallctl(\"opt.tcache_max\")"}}}}};
  });
  const ReportModel report = analyse(dir.path());
  EXPECT_FALSE(contains(markdown_report(report), "unverified"));
  EXPECT_TRUE(contains(csv_report(report), ",counters,true,,"));
}

// mimalloc is the fastest variant of mpsc/4096 zeroed in the fixture; as a
// --probes off variant it is a measurement of the tool and must not win.
void make_probes_variant(const std::string& dir, bool with_field) {
  const std::string old_id = "mpsc/4096|zeroed|asio|mimalloc|preload";
  const std::string new_id = "mpsc/4096|zeroed|asio|mimalloc(probes off)|preload";
  testing::rewrite_journal(dir, [&](std::vector<json>& records) {
    for (auto& r : records) {
      if (!r.contains("cell") || r["cell"] != old_id) continue;
      r["cell"] = new_id;
      if (r.contains("variant")) r["variant"] = "mimalloc(probes off)";
      if (with_field && r["type"] == "cell") r["probes"] = "off";
    }
  });
}

TEST(ProbesVariant, IsNeverTheWinnerOrBestVsStd) {
  for (bool with_field : {true, false}) {  // false: a run from before the "probes" field
    TempDir dir;
    testing::write_fixture_run(dir.path());
    {
      // Without the change, mimalloc wins this case: the test can fail.
      const RunModel before = analyze_run(dir.path());
      for (const auto& t : family_tables(before))
        for (const auto& row : t.rows)
          if (row.key.workload == "mpsc/4096" && row.key.payload == "zeroed")
            ASSERT_EQ(best_vs_baseline(row).best->variant, "mimalloc");
    }
    make_probes_variant(dir.path(), with_field);
    const ReportModel report = analyse(dir.path());
    const RunModel& m = report.run;
    const CellAnalysis* probes = m.find("mpsc/4096|zeroed|asio|mimalloc(probes off)|preload");
    ASSERT_NE(probes, nullptr);
    EXPECT_TRUE(probes->measures_tool());
    EXPECT_EQ(probes->probes, "off");
    ASSERT_TRUE(probes->ratio.has_value());
    EXPECT_EQ(probes->ratio->verdict, stats::Verdict::faster) << "it is faster than std";
    bool seen = false;
    for (const auto& t : family_tables(m))
      for (const auto& row : t.rows) {
        if (row.key.workload != "mpsc/4096" || row.key.payload != "zeroed") continue;
        seen = true;
        EXPECT_TRUE(row.by_variant.count("mimalloc(probes off)")) << "still in the table";
        const BestVsBaseline b = best_vs_baseline(row);
        ASSERT_NE(b.best, nullptr);
        EXPECT_FALSE(b.best->measures_tool()) << b.best->variant;
        for (const auto* w : b.winners) EXPECT_FALSE(w->measures_tool()) << w->variant;
        if (b.slowest) EXPECT_FALSE(b.slowest->measures_tool());
        EXPECT_FALSE(contains(winner_text(b), "probes"));
        EXPECT_FALSE(contains(best_ratio_text(b), "probes"));
      }
    EXPECT_TRUE(seen);
    EXPECT_FALSE(contains(summary_table(report, false), "probes off"));
    const std::string md = markdown_report(report);
    const std::string summary = md.substr(0, md.find("\n## Run\n"));
    EXPECT_FALSE(contains(summary, "probes off")) << summary;
    EXPECT_EQ(results_json(report)["cells"].size(), m.cells.size());
    EXPECT_TRUE(contains(csv_report(report), ",off,,,"));
  }
}

// ---- noise ---------------------------------------------------------------------

// Replaces every sample's per-sample share with a load window.
void set_load(const std::string& dir,
              const std::function<json(const std::string& cell, int n)>& load) {
  testing::rewrite_journal(dir, [&](std::vector<json>& records) {
    std::map<std::string, int> seen;  // per cell and attempt: a resumed group counts anew
    for (auto& r : records)
      if (r["type"] == "sample") {
        r.erase("other_cpu_share");
        const std::string cell = r["cell"];
        r["load"] = load(cell, seen[cell + "#" + r["attempt"].dump()]++);
      }
  });
}

TEST(Noise, OtherLoadIsSummedOverTheSamplesMinusTheRun) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  // 27 ms windows on 2 CPUs. The first sample sees two ticks more than this
  // run used (20 ms: 37 % of that window alone), the others a tick less (a
  // tick's rounding the other way): together, (20 - 10 k) ms of 54 k ms.
  constexpr double kWindow = 27e6;
  set_load(dir.path(), [&](const std::string&, int n) {
    const double busy = n == 0 ? 50e6 : 20e6, run = 30e6;
    return json{{"window_ns", kWindow},
                {"cpus", 2},
                {"busy_ns", busy},
                {"steal_ns", n == 0 ? 10e6 : 0.0},
                {"run_ns", run}};
  });
  const ReportModel report = analyse(dir.path());
  const RunModel& m = report.run;
  for (const auto& c : m.cells) {
    if (c.samples.empty()) continue;
    const double k = static_cast<double>(c.samples.size());
    ASSERT_TRUE(c.other_cpu_share.has_value()) << c.id;
    EXPECT_NEAR(*c.other_cpu_share, std::max(0.0, (20e6 - 10e6 * (k - 1)) / (2 * kWindow * k)),
                1e-12)
        << c.id;
    ASSERT_TRUE(c.steal_share.has_value());
    EXPECT_NEAR(*c.steal_share, 10e6 / (2 * kWindow * k), 1e-12) << c.id;
    EXPECT_FALSE(is_busy(c)) << c.id << ": one sample's 37 % is a tick, not a busy machine";
  }
  for (const auto& w : m.warnings) EXPECT_FALSE(contains(w, "Busy machine")) << w;
  const std::string md = markdown_report(report);
  EXPECT_TRUE(contains(md, "\n## Noise per cell\n"));
}

TEST(Noise, EachKindIsOneWarningWithACountAndTheWorstThree) {
  TempDir dir;
  testing::write_fixture_run(dir.path());
  // Every cell busy, each a little more than the one before; every cell's
  // steal time high as well.
  std::map<std::string, int> order;
  set_load(dir.path(), [&](const std::string& cell, int) {
    const int i = order.emplace(cell, static_cast<int>(order.size())).first->second;
    return json{{"window_ns", 1e9},
                {"cpus", 2},
                {"busy_ns", 0.4e9 + i * 1e7},
                {"steal_ns", 0.3e9},
                {"run_ns", 0.0}};
  });
  const ReportModel report = analyse(dir.path());
  const RunModel& m = report.run;
  int measured = 0, busy = 0;
  for (const auto& c : m.cells)
    if (c.status != CellStatus::failed) {
      ++measured;
      busy += is_busy(c) ? 1 : 0;
    }
  ASSERT_GT(busy, 3);
  std::vector<std::string> busy_lines, steal_lines;
  for (const auto& w : m.warnings) {
    if (w.rfind("Busy machine", 0) == 0) busy_lines.push_back(w);
    if (w.rfind("Steal time", 0) == 0) steal_lines.push_back(w);
  }
  ASSERT_EQ(busy_lines.size(), 1u);
  ASSERT_EQ(steal_lines.size(), 1u);
  const std::string& line = busy_lines[0];
  EXPECT_TRUE(
      contains(line, "in " + std::to_string(busy) + " of " + std::to_string(measured) + " cells"))
      << line;
  EXPECT_TRUE(contains(line, "worst: ")) << line;
  const auto named = line.substr(line.find("worst: "), line.find(')') - line.find("worst: "));
  EXPECT_EQ(count_of(named, "; "), 2) << "three cells named: " << line;
  // The worst first: the cell written last has the most other load.
  const CellAnalysis* worst = nullptr;
  for (const auto& c : m.cells)
    if (c.other_cpu_share && (!worst || *c.other_cpu_share > *worst->other_cpu_share)) worst = &c;
  ASSERT_NE(worst, nullptr);
  EXPECT_TRUE(contains(line, "worst: " + worst->workload)) << line;

  // Every flagged cell in one table, after the results.
  const std::string md = markdown_report(report);
  const auto noise = md.find("\n## Noise per cell\n");
  ASSERT_NE(noise, std::string::npos);
  EXPECT_GT(noise, md.find("\n## Results by family\n"));
  const std::string table = md.substr(noise, md.find("\n## ", noise + 1) - noise);
  EXPECT_EQ(count_of(table, "busy machine, steal time"), busy) << table;
}

TEST(Order, TheAnswerComesFirstThenTheRunAndItsWarnings) {
  const ReportModel report = analyse(testing::committed_fixture());
  const std::string md = markdown_report(report);
  const auto summary = md.find("\n## Summary\n"), run = md.find("\n## Run\n");
  ASSERT_NE(summary, std::string::npos);
  ASSERT_NE(run, std::string::npos);
  EXPECT_LT(summary, run);
  EXPECT_EQ(md.find("\n## "), summary) << "the first section is the summary";
  EXPECT_LT(run, md.find("\n## Results by family\n"));
  EXPECT_LT(md.find("Busy machine"), md.find("\n## Results by family\n"));
}

}  // namespace
}  // namespace shootout::report
