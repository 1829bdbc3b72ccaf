// A/A simulation for the ratio statistics: both variants of a cell drawn
// from one distribution, so every verdict other than "no difference" (or
// "too few rounds") is false and every interval should contain 1. Used by
// calibration_test.cpp; deterministic for a seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "stats/estimate.h"

namespace shootout::stats::simulation {

enum class Shape {
  normal,           // time = 1 + 5 % normal noise
  log_normal,       // time = exp(10 % normal noise)
  heavy_tailed,     // time = exp(2 % Student t with 3 df): rare large values
  contaminated,     // 5 % normal noise; 5 % of samples x U(1.5, 4) (a preempted sample)
  drift,            // the machine slows 3x over the run, both sides alike in a round;
                    // the noise does not scale with it, so the log ratios' spread shrinks
  between_process,  // each worker process has its own speed (2 % log sd), rounds 5 %
};
inline const char* to_string(Shape s) {
  switch (s) {
    case Shape::normal:
      return "normal";
    case Shape::log_normal:
      return "log-normal";
    case Shape::heavy_tailed:
      return "heavy-tailed (t3)";
    case Shape::contaminated:
      return "contaminated 5 %";
    case Shape::drift:
      return "drift";
    case Shape::between_process:
      return "between-process";
  }
  return "?";
}

struct Rates {
  int runs = 0;
  int false_verdicts = 0;  // faster, slower or within_noise
  int covered = 0;         // interval contains 1
  int too_few = 0;
  double false_rate() const { return static_cast<double>(false_verdicts) / runs; }
  double coverage() const { return static_cast<double>(covered) / runs; }
};

// One cell: per_process[p][r] = candidate time / baseline time in round r.
class Generator {
 public:
  Generator(Shape shape, std::uint64_t seed, double process_sd = 0.02)
      : shape_(shape), process_sd_(process_sd), rng_(seed) {}

  std::vector<std::vector<double>> cell(int processes, int rounds) {
    std::vector<std::vector<double>> out(static_cast<std::size_t>(processes));
    for (auto& p : out) {
      // Process speeds: a pair's offset does not average out over rounds.
      const double candidate_speed = process_speed(), baseline_speed = process_speed();
      for (int r = 0; r < rounds; ++r) {
        const double machine = shape_ == Shape::drift ? 1 + 2.0 * r / std::max(1, rounds - 1) : 1;
        p.push_back(sample(machine) * candidate_speed / (sample(machine) * baseline_speed));
      }
    }
    return out;
  }

 private:
  double normal() { return normal_(rng_); }
  double process_speed() {
    return shape_ == Shape::between_process ? std::exp(process_sd_ * normal()) : 1.0;
  }
  double sample(double machine) {
    switch (shape_) {
      case Shape::normal:
        return std::max(0.05, 1 + 0.05 * normal());
      case Shape::log_normal:
      case Shape::between_process:
        return std::exp((shape_ == Shape::log_normal ? 0.10 : 0.05) * normal());
      case Shape::heavy_tailed: {
        // Student t3 = Z / sqrt(chi2_3 / 3)
        double chi2 = 0;
        for (int k = 0; k < 3; ++k) chi2 += std::pow(normal(), 2);
        const double t3 = normal() / std::sqrt(chi2 / 3);
        return std::exp(0.02 * std::clamp(t3, -1000.0, 1000.0));  // exp(+-20): no overflow
      }
      case Shape::contaminated: {
        const double t = std::max(0.05, 1 + 0.05 * normal());
        return uniform_(rng_) < 0.05 ? t * (1.5 + 2.5 * uniform_(rng_)) : t;
      }
      case Shape::drift:
        return std::max(0.05, machine + 0.05 * normal());
    }
    return 1;
  }

  Shape shape_;
  double process_sd_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  std::uniform_real_distribution<double> uniform_;
};

inline bool false_verdict(Verdict v) {
  return v == Verdict::faster || v == Verdict::slower || v == Verdict::within_noise;
}

// `runs` A/A cells of processes x rounds under paired_ratio_by_process.
inline Rates paired(Shape shape, int processes, int rounds, int runs, std::uint64_t seed) {
  Generator g(shape, seed);
  Rates r;
  for (int i = 0; i < runs; ++i) {
    const RatioEstimate e = paired_ratio_by_process(g.cell(processes, rounds), RatioOptions{});
    ++r.runs;
    r.false_verdicts += false_verdict(e.verdict);
    r.covered += e.ratio.lower <= 1 && 1 <= e.ratio.upper;
    r.too_few += e.verdict == Verdict::too_few_rounds;
  }
  return r;
}

// `runs` pairs of independent A/A runs under ratio_of_independent_ratios.
inline Rates compared(Shape shape, int processes, int rounds, int runs, std::uint64_t seed) {
  Generator g(shape, seed);
  Rates r;
  for (int i = 0; i < runs; ++i) {
    const auto a = g.cell(processes, rounds);
    const RatioChange c = ratio_of_independent_ratios(a, g.cell(processes, rounds), RatioOptions{});
    ++r.runs;
    r.false_verdicts += false_verdict(c.verdict);
    r.covered += c.ratio.lower <= 1 && 1 <= c.ratio.upper;
    r.too_few += c.verdict == Verdict::too_few_rounds;
  }
  return r;
}

}  // namespace shootout::stats::simulation
