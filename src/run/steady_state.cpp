#include "run/steady_state.h"

#include <algorithm>
#include <cmath>

namespace shootout::run {

namespace {

using nlohmann::json;

// Below this many events in both thirds together a count says little about
// a rate (its Poisson error alone is a third of it), so no verdict.
constexpr double kMeaningfulEvents = 10;
// Relative tolerance: a tenth of the rate. Sampling is not the only noise
// of an event count: timer-driven purging (jemalloc's decay, a tick per
// ~10 ms) lands in one sample or the next, which moves a third's rate by a
// few percent even in a steady process; a tenth is also about the smallest
// change the key-driver rules act on.
constexpr double kRelativeTolerance = 0.10;
// Statistical tolerance: if events arrive as a Poisson process, a third's
// count has variance equal to its mean, so the difference of the two rates
// has standard deviation sqrt(c1 / n1^2 + c2 / n2^2); 3 of those leave a
// steady counter flagged 0.3 % of the time.
constexpr double kPoissonSigmas = 3;

}  // namespace

const std::vector<std::string>& steady_state_counters() {
  static const std::vector<std::string> names = {"minor_faults",     "major_faults", "madvise",
                                                 "madvise_dontneed", "madvise_free", "mmap",
                                                 "munmap",           "brk",          "mremap"};
  return names;
}

CounterDrift compare_thirds(const std::string& counter, double first_count, double first_iterations,
                            double last_count, double last_iterations) {
  CounterDrift d{counter, first_count, first_iterations, last_count, last_iterations};
  if (first_iterations <= 0 || last_iterations <= 0) return d;
  d.meaningful = first_count + last_count >= kMeaningfulEvents;
  if (!d.meaningful) return d;
  const double first_rate = first_count / first_iterations;
  const double last_rate = last_count / last_iterations;
  const double sigma = std::sqrt(first_count / (first_iterations * first_iterations) +
                                 last_count / (last_iterations * last_iterations));
  const double tolerance =
      std::max(kRelativeTolerance * std::max(first_rate, last_rate), kPoissonSigmas * sigma);
  d.agree = std::abs(first_rate - last_rate) <= tolerance;
  return d;
}

journal::SteadyStateRecord steady_state_record(const std::vector<CounterSample>& samples,
                                               int rounds) {
  // Thirds of the rounds: [0, k) and [rounds - k, rounds).
  const int third = rounds / 3;
  journal::SteadyStateRecord record;
  record.rounds = rounds;
  if (third < 1) {
    record.why = "fewer than 3 rounds";
    return record;
  }
  record.first_third = std::array<int, 2>{0, third};
  record.last_third = std::array<int, 2>{rounds - third, rounds};
  bool drifting = false;
  for (const auto& name : steady_state_counters()) {
    double counts[2] = {0, 0}, iterations[2] = {0, 0};
    bool measured = false;
    for (const auto& s : samples) {
      const int part = s.round < third ? 0 : s.round >= rounds - third ? 1 : -1;
      if (part < 0) continue;
      const auto it = s.counts.find(name);
      if (it == s.counts.end()) continue;
      measured = true;
      counts[part] += it->second;
      iterations[part] += s.iterations;
    }
    if (!measured) continue;
    const CounterDrift d = compare_thirds(name, counts[0], iterations[0], counts[1], iterations[1]);
    if (!d.meaningful) continue;
    record.counters[name] = {d.first_count / d.first_iterations, d.last_count / d.last_iterations,
                             d.first_count, d.last_count, d.agree};
    drifting = drifting || !d.agree;
  }
  if (record.counters.empty())
    record.why = "no counter with enough events to judge";
  else
    record.steady = !drifting;
  return record;
}

}  // namespace shootout::run
