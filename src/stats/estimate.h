// The statistics layer's public interface (DESIGN.md §5): Criterion's
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

enum class Verdict { faster, slower, no_difference, within_noise };
const char* to_string(Verdict verdict);  // "faster", "slower", "no_difference", "within_noise"

struct RatioOptions {
  double significance = 0.05;  // p-value threshold, in (0, 1)
  double noise = 0.01;         // +-1 %: a significant change smaller than this is "within noise"
};

struct RatioEstimate {
  Interval ratio;  // geometric mean of per-round ratios candidate/baseline, with bootstrap CI
  double p_value = 1;
  Verdict verdict = Verdict::no_difference;
  int rounds = 0;  // paired ratios used (rounds x processes)
};

// per_round[i] = (candidate ns/iter in round i) / (baseline ns/iter in round i).
// Point = exp(m), m = mean(log r); CI = bootstrap percentile of that geometric
// mean over rounds; p = two-sided bootstrap test of m == 0 on the centred
// logs: p = (1 + #{b : |m*_b - m| >= |m|}) / (1 + B), m*_b the resampled
// means. Bootstrap tests are anti-conservative with few rounds: pair >= 10.
// Verdict (Criterion's change rule): p >= significance -> no_difference; else
// CI lower > 1 + noise -> slower; CI upper < 1 - noise -> faster; else
// within_noise. Fewer than 2 rounds: no CI (lower = upper = point, 1 for no
// rounds), p = 1, no_difference. Throws if a ratio is not finite and > 0 or
// an option is out of range.
RatioEstimate paired_ratio(const std::vector<double>& per_round, const BootstrapOptions& boot,
                           const RatioOptions& options);
// The same over several worker processes per cell: per_process[p][i] pairs
// the candidate's process p with the baseline's process p in round i. Point =
// geometric mean of every ratio; CI and p from a two-stage bootstrap
// (processes with replacement, then rounds within each), so variation between
// processes is part of the uncertainty. One process = the function above.
RatioEstimate paired_ratio_by_process(const std::vector<std::vector<double>>& per_process,
                                      const BootstrapOptions& boot, const RatioOptions& options);

// geomean(b) ÷ geomean(a) of two independent runs' ratios, each given per
// worker process, with a percentile CI in which each run is resampled on its
// own by the same two stages (the runs are not paired round by round, so
// paired_ratio does not apply). Either side empty: {1, 1, 1}; fewer than 2
// ratios on a side: the point only.
Interval ratio_of_independent_ratios(const std::vector<std::vector<double>>& a,
                                     const std::vector<std::vector<double>>& b,
                                     const BootstrapOptions& boot);

// Coefficient of variation of per-iteration times (std_dev / mean). With a
// mean of 0: 0 if every value is 0, +infinity otherwise. Throws on an empty
// vector.
double coefficient_of_variation(const std::vector<double>& xs);

}  // namespace shootout::stats
