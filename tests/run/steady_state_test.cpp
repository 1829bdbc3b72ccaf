// The steady-state check: which first-third/last-third differences of a
// counter per iteration count as "not steady".
#include <gtest/gtest.h>

#include "run/steady_state.h"

namespace shootout::run {
namespace {

std::vector<CounterSample> samples_with(const std::vector<double>& per_round_counts,
                                        const std::string& counter, double iterations = 10) {
  std::vector<CounterSample> samples;
  for (std::size_t r = 0; r < per_round_counts.size(); ++r)
    samples.push_back({static_cast<int>(r), iterations, {{counter, per_round_counts[r]}}});
  return samples;
}

TEST(SteadyState, EqualRatesAgree) {
  const auto d = compare_thirds("madvise_dontneed", 3000, 30, 3000, 30);
  EXPECT_TRUE(d.meaningful);
  EXPECT_TRUE(d.agree);
}

TEST(SteadyState, ATenthApartIsTheRelativeLimitAtLargeCounts) {
  // 100 vs 109 per iteration over 1000 iterations: Poisson sigma ~0.46, so
  // the 10 % floor decides.
  EXPECT_TRUE(compare_thirds("minor_faults", 100000, 1000, 109000, 1000).agree);
  EXPECT_FALSE(compare_thirds("minor_faults", 100000, 1000, 112000, 1000).agree);
}

TEST(SteadyState, SmallCountsGetThePoissonTolerance) {
  // 20 vs 32 events over 10 iterations each: 60 % apart, but 3 sigma
  // (3 * sqrt(0.2 + 0.32) = 2.16 per iteration) covers the 1.2 difference.
  EXPECT_TRUE(compare_thirds("brk", 20, 10, 32, 10).agree);
  EXPECT_FALSE(compare_thirds("brk", 20, 10, 80, 10).agree);
}

TEST(SteadyState, TooFewEventsAreNotJudged) {
  const auto d = compare_thirds("mmap", 0, 10, 9, 10);
  EXPECT_FALSE(d.meaningful);
  EXPECT_TRUE(d.agree);
}

TEST(SteadyState, RecordNamesTheDriftingCounterAndItsRates) {
  // 9 rounds: thirds are rounds 0-2 and 6-8; purging settles midway.
  const nlohmann::json record = steady_state_record(
      samples_with({400, 400, 400, 300, 200, 100, 100, 100, 100}, "madvise_dontneed"), 9);
  EXPECT_EQ(record["steady"], false) << record.dump();
  EXPECT_EQ(record["first_third"], nlohmann::json({0, 3}));
  EXPECT_EQ(record["last_third"], nlohmann::json({6, 9}));
  const auto& c = record["counters"]["madvise_dontneed"];
  EXPECT_DOUBLE_EQ(c["first_per_iteration"].get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(c["last_per_iteration"].get<double>(), 10.0);
  EXPECT_EQ(c["agree"], false);
}

TEST(SteadyState, SteadyCellAndCountersThatAreNotCompared) {
  auto samples = samples_with({50, 50, 51, 50, 49, 50}, "minor_faults");
  for (auto& s : samples) s.counts["user_ns"] = 1e6 * (s.round + 1);  // a time, not an event
  const nlohmann::json record = steady_state_record(samples, 6);
  EXPECT_EQ(record["steady"], true) << record.dump();
  EXPECT_FALSE(record["counters"].contains("user_ns"));
}

TEST(SteadyState, UnderThreeRoundsIsNotJudged) {
  const nlohmann::json record = steady_state_record(samples_with({50, 80}, "minor_faults"), 2);
  EXPECT_TRUE(record["steady"].is_null());
  EXPECT_EQ(record["why"], "fewer than 3 rounds");
}

}  // namespace
}  // namespace shootout::run
