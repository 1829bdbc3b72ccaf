// Paired ratios between variants of one run directory, for the tool's own
// benchmarks: `bench-paired-ratios DIR` prints, per case, the time of every
// "(probes off)" and "(probes strace)" variant against the same allocator
// with counters, and `bench-paired-ratios A B` compares two runs' ratios to
// std (stability), and `bench-paired-ratios --aa DIR` counts, per variant,
// the cells of an A/A run (one allocator under two names) whose verdict
// against the baseline is false. Uses the report layer's analysis and the
// stats layer's paired ratios: the same estimates the reports show.
#include <cstdio>
#include <map>
#include <string>

#include <fmt/core.h>

#include "report/analysis.h"
#include "stats/estimate.h"

namespace {

using shootout::report::CellAnalysis;
using shootout::report::RunModel;

std::string case_key(const CellAnalysis& c) {
  return c.workload + " " + c.payload + " " + c.runtime;
}

std::string interval(const shootout::stats::Interval& i) {
  return fmt::format("{:.3f} ({:.3f}–{:.3f})", i.point, i.lower, i.upper);
}

int overhead(const RunModel& model) {
  std::map<std::string, const CellAnalysis*> measured;  // case|variant -> cell
  for (const auto& c : model.cells)
    if (c.usable()) measured[case_key(c) + "|" + c.variant] = &c;
  fmt::print("{:<34} {:<10} {:<8} {:>28} {:>8}\n", "case", "allocator", "probes",
             "time(counters) ÷ time(mode)", "verdict");
  for (const auto& c : model.cells) {
    for (const std::string mode : {"off", "strace"}) {
      const std::string suffix = "(probes " + mode + ")";
      if (!c.usable() || c.variant.size() <= suffix.size() ||
          c.variant.compare(c.variant.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const std::string base = c.variant.substr(0, c.variant.size() - suffix.size());
      auto it = measured.find(case_key(c) + "|" + base);
      if (it == measured.end()) continue;
      // counters ÷ off: above 1 = the counters cost time; counters ÷ strace:
      // below 1 = strace costs more than the counters.
      if (shootout::report::per_round_ratios(*it->second, c).size() < 2) continue;
      const auto r = shootout::report::paired_ratio(*it->second, c, {});
      fmt::print("{:<34} {:<10} {:<8} {:>28} {:>8}\n", case_key(c), base, mode, interval(r.ratio),
                 shootout::stats::to_string(r.verdict));
    }
  }
  return 0;
}

int stability(const RunModel& a, const RunModel& b) {
  std::map<std::string, const CellAnalysis*> in_b;
  for (const auto& c : b.cells)
    if (c.usable() && c.ratio) in_b[case_key(c) + "|" + c.variant] = &c;
  fmt::print("{:<34} {:<10} {:>24} {:>24} {:>9} {:>8}\n", "case", "variant", "ratio to std (A)",
             "ratio to std (B)", "B ÷ A", "CIs meet");
  int within_5 = 0, total = 0;
  for (const auto& c : a.cells) {
    if (!c.usable() || !c.ratio || c.baseline) continue;
    auto it = in_b.find(case_key(c) + "|" + c.variant);
    if (it == in_b.end()) continue;
    const auto& ra = c.ratio->ratio;
    const auto& rb = it->second->ratio->ratio;
    const double change = rb.point / ra.point;
    const bool overlap = ra.lower <= rb.upper && rb.lower <= ra.upper;
    ++total;
    within_5 += (change > 0.95 && change < 1.05) ? 1 : 0;
    fmt::print("{:<34} {:<10} {:>24} {:>24} {:>9.3f} {:>8}\n", case_key(c), c.variant, interval(ra),
               interval(rb), change, overlap ? "yes" : "no");
  }
  fmt::print("{} of {} ratios agree within 5 %\n", within_5, total);
  // The machine's state per group in each run (run/cross_cpu_latency.h).
  std::map<std::string, std::pair<std::string, std::string>> trips;
  auto text = [](const shootout::report::CrossCpuReading& r) {
    auto ns = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.0f}", *v) : std::string("—");
    };
    return ns(r.before_ns) + "/" + ns(r.after_ns) + " ns";
  };
  for (const auto& r : a.cross_cpu) trips[r.group].first = text(r);
  for (const auto& r : b.cross_cpu) trips[r.group].second = text(r);
  if (!trips.empty()) fmt::print("\ncross-CPU round trip before/after each group\n");
  for (const auto& [group, ab] : trips)
    fmt::print("{:<34} A {:>18}   B {:>18}\n", group, ab.first, ab.second);
  return 0;
}

// Every verdict of an A/A run other than "no difference" or "too few
// rounds" is false: the two names load the same allocator.
int aa(const RunModel& model) {
  struct Count {
    int cells = 0, faster = 0, slower = 0, within_noise = 0, too_few = 0;
  };
  std::map<std::string, Count> by_variant;
  std::string baseline;
  for (const auto& c : model.cells) {
    if (c.baseline) baseline = c.variant;
    if (!c.usable() || c.baseline || !c.ratio) continue;
    Count& n = by_variant[c.variant];
    ++n.cells;
    const auto v = c.ratio->verdict;
    n.faster += v == shootout::stats::Verdict::faster;
    n.slower += v == shootout::stats::Verdict::slower;
    n.within_noise += v == shootout::stats::Verdict::within_noise;
    n.too_few += v == shootout::stats::Verdict::too_few_rounds;
    if (v != shootout::stats::Verdict::no_difference &&
        v != shootout::stats::Verdict::too_few_rounds)
      fmt::print("  false verdict: {} {} {} {}\n", case_key(c), c.variant, interval(c.ratio->ratio),
                 shootout::stats::verdict_text(*c.ratio));
  }
  for (const auto& [variant, n] : by_variant) {
    const int false_verdicts = n.faster + n.slower + n.within_noise;
    fmt::print(
        "{} vs {}: {} of {} cells with a false verdict ({:.1f} %; faster {}, slower {}, within "
        "noise {}); {} too few rounds for a verdict\n",
        variant, baseline, false_verdicts, n.cells,
        n.cells ? 100.0 * false_verdicts / n.cells : 0.0, n.faster, n.slower, n.within_noise,
        n.too_few);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::string(argv[1]) == "--aa")
      return aa(shootout::report::analyze_run(argv[2]));
    if (argc == 2) return overhead(shootout::report::analyze_run(argv[1]));
    if (argc == 3)
      return stability(shootout::report::analyze_run(argv[1]),
                       shootout::report::analyze_run(argv[2]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-paired-ratios: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: bench-paired-ratios RUN_DIR | bench-paired-ratios RUN_A RUN_B | "
               "bench-paired-ratios --aa RUN_DIR\n");
  return 2;
}
