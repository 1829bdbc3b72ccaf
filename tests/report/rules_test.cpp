// Key-driver and cliff rules on synthetic counter data, and the number
// formats every report shares.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "report/cliffs.h"
#include "report/key_drivers.h"
#include "report/text_format.h"

namespace shootout::report {
namespace {

// A cell that measured every counter and did no kernel work.
CounterRates quiet() {
  CounterRates r;
  r.madvise = 0;
  r.madvise_dontneed = 0;
  r.madvise_free = 0;
  r.brk = 0;
  r.mmap = 0;
  r.munmap = 0;
  r.page_faults = 0.001;
  r.unit = "message";
  return r;
}

// Drivers are named from the slow side's counters in excess of the fast
// side's (key_drivers.h): the figures are the excess.
TEST(KeyDrivers, DontneedThenFaultIsDemandZeroOverTheFastSide) {
  CounterRates slow = quiet();
  slow.madvise = slow.madvise_dontneed = 1.0;
  slow.page_faults = 1.0;
  const KeyDriver d = gap_driver(slow, quiet(), "std");
  EXPECT_EQ(d.rule, "madvise_dontneed_refault");
  EXPECT_EQ(d.text,
            "demand-zero faults after MADV_DONTNEED (+1.0 MADV_DONTNEED, +1.0 page fault per "
            "message over std)");
  slow.page_faults = 8.041;
  EXPECT_EQ(gap_driver(slow, quiet(), "std").text,
            "demand-zero faults after MADV_DONTNEED (+1.0 MADV_DONTNEED, +8.0 page faults per "
            "message over std)");
}

TEST(KeyDrivers, ThresholdsAreInclusiveAtTheirValue) {
  CounterRates fast = quiet();
  fast.page_faults = 0;
  CounterRates slow = fast;
  slow.madvise = slow.madvise_dontneed = thresholds::kPerElementEvent;
  slow.page_faults = thresholds::kPerElementEvent;
  EXPECT_EQ(gap_driver(slow, fast, "std").rule, "madvise_dontneed_refault");
  slow.page_faults = 0.49;
  EXPECT_EQ(gap_driver(slow, fast, "std").rule, "madvise_dontneed_purge");
}

// The study's mpsc/32768 filled: std trims its heap, mimalloc does not.
TEST(KeyDrivers, HeapTrimViaBrkNamesTheExcessOverTheFasterSide) {
  CounterRates std_rates = quiet(), mimalloc = quiet();
  std_rates.brk = 0.98;
  std_rates.page_faults = 8.1;
  mimalloc.page_faults = 0.02;
  const KeyDriver d = gap_driver(std_rates, mimalloc, "mimalloc");
  EXPECT_EQ(d.rule, "brk_heap_trim");
  EXPECT_EQ(d.text, "heap trim via brk (+0.98 brk, +8.1 page faults per message over mimalloc)");
  // Seen from the fast side: what mimalloc avoids.
  EXPECT_EQ(avoided_text(d, "std"),
            "avoids std's heap trim via brk (std: +0.98 brk, +8.1 page faults per message)");
  std_rates.brk = 0.09;  // below the brk threshold: the faults alone name it
  EXPECT_EQ(gap_driver(std_rates, mimalloc, "mimalloc").rule, "fresh_page_faults");
  // The rule says why glibc trims and which setting stops it.
  for (const auto& r : key_driver_rules())
    if (std::string(r.id) == "brk_heap_trim") {
      ASSERT_NE(r.note, nullptr);
      const std::string note = r.note;
      for (const char* part :
           {"128 KiB", "twice the mmap threshold", "32 MiB", "glibc.malloc.trim_threshold",
            "glibc.malloc.top_pad", "glibc.malloc.mmap_threshold", "std:trim_threshold:N"})
        EXPECT_NE(note.find(part), std::string::npos) << part;
    }
}

// Counters both sides share (start-up, the program's own buffers) are no
// cause: the xz case, where every allocator made ~3 brk and ~60500 faults.
TEST(KeyDrivers, EqualCountersMeanTheDifferenceIsInUserSpace) {
  CounterRates a = quiet(), b = quiet();
  a.unit = b.unit = "run";
  a.brk = b.brk = 3.0;
  a.page_faults = 60516;
  b.page_faults = 60100;  // 0.7 % apart: within kCommonShare
  const KeyDriver d = gap_driver(a, b, "mimalloc");
  EXPECT_EQ(d.rule, "user_space");
  EXPECT_EQ(d.text,
            "the difference is in user space (no more syscalls or page faults per run than "
            "mimalloc)");
  EXPECT_EQ(avoided_text(d, "std"),
            "faster in user space (std makes no more syscalls or page faults that matter)");
  // The same counters on both sides, whichever is slower.
  EXPECT_EQ(gap_driver(b, a, "std").rule, "user_space");
  EXPECT_EQ(gap_driver(quiet(), quiet(), "std").rule, "user_space");
}

// The slow side doing LESS kernel work than the fast side is no kernel cause.
TEST(KeyDrivers, FewerEventsOnTheSlowSideAreNoCause) {
  CounterRates fast = quiet(), slow = quiet();
  fast.brk = 0.98;
  fast.page_faults = 8.1;
  EXPECT_EQ(gap_driver(slow, fast, "std").rule, "user_space");
}

// A few more events than the gap could be made of: still user space.
TEST(KeyDrivers, TooFewExcessEventsForTheTimeGapAreUserSpace) {
  CounterRates slow = quiet(), fast = quiet();
  slow.unit = fast.unit = "run";
  slow.brk = 3;
  fast.brk = 1;
  // 1.07 s gap; 2 brk at 100 µs each at most 0.2 ms: not the cause.
  const KeyDriver d = gap_driver(slow, fast, "mimalloc", 4.95e9, 3.88e9);
  EXPECT_EQ(d.rule, "user_space");
  EXPECT_EQ(d.text,
            "the difference is in user space (+2.0 brk per run over mimalloc: at most 200.0 µs "
            "of the 1.070 s gap)");
  // Without a time gap, or with one they can explain, the brk rule names them.
  EXPECT_EQ(gap_driver(slow, fast, "mimalloc").rule, "brk_heap_trim");
  EXPECT_EQ(gap_driver(slow, fast, "mimalloc", 1.0e6, 0.5e6).rule, "brk_heap_trim");
}

TEST(KeyDrivers, MmapPerAllocation) {
  CounterRates r = quiet();
  r.mmap = 1.0;
  r.munmap = 1.0;
  r.page_faults = 8;
  EXPECT_EQ(gap_driver(r, quiet(), "std").rule, "mmap_per_allocation");
  EXPECT_EQ(gap_driver(r, quiet(), "std").text,
            "mmap/munmap per allocation (+2.0 mmap+munmap, +8.0 page faults per message over std)");
}

TEST(KeyDrivers, LazyPurgeNeedsASyscallRateThatCosts) {
  CounterRates r = quiet();
  r.madvise = r.madvise_free = 0.2;
  EXPECT_EQ(gap_driver(r, quiet(), "std").rule, "lazy_purge");
  EXPECT_EQ(gap_driver(r, quiet(), "std").text,
            "lazy purge (MADV_FREE) (+0.20 MADV_FREE, no more page faults per message over std)");
  r.madvise = r.madvise_free = 0.05;  // some kernel work, below the rule thresholds
  EXPECT_EQ(gap_driver(r, quiet(), "std").rule, "some_kernel_work");
  EXPECT_EQ(gap_driver(r, quiet(), "std").text,
            "some more kernel work (+0.050 madvise per message over std)");
}

TEST(KeyDrivers, AbsentCountersAreNeverTakenAsZero) {
  CounterRates r = quiet();
  r.madvise.reset();  // madvise not measured on one side: "user space" cannot be claimed
  EXPECT_EQ(gap_driver(r, quiet(), "std").rule, "not_measured");
  EXPECT_EQ(gap_driver(quiet(), r, "std").rule, "not_measured");
  EXPECT_EQ(gap_driver(CounterRates{}, CounterRates{}, "std").rule, "not_measured");
  CounterRates faults_only;
  faults_only.page_faults = 0.7;
  CounterRates none_faults;
  none_faults.page_faults = 0;
  EXPECT_EQ(gap_driver(faults_only, none_faults, "std").rule, "fresh_page_faults");
}

TEST(KeyDrivers, TableIsOrderedAndDocumented) {
  const auto& rules = key_driver_rules();
  ASSERT_GE(rules.size(), 8u);
  EXPECT_STREQ(rules.front().id, "user_space");
  EXPECT_STREQ(rules.back().id, "not_measured");
  for (const auto& r : rules) {
    EXPECT_GT(std::string(r.condition).size(), 10u) << r.id;
    EXPECT_GT(std::string(r.driver).size(), 10u) << r.id;
  }
}

TEST(KeyDrivers, ElementUnits) {
  EXPECT_EQ(element_unit("mpsc"), "message");
  EXPECT_EQ(element_unit("mpsc_large"), "message");
  EXPECT_EQ(element_unit("spawn_many"), "task");
  EXPECT_EQ(element_unit("block_on_alloc_st"), "payload");
  EXPECT_EQ(element_unit("exec"), "run");
  EXPECT_EQ(element_unit("something_else"), "element");
}

// The README's rules table is the code's table, row for row.
TEST(Readme, RulesTableMatchesTheCode) {
  std::ifstream in(REPORT_README);
  ASSERT_TRUE(in) << REPORT_README;
  std::stringstream text;
  text << in.rdbuf();
  int order = 0;
  for (const auto& r : key_driver_rules()) {
    const std::string row = "| " + std::to_string(++order) + " | " + r.id + " | " + r.condition +
                            " | " + r.driver + " |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "README lacks: " << row;
  }
}

// ---- cliffs --------------------------------------------------------------------

stats::RatioEstimate ratio(double point, stats::Verdict verdict) {
  stats::RatioEstimate r;
  r.ratio = {point, point * 0.97, point * 1.03};
  r.verdict = verdict;
  r.rounds = 10;
  r.p_value = verdict == stats::Verdict::no_difference ? 0.4 : 0.001;
  return r;
}

SizeSweep sweep(std::vector<SweepPoint> points) {
  SizeSweep s;
  s.family = "mpsc";
  s.pattern = "mpsc/SIZE";
  s.payload = "zeroed";
  s.variant = "jemalloc";
  s.baseline_variant = "std";
  s.unit = "message";
  s.points = std::move(points);
  return s;
}

TEST(Cliffs, SlowerAfterFasterIsACliffAtTheFirstSlowerSize) {
  using stats::Verdict;
  const auto cliffs = detect_cliffs(sweep({{8, ratio(0.81, Verdict::faster), 0.0},
                                           {4096, ratio(1.0, Verdict::no_difference), 0.0},
                                           {16384, ratio(1.62, Verdict::slower), 0.0},
                                           {32768, ratio(1.23, Verdict::slower), 0.0}}));
  ASSERT_EQ(cliffs.size(), 1u);
  EXPECT_EQ(cliffs[0].kind, Cliff::Kind::slower_than_baseline);
  EXPECT_EQ(cliffs[0].size, 16384u);
  EXPECT_EQ(cliffs[0].previous_size, 4096u);
  EXPECT_EQ(
      cliffs[0].sentence,
      "mpsc/SIZE, zeroed: jemalloc turns significantly slower than std at 16 KiB: 1.62× std's "
      "time (95 % CI 1.57–1.67), after 1.00× at 4 KiB.");
}

TEST(Cliffs, AlwaysSlowerOrNeverSlowerIsNoCliff) {
  using stats::Verdict;
  EXPECT_TRUE(detect_cliffs(sweep({{8, ratio(1.2, Verdict::slower), 0.0},
                                   {32768, ratio(1.5, Verdict::slower), 0.0}}))
                  .empty());
  EXPECT_TRUE(detect_cliffs(sweep({{8, ratio(0.8, Verdict::faster), 0.0},
                                   {32768, ratio(0.99, Verdict::within_noise), 0.0}}))
                  .empty());
}

TEST(Cliffs, FaultJumpNeedsTenfoldToHalfAFaultPerElement) {
  using stats::Verdict;
  auto jump = detect_cliffs(sweep({{8, ratio(0.9, Verdict::faster), 0.0},
                                   {4096, ratio(0.9, Verdict::faster), 0.002},
                                   {32768, ratio(0.9, Verdict::faster), 1.0}}));
  ASSERT_EQ(jump.size(), 1u);
  EXPECT_EQ(jump[0].kind, Cliff::Kind::fault_jump);
  EXPECT_EQ(jump[0].size, 32768u);
  EXPECT_EQ(jump[0].sentence,
            "mpsc/SIZE, zeroed: jemalloc's page faults per message jump at 32 KiB: 1.0, from "
            "0.0020 at 4 KiB.");
  // From 0.2 to 1.0 is only 5x: no jump. To 0.4 from 0: under half a fault per element.
  EXPECT_TRUE(detect_cliffs(sweep({{4096, ratio(0.9, Verdict::faster), 0.2},
                                   {32768, ratio(0.9, Verdict::faster), 1.0}}))
                  .empty());
  EXPECT_TRUE(detect_cliffs(sweep({{4096, ratio(0.9, Verdict::faster), 0.0},
                                   {32768, ratio(0.9, Verdict::faster), 0.4}}))
                  .empty());
  // Faults not measured at a size: no claim about it.
  EXPECT_TRUE(detect_cliffs(sweep({{4096, ratio(0.9, Verdict::faster), std::nullopt},
                                   {32768, ratio(0.9, Verdict::faster), 1.0}}))
                  .empty());
}

TEST(Cliffs, TheBaselineGetsOnlyFaultJumps) {
  SizeSweep s = sweep({{8, std::nullopt, 0.0}, {32768, std::nullopt, 2.4}});
  s.is_baseline = true;
  s.variant = "std";
  const auto cliffs = detect_cliffs(s);
  ASSERT_EQ(cliffs.size(), 1u);
  EXPECT_EQ(cliffs[0].kind, Cliff::Kind::fault_jump);
}

// ---- formats -------------------------------------------------------------------

TEST(TextFormat, AdaptiveUnitsAndCis) {
  EXPECT_EQ(text::duration(139500), "139.5 µs");
  EXPECT_EQ(text::duration(1875300), "1.875 ms");
  EXPECT_EQ(text::duration(42.0), "42.00 ns");
  EXPECT_EQ(text::duration(2.5e9), "2.500 s");
  EXPECT_EQ(text::duration_with_ci({139500, 139000, 141200}), "139.5 ± 1.7 µs");
  EXPECT_EQ(text::ratio_with_ci({1.934, 1.901, 1.962}), "1.93× (1.90–1.96)");
  EXPECT_EQ(text::ratio_with_ci({1.5, 1.5, 1.5}), "1.50×");
  EXPECT_EQ(text::change_percent_with_ci({0.38, 0.37, 0.39}), "−62.0 % (−63.0 to −61.0)");
  EXPECT_EQ(text::change_percent_with_ci({1.047, 1.04, 1.055}), "+4.7 % (+4.0 to +5.5)");
}

TEST(TextFormat, Numbers) {
  EXPECT_EQ(text::number(1.0, 2), "1.0");
  EXPECT_EQ(text::number(0.3, 2), "0.30");
  EXPECT_EQ(text::number(1140, 2), "1140");
  EXPECT_EQ(text::number(0.0, 2), "0");
  EXPECT_EQ(text::number(0.00001, 2), "<0.001");
  EXPECT_EQ(text::number(0.995, 2), "1.0");  // rounding moves it to the next magnitude
  EXPECT_EQ(text::number(9.96, 2), "10");
  EXPECT_EQ(text::duration(999.97), "1.000 µs");
  EXPECT_EQ(text::size_bytes(32768), "32 KiB");
  EXPECT_EQ(text::size_bytes(8), "8 B");
  EXPECT_EQ(text::size_bytes(1000), "1000 B");
  EXPECT_EQ(text::memory_kib(19030), "18.6 MiB");
  EXPECT_EQ(text::percent(0.72), "72.0 %");
}

TEST(TextFormat, Escaping) {
  EXPECT_EQ(text::escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(text::escape_markdown("a|b <script> p < 0.05 -> x"), "a\\|b &lt;script> p < 0.05 -> x");
  EXPECT_EQ(text::escape_markdown("> quote"), "&gt; quote");
  EXPECT_EQ(text::csv_field("plain"), "plain");
  EXPECT_EQ(text::csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
  EXPECT_EQ(text::display_width("1.93× (1.90–1.96)"), 17u);
  EXPECT_EQ(text::display_width("\x1b[32mwin\x1b[0m"), 3u);
}

}  // namespace
}  // namespace shootout::report
