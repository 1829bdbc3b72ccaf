// Criterion's sampling plan (see plan_samples in estimate.h).
#include <cmath>
#include <cstdint>

#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

namespace {

// Iteration counts are uint64. Counts near 2^64 only come from an absurd
// ns_per_iteration (~1e-10 ns), so clamp so that no sample's count (at most
// n * x) exceeds 9e18 < 2^63, rather than overflow the cast or the product.
std::uint64_t to_count(double x, std::uint64_t n) {
  const double max = 9.0e18 / static_cast<double>(n);
  if (!(x >= 1.0)) return 1;
  if (x >= max) return static_cast<std::uint64_t>(max);
  return static_cast<std::uint64_t>(x);
}

}  // namespace

const char* to_string(SamplingMode mode) {
  switch (mode) {
    case SamplingMode::linear:
      return "linear";
    case SamplingMode::flat:
      return "flat";
  }
  return "unknown";
}

SamplingPlan plan_samples(double ns_per_iteration, const SamplingOptions& options) {
  const char* where = "plan_samples";
  if (!std::isfinite(ns_per_iteration) || ns_per_iteration <= 0)
    detail::fail(where, "ns_per_iteration must be finite and > 0");
  if (!std::isfinite(options.measurement_seconds) || options.measurement_seconds <= 0)
    detail::fail(where, "measurement_seconds must be finite and > 0");
  if (options.samples < 1) detail::fail(where, "samples must be >= 1");

  const auto n = static_cast<std::uint64_t>(options.samples);
  const double target_ns = options.measurement_seconds * 1e9;
  const double t = ns_per_iteration;

  // Linear: solve (d + 2d + ... + nd) * t = M for d, rounding up.
  const double total_runs = static_cast<double>(n * (n + 1) / 2);
  const std::uint64_t d = to_count(std::ceil(target_ns / t / total_runs), n);
  const double expected_ns = total_runs * static_cast<double>(d) * t;

  SamplingPlan plan;
  plan.iterations.reserve(n);
  // Criterion's threshold: accept up to 2x the target before giving up the
  // slope. Above it d is necessarily 1 (d >= 2 implies expected < 2M).
  if (expected_ns > 2.0 * target_ns) {
    plan.mode = SamplingMode::flat;
    const std::uint64_t per_sample = to_count(std::ceil(target_ns / static_cast<double>(n) / t), 1);
    plan.iterations.assign(n, per_sample);
  } else {
    plan.mode = SamplingMode::linear;
    for (std::uint64_t i = 1; i <= n; ++i) plan.iterations.push_back(i * d);
  }
  return plan;
}

}  // namespace shootout::stats
