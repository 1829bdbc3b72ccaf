// Paired per-round ratios candidate/baseline: geometric mean, bootstrap CI,
// bootstrap p-value and Criterion's change verdict. Ratios are averaged in
// log space because a ratio and its inverse must weigh the same (2.0 and 0.5
// average to 1, not 1.25), and per-round ratios of times are right-skewed.
#include <cmath>
#include <cstddef>
#include <random>
#include <string>

#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::no_difference:
      return "no_difference";
    case Verdict::within_noise:
      return "within_noise";
  }
  return "unknown";
}

RatioEstimate paired_ratio(const std::vector<double>& per_round, const BootstrapOptions& boot,
                           const RatioOptions& options) {
  return paired_ratio_by_process({per_round}, boot, options);
}

RatioEstimate paired_ratio_by_process(const std::vector<std::vector<double>>& per_process,
                                      const BootstrapOptions& boot, const RatioOptions& options) {
  const char* where = "paired_ratio";
  detail::require_valid(where, boot);
  if (!(options.significance > 0 && options.significance < 1))
    detail::fail(where, "significance must be in (0, 1)");
  if (!std::isfinite(options.noise) || options.noise < 0 || options.noise >= 1)
    detail::fail(where, "noise must be in [0, 1)");
  // Logs per process; a process without rounds carries no evidence.
  std::vector<std::vector<double>> logs;
  std::size_t n = 0;
  double sum = 0;
  for (const auto& rounds : per_process) {
    if (rounds.empty()) continue;
    logs.emplace_back();
    for (std::size_t i = 0; i < rounds.size(); ++i) {
      const double r = rounds[i];
      if (!std::isfinite(r) || r <= 0)
        detail::fail(where, "ratio of round " + std::to_string(i) +
                                " must be finite and > 0, got " + std::to_string(r));
      logs.back().push_back(std::log(r));
      sum += logs.back().back();
    }
    n += rounds.size();
  }

  RatioEstimate out;
  out.rounds = static_cast<int>(n);
  if (n == 0) {
    out.ratio = Interval{1, 1, 1};  // empty product: no evidence of any change
    return out;
  }
  const double m = sum / static_cast<double>(n);
  const double point = std::exp(m);
  if (n < 2) {
    out.ratio = Interval{point, point, point};  // one round: no spread to resample
    return out;
  }

  // One bootstrap pass serves both the CI and the test: the resampled mean
  // of the centred logs (l - m) is the resampled mean minus m. With several
  // processes the resampling has two stages — processes, then rounds within
  // each drawn process — so the spread between processes (a channel's median
  // moved 2-3x between processes of one cell here, DESIGN.md §5) widens the
  // CI as it should; one process is the plain bootstrap over rounds.
  const auto b = static_cast<std::size_t>(boot.resamples);
  std::vector<double> geo(b);
  std::size_t as_extreme = 0;
  std::mt19937_64 rng(boot.seed);
  for (std::size_t k = 0; k < b; ++k) {
    const double mk = detail::resampled_mean_by_process(logs, rng);
    geo[k] = std::exp(mk);
    if (std::abs(mk - m) >= std::abs(m)) ++as_extreme;
  }

  out.ratio = detail::percentile_interval(point, std::move(geo), boot.confidence);
  // p: two-sided bootstrap test of H0 "mean log ratio = 0" -- resample the
  // logs centred on 0 (so H0 holds) and count means at least as far from 0 as
  // the observed one; (1 + count) / (1 + B) so p is never 0 (its floor is
  // 1e-4 at B = 10 000; Monte-Carlo error at p = 0.05 is +-0.002).
  // Like any bootstrap test it is anti-conservative with few rounds (it has
  // no t-distribution tails): the runner should pair >= 10 rounds.
  out.p_value = static_cast<double>(1 + as_extreme) / static_cast<double>(1 + b);

  if (out.p_value >= options.significance)
    out.verdict = Verdict::no_difference;
  else if (out.ratio.lower > 1 + options.noise)
    out.verdict = Verdict::slower;
  else if (out.ratio.upper < 1 - options.noise)
    out.verdict = Verdict::faster;
  else
    out.verdict = Verdict::within_noise;
  return out;
}

namespace {

// Logs of each process's ratios; processes without any are dropped.
std::vector<std::vector<double>> logs_by_process(const std::vector<std::vector<double>>& ratios) {
  std::vector<std::vector<double>> out;
  for (const auto& process : ratios) {
    if (process.empty()) continue;
    out.emplace_back();
    for (double r : process) out.back().push_back(std::log(r));
  }
  return out;
}

std::size_t count_of(const std::vector<std::vector<double>>& logs) {
  std::size_t n = 0;
  for (const auto& p : logs) n += p.size();
  return n;
}

double mean_of(const std::vector<std::vector<double>>& logs) {
  double sum = 0;
  for (const auto& p : logs)
    for (double l : p) sum += l;
  return sum / static_cast<double>(count_of(logs));
}

}  // namespace

Interval ratio_of_independent_ratios(const std::vector<std::vector<double>>& a,
                                     const std::vector<std::vector<double>>& b,
                                     const BootstrapOptions& boot) {
  const auto la = logs_by_process(a), lb = logs_by_process(b);
  if (count_of(la) == 0 || count_of(lb) == 0) return {1, 1, 1};
  const double point = std::exp(mean_of(lb) - mean_of(la));
  if (count_of(la) < 2 || count_of(lb) < 2) return {point, point, point};
  std::mt19937_64 rng(boot.seed);
  std::vector<double> distribution;
  distribution.reserve(static_cast<std::size_t>(boot.resamples));
  for (int k = 0; k < boot.resamples; ++k) {
    const double ma = detail::resampled_mean_by_process(la, rng);
    const double mb = detail::resampled_mean_by_process(lb, rng);
    distribution.push_back(std::exp(mb - ma));
  }
  const double tail = (1 - boot.confidence) / 2;
  return {point, quantile(distribution, tail), quantile(distribution, 1 - tail)};
}

}  // namespace shootout::stats
