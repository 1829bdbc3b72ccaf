// Plain estimators and estimate(): point values plus bootstrap percentile
// confidence intervals, the way Criterion.rs analyses one benchmark.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

// 1 / Phi^-1(3/4) = 1 / 0.67449: makes the MAD a consistent estimator of the
// standard deviation for normal data (Criterion uses the same constant).
constexpr double kMadScale = 1.4826;

// --- detail ------------------------------------------------------------------

namespace detail {

void fail(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string(where) + ": " + what);
}

void require_finite(const char* where, const std::vector<double>& xs) {
  if (xs.empty()) fail(where, "empty input");
  for (double x : xs)
    if (!std::isfinite(x)) fail(where, "non-finite value " + std::to_string(x));
}

// 10 000 resamples (the default, as Criterion): the Monte-Carlo error of an
// estimated 2.5 % quantile is sqrt(0.025 * 0.975 / 10000) = 0.16 % in
// probability, i.e. about 0.027 standard errors for a normal bootstrap
// distribution (density 0.058 at z = 1.96) -- negligible beside the interval.
void require_valid(const char* where, const BootstrapOptions& options) {
  if (options.resamples <= 0) fail(where, "resamples must be > 0");
  if (!(options.confidence > 0 && options.confidence < 1))
    fail(where, "confidence must be in (0, 1)");
}

double median_in_place(std::vector<double>& xs) {
  const std::size_t n = xs.size();
  const auto mid = xs.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(xs.begin(), mid, xs.end());
  if (n % 2 == 1) return *mid;
  // Even n: rank (n-1)/2 falls halfway between the two middle order
  // statistics; the lower one is the largest element left of `mid`.
  const double lower = *std::max_element(xs.begin(), mid);
  return lower + (*mid - lower) * 0.5;
}

// Sorted-input quantile, rank = q * (n-1) (Hyndman & Fan type 7).
static double quantile_sorted(const std::vector<double>& sorted, double q) {
  const std::size_t last = sorted.size() - 1;
  const double rank = q * static_cast<double>(last);
  const double floor = std::floor(rank);
  const auto i = static_cast<std::size_t>(floor);
  if (i >= last) return sorted[last];
  return sorted[i] + (sorted[i + 1] - sorted[i]) * (rank - floor);
}

Interval percentile_interval(double point, std::vector<double> distribution, double confidence) {
  std::sort(distribution.begin(), distribution.end());
  const double alpha = 1 - confidence;
  return Interval{point, quantile_sorted(distribution, alpha / 2),
                  quantile_sorted(distribution, 1 - alpha / 2)};
}

}  // namespace detail

// --- plain estimators ----------------------------------------------------------

double mean(const std::vector<double>& xs) {
  detail::require_finite("mean", xs);
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

double median(std::vector<double> xs) {
  detail::require_finite("median", xs);
  return detail::median_in_place(xs);
}

double std_dev(const std::vector<double>& xs) {
  const double m = mean(xs);  // validates
  if (xs.size() < 2) return 0;
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}

double mad(const std::vector<double>& xs) {
  const double med = median(xs);  // validates
  std::vector<double> dev;
  dev.reserve(xs.size());
  for (double x : xs) dev.push_back(std::abs(x - med));
  return detail::median_in_place(dev) * kMadScale;
}

double quantile(std::vector<double> xs, double q) {
  detail::require_finite("quantile", xs);
  if (!(q >= 0 && q <= 1)) detail::fail("quantile", "q must be in [0, 1]");
  std::sort(xs.begin(), xs.end());
  return detail::quantile_sorted(xs, q);
}

namespace {

void require_samples(const char* where, const std::vector<Sample>& samples) {
  if (samples.empty()) detail::fail(where, "no samples");
  for (const Sample& s : samples) {
    if (!std::isfinite(s.iterations) || s.iterations <= 0)
      detail::fail(where, "iterations must be finite and > 0, got " + std::to_string(s.iterations));
    if (!std::isfinite(s.nanoseconds) || s.nanoseconds < 0)
      detail::fail(where,
                   "nanoseconds must be finite and >= 0, got " + std::to_string(s.nanoseconds));
  }
}

}  // namespace

double slope_through_origin(const std::vector<Sample>& samples) {
  require_samples("slope_through_origin", samples);
  double xy = 0, xx = 0;
  for (const Sample& s : samples) {
    xy += s.iterations * s.nanoseconds;
    xx += s.iterations * s.iterations;
  }
  return xy / xx;
}

std::vector<double> per_iteration(const std::vector<Sample>& samples) {
  require_samples("per_iteration", samples);
  std::vector<double> out;
  out.reserve(samples.size());
  for (const Sample& s : samples) out.push_back(s.nanoseconds / s.iterations);
  return out;
}

double coefficient_of_variation(const std::vector<double>& xs) {
  const double m = mean(xs);  // validates
  const double sd = std_dev(xs);
  if (m == 0) return sd == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return sd / std::abs(m);
}

// --- estimate ----------------------------------------------------------------

namespace {

struct Point {
  double slope, mean, median, std_dev, mad;
};

// All five statistics of one (re)sample. `times` and `scratch` are reordered.
// Summation runs in a fixed order so equal inputs give bit-equal outputs.
Point statistics(const std::vector<Sample>& samples, std::vector<double>& times,
                 std::vector<double>& scratch) {
  const auto n = static_cast<double>(times.size());
  double xy = 0, xx = 0;
  for (const Sample& s : samples) {
    xy += s.iterations * s.nanoseconds;
    xx += s.iterations * s.iterations;
  }
  double sum = 0;
  for (double t : times) sum += t;
  const double m = sum / n;
  double ss = 0;
  for (double t : times) ss += (t - m) * (t - m);
  const double sd = times.size() < 2 ? 0.0 : std::sqrt(ss / (n - 1));
  const double med = detail::median_in_place(times);
  scratch.clear();
  for (double t : times) scratch.push_back(std::abs(t - med));
  const double md = detail::median_in_place(scratch) * kMadScale;
  return Point{xy / xx, m, med, sd, md};
}

}  // namespace

Estimates estimate(const std::vector<Sample>& samples, const BootstrapOptions& options) {
  require_samples("estimate", samples);
  detail::require_valid("estimate", options);

  const std::size_t n = samples.size();
  bool has_slope = false;
  for (const Sample& s : samples) has_slope |= s.iterations != samples.front().iterations;

  std::vector<double> times = per_iteration(samples);
  std::vector<double> scratch;
  scratch.reserve(n);
  const Point point = statistics(samples, times, scratch);

  // Bootstrap: resample the samples (pairs, so the slope's resample matches
  // the per-iteration times'), recompute every statistic.
  const auto b = static_cast<std::size_t>(options.resamples);
  std::vector<double> d_slope(b), d_mean(b), d_median(b), d_sd(b), d_mad(b);
  std::mt19937_64 rng(options.seed);
  std::vector<Sample> resample(n);
  for (std::size_t k = 0; k < b; ++k) {
    for (std::size_t i = 0; i < n; ++i) resample[i] = samples[detail::uniform_index(rng, n)];
    for (std::size_t i = 0; i < n; ++i) times[i] = resample[i].nanoseconds / resample[i].iterations;
    const Point p = statistics(resample, times, scratch);
    d_slope[k] = p.slope;
    d_mean[k] = p.mean;
    d_median[k] = p.median;
    d_sd[k] = p.std_dev;
    d_mad[k] = p.mad;
  }

  const double c = options.confidence;
  Estimates e;
  e.has_slope = has_slope;
  e.mean = detail::percentile_interval(point.mean, std::move(d_mean), c);
  e.median = detail::percentile_interval(point.median, std::move(d_median), c);
  e.std_dev = detail::percentile_interval(point.std_dev, std::move(d_sd), c);
  e.mad = detail::percentile_interval(point.mad, std::move(d_mad), c);
  // Flat plans: every x is equal, so the regression carries no information
  // beyond the mean (sum(xy)/sum(xx) == mean(y/x) then); report the mean.
  e.slope = has_slope ? detail::percentile_interval(point.slope, std::move(d_slope), c) : e.mean;
  return e;
}

}  // namespace shootout::stats
