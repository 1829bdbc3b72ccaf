// Internal to the stats layer: input checks and the bootstrap machinery
// of estimate(). Not part of the public interface.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "stats/estimate.h"

namespace shootout::stats::detail {

// Throws std::invalid_argument("<where>: <what>").
[[noreturn]] void fail(const char* where, const std::string& what);

// Throws unless xs is non-empty and every value is finite.
void require_finite(const char* where, const std::vector<double>& xs);

// Throws unless resamples > 0 and confidence is in (0, 1).
void require_valid(const char* where, const BootstrapOptions& options);

// Uniform index in [0, n), n > 0. Rejection sampling on the raw 64-bit
// output: unbiased, and unlike std::uniform_int_distribution (whose algorithm
// is implementation-defined) it gives the same stream on every standard
// library, since mt19937_64's output sequence is fixed by the standard.
inline std::size_t uniform_index(std::mt19937_64& rng, std::size_t n) {
  const std::uint64_t range = static_cast<std::uint64_t>(n);
  const std::uint64_t max = std::mt19937_64::max();  // 2^64 - 1
  const std::uint64_t limit = max - max % range;     // a multiple of range
  for (;;) {
    const std::uint64_t r = rng();
    if (r < limit) return static_cast<std::size_t>(r % range);
  }
}

// Percentile interval of a bootstrap distribution: its (1-c)/2 and (1+c)/2
// quantiles by the same definition as quantile(). `distribution` is consumed.
Interval percentile_interval(double point, std::vector<double> distribution, double confidence);

// Median of xs, reordering xs (nth_element; same value as quantile(xs, 0.5)).
double median_in_place(std::vector<double>& xs);

}  // namespace shootout::stats::detail
