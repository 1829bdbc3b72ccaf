// compare(A, B): manifest differences first, matched cells with the ratio of
// ratios, and refusal of runs whose workload specs differ.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/compare.h"
#include "report/report.h"
#include "stats/estimate.h"
#include "support/text.h"
#include "test_support.h"

namespace shootout::report {
namespace {

using testing::TempDir;

using shootout::test::contains;

TEST(Compare, SameRunTwiceShowsNoChange) {
  TempDir a, b;
  testing::write_fixture_run(a.path());
  testing::write_fixture_run(b.path());
  const std::string md = compare(a.path(), b.path());
  EXPECT_TRUE(contains(md, "The manifests agree in every field"));
  EXPECT_TRUE(contains(md, "| mpsc/32768 zeroed | jemalloc |"));
  EXPECT_TRUE(contains(md, "1.00× (1.00–1.00) | no significant change |"));
  EXPECT_FALSE(contains(md, "relatively"));
}

void set_cross_cpu(const std::string& dir, double ns) {
  testing::rewrite_journal(dir, [&](std::vector<nlohmann::json>& records) {
    for (auto& r : records)
      if (r["type"] == "group_done")
        r["cross_cpu"] = {{"before", {{"round_trip_ns", ns}}}, {"after", {{"round_trip_ns", ns}}}};
  });
}

TEST(Compare, MachineStateOfBothRunsIsShownAndADifferenceNamed) {
  TempDir a, b;
  testing::write_fixture_run(a.path());
  testing::write_fixture_run(b.path());
  set_cross_cpu(a.path(), 200);
  set_cross_cpu(b.path(), 210);
  std::string md = compare(a.path(), b.path());
  EXPECT_TRUE(contains(md, "## Machine state"));
  EXPECT_TRUE(contains(md, "A 200 ns, B 210 ns (medians)."));
  EXPECT_FALSE(contains(md, "They differ"));
  set_cross_cpu(b.path(), 450);
  md = compare(a.path(), b.path());
  EXPECT_TRUE(contains(md, "A 200 ns, B 450 ns (medians). They differ 2.2×")) << md;
}

TEST(Compare, ManifestDifferencesComeFirst) {
  TempDir a, b;
  testing::write_fixture_run(a.path());
  testing::write_fixture_run(b.path());
  auto manifest = nlohmann::json::parse(testing::fixture_manifest());
  manifest["machine"]["kernel"] = "6.12.86+deb13-arm64";
  manifest["machine"]["arch"] = "aarch64";
  manifest["attempts"][1]["end"] = "2026-11-27T09:00:00Z";
  testing::write_text(b / "manifest.json", manifest.dump(2));
  const std::string md = compare(a.path(), b.path());
  const std::size_t kernel = md.find("| machine.kernel | 6.1.0-26-amd64 | 6.12.86+deb13-arm64 |");
  const std::size_t arch = md.find("| machine.arch | x86_64 | aarch64 |");
  const std::size_t cells = md.find("## Cells");
  ASSERT_NE(kernel, std::string::npos) << md;
  ASSERT_NE(arch, std::string::npos);
  ASSERT_NE(cells, std::string::npos);
  EXPECT_LT(kernel, cells);
  EXPECT_LT(md.find("## Manifest differences"), kernel);
  // Times differ between any two runs: named, after the differences that matter.
  const std::size_t also = md.find("Also different, as between any two runs: attempts[1].end.");
  ASSERT_NE(also, std::string::npos) << md;
  EXPECT_LT(kernel, also);
}

TEST(Compare, RefusesRunsOfOtherWorkloads) {
  TempDir a, b;
  testing::write_fixture_run(a.path());
  testing::write_fixture_run(b.path());
  // B without spawn_many/1000 and with mpsc/65536 instead of mpsc/32768.
  std::string journal = testing::fixture_journal();
  std::string kept;
  for (std::size_t at = 0; at < journal.size();) {
    const std::size_t end = journal.find('\n', at);
    std::string line = journal.substr(at, end - at + 1);
    at = end + 1;
    if (line.find("spawn_many/1000") != std::string::npos) continue;
    for (std::size_t p; (p = line.find("32768")) != std::string::npos;) line.replace(p, 5, "65536");
    kept += line;
  }
  testing::write_text(b / "samples.jsonl", kept);
  try {
    compare(a.path(), b.path());
    FAIL() << "compare accepted runs of different workloads";
  } catch (const MismatchedRunsError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(contains(msg, "workload specs differ")) << msg;
    EXPECT_TRUE(contains(msg, "only in A: mpsc/32768, spawn_many/1000")) << msg;
    EXPECT_TRUE(contains(msg, "only in B: mpsc/65536")) << msg;
  }
}

TEST(Compare, RefusesSameNameWithOtherParameters) {
  TempDir a, b;
  testing::write_fixture_run(a.path());
  testing::write_fixture_run(b.path());
  std::string journal = testing::fixture_journal();
  for (std::size_t p; (p = journal.find("\"pool_threads\":4")) != std::string::npos;)
    journal.replace(p, 16, "\"pool_threads\":2");
  testing::write_text(b / "samples.jsonl", journal);
  try {
    compare(a.path(), b.path());
    FAIL();
  } catch (const MismatchedRunsError& e) {
    EXPECT_TRUE(contains(e.what(), "mpsc/8: pool_threads is 4 in A, 2 in B")) << e.what();
  }
}

TEST(Compare, RatioOfRatiosIsAWelchIntervalOnTheLogs) {
  // B's ratios are exactly twice A's: the point is 2 and the CI brackets it.
  const std::vector<double> a = {1.0, 1.02, 0.98, 1.01, 0.99};
  const std::vector<double> b = {2.0, 2.04, 1.96, 2.02, 1.98};
  const stats::RatioChange r = stats::ratio_of_independent_ratios({a}, {b}, {});
  EXPECT_NEAR(r.ratio.point, 2.0, 1e-12);
  EXPECT_LT(r.ratio.lower, 2.0);
  EXPECT_GT(r.ratio.upper, 2.0);
  EXPECT_GT(r.ratio.lower, 1.9);
  EXPECT_LT(r.ratio.upper, 2.1);
  // Equal spreads: Welch's df is 8, the pooled t's.
  EXPECT_NEAR(r.df, 8, 1e-9);
  EXPECT_EQ(stats::change_text(r), "relatively slower in B");
  const stats::RatioChange single = stats::ratio_of_independent_ratios({{1.5}}, {b}, {});
  EXPECT_EQ(single.ratio.lower, single.ratio.upper);
  EXPECT_EQ(single.verdict, stats::Verdict::too_few_rounds);
}

TEST(Compare, RatioOfRatiosCountsDisagreeingProcessesOnce) {
  // Run A's two processes sit at 1.0 and 1.3, run B's both at ~1.14: A's
  // units are its 2 process means, so the CI (t with ~1 df) is far wider
  // than the one that treats A's 8 rounds as independent.
  const std::vector<std::vector<double>> a = {{1.0, 1.01, 0.99, 1.0}, {1.3, 1.31, 1.29, 1.3}};
  const std::vector<std::vector<double>> b = {{1.14, 1.15, 1.13, 1.14}, {1.14, 1.13, 1.15, 1.14}};
  std::vector<double> flat_a, flat_b;
  for (const auto& p : a) flat_a.insert(flat_a.end(), p.begin(), p.end());
  for (const auto& p : b) flat_b.insert(flat_b.end(), p.begin(), p.end());
  const stats::RatioChange flat = stats::ratio_of_independent_ratios({flat_a}, {flat_b}, {});
  const stats::RatioChange by_process = stats::ratio_of_independent_ratios(a, b, {});
  EXPECT_EQ(by_process.unit_a, stats::RatioUnit::processes);
  EXPECT_EQ(by_process.units_a, 2);
  EXPECT_EQ(by_process.unit_b, stats::RatioUnit::rounds);
  EXPECT_NEAR(by_process.ratio.point, flat.ratio.point, 1e-12);
  EXPECT_GT(by_process.ratio.upper - by_process.ratio.lower,
            3 * (flat.ratio.upper - flat.ratio.lower));
  EXPECT_GT(by_process.ratio.upper, 1.3);
  EXPECT_LT(by_process.ratio.lower, 0.9);
  EXPECT_EQ(stats::change_text(by_process), "no significant change");
}

}  // namespace
}  // namespace shootout::report
