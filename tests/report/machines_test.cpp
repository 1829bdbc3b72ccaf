// The cross-machine report from two fixture run directories (an x86-64 run
// with 4 KiB pages and an aarch64 run with 64 KiB pages, machines_fixture.h):
// the golden markdown, what it must say (per-machine ratios with CIs, where
// a finding holds and where it differs, tuning, root-cause counters and
// time vs peak RSS per machine), that a cross-machine directory regenerates
// it byte for byte, that `compare` of the same two runs gives the same
// ratio of ratios, and the refusals.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "journal/machine_set.h"
#include "machines_fixture.h"
#include "report/compare.h"
#include "report/machines.h"
#include "report/machines_report.h"
#include "report/markdown_report.h"
#include "report/report.h"
#include "support/text.h"
#include "test_support.h"

namespace shootout::report {
namespace {

namespace fs = std::filesystem;
using testing::FixtureMachine;

using shootout::test::contains;

// data/machines/<name>, rewritten from the generator first when UPDATE_GOLDEN=1.
std::string committed(FixtureMachine machine) {
  const std::string root = testing::data_dir() + "/machines";
  const std::string dir = root + "/" + testing::machine_dir_name(machine);
  if (testing::updating_golden()) {
    fs::create_directories(dir);
    testing::write_machine_run(dir, machine);
  }
  return dir;
}

journal::MachineSet set_of(const std::vector<std::string>& dirs) {
  std::vector<journal::MachineFacts> machines;
  for (const auto& d : dirs) machines.push_back(analyze_run(d).manifest.machine);
  journal::MachineSet set;
  set.tool_version = "0.1.0";
  set.machines = journal::name_machines(machines);
  return set;
}

const MachineComparison& comparison() {
  static const MachineComparison c = [] {
    const std::vector<std::string> dirs = {committed(FixtureMachine::x86_64),
                                           committed(FixtureMachine::aarch64)};
    return analyse_machines(set_of(dirs), dirs);
  }();
  return c;
}

TEST(MachineFixture, CommittedCopiesMatchTheGenerator) {
  for (auto m : {FixtureMachine::x86_64, FixtureMachine::aarch64}) {
    const std::string dir = committed(m);
    EXPECT_EQ(testing::read_text(dir + "/samples.jsonl"), testing::machine_journal(m));
    EXPECT_EQ(testing::read_text(dir + "/manifest.json"), testing::machine_manifest(m));
  }
}

TEST(Machines, GoldenMarkdown) {
  testing::expect_golden("golden_machines_report.md",
                         markdown_report(machines_document(comparison())));
}

TEST(Machines, NamesEachMachineByItsManifest) {
  const std::string md = markdown_report(machines_document(comparison()));
  EXPECT_TRUE(contains(md,
                       "| x86_64, 4 KiB pages | AMD EPYC 7763 64-Core Processor | x86_64 | "
                       "4 KiB | Linux 6.8.0-1017-azure |"))
      << md;
  EXPECT_TRUE(contains(md, "| aarch64, 64 KiB pages | Neoverse-N1 | aarch64 | 64 KiB |"));
  EXPECT_TRUE(contains(md, "| machines/aarch64-64k |"));
}

TEST(Machines, SaysWhereAFindingHoldsAndWhereItDiffers) {
  const MachineComparison& c = comparison();
  auto row = [&](const std::string& workload, const std::string& variant) {
    for (const auto& r : c.cells)
      if (r.key.workload == workload && r.variant == variant) return &r;
    return static_cast<const MachineCellRow*>(nullptr);
  };
  const auto* jemalloc = row("mpsc/32768", "jemalloc");
  ASSERT_TRUE(jemalloc);
  EXPECT_EQ(jemalloc->agreement, Agreement::differs);
  EXPECT_EQ(jemalloc->agreement_text,
            "differs: slower on x86_64, 4 KiB pages; no significant difference on aarch64, 64 "
            "KiB pages");
  ASSERT_TRUE(jemalloc->versus_first[1]);
  EXPECT_EQ(jemalloc->versus_first[1]->verdict, stats::Verdict::faster);  // gains on aarch64
  const auto* mimalloc = row("mpsc/32768", "mimalloc");
  ASSERT_TRUE(mimalloc);
  EXPECT_EQ(mimalloc->agreement_text, "holds on all machines: faster");
  EXPECT_EQ(row("mpsc/32768", "std")->agreement, Agreement::baseline);
  // Tuning: a win where jemalloc purges, nothing where it does not.
  bool tuning_differs = false;
  for (const auto& t : c.tuning)
    if (t.key.workload == "mpsc/32768")
      tuning_differs = t.agreement_text ==
                       "differs: win on x86_64, 4 KiB pages; no difference "
                       "on aarch64, 64 KiB pages";
  EXPECT_TRUE(tuning_differs);
  // The root cause per machine: jemalloc's purge on x86-64 only.
  const std::string md = markdown_report(machines_document(c));
  EXPECT_TRUE(contains(md, "## Root cause per machine"));
  EXPECT_TRUE(contains(md, "## Time vs peak RSS per machine"));
  EXPECT_TRUE(contains(md, "| mpsc/32768 zeroed | jemalloc | 1000 / 1000 / 0 / 0 |")) << md;
}

TEST(Machines, CompareOfTheSameRunsGivesTheSameRatioOfRatios) {
  const MachineComparison& c = comparison();
  const Comparison pair = compare_runs(c.machines[0].model, c.machines[1].model);
  int matched = 0;
  for (const auto& cell : pair.cells) {
    if (!cell.change) continue;
    for (const auto& r : c.cells)
      if (r.key.workload == cell.a->workload && r.variant == cell.a->variant) {
        ASSERT_TRUE(r.versus_first[1]);
        EXPECT_EQ(r.versus_first[1]->ratio.point, cell.change->ratio.point);
        ++matched;
      }
  }
  EXPECT_EQ(matched, 6);  // 2 cases × 3 variants other than std
}

TEST(Machines, ADirectoryMadeByMergeRegeneratesTheReport) {
  testing::TempDir root;
  journal::MachineSet set =
      set_of({committed(FixtureMachine::x86_64), committed(FixtureMachine::aarch64)});
  for (std::size_t i = 0; i < set.machines.size(); ++i) {
    fs::create_directories(root / set.machines[i].dir);
    testing::write_machine_run(root / set.machines[i].dir,
                               i == 0 ? FixtureMachine::x86_64 : FixtureMachine::aarch64);
  }
  testing::write_text(root / journal::kMachineSetFile, nlohmann::json(set).dump(2));
  ASSERT_TRUE(is_machine_set(root.path()));
  const MachineComparison again = analyse_machine_set(root.path());
  EXPECT_EQ(markdown_report(machines_document(again)),
            markdown_report(machines_document(comparison())));
  const auto written = write_machine_reports(again, root.path(), machine_formats());
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0], root / "report.md");
  const auto json = nlohmann::json::parse(testing::read_text(root / "results.json"));
  EXPECT_EQ(json.at("kind"), "machines");
  EXPECT_EQ(json.at("machines").size(), 2u);
  EXPECT_EQ(json.at("machines")[1].at("page_size"), 65536);
  EXPECT_EQ(json.at("cells").size(), 8u);
  EXPECT_TRUE(contains(testing::read_text(root / "report.html"), "aarch64, 64 KiB pages"));
  try {
    write_machine_reports(again, root.path(), {Format::csv});
    FAIL() << "csv of a cross-machine directory";
  } catch (const ReportError& e) {
    EXPECT_STREQ(e.what(),
                 "bench_results.csv is a run's file: a cross-machine directory has report.md, "
                 "results.json and report.html (each machine's run, with its CSV, is in "
                 "machines/)");
  }
}

TEST(Machines, RenderingComputesNothing) {
  const MachineComparison& c = comparison();
  const auto before = computations();
  markdown_report(machines_document(c));
  machines_json(c);
  machines_summary(c);
  EXPECT_EQ(computations(), before);
}

TEST(Machines, RefusesWhatCannotBeCompared) {
  const std::string x86 = committed(FixtureMachine::x86_64);
  auto error = [](std::vector<MachineRun> runs) {
    try {
      compare_machines(std::move(runs));
    } catch (const MismatchedRunsError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::vector<MachineRun> one;
  one.push_back({{"x86_64, 4 KiB pages", "", "machines/x86_64-4k", ""}, analyse(x86)});
  EXPECT_EQ(error(std::move(one)),
            "a cross-machine report needs the runs of at least two machines");
  testing::TempDir other;
  testing::write_machine_run(other.path(), FixtureMachine::aarch64);
  testing::rewrite_journal(other.path(), [](std::vector<nlohmann::json>& records) {
    for (auto& r : records)
      if (r["type"] == "cell") r["baseline"] = r["allocator"] == "mimalloc";
  });
  std::vector<MachineRun> two;
  two.push_back({{"x86_64, 4 KiB pages", "", "", ""}, analyse(x86)});
  two.push_back({{"aarch64, 64 KiB pages", "", "", ""}, analyse(other.path())});
  EXPECT_EQ(error(std::move(two)),
            "the runs take their ratios against different baselines: std on x86_64, 4 KiB pages; "
            "mimalloc on aarch64, 64 KiB pages; run every machine with the same --baseline");
}

}  // namespace
}  // namespace shootout::report
