// Distribution-free tests behind the ratio verdicts: Wilcoxon's signed-rank
// test (paired log ratios) and rank-sum test (two runs' log ratios). Exact
// null distributions, conditional on ties, up to the sizes below; beyond
// them the normal approximation with tie and continuity corrections, whose
// error in p at n = 50 is below 0.002 around p = 0.05.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

namespace {

// Exact counting up to here: 2^50 sign patterns still count exactly in a
// double (< 2^53), and the counting costs n * n(n+1) steps (0.1 ms at 50).
constexpr std::size_t kExactSignedRank = 50;
// Rank-sum: subsets of na of N; the counting costs N * na * N(N+1) steps.
constexpr std::size_t kExactRankSum = 40;

// Ranks of `xs` (1-based, ties get the mean of their ranks) doubled, so that
// every rank, tied or not, is an integer.
std::vector<long> doubled_midranks(const std::vector<double>& xs) {
  std::vector<std::size_t> order(xs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return xs[a] < xs[b]; });
  std::vector<long> ranks(xs.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && xs[order[j + 1]] == xs[order[i]]) ++j;
    // ranks i+1 .. j+1 share (i+1 + j+1) / 2; doubled: i + j + 2
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = static_cast<long>(i + j + 2);
    i = j + 1;
  }
  return ranks;
}

// Sum over tie groups of (t^3 - t), for the variance's tie correction.
double tie_term(const std::vector<long>& ranks) {
  std::vector<long> sorted = ranks;
  std::sort(sorted.begin(), sorted.end());
  double term = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    term += t * t * t - t;
    i = j;
  }
  return term;
}

// Two-sided p from a normal approximation of a rank statistic.
double normal_p(double statistic, double mean, double variance) {
  if (!(variance > 0)) return 1;
  const double z = std::max(0.0, std::abs(statistic - mean) - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_survival(z));
}

// Two-sided p from an exact null distribution of counts over 0..size-1.
double exact_p(const std::vector<double>& counts, long observed) {
  double total = 0, at_most = 0, at_least = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    total += counts[s];
    if (static_cast<long>(s) <= observed) at_most += counts[s];
    if (static_cast<long>(s) >= observed) at_least += counts[s];
  }
  return std::min(1.0, 2 * std::min(at_most, at_least) / total);
}

}  // namespace

double signed_rank_p_value(const std::vector<double>& differences) {
  std::vector<double> magnitude;
  std::vector<bool> positive;
  for (double d : differences) {
    if (!std::isfinite(d)) detail::fail("signed_rank_p_value", "non-finite value");
    if (d == 0) continue;  // Wilcoxon's convention: zeros carry no sign
    magnitude.push_back(std::abs(d));
    positive.push_back(d > 0);
  }
  const std::size_t n = magnitude.size();
  if (n == 0) return 1;
  const auto ranks = doubled_midranks(magnitude);
  long observed = 0, total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += ranks[i];
    if (positive[i]) observed += ranks[i];
  }
  if (n > kExactSignedRank) {
    // In doubled ranks: mean n(n+1)/2, variance 4 (n(n+1)(2n+1)/24 - ties/48);
    // the continuity correction of 0.5 on W is 1 on 2W.
    const double nn = static_cast<double>(n);
    const double variance = 4 * (nn * (nn + 1) * (2 * nn + 1) / 24 - tie_term(ranks) / 48);
    return normal_p(observed / 2.0, nn * (nn + 1) / 4, variance / 4);
  }
  // counts[s]: sign patterns whose positive doubled ranks sum to s.
  std::vector<double> counts(static_cast<std::size_t>(total) + 1, 0.0);
  counts[0] = 1;
  long reach = 0;
  for (long r : ranks) {
    reach += r;
    for (long s = reach; s >= r; --s)
      counts[static_cast<std::size_t>(s)] += counts[static_cast<std::size_t>(s - r)];
  }
  return exact_p(counts, observed);
}

double rank_sum_p_value(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) return 1;
  std::vector<double> all = a;
  all.insert(all.end(), b.begin(), b.end());
  for (double x : all)
    if (!std::isfinite(x)) detail::fail("rank_sum_p_value", "non-finite value");
  const auto ranks = doubled_midranks(all);
  const std::size_t na = a.size(), n = all.size();
  long observed = 0, total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += ranks[i];
    if (i < na) observed += ranks[i];
  }
  if (n > kExactRankSum) {
    const double dna = static_cast<double>(na), dnb = static_cast<double>(n - na),
                 dn = static_cast<double>(n);
    const double variance =
        dna * dnb / 12 * ((dn + 1) - tie_term(ranks) / (dn * (dn - 1)));  // of the rank sum
    return normal_p(observed / 2.0, dna * (dn + 1) / 2, variance);
  }
  // ways[k][s]: subsets of k of the ranks seen so far with doubled sum s.
  std::vector<std::vector<double>> ways(na + 1,
                                        std::vector<double>(static_cast<std::size_t>(total) + 1));
  ways[0][0] = 1;
  long reach = 0;
  for (long r : ranks) {
    reach += r;
    for (std::size_t k = na; k >= 1; --k)
      for (long s = reach; s >= r; --s)
        ways[k][static_cast<std::size_t>(s)] += ways[k - 1][static_cast<std::size_t>(s - r)];
  }
  return exact_p(ways[na], observed);
}

int signed_rank_units_needed(double significance) {
  // The most extreme of 2^n sign patterns, either side: p = 2 / 2^n.
  int n = 1;
  while (2 / std::ldexp(1.0, n) >= significance) ++n;
  return n;
}

int rank_sum_units_needed(int units_a, int units_b, double significance) {
  // The most extreme of C(na + nb, na) splits, either side: p = 2 / C.
  auto smallest_p = [](int na, int nb) {
    return 2 / std::exp(std::lgamma(na + nb + 1.0) - std::lgamma(na + 1.0) - std::lgamma(nb + 1.0));
  };
  int k = 1;
  while (smallest_p(std::max(units_a, k), std::max(units_b, k)) >= significance) ++k;
  return k;
}

}  // namespace shootout::stats
