// Golden files of the markdown and CSV renderers from the committed fixture
// run, and what those reports must say. UPDATE_GOLDEN=1 rewrites the fixture
// and the golden files from the current code.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "report/analysis.h"
#include "report/csv_report.h"
#include "report/markdown_report.h"
#include "support/text.h"
#include "test_support.h"

namespace shootout::report {
namespace {

const ReportModel& model() {
  static const ReportModel m = analyse(testing::committed_fixture());
  return m;
}

using shootout::test::contains;

TEST(Fixture, CommittedCopyMatchesTheGenerator) {
  const std::string dir = testing::committed_fixture();
  EXPECT_EQ(testing::read_text(dir + "/samples.jsonl"), testing::fixture_journal());
  EXPECT_EQ(testing::read_text(dir + "/manifest.json"), testing::fixture_manifest());
}

TEST(Golden, Markdown) { testing::expect_golden("golden_report.md", markdown_report(model())); }

TEST(Golden, Csv) { testing::expect_golden("golden_bench_results.csv", csv_report(model())); }

TEST(Markdown, ByteIdenticalAcrossAnalyses) {
  const ReportModel again = analyse(testing::committed_fixture());
  EXPECT_EQ(markdown_report(again), markdown_report(model()));
  EXPECT_EQ(csv_report(again), csv_report(model()));
}

TEST(Markdown, HasEveryTableOfTheStudy) {
  const std::string md = markdown_report(model());
  for (const char* heading :
       {"## Run", "## Summary", "## Results by family", "### spawn_many", "### mpsc",
        "## Root cause", "## Size cliffs", "## Tuning and pattern dependence",
        "## Time vs peak RSS", "## Allocation profile", "## Failed cells", "## Method"})
    EXPECT_TRUE(contains(md, std::string("\n") + heading + "\n")) << heading;
  // Family table: columns per variant, best vs std.
  EXPECT_TRUE(contains(
      md,
      "| Case | std | jemalloc | jemalloc[tcache_max:4096] | mimalloc | tcmalloc | Best vs std"));
  // Manifest values and noise warning.
  EXPECT_TRUE(contains(md, "| machine.kernel | 6.1.0-26-amd64 |"));
  EXPECT_TRUE(contains(md, "| allocators.jemalloc.package_version | 5.3.0-1 |"));
  EXPECT_TRUE(contains(md, "Busy machine"));
  // Method: profile, resamples, counter sources, key-driver rules.
  EXPECT_TRUE(contains(md, "Profile: quick."));
  EXPECT_TRUE(contains(md, "10000 resamples"));
  EXPECT_TRUE(contains(md,
                       "| madvise_dontneed | perf_event (syscalls:sys_enter_madvise, filter "
                       "behavior == 4) | 23 |"));
  EXPECT_TRUE(contains(
      md, "| cycles | unavailable (hardware counters not supported by this virtual machine) |"));
  EXPECT_TRUE(contains(md, "| 1 | user_space |"));
  EXPECT_TRUE(contains(md, "| 2 | madvise_dontneed_refault |"));
}

TEST(Markdown, NamesJemallocsRootCauseWithPerMessageFigures) {
  const std::string md = markdown_report(model());
  const std::string driver =
      "eager purge via MADV_DONTNEED (+1.0 MADV_DONTNEED, +0.40 page faults per message over std)";
  // In the root-cause table, on jemalloc's zeroed mpsc/32768 row ...
  EXPECT_TRUE(
      contains(md, "| mpsc/32768 zeroed | jemalloc | 1000 | 0 | 1000 | 0 | 0 | 1000 | 72.0 % |"));
  EXPECT_TRUE(contains(md, driver + " |"));
  // ... and in the summary as the slowest variant's cause.
  EXPECT_TRUE(contains(md, "jemalloc 2.7"));
  EXPECT_TRUE(contains(md, "slower: " + driver));
}

// The summary says why the slow side is slow, against the fast side's
// counters — not the winner's own driver.
TEST(Markdown, SummaryNamesWhyTheBaselineIsSlower) {
  const std::string md = markdown_report(model());
  EXPECT_TRUE(contains(md,
                       "std 2.68× slower than jemalloc[tcache_max:4096]: heap trim via brk (+0.30 "
                       "brk, +2.4 page faults per message over jemalloc[tcache_max:4096])"));
  EXPECT_FALSE(contains(md, "user-space fast path"));
}

TEST(Markdown, StatesCliffsTuningAndFailures) {
  const std::string md = markdown_report(model());
  EXPECT_TRUE(
      contains(md, "- mpsc/SIZE, zeroed: jemalloc turns significantly slower than std at 32 KiB"));
  EXPECT_TRUE(
      contains(md, "- mpsc/SIZE, filled: jemalloc turns significantly slower than std at 4 KiB"));
  EXPECT_TRUE(contains(
      md, "- mpsc/SIZE, zeroed: jemalloc's page faults per message jump at 32 KiB: 1.0, from"));
  // Pattern dependence: a win, a loss and no difference for the same setting.
  EXPECT_TRUE(contains(md, "| jemalloc[tcache_max:4096] | mpsc/32768 filled |"));
  EXPECT_TRUE(contains(md, "| win |"));
  EXPECT_TRUE(contains(md, "| loss |"));
  EXPECT_TRUE(contains(md, "| no difference |"));
  EXPECT_TRUE(contains(
      md, "| mpsc/8\\|zeroed\\|asio\\|tcmalloc\\|preload | verification | malloc is served by"));
}

// Splits one CSV line into fields (RFC 4180 quoting).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(Csv, OneRowPerCellWithTheDocumentedColumns) {
  const std::string csv = csv_report(model());
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < csv.size();) {
    const std::size_t end = csv.find('\n', at);
    lines.push_back(csv.substr(at, end - at));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 1 + model().run.cells.size());
  EXPECT_EQ(csv_fields(lines[0]), csv_columns());
  for (std::size_t i = 1; i < lines.size(); ++i)
    EXPECT_EQ(csv_fields(lines[i]).size(), csv_columns().size()) << lines[i];
  // The failed cell: status and reason, no estimates.
  bool found = false;
  for (const auto& line : lines) {
    const auto f = csv_fields(line);
    if (f[0] != "mpsc/8|zeroed|asio|tcmalloc|preload") continue;
    found = true;
    EXPECT_EQ(f[12], "failed");
    EXPECT_EQ(f[17], "");  // median_ns
    EXPECT_EQ(f.back().substr(0, 18), "malloc is served b");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace shootout::report
