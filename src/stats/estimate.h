// The statistics layer's public interface (DESIGN.md §5): Criterion's
// sampling plan and estimators, bootstrap confidence intervals, Tukey
// outlier classification, and paired per-round ratios with a verdict.
// Pure functions over numbers: no I/O, no clocks, deterministic for a seed.
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
const char* to_string(SamplingMode mode);

struct SamplingPlan {
  SamplingMode mode = SamplingMode::linear;
  std::vector<std::uint64_t> iterations;  // per sample, size == samples
};

// Criterion's rule: with t = estimated ns per iteration from the warm-up,
// linear sampling runs d, 2d, ..., nd iterations with
// d = ceil(measurement / (t * n(n+1)/2)); when that would give d < 1... the
// plan is flat (every sample the same count, >= 1).
SamplingPlan plan_samples(double ns_per_iteration, const SamplingOptions& options);

// --- estimators --------------------------------------------------------------

struct Interval {
  double point = 0;
  double lower = 0;  // confidence interval bounds
  double upper = 0;
};

struct BootstrapOptions {
  int resamples = 10000;
  double confidence = 0.95;
  std::uint64_t seed = 0x5eed;
};

// One sample = `iterations` iterations took `nanoseconds`.
struct Sample {
  double iterations = 0;
  double nanoseconds = 0;
};

struct Estimates {
  Interval slope;    // OLS through the origin of time on iterations (linear plans)
  Interval mean;     // of per-iteration times
  Interval median;
  Interval std_dev;
  Interval mad;      // median absolute deviation, scaled by 1.4826 as Criterion does
  bool has_slope = false;  // false for flat plans (every sample same count)
};

Estimates estimate(const std::vector<Sample>& samples, const BootstrapOptions& options);

// Plain estimators (exposed for tests and reports).
double mean(const std::vector<double>& xs);
double median(std::vector<double> xs);
double std_dev(const std::vector<double>& xs);  // sample (n-1)
double mad(const std::vector<double>& xs);      // scaled by 1.4826
double quantile(std::vector<double> xs, double q);  // linear interpolation, q in [0,1]
double slope_through_origin(const std::vector<Sample>& samples);

// --- outliers ----------------------------------------------------------------

struct TukeyFences {
  double low_severe, low_mild, high_mild, high_severe;
};
enum class OutlierClass { low_severe, low_mild, normal, high_mild, high_severe };
TukeyFences tukey_fences(const std::vector<double>& xs);  // 1.5 and 3 IQR
std::vector<OutlierClass> classify(const std::vector<double>& xs);

struct OutlierCounts {
  int low_severe = 0, low_mild = 0, high_mild = 0, high_severe = 0;
  int total() const { return low_severe + low_mild + high_mild + high_severe; }
};
OutlierCounts count_outliers(const std::vector<double>& xs);

// --- paired ratios -------------------------------------------------------------

enum class Verdict { faster, slower, no_difference, within_noise };
const char* to_string(Verdict verdict);

struct RatioOptions {
  double significance = 0.05;  // p-value threshold
  double noise = 0.01;         // +-1 %: a significant change smaller than this is "within noise"
};

struct RatioEstimate {
  Interval ratio;   // geometric mean of per-round ratios candidate/baseline, with bootstrap CI
  double p_value = 1;
  Verdict verdict = Verdict::no_difference;
  int rounds = 0;
};

// per_round[i] = (candidate ns/iter in round i) / (baseline ns/iter in round i).
RatioEstimate paired_ratio(const std::vector<double>& per_round, const BootstrapOptions& boot,
                           const RatioOptions& options);

// Coefficient of variation of per-iteration times (std_dev / mean).
double coefficient_of_variation(const std::vector<double>& xs);

}  // namespace shootout::stats
