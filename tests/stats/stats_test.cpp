// Tests of the statistics layer: every expected value below is computed by
// hand in the comment beside it. Values only, never timings.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "stats/estimate.h"

namespace st = shootout::stats;

namespace {

constexpr double kEps = 1e-12;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Expects `f` to throw std::invalid_argument whose message contains `where`.
template <class F>
void expect_invalid(F&& f, const std::string& where) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument from " << where;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
  }
}

// A linear-plan run: sample i (1..20) runs 100 i iterations at ~50 ns each,
// with a deterministic +-2 % wobble so the bootstrap has spread to resample.
std::vector<st::Sample> linear_samples() {
  std::vector<st::Sample> s;
  for (int i = 1; i <= 20; ++i) {
    const double iters = 100.0 * i;
    s.push_back({iters, iters * 50.0 * (1.0 + 0.02 * std::sin(1.7 * i))});
  }
  return s;
}

void expect_contains(const st::Interval& iv) {
  EXPECT_LE(iv.lower, iv.point);
  EXPECT_GE(iv.upper, iv.point);
  EXPECT_LT(iv.lower, iv.upper);
}

void expect_identical(const st::Interval& a, const st::Interval& b) {
  EXPECT_EQ(a.point, b.point);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
}

}  // namespace

// --- plain estimators ----------------------------------------------------------

TEST(Estimators, EvenLengthVector) {
  // xs = 2 4 4 4 5 5 7 9: sum 40 -> mean 5.
  // deviations -3 -1 -1 -1 0 0 2 4, squares sum 9+1+1+1+0+0+4+16 = 32 -> sd = sqrt(32/7).
  // median = (4 + 5) / 2 = 4.5.
  // |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 -> sorted .5 .5 .5 .5 .5 2.5 2.5 4.5,
  // median (.5 + .5) / 2 = .5 -> mad = .5 * 1.4826 = 0.7413.
  const std::vector<double> xs{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_NEAR(st::mean(xs), 5.0, kEps);
  EXPECT_NEAR(st::std_dev(xs), std::sqrt(32.0 / 7.0), kEps);
  EXPECT_NEAR(st::median(xs), 4.5, kEps);
  EXPECT_NEAR(st::mad(xs), 0.7413, kEps);
  // cv = sqrt(32/7) / 5 = 0.42762...
  EXPECT_NEAR(st::coefficient_of_variation(xs), std::sqrt(32.0 / 7.0) / 5.0, kEps);
}

TEST(Estimators, OddLengthUnsortedVector) {
  // xs = 1 3 2: mean 2, deviations -1 1 0 -> ss 2 -> sd sqrt(2/2) = 1;
  // median 2; |x - 2| = 1 1 0 -> median 1 -> mad 1.4826.
  const std::vector<double> xs{1, 3, 2};
  EXPECT_NEAR(st::mean(xs), 2.0, kEps);
  EXPECT_NEAR(st::std_dev(xs), 1.0, kEps);
  EXPECT_NEAR(st::median(xs), 2.0, kEps);
  EXPECT_NEAR(st::mad(xs), 1.4826, kEps);
}

TEST(Estimators, SingleValue) {
  // One value: it is its own mean/median; no spread (sd defined as 0 here).
  const std::vector<double> xs{7.5};
  EXPECT_EQ(st::mean(xs), 7.5);
  EXPECT_EQ(st::median(xs), 7.5);
  EXPECT_EQ(st::std_dev(xs), 0.0);
  EXPECT_EQ(st::mad(xs), 0.0);
  EXPECT_EQ(st::coefficient_of_variation(xs), 0.0);
}

TEST(Estimators, CoefficientOfVariationZeroMean) {
  EXPECT_EQ(st::coefficient_of_variation({0, 0, 0}), 0.0);
  EXPECT_EQ(st::coefficient_of_variation({-1, 1}), kInf);
}

TEST(Estimators, Quantiles) {
  // Type 7: rank = q (n-1). xs = 1..5 (given unsorted), n-1 = 4.
  const std::vector<double> xs{5, 1, 4, 2, 3};
  EXPECT_NEAR(st::quantile(xs, 0.0), 1.0, kEps);   // rank 0
  EXPECT_NEAR(st::quantile(xs, 0.1), 1.4, kEps);   // rank .4: 1 + .4 (2 - 1)
  EXPECT_NEAR(st::quantile(xs, 0.25), 2.0, kEps);  // rank 1
  EXPECT_NEAR(st::quantile(xs, 0.5), 3.0, kEps);   // rank 2
  EXPECT_NEAR(st::quantile(xs, 0.9), 4.6, kEps);   // rank 3.6: 4 + .6 (5 - 4)
  EXPECT_NEAR(st::quantile(xs, 1.0), 5.0, kEps);   // rank 4
  // Two values 10, 20: q = .75 -> rank .75 -> 10 + .75 * 10 = 17.5.
  EXPECT_NEAR(st::quantile({20, 10}, 0.75), 17.5, kEps);
  // One value: every quantile is that value.
  EXPECT_EQ(st::quantile({3}, 0.3), 3.0);
}

TEST(Estimators, MedianAgreesWithQuantileHalf) {
  const std::vector<std::vector<double>> cases{
      {1}, {1, 2}, {3, 1, 2}, {4, 1, 3, 2}, {9, 9, 1, 5, 7, 2}, {0.5, -2, 8, 8, 3, 1, 6}};
  for (const auto& xs : cases) EXPECT_EQ(st::median(xs), st::quantile(xs, 0.5));
}

TEST(Estimators, SlopeThroughOrigin) {
  // (1, 10) (2, 22) (3, 27): sum xy = 10 + 44 + 81 = 135, sum xx = 1 + 4 + 9 = 14.
  const std::vector<st::Sample> s{{1, 10}, {2, 22}, {3, 27}};
  EXPECT_NEAR(st::slope_through_origin(s), 135.0 / 14.0, kEps);  // 9.642857...
  // Exact proportional data recovers the per-iteration time.
  EXPECT_NEAR(st::slope_through_origin({{10, 30}, {20, 60}, {30, 90}}), 3.0, kEps);
}

TEST(Estimators, PerIteration) {
  const auto times = st::per_iteration({{4, 10}, {5, 20}});
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0], 2.5);
  EXPECT_EQ(times[1], 4.0);
}

TEST(Estimators, InvalidInput) {
  expect_invalid([] { st::mean({}); }, "mean");
  expect_invalid([] { st::mean({1, kNaN}); }, "mean");
  expect_invalid([] { st::median({kInf}); }, "median");
  expect_invalid([] { st::std_dev({}); }, "mean");
  expect_invalid([] { st::quantile({}, 0.5); }, "quantile");
  expect_invalid([] { st::quantile({1, 2}, 1.5); }, "quantile");
  expect_invalid([] { st::quantile({1, 2}, -0.1); }, "quantile");
  expect_invalid([] { st::quantile({1, 2}, kNaN); }, "quantile");
  expect_invalid([] { st::slope_through_origin({}); }, "slope_through_origin");
  expect_invalid([] { st::slope_through_origin({{0, 5}}); }, "slope_through_origin");
  expect_invalid([] { st::per_iteration({{1, -5}}); }, "per_iteration");
  expect_invalid([] { st::coefficient_of_variation({}); }, "mean");
}

// --- outliers ----------------------------------------------------------------

TEST(Tukey, CraftedOutliersOnBothSides) {
  // Sorted: -10 3 10 11 12 13 14 22 50 (n = 9, n-1 = 8).
  // Q1 = rank 2 = 10, Q3 = rank 6 = 14, IQR = 4.
  // Mild fences 10 - 6 = 4 and 14 + 6 = 20; severe 10 - 12 = -2 and 14 + 12 = 26.
  // -10 < -2: low severe; 3 in [-2, 4): low mild; 22 in (20, 26]: high mild;
  // 50 > 26: high severe.
  const std::vector<double> xs{12, 50, 10, -10, 13, 22, 3, 11, 14};
  const st::TukeyFences f = st::tukey_fences(xs);
  EXPECT_NEAR(f.low_severe, -2.0, kEps);
  EXPECT_NEAR(f.low_mild, 4.0, kEps);
  EXPECT_NEAR(f.high_mild, 20.0, kEps);
  EXPECT_NEAR(f.high_severe, 26.0, kEps);

  using C = st::OutlierClass;
  const std::vector<C> expected{C::normal,    C::high_severe, C::normal, C::low_severe, C::normal,
                                C::high_mild, C::low_mild,    C::normal, C::normal};
  EXPECT_EQ(st::classify(xs), expected);

  const st::OutlierCounts c = st::count_outliers(xs);
  EXPECT_EQ(c.low_severe, 1);
  EXPECT_EQ(c.low_mild, 1);
  EXPECT_EQ(c.high_mild, 1);
  EXPECT_EQ(c.high_severe, 1);
  EXPECT_EQ(c.total(), 4);
}

TEST(Tukey, ValuesOnAFenceAreNotBeyondIt) {
  // Same quartiles as above (10, 14; fences -2, 4, 20, 26), with values
  // exactly on fences: -2 is on the severe fence -> only mild; 20 is on the
  // mild fence -> normal; 26 on the severe fence -> only mild.
  const std::vector<double> xs{-2, 4, 10, 11, 12, 13, 14, 20, 26};
  using C = st::OutlierClass;
  const std::vector<C> expected{C::low_mild, C::normal, C::normal, C::normal,   C::normal,
                                C::normal,   C::normal, C::normal, C::high_mild};
  EXPECT_EQ(st::classify(xs), expected);
}

TEST(Tukey, NoOutliersInEvenSpread) {
  // 1..9: Q1 3, Q3 7, IQR 4, mild fences -3 and 13: nothing beyond.
  const std::vector<double> xs{1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(st::count_outliers(xs).total(), 0);
}

TEST(Tukey, ZeroIqrFlagsAnyDeparture) {
  // 5 5 5 5 6: Q1 = Q3 = 5, IQR 0 -> all fences at 5; 6 > 5 is high severe.
  const st::OutlierCounts c = st::count_outliers({5, 5, 5, 5, 6});
  EXPECT_EQ(c.high_severe, 1);
  EXPECT_EQ(c.total(), 1);
}

TEST(Tukey, InvalidInput) {
  expect_invalid([] { st::tukey_fences({}); }, "tukey_fences");
  expect_invalid([] { st::classify({1, kNaN}); }, "tukey_fences");
}

TEST(Tukey, Names) {
  EXPECT_STREQ(st::to_string(st::OutlierClass::low_severe), "low_severe");
  EXPECT_STREQ(st::to_string(st::OutlierClass::high_mild), "high_mild");
  EXPECT_STREQ(st::to_string(st::OutlierClass::normal), "normal");
}

// --- sampling plan -----------------------------------------------------------

TEST(SamplingPlan, Linear) {
  // t = 1000 ns, n = 10, M = 1e9 ns: n(n+1)/2 = 55,
  // d = ceil(1e9 / (1000 * 55)) = ceil(18181.8) = 18182;
  // expected 55 * 18182 * 1000 = 1.00001e9 <= 2e9 -> linear, 18182 i.
  const st::SamplingPlan p = st::plan_samples(1000.0, st::SamplingOptions{10, 1.0, 0.3});
  EXPECT_EQ(p.mode, st::SamplingMode::linear);
  const std::vector<std::uint64_t> expected{18182,  36364,  54546,  72728,  90910,
                                            109092, 127274, 145456, 163638, 181820};
  EXPECT_EQ(p.iterations, expected);
}

TEST(SamplingPlan, LinearWithUnitStepWhenWithinTwiceTheTarget) {
  // t = 3e7 ns: d = ceil(1e9 / (3e7 * 55)) = ceil(0.606) = 1;
  // expected 55 * 3e7 = 1.65e9 <= 2e9 -> still linear: 1, 2, ..., 10.
  const st::SamplingPlan p = st::plan_samples(3e7, st::SamplingOptions{10, 1.0, 0.3});
  EXPECT_EQ(p.mode, st::SamplingMode::linear);
  const std::vector<std::uint64_t> expected{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(p.iterations, expected);
}

TEST(SamplingPlan, FlatWhenLinearWouldOvershoot) {
  // t = 5e7 ns (50 ms): d = ceil(1e9 / (5e7 * 55)) = ceil(0.36) = 1;
  // expected 55 * 5e7 = 2.75e9 > 2e9 -> flat, ceil(1e9 / (5e7 * 10)) = 2 each.
  const st::SamplingPlan p = st::plan_samples(5e7, st::SamplingOptions{10, 1.0, 0.3});
  EXPECT_EQ(p.mode, st::SamplingMode::flat);
  EXPECT_EQ(p.iterations, std::vector<std::uint64_t>(10, 2));
}

TEST(SamplingPlan, FlatNeverBelowOneIteration) {
  // t = 2e9 ns (2 s): ceil(1e9 / (2e9 * 10)) = ceil(0.05) = 1 each.
  const st::SamplingPlan p = st::plan_samples(2e9, st::SamplingOptions{10, 1.0, 0.3});
  EXPECT_EQ(p.mode, st::SamplingMode::flat);
  EXPECT_EQ(p.iterations, std::vector<std::uint64_t>(10, 1));
}

TEST(SamplingPlan, StudyProfile) {
  // n = 50, M = 3 s, t = 200 ns: n(n+1)/2 = 1275,
  // d = ceil(3e9 / (200 * 1275)) = ceil(11764.7) = 11765 -> linear, 11765 i.
  const st::SamplingPlan p = st::plan_samples(200.0, st::SamplingOptions{50, 3.0, 1.0});
  EXPECT_EQ(p.mode, st::SamplingMode::linear);
  ASSERT_EQ(p.iterations.size(), 50u);
  EXPECT_EQ(p.iterations.front(), 11765u);
  EXPECT_EQ(p.iterations.back(), 50u * 11765u);
}

TEST(SamplingPlan, InvalidInput) {
  const st::SamplingOptions ok{10, 1.0, 0.3};
  expect_invalid([&] { st::plan_samples(0.0, ok); }, "plan_samples");
  expect_invalid([&] { st::plan_samples(-1.0, ok); }, "plan_samples");
  expect_invalid([&] { st::plan_samples(kNaN, ok); }, "plan_samples");
  expect_invalid([&] { st::plan_samples(kInf, ok); }, "plan_samples");
  expect_invalid([] { st::plan_samples(10.0, st::SamplingOptions{0, 1.0, 0.3}); }, "plan_samples");
  expect_invalid([] { st::plan_samples(10.0, st::SamplingOptions{10, 0.0, 0.3}); }, "plan_samples");
}

TEST(SamplingPlan, Names) {
  EXPECT_STREQ(st::to_string(st::SamplingMode::linear), "linear");
  EXPECT_STREQ(st::to_string(st::SamplingMode::flat), "flat");
}

// --- estimate (bootstrap) ----------------------------------------------------

TEST(Estimate, PointsMatchPlainEstimators) {
  const auto samples = linear_samples();
  const auto times = st::per_iteration(samples);
  const st::Estimates e = st::estimate(samples, st::BootstrapOptions{});
  EXPECT_TRUE(e.has_slope);
  EXPECT_EQ(e.slope.point, st::slope_through_origin(samples));
  EXPECT_NEAR(e.mean.point, st::mean(times), kEps);
  EXPECT_NEAR(e.median.point, st::median(times), kEps);
  EXPECT_NEAR(e.std_dev.point, st::std_dev(times), kEps);
  EXPECT_NEAR(e.mad.point, st::mad(times), kEps);
  // ~50 ns per iteration within the +-2 % wobble.
  EXPECT_NEAR(e.slope.point, 50.0, 1.0);
  EXPECT_NEAR(e.mean.point, 50.0, 1.0);
}

TEST(Estimate, IntervalsContainThePoint) {
  const st::Estimates e = st::estimate(linear_samples(), st::BootstrapOptions{});
  expect_contains(e.slope);
  expect_contains(e.mean);
  expect_contains(e.median);
  expect_contains(e.std_dev);
  expect_contains(e.mad);
  // The mean's CI is about +-1.96 sd / sqrt(20); sd ~ 1.4 % of 50 ns -> +-0.3 ns.
  EXPECT_GT(e.mean.lower, 49.0);
  EXPECT_LT(e.mean.upper, 51.0);
}

TEST(Estimate, SameSeedIsBitIdentical) {
  const auto samples = linear_samples();
  const st::BootstrapOptions opt{2000, 0.95, 42};
  const st::Estimates a = st::estimate(samples, opt);
  const st::Estimates b = st::estimate(samples, opt);
  expect_identical(a.slope, b.slope);
  expect_identical(a.mean, b.mean);
  expect_identical(a.median, b.median);
  expect_identical(a.std_dev, b.std_dev);
  expect_identical(a.mad, b.mad);
}

TEST(Estimate, DifferentSeedStillContainsThePoint) {
  const auto samples = linear_samples();
  const st::Estimates a = st::estimate(samples, st::BootstrapOptions{2000, 0.95, 1});
  const st::Estimates b = st::estimate(samples, st::BootstrapOptions{2000, 0.95, 2});
  EXPECT_EQ(a.mean.point, b.mean.point);  // points do not depend on the seed
  EXPECT_NE(a.mean.lower, b.mean.lower);  // the resamples do
  expect_contains(b.slope);
  expect_contains(b.mean);
  expect_contains(b.median);
  // Monte-Carlo noise between seeds is a small fraction of the interval width.
  const double width = a.mean.upper - a.mean.lower;
  EXPECT_NEAR(a.mean.lower, b.mean.lower, 0.2 * width);
  EXPECT_NEAR(a.mean.upper, b.mean.upper, 0.2 * width);
}

TEST(Estimate, WiderConfidenceGivesWiderInterval) {
  const auto samples = linear_samples();
  const st::Estimates narrow = st::estimate(samples, st::BootstrapOptions{4000, 0.80, 7});
  const st::Estimates wide = st::estimate(samples, st::BootstrapOptions{4000, 0.99, 7});
  EXPECT_LT(wide.mean.lower, narrow.mean.lower);
  EXPECT_GT(wide.mean.upper, narrow.mean.upper);
}

TEST(Estimate, FlatPlanHasNoSlope) {
  // Every sample 10 iterations: per-iteration times 10, 12, 11, 13 ns.
  // mean 11.5; slope reported as the mean (sum xy / sum xx would equal it too).
  const std::vector<st::Sample> s{{10, 100}, {10, 120}, {10, 110}, {10, 130}};
  const st::Estimates e = st::estimate(s, st::BootstrapOptions{1000, 0.95, 3});
  EXPECT_FALSE(e.has_slope);
  EXPECT_NEAR(e.mean.point, 11.5, kEps);
  expect_identical(e.slope, e.mean);
}

TEST(Estimate, SingleSampleHasDegenerateIntervals) {
  // One sample, 4 iterations in 10 ns: 2.5 ns each; every resample is the same.
  const st::Estimates e = st::estimate({{4, 10}}, st::BootstrapOptions{100, 0.95, 3});
  EXPECT_FALSE(e.has_slope);
  EXPECT_EQ(e.mean.point, 2.5);
  EXPECT_EQ(e.mean.lower, 2.5);
  EXPECT_EQ(e.mean.upper, 2.5);
  EXPECT_EQ(e.std_dev.upper, 0.0);
}

TEST(Estimate, InvalidInput) {
  const st::BootstrapOptions ok{};
  expect_invalid([&] { st::estimate({}, ok); }, "estimate");
  expect_invalid([&] { st::estimate({{0, 10}}, ok); }, "estimate");
  expect_invalid([&] { st::estimate({{-1, 10}}, ok); }, "estimate");
  expect_invalid([&] { st::estimate({{1, -10}}, ok); }, "estimate");
  expect_invalid([&] { st::estimate({{1, kNaN}}, ok); }, "estimate");
  expect_invalid([&] { st::estimate({{kInf, 1}}, ok); }, "estimate");
  expect_invalid([] { st::estimate({{1, 1}}, st::BootstrapOptions{0, 0.95, 1}); }, "estimate");
  expect_invalid([] { st::estimate({{1, 1}}, st::BootstrapOptions{10, 1.0, 1}); }, "estimate");
  expect_invalid([] { st::estimate({{1, 1}}, st::BootstrapOptions{10, 0.0, 1}); }, "estimate");
}

// --- paired ratios -------------------------------------------------------------

namespace {

// n rounds of `center` times a deterministic relative jitter of +-`jitter`.
std::vector<double> jittered(double center, double jitter, int n = 20) {
  std::vector<double> r;
  for (int i = 1; i <= n; ++i) r.push_back(center * (1.0 + jitter * std::sin(2.3 * i)));
  return r;
}

const st::RatioOptions kRatio{};

}  // namespace

TEST(Distributions, StudentTQuantilesMatchTables) {
  // Printed tables: t(0.975; 1) = 12.706, t(0.975; 2) = 4.303, t(0.975; 9)
  // = 2.262, t(0.975; 29) = 2.045; the normal's 1.960 as df grows.
  EXPECT_NEAR(st::student_t_quantile(0.975, 1), 12.7062, 1e-4);
  EXPECT_NEAR(st::student_t_quantile(0.975, 2), 4.3027, 1e-4);
  EXPECT_NEAR(st::student_t_quantile(0.975, 9), 2.2622, 1e-4);
  EXPECT_NEAR(st::student_t_quantile(0.975, 29), 2.0452, 1e-4);
  EXPECT_NEAR(st::student_t_quantile(0.975, 1e6), 1.95996, 1e-4);
  EXPECT_NEAR(st::student_t_quantile(0.025, 9), -2.2622, 1e-4);
  EXPECT_NEAR(st::student_t_cdf(2.2622, 9), 0.975, 1e-5);
}

TEST(Distributions, FSurvivalMatchesTables) {
  // F(0.95; 1, 10) = 4.965, F(0.95; 2, 27) = 3.354; F(0.25 upper; 2, 27) = 1.46.
  EXPECT_NEAR(st::f_survival(4.9646, 1, 10), 0.05, 1e-4);
  EXPECT_NEAR(st::f_survival(3.3541, 2, 27), 0.05, 1e-4);
  EXPECT_NEAR(st::f_survival(0, 2, 27), 1.0, kEps);
  EXPECT_NEAR(st::normal_survival(1.959964), 0.025, 1e-6);
}

TEST(RankTests, SignedRankExactValues) {
  // Six positive differences: 1 of 64 sign patterns each side, p = 2/64.
  EXPECT_NEAR(st::signed_rank_p_value({1, 2, 3, 4, 5, 6}), 2.0 / 64, kEps);
  // Five: 2/32 = 0.0625, the reason 5 units can never give p < 0.05.
  EXPECT_NEAR(st::signed_rank_p_value({1, 2, 3, 4, 5}), 2.0 / 32, kEps);
  // Three: 2/8 = 0.25, the "smallest exact two-sided p".
  EXPECT_NEAR(st::signed_rank_p_value({0.3, 0.2, 0.1}), 0.25, kEps);
  // W+ = 1 of 1..4 (the smallest rank negative... here positive): patterns
  // with W+ <= 1 are {} and {1}: 2 of 16 -> p = 2 * 2/16 = 0.25.
  EXPECT_NEAR(st::signed_rank_p_value({0.1, -0.2, -0.3, -0.4}), 0.25, kEps);
  // Zeros carry no sign; nothing left -> 1.
  EXPECT_EQ(st::signed_rank_p_value({0, 0, 0}), 1.0);
  // Symmetric around 0: p = 1.
  EXPECT_EQ(st::signed_rank_p_value({-1, 1, -2, 2}), 1.0);
}

TEST(RankTests, SignedRankLargeSampleAgreesWithExact) {
  // 51 values switch to the normal approximation; 50 are exact. The same
  // shape on both sides of the switch gives nearly the same p.
  std::vector<double> d50, d51;
  for (int i = 1; i <= 51; ++i) (i <= 50 ? d50 : d51).push_back((i % 3 == 0 ? -1 : 1) * i * 0.01);
  d51.insert(d51.begin(), d50.begin(), d50.end());
  const double exact = st::signed_rank_p_value(d50), approx = st::signed_rank_p_value(d51);
  EXPECT_GT(exact, 0.001);
  EXPECT_NEAR(exact, approx, 0.05);
}

TEST(RankTests, RankSumExactValues) {
  // 4 vs 4 completely separated: 1 of C(8,4) = 70 splits each side: 2/70.
  EXPECT_NEAR(st::rank_sum_p_value({1, 2, 3, 4}, {5, 6, 7, 8}), 2.0 / 70, kEps);
  // 3 vs 3: 2/20 = 0.1 at best.
  EXPECT_NEAR(st::rank_sum_p_value({1, 2, 3}, {5, 6, 7}), 0.1, kEps);
  EXPECT_EQ(st::rank_sum_p_value({1, 2}, {}), 1.0);
}

TEST(RankTests, UnitsNeeded) {
  EXPECT_EQ(st::signed_rank_units_needed(0.05), 6);      // 2/64 < 0.05 <= 2/32
  EXPECT_EQ(st::signed_rank_units_needed(0.01), 8);      // 2/256 < 0.01 <= 2/128
  EXPECT_EQ(st::rank_sum_units_needed(3, 3, 0.05), 4);   // 2/C(8,4) = 0.029
  EXPECT_EQ(st::rank_sum_units_needed(3, 10, 0.05), 1);  // 2/C(13,3) = 0.007: enough already
}

TEST(PairedRatio, GeometricMeanPoint) {
  // exp((ln 2 + ln 8) / 2) = exp(ln 16 / 2) = 4; 2 and 1/2 average to 1.
  EXPECT_NEAR(st::paired_ratio({2, 8}, kRatio).ratio.point, 4.0, kEps);
  EXPECT_NEAR(st::paired_ratio({2, 0.5}, kRatio).ratio.point, 1.0, kEps);
}

TEST(PairedRatio, TIntervalOnTheLogs) {
  // Logs ln 2, ln 8: mean ln 4, s = (ln 8 - ln 2) / sqrt 2 = 0.9803, SE =
  // s / sqrt 2 = ln 2 = 0.6931; t(0.975; 1) = 12.706: 4 * exp(+-8.807).
  const st::RatioEstimate r = st::paired_ratio({2, 8}, kRatio);
  EXPECT_NEAR(std::log(r.ratio.upper / 4), 12.7062 * std::log(2.0), 1e-3);
  EXPECT_NEAR(std::log(4 / r.ratio.lower), 12.7062 * std::log(2.0), 1e-3);
  EXPECT_EQ(r.df, 1);
  EXPECT_EQ(r.verdict, st::Verdict::too_few_rounds);
}

TEST(PairedRatio, TwiceAsSlowIsSlower) {
  const st::RatioEstimate r = st::paired_ratio(jittered(2.0, 0.001), kRatio);
  EXPECT_EQ(r.rounds, 20);
  EXPECT_EQ(r.units, 20);
  EXPECT_EQ(r.unit, st::RatioUnit::rounds);
  EXPECT_EQ(r.verdict, st::Verdict::slower);
  EXPECT_NEAR(r.ratio.point, 2.0, 0.002);
  EXPECT_GT(r.ratio.lower, 1.99);
  EXPECT_LT(r.ratio.upper, 2.01);
  expect_contains(r.ratio);
  // Every one of 20 logs positive: 1 of 2^20 sign patterns each side.
  EXPECT_NEAR(r.p_value, 2.0 / (1 << 20), 1e-15);
  EXPECT_EQ(st::verdict_text(r), "slower");
}

TEST(PairedRatio, HalfTheTimeIsFaster) {
  const st::RatioEstimate r = st::paired_ratio(jittered(0.5, 0.001), kRatio);
  EXPECT_EQ(r.verdict, st::Verdict::faster);
  EXPECT_NEAR(r.ratio.point, 0.5, 0.001);
  EXPECT_LT(r.p_value, 0.05);
}

TEST(PairedRatio, SymmetricAroundOneIsNoDifference) {
  // Each ratio with its inverse: the log mean is 0 up to rounding.
  const std::vector<double> r{1.1,     1 / 1.1, 1.05,     1 / 1.05, 1.2,
                              1 / 1.2, 1.02,    1 / 1.02, 1.08,     1 / 1.08};
  const st::RatioEstimate e = st::paired_ratio(r, kRatio);
  EXPECT_EQ(e.verdict, st::Verdict::no_difference);
  EXPECT_NEAR(e.ratio.point, 1.0, 1e-12);
  EXPECT_GT(e.p_value, 0.5);
  EXPECT_LT(e.ratio.lower, 1.0);
  EXPECT_GT(e.ratio.upper, 1.0);
  EXPECT_EQ(st::verdict_text(e), "no difference");
}

TEST(PairedRatio, ConsistentHalfPercentIsWithinNoise) {
  // 1.005 every round: significant but the whole CI lies inside +-1 %.
  const st::RatioEstimate r = st::paired_ratio(jittered(1.005, 0.0005), kRatio);
  EXPECT_EQ(r.verdict, st::Verdict::within_noise);
  EXPECT_LT(r.p_value, 0.05);
  EXPECT_GT(r.ratio.lower, 1.0);
  EXPECT_LT(r.ratio.upper, 1.01);
}

TEST(PairedRatio, ExactlyOneEveryRoundIsNoDifference) {
  const st::RatioEstimate r = st::paired_ratio(std::vector<double>(10, 1.0), kRatio);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_EQ(r.verdict, st::Verdict::no_difference);
  EXPECT_EQ(r.ratio.point, 1.0);
}

TEST(PairedRatio, ThreeRoundsAreTooFewWhateverTheyShow) {
  // The exec -n 3: even three clearly slower rounds cannot reach
  // p < 0.05 (2/8 = 0.25 at best), so no verdict, and the interval is wide
  // (t with 2 df: 4.30 standard errors each side).
  const st::RatioEstimate r = st::paired_ratio({1.2, 1.5, 1.3}, kRatio);
  EXPECT_EQ(r.verdict, st::Verdict::too_few_rounds);
  EXPECT_NEAR(r.p_value, 0.25, kEps);
  EXPECT_EQ(r.units, 3);
  EXPECT_EQ(r.units_needed, 6);
  EXPECT_LT(r.ratio.lower, 1.1);
  EXPECT_EQ(st::verdict_text(r), "too few rounds for a verdict: 3 paired rounds, 6 needed");
  EXPECT_STREQ(st::to_string(r.verdict), "too_few_rounds");
  // Six is enough.
  EXPECT_EQ(st::paired_ratio({1.2, 1.5, 1.3, 1.25, 1.4, 1.35}, kRatio).verdict,
            st::Verdict::slower);
}

TEST(PairedRatioByProcess, OneProcessIsThePlainCase) {
  const auto r = jittered(1.3, 0.05);
  const st::RatioEstimate flat = st::paired_ratio(r, kRatio);
  const st::RatioEstimate one = st::paired_ratio_by_process({r}, kRatio);
  expect_identical(flat.ratio, one.ratio);
  EXPECT_EQ(flat.p_value, one.p_value);
  EXPECT_EQ(one.rounds, 20);
  EXPECT_EQ(one.processes, 1);
}

TEST(PairedRatioByProcess, PointIsTheGeometricMeanOfEveryRatio) {
  // exp(mean(ln 2, ln 2, ln 8, ln 8)) = exp(ln 16 / 2) = 4.
  const st::RatioEstimate r = st::paired_ratio_by_process({{2, 2}, {8, 8}}, kRatio);
  EXPECT_NEAR(r.ratio.point, 4.0, kEps);
  EXPECT_EQ(r.rounds, 4);
}

TEST(PairedRatioByProcess, SpreadBetweenProcessesMakesProcessesTheUnits) {
  // Three processes, each steady within itself (+-0.1 %), at 1.0, 1.2 and
  // 1.44: the F test sees it, so each process counts once -- 3 units, too
  // few for a verdict, and the interval spans them (t with 2 df).
  const std::vector<std::vector<double>> processes = {
      jittered(1.0, 0.001, 10), jittered(1.2, 0.001, 10), jittered(1.44, 0.001, 10)};
  const st::RatioEstimate r = st::paired_ratio_by_process(processes, kRatio);
  EXPECT_EQ(r.unit, st::RatioUnit::processes);
  EXPECT_EQ(r.units, 3);
  EXPECT_EQ(r.rounds, 30);
  EXPECT_EQ(r.df, 2);
  EXPECT_NEAR(r.ratio.point, 1.2, 0.002);
  EXPECT_LT(r.ratio.lower, 1.0);
  EXPECT_GT(r.ratio.upper, 1.44);
  EXPECT_EQ(r.verdict, st::Verdict::too_few_rounds);
  EXPECT_EQ(st::verdict_text(r),
            "too few processes for a verdict: 3 processes, 6 needed (their means do not agree "
            "closely enough to pool their rounds)");
}

TEST(PairedRatioByProcess, AgreeingProcessesPoolTheirRounds) {
  // Three processes with the same jitter pattern: identical means, F = 0,
  // so all 30 ratios are units.
  const std::vector<std::vector<double>> processes = {
      jittered(1.3, 0.05, 10), jittered(1.3, 0.05, 10), jittered(1.3, 0.05, 10)};
  const st::RatioEstimate r = st::paired_ratio_by_process(processes, kRatio);
  EXPECT_EQ(r.unit, st::RatioUnit::rounds);
  EXPECT_EQ(r.units, 30);
  EXPECT_EQ(r.verdict, st::Verdict::slower);
  const st::RatioEstimate few = st::paired_ratio_by_process({{1.3, 1.2}, {1.2, 1.3}}, kRatio);
  EXPECT_EQ(few.verdict, st::Verdict::too_few_rounds);
  EXPECT_EQ(st::verdict_text(few),
            "too few rounds for a verdict: 4 paired rounds (2 processes), 6 needed");
}

TEST(PairedRatioByProcess, EmptyProcessesCarryNoEvidence) {
  const st::RatioEstimate r = st::paired_ratio_by_process({{}, {1.5, 1.5}, {}}, kRatio);
  EXPECT_EQ(r.rounds, 2);
  EXPECT_EQ(r.processes, 1);
  EXPECT_NEAR(r.ratio.point, 1.5, kEps);
  expect_invalid([] { st::paired_ratio_by_process({{1.0}, {0.0}}, kRatio); }, "paired_ratio");
}

TEST(PairedRatio, FewerThanTwoRounds) {
  const st::RatioEstimate one = st::paired_ratio({1.3}, kRatio);
  EXPECT_EQ(one.rounds, 1);
  EXPECT_NEAR(one.ratio.point, 1.3, kEps);
  EXPECT_EQ(one.ratio.lower, one.ratio.point);
  EXPECT_EQ(one.ratio.upper, one.ratio.point);
  EXPECT_EQ(one.p_value, 1.0);
  EXPECT_EQ(one.verdict, st::Verdict::too_few_rounds);
  EXPECT_EQ(st::verdict_text(one), "too few rounds for a verdict: 1 paired round, 6 needed");

  const st::RatioEstimate none = st::paired_ratio({}, kRatio);
  EXPECT_EQ(none.rounds, 0);
  EXPECT_EQ(none.ratio.point, 1.0);
  EXPECT_EQ(none.ratio.lower, 1.0);
  EXPECT_EQ(none.ratio.upper, 1.0);
  EXPECT_EQ(none.p_value, 1.0);
  EXPECT_EQ(none.verdict, st::Verdict::too_few_rounds);
}

TEST(PairedRatio, InvalidInput) {
  expect_invalid([] { st::paired_ratio({1.0, 0.0}, kRatio); }, "paired_ratio");
  expect_invalid([] { st::paired_ratio({-1.0, 1.0}, kRatio); }, "paired_ratio");
  expect_invalid([] { st::paired_ratio({1.0, kNaN}, kRatio); }, "paired_ratio");
  expect_invalid([] { st::paired_ratio({kInf, 1.0}, kRatio); }, "paired_ratio");
  expect_invalid([] { st::paired_ratio({1.0, 2.0}, st::RatioOptions{0.0, 0.01}); }, "paired_ratio");
  expect_invalid(
      [] {
        st::paired_ratio({1.0, 2.0}, st::RatioOptions{0.05, -0.01});
      },
      "paired_ratio");
  expect_invalid(
      [] {
        st::paired_ratio({1.0, 2.0}, st::RatioOptions{0.05, 0.01, 1.0});
      },
      "paired_ratio");
}

TEST(PairedRatio, Names) {
  EXPECT_STREQ(st::to_string(st::Verdict::faster), "faster");
  EXPECT_STREQ(st::to_string(st::Verdict::slower), "slower");
  EXPECT_STREQ(st::to_string(st::Verdict::no_difference), "no_difference");
  EXPECT_STREQ(st::to_string(st::Verdict::within_noise), "within_noise");
  EXPECT_STREQ(st::to_string(st::Verdict::too_few_rounds), "too_few_rounds");
  EXPECT_STREQ(st::to_string(st::RatioUnit::processes), "processes");
}

TEST(RatioOfRatios, WelchIntervalAndRankSumTest) {
  // A at 1.0, B at 1.2, 10 rounds each: B's ratio ÷ A's = 1.2, significant.
  const st::RatioChange c =
      st::ratio_of_independent_ratios({jittered(1.0, 0.01, 10)}, {jittered(1.2, 0.01, 10)}, kRatio);
  EXPECT_NEAR(c.ratio.point, 1.2, 0.001);
  EXPECT_GT(c.ratio.lower, 1.15);
  EXPECT_EQ(c.verdict, st::Verdict::slower);
  EXPECT_EQ(st::change_text(c), "relatively slower in B");
  EXPECT_NEAR(c.p_value, 2.0 / 184756, 1e-9);  // 1 of C(20,10) splits each side
  // The same runs: no significant change.
  const st::RatioChange same =
      st::ratio_of_independent_ratios({jittered(1.1, 0.01, 10)}, {jittered(1.1, 0.01, 10)}, kRatio);
  EXPECT_EQ(st::change_text(same), "no significant change");
}

TEST(RatioOfRatios, TooFewRoundsOnEitherSide) {
  const st::RatioChange c =
      st::ratio_of_independent_ratios({{1.0, 1.01, 0.99}}, {{1.5, 1.51, 1.49}}, kRatio);
  EXPECT_EQ(c.verdict, st::Verdict::too_few_rounds);
  EXPECT_EQ(st::change_text(c),
            "too few rounds for a verdict: 3 rounds in A, 3 rounds in B, 4 in each needed");
  const st::RatioChange empty = st::ratio_of_independent_ratios({}, {{1.5}}, kRatio);
  EXPECT_EQ(empty.ratio.point, 1.0);
  EXPECT_EQ(empty.verdict, st::Verdict::too_few_rounds);
}
