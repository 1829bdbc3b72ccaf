// The report model (report/model.h): analysis runs once per run directory
// and every renderer only formats its result; the terminal summary of a
// one-case run (every `exec` run) has one row per variant with its key
// driver, what `exec` printed from a second analysis of its own before.
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/compare.h"
#include "report/csv_report.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/model.h"
#include "report/report.h"
#include "support/text.h"
#include "test_support.h"

namespace shootout::report {
namespace {

using nlohmann::json;
using testing::TempDir;

using shootout::test::contains;

// Every renderer, from one model, adds no computation: none of them
// estimates, pairs, sweeps or judges. The same model's markdown and CSV are
// the committed golden files, byte for byte.
TEST(ReportModel, RenderersComputeNothing) {
  const std::uint64_t before_analysis = computations();
  const ReportModel model = analyse(testing::committed_fixture());
  // The counter counts: the analysis alone made many computations (one per
  // finding, pairing and key-driver judgement), so a renderer that made
  // any would show here.
  ASSERT_GT(computations(), before_analysis + 20);

  const std::uint64_t analysed = computations();
  const std::string md = markdown_report(model);
  const std::string csv = csv_report(model);
  const std::string results = json_report(model);
  const std::string html = html_report(model, {.gnuplot = "/nonexistent/bin/gnuplot"});
  const std::string plain = summary_table(model, false);
  const std::string coloured = summary_table(model, true);
  EXPECT_EQ(computations(), analysed) << "a renderer computed a finding";

  testing::expect_golden("golden_report.md", md);
  testing::expect_golden("golden_bench_results.csv", csv);
  EXPECT_FALSE(results.empty());
  EXPECT_TRUE(contains(html, "<h2>Summary</h2>"));
  EXPECT_TRUE(contains(plain, "mpsc/32768 zeroed"));
  EXPECT_FALSE(coloured.empty());
}

// compare: the pairing of two models is computed once (compare_runs), the
// markdown only formats it.
// The Method section says how the runtime works when the cells' workers
// recorded it (issue 16: every result depends on it), once per design, with
// the runtime builds that ran it; runs that did not record it say nothing.
TEST(ReportModel, MethodSaysHowTheRuntimeWorks) {
  RunModel run = analyze_run(testing::committed_fixture());
  const std::string before = markdown_report(analyse(analyze_run(testing::committed_fixture())));
  EXPECT_FALSE(contains(before, "per-worker queue"));
  for (auto& c : run.cells) {
    c.workload_info.runtime_design = "Runtime: W pool threads, a per-worker queue each.";
    c.workload_info.runtime_build = "asio";
  }
  const std::string md = markdown_report(analyse(std::move(run)));
  const auto at = md.find(
      "Runtime: W pool threads, a per-worker queue each. (Recorded by the "
      "cells' workers, runtime build asio.)");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(md.find("a per-worker queue each.", at + 30), std::string::npos) << "said once";
  EXPECT_LT(md.find("## Method"), at);
}

TEST(ReportModel, CompareFormatsAComparisonComputedOnce) {
  const ReportModel a = analyse(testing::committed_fixture());
  const ReportModel b = analyse(testing::committed_fixture());
  const std::uint64_t before = computations();
  const Comparison comparison = compare_runs(a, b);
  EXPECT_GT(computations(), before);
  const std::uint64_t compared = computations();
  const std::string md = compare_markdown(comparison);
  EXPECT_EQ(computations(), compared);
  EXPECT_EQ(md, compare(a, b));
  // A run against itself: no change anywhere.
  EXPECT_TRUE(contains(md, "no significant change")) << md;
  EXPECT_FALSE(contains(md, "| slower")) << md;
  EXPECT_EQ(comparison.cells.size(), a.run.cells.size());
  EXPECT_TRUE(comparison.only_a.empty() && comparison.only_b.empty());
}

// The model's parts point into its cells: moving it keeps them valid.
TEST(ReportModel, MovedModelRendersTheSame) {
  ReportModel first = analyse(testing::committed_fixture());
  const std::string md = markdown_report(first);
  const ReportModel moved = std::move(first);
  EXPECT_EQ(markdown_report(moved), md);
}

// ---- a run of one case: `exec` ------------------------------------------------

struct Variant {
  std::string name;
  double ms = 0;  // wall time per run
  std::map<std::string, double> counters;
  bool baseline = false;
};

std::string exec_cell_id(const std::string& variant) {
  return "exec:prog|none|process|" + variant + "|preload";
}

// An `exec` run directory (docs/results-schema.md, "Runs of alloc-shootout
// exec"): 12 rounds, one sample per variant and round, wall time ±0.5 %.
void write_exec_run(const std::string& dir, const std::vector<Variant>& variants,
                    const std::string& failed_variant = "", const std::string& failure = "") {
  testing::write_text(dir + "/manifest.json", json{{"schema", 1}, {"profile", "exec"}}.dump());
  std::vector<json> records = {{{"schema", 1},
                                {"type", "run_start"},
                                {"attempt", 1},
                                {"time", "2026-12-01T00:00:00Z"},
                                {"argv", {"alloc-shootout", "exec", "--", "prog"}}}};
  std::string baseline_id;
  for (const auto& v : variants)
    if (v.baseline) baseline_id = exec_cell_id(v.name);
  for (const auto& v : variants)
    records.push_back({{"schema", 1},
                       {"type", "cell"},
                       {"attempt", 1},
                       {"cell", exec_cell_id(v.name)},
                       {"group", "exec"},
                       {"workload", "exec:prog"},
                       {"family", "exec"},
                       {"payload", "none"},
                       {"runtime", "process"},
                       {"allocator", v.name},
                       {"variant", v.name},
                       {"tuning", ""},
                       {"injection", "preload"},
                       {"baseline", v.baseline},
                       {"baseline_cell", baseline_id},
                       {"workload_info",
                        {{"name", "exec:prog"}, {"family", "exec"}, {"elements_per_iteration", 1}}},
                       {"plan", {{"mode", "flat"}}}});
  if (!failed_variant.empty())
    records.push_back({{"schema", 1},
                       {"type", "cell_failed"},
                       {"attempt", 1},
                       {"cell", exec_cell_id(failed_variant)},
                       {"group", "exec"},
                       {"phase", "verification"},
                       {"reason", failure}});
  for (int round = 0; round < 12; ++round)
    for (const auto& v : variants) {
      if (v.name == failed_variant) continue;
      const double wobble = 1 + 0.005 * ((round * 7) % 5 - 2) / 2.0;
      records.push_back({{"schema", 1},
                         {"type", "sample"},
                         {"attempt", 1},
                         {"cell", exec_cell_id(v.name)},
                         {"group", "exec"},
                         {"round", round},
                         {"position", 0},
                         {"iters", 1},
                         {"ns", std::llround(v.ms * 1e6 * wobble)},  // whole ns, as exec writes
                         {"counters", v.counters},
                         {"hwm_kib", 70000},
                         {"hwm_scope", "process"}});
    }
  records.push_back(
      {{"schema", 1}, {"type", "group_done"}, {"attempt", 1}, {"group", "exec"}, {"rounds", 12}});
  std::string text;
  for (const auto& r : records) text += r.dump() + "\n";
  testing::write_text(dir + "/samples.jsonl", text);
}

// The table's line of one variant (lines start with the variant's name).
std::string row_of(const std::string& table, const std::string& variant) {
  const auto at = table.find("\n" + variant + " ");
  if (at == std::string::npos) return "";
  return table.substr(at + 1, table.find('\n', at + 1) - at - 1);
}

// xz -9 makes ~3 brk and ~60500 faults per run under every allocator: work
// both sides do is no cause, so a faster variant is faster in user space.
TEST(OneCaseSummary, SharedStartUpCountersAreNoCause) {
  const std::map<std::string, double> xz = {
      {"brk", 3},         {"mmap", 30}, {"munmap", 1}, {"madvise", 0}, {"minor_faults", 60516},
      {"major_faults", 0}};
  auto faster = xz;
  faster["minor_faults"] = 60100;
  TempDir dir;
  write_exec_run(dir.path(), {{"std", 1000, xz, true}, {"mimalloc", 800, faster}});
  const std::string table = summary_table(analyse(dir.path()), false);
  EXPECT_TRUE(contains(table,
                       "mimalloc faster: faster in user space (std makes no more syscalls "
                       "or page faults that matter)"))
      << table;
  EXPECT_FALSE(contains(table, "heap trim")) << table;
  // One row per variant: runs, median with CI, ratio, verdict, counters per run.
  const std::string std_row = row_of(table, "std");
  EXPECT_TRUE(contains(std_row, "1 (baseline)")) << table;
  EXPECT_TRUE(contains(std_row, "60516")) << std_row;
  const std::string mimalloc_row = row_of(table, "mimalloc");
  EXPECT_TRUE(contains(mimalloc_row, " 12 ")) << mimalloc_row;
  EXPECT_TRUE(contains(mimalloc_row, "0.80×")) << mimalloc_row;
  EXPECT_TRUE(contains(mimalloc_row, "faster")) << mimalloc_row;
  EXPECT_TRUE(contains(mimalloc_row, "68.4 MiB")) << mimalloc_row;
  EXPECT_TRUE(contains(table, "faults/run")) << table;
}

TEST(OneCaseSummary, ASlowerVariantNamesItsExcess) {
  const std::map<std::string, double> base = {{"brk", 3},
                                              {"mmap", 30},
                                              {"munmap", 1},
                                              {"madvise", 0},
                                              {"madvise_dontneed", 0},
                                              {"minor_faults", 1000}};
  auto purging = base;
  purging["madvise"] = purging["madvise_dontneed"] = 5000;
  purging["minor_faults"] = 6000;
  TempDir dir;
  write_exec_run(dir.path(), {{"std", 100, base, true}, {"jemalloc", 150, purging}});
  const std::string table = summary_table(analyse(dir.path()), false);
  EXPECT_TRUE(contains(table,
                       "jemalloc slower: demand-zero faults after MADV_DONTNEED (+5000 "
                       "MADV_DONTNEED, +5000 page faults per run over std)"))
      << table;
  EXPECT_TRUE(contains(row_of(table, "jemalloc"), "slower")) << table;
}

TEST(OneCaseSummary, AFailedVariantIsListedWithWhy) {
  const std::map<std::string, double> counters = {{"minor_faults", 100}};
  TempDir dir;
  write_exec_run(
      dir.path(),
      {{"std", 100, counters, true}, {"jemalloc", 100, counters}, {"tcmalloc", 100, counters}},
      "tcmalloc", "allocator not in effect: the program is statically linked");
  const std::string table = summary_table(analyse(dir.path()), false);
  EXPECT_TRUE(contains(row_of(table, "tcmalloc"), "failed (below)")) << table;
  EXPECT_TRUE(contains(table,
                       "not measured or incomplete:\n  tcmalloc: allocator not in effect: "
                       "the program is statically linked\n"))
      << table;
}

// A run of many cases keeps the compact table: no per-variant rows.
TEST(OneCaseSummary, OnlyForARunOfOneCase) {
  const std::string table = summary_table(analyse(testing::committed_fixture()), false);
  EXPECT_FALSE(contains(table, "median [95 % CI]")) << table;
}

}  // namespace
}  // namespace shootout::report
