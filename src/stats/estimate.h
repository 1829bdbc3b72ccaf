// The statistics layer's public interface (docs/design.md §5): Criterion's
// sampling plan and estimators, bootstrap confidence intervals, Tukey
// outlier classification, and paired per-round ratios with a verdict.
// Pure functions over numbers: no I/O, no clocks, deterministic for a seed.
//
// Errors: every function that cannot give a meaningful answer for its input
// (empty vector, non-finite value, option out of range) throws
// std::invalid_argument with a message naming the function and the problem.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shootout::stats {

// --- sampling plan -----------------------------------------------------------

struct SamplingOptions {
  int samples = 10;                  // n
  double measurement_seconds = 1.0;  // target total time of the n samples
  double warmup_seconds = 0.3;
};

enum class SamplingMode { linear, flat };
const char* to_string(SamplingMode mode);  // "linear", "flat"

struct SamplingPlan {
  SamplingMode mode = SamplingMode::linear;
  std::vector<std::uint64_t> iterations;  // per sample, size == samples
};

// Criterion's automatic rule, with t = estimated ns per iteration from the
// warm-up, M = measurement time in ns and n = samples:
//   linear: d = max(1, ceil(M / (t * n(n+1)/2))), sample i runs i*d iterations;
//   if that plan would take n(n+1)/2 * d * t > 2M (possible only when d == 1:
//   one iteration is so slow that 1, 2, ..., n iterations overshoot the target
//   more than twice) the plan is
//   flat:   every sample runs max(1, ceil(M / (t * n))) iterations.
// Throws if t or M is not finite and > 0, or n < 1.
SamplingPlan plan_samples(double ns_per_iteration, const SamplingOptions& options);

// --- estimators --------------------------------------------------------------

struct Interval {
  double point = 0;
  double lower = 0;  // confidence interval bounds
  double upper = 0;
};

struct BootstrapOptions {
  int resamples = 10000;     // > 0
  double confidence = 0.95;  // in (0, 1)
  std::uint64_t seed = 0x5eed;
};

// One sample = `iterations` iterations took `nanoseconds`.
struct Sample {
  double iterations = 0;
  double nanoseconds = 0;
};

struct Estimates {
  Interval slope;  // OLS through the origin of time on iterations (linear plans)
  Interval mean;   // of per-iteration times
  Interval median;
  Interval std_dev;
  Interval mad;            // median absolute deviation, scaled by 1.4826 as Criterion does
  bool has_slope = false;  // false for flat plans (every sample same count); slope = mean then
};

// Point estimates plus bootstrap percentile CIs. Each resample draws n samples
// with replacement (std::mt19937_64 seeded by options.seed, indices drawn by
// rejection so the stream does not depend on the standard library) and all
// five statistics are computed from that same resample. Same input and seed
// => bit-identical output. has_slope is true iff the iteration counts are not
// all equal. Throws on an empty vector, iterations not finite and > 0,
// nanoseconds not finite and >= 0, or bad options.
Estimates estimate(const std::vector<Sample>& samples, const BootstrapOptions& options);

// nanoseconds / iterations of each sample (validated as in estimate()).
std::vector<double> per_iteration(const std::vector<Sample>& samples);

// Plain estimators (exposed for tests and reports). All throw on an empty
// vector or a non-finite value.
double mean(const std::vector<double>& xs);
double median(std::vector<double> xs);
double std_dev(const std::vector<double>& xs);  // sample (n-1); 0 for a single value
double mad(const std::vector<double>& xs);      // median(|x - median|) * 1.4826
// Criterion's percentile definition (Hyndman & Fan type 7, R's default):
// sort, rank = q * (n-1), interpolate linearly between the two neighbours.
double quantile(std::vector<double> xs, double q);  // q in [0,1]
// sum(x*y) / sum(x*x) with x = iterations, y = nanoseconds.
double slope_through_origin(const std::vector<Sample>& samples);

// --- outliers ----------------------------------------------------------------

// Quartiles by quantile() above; IQR = q3 - q1; mild fences q1 - 1.5 IQR and
// q3 + 1.5 IQR, severe fences q1 - 3 IQR and q3 + 3 IQR. A value is an outlier
// only strictly beyond a fence. Outliers are reported, never removed.
struct TukeyFences {
  double low_severe, low_mild, high_mild, high_severe;
};
enum class OutlierClass { low_severe, low_mild, normal, high_mild, high_severe };
const char* to_string(OutlierClass c);  // "low_severe", ..., "normal", ...
TukeyFences tukey_fences(const std::vector<double>& xs);
std::vector<OutlierClass> classify(const std::vector<double>& xs);  // one per x, same order

struct OutlierCounts {
  int low_severe = 0, low_mild = 0, high_mild = 0, high_severe = 0;
  int total() const { return low_severe + low_mild + high_mild + high_severe; }
};
OutlierCounts count_outliers(const std::vector<double>& xs);

// --- paired ratios -------------------------------------------------------------

// too_few_rounds: the paired test cannot reach p < significance with this
// many independent units at all (a two-sided exact test on n units has p >=
// 2 / 2^n: 3 rounds give 0.25 at best), so no data could give a verdict.
enum class Verdict { faster, slower, no_difference, within_noise, too_few_rounds };
// "faster", "slower", "no_difference", "within_noise", "too_few_rounds"
const char* to_string(Verdict verdict);

struct RatioOptions {
  double significance = 0.05;  // p-value threshold, in (0, 1)
  double noise = 0.01;         // +-1 %: a significant change smaller than this is "within noise"
  double confidence = 0.95;    // of the ratio's interval, in (0, 1)
};

// What the interval and the test count as independent: the paired rounds
// (one process, or several whose means agree), or the processes' means
// (processes whose means differ more than their rounds do).
enum class RatioUnit { rounds, processes };
const char* to_string(RatioUnit unit);  // "rounds", "processes"

struct RatioEstimate {
  Interval ratio;      // geometric mean candidate/baseline with its t interval
  double p_value = 1;  // Wilcoxon signed-rank test on the units' log ratios, two-sided
  Verdict verdict = Verdict::too_few_rounds;
  int rounds = 0;     // paired ratios used (rounds x processes)
  int processes = 0;  // processes with at least one ratio
  RatioUnit unit = RatioUnit::rounds;
  int units = 0;         // independent units behind the interval and the test
  int units_needed = 0;  // fewest units with which the test can reach p < significance
  double df = 0;         // degrees of freedom of the t interval (0: no interval)
};

// per_round[i] = (candidate ns/iter in round i) / (baseline ns/iter in round i).
// Logs l_i = ln r_i are the units: point = exp(mean l); interval = exp(mean
// +- t(df = n-1) s / sqrt n); p = Wilcoxon signed-rank test of "l symmetric
// about 0" (exact up to 50 units). Verdict: fewer units than the test needs
// to reach p < significance -> too_few_rounds; else p >= significance or the
// interval contains 1 -> no_difference; else interval above 1 + noise ->
// slower, below 1 - noise -> faster, otherwise within_noise. Fewer than 2
// units: the interval is the point (1 for none). Throws if a ratio is not
// finite and > 0 or an option is out of range.
RatioEstimate paired_ratio(const std::vector<double>& per_round, const RatioOptions& options);
// The same over several worker processes per cell: per_process[p][i] pairs
// the candidate's process p with the baseline's process p in round i. A
// process pair has its own offset (placement, arenas) that rounds do not
// average out, so when an F test of the process means against the rounds
// within them is significant at the pretest level (ratio.cpp), the units are
// the P process means (df P-1); otherwise every ratio is a unit (df N-1).
// One process = the function above.
RatioEstimate paired_ratio_by_process(const std::vector<std::vector<double>>& per_process,
                                      const RatioOptions& options);
// What the verdict means in words, for every output: "faster", ..., and for
// too_few_rounds e.g. "too few rounds for a verdict: 3 paired rounds, 6
// needed" or "too few processes for a verdict: 3 processes, 6 needed (...)".
std::string verdict_text(const RatioEstimate& estimate);

// B's ratio ÷ A's of two independent runs (each given per worker process,
// each side's units chosen as in paired_ratio_by_process). Interval: the
// difference of the two mean logs with Welch's t (SEs squared and summed,
// Welch-Satterthwaite df); p: Wilcoxon rank-sum test of A's units against
// B's. Verdict as paired_ratio, too_few_rounds when no split of A's and B's
// units could give p < significance.
struct RatioChange {
  Interval ratio;
  double p_value = 1;
  Verdict verdict = Verdict::too_few_rounds;
  RatioUnit unit_a = RatioUnit::rounds, unit_b = RatioUnit::rounds;
  int units_a = 0, units_b = 0;
  int units_needed = 0;  // in each run, for the test to be able to reach p < significance
  double df = 0;
};
RatioChange ratio_of_independent_ratios(const std::vector<std::vector<double>>& a,
                                        const std::vector<std::vector<double>>& b,
                                        const RatioOptions& options);
// "relatively slower in B", "relatively faster in B", "no significant
// change", "within noise" or "too few rounds for a verdict: ...".
std::string change_text(const RatioChange& change);

// --- reference distributions and rank tests ----------------------------------

double student_t_cdf(double t, double df);            // df > 0
double student_t_quantile(double q, double df);       // q in (0, 1), df > 0
double f_survival(double f, double df1, double df2);  // P(F > f)
double normal_survival(double z);                     // P(Z > z)
// Two-sided Wilcoxon signed-rank p of "symmetric about 0" (zeros dropped,
// ties by mid-ranks; 1 when nothing is left).
double signed_rank_p_value(const std::vector<double>& differences);
// Two-sided Wilcoxon rank-sum (Mann-Whitney) p of "a and b from one
// distribution"; 1 when either is empty.
double rank_sum_p_value(const std::vector<double>& a, const std::vector<double>& b);
// Fewest units with which the signed-rank test can reach p < significance
// (6 at 0.05); with which the rank-sum test can, the same number in each
// sample (4 each at 0.05 when both are small).
int signed_rank_units_needed(double significance);
int rank_sum_units_needed(int units_a, int units_b, double significance);

// Coefficient of variation of per-iteration times (std_dev / mean). With a
// mean of 0: 0 if every value is 0, +infinity otherwise. Throws on an empty
// vector.
double coefficient_of_variation(const std::vector<double>& xs);

}  // namespace shootout::stats
