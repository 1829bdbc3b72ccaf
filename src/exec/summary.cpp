#include "exec/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "report/key_drivers.h"
#include "stats/estimate.h"

namespace shootout::exec {

namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string duration(double ns) {
  if (ns >= 1e9) return format("%.3g s", ns / 1e9);
  if (ns >= 1e6) return format("%.3g ms", ns / 1e6);
  if (ns >= 1e3) return format("%.3g us", ns / 1e3);
  return format("%.3g ns", ns);
}

std::string count(double value) {
  if (value >= 100) return format("%.0f", value);
  return format("%.3g", value);
}

std::string kib(double value) {
  if (value >= 1024 * 1024) return format("%.3g GiB", value / 1024 / 1024);
  if (value >= 1024) return format("%.3g MiB", value / 1024);
  return format("%.0f KiB", value);
}

// Mean per run of the sum of `names` over the samples that carry any of them.
std::optional<double> per_run(const std::vector<RunSample>& samples,
                              std::initializer_list<const char*> names) {
  double total = 0;
  int carried = 0;
  for (const auto& s : samples) {
    bool any = false;
    double sum = 0;
    for (const char* name : names)
      if (auto it = s.counters.find(name); it != s.counters.end()) {
        any = true;
        sum += it->second;
      }
    if (any) {
      total += sum;
      ++carried;
    }
  }
  if (carried == 0) return std::nullopt;
  return total / carried;
}

std::vector<double> per_round_ratios(const VariantResult& candidate,
                                     const VariantResult& baseline) {
  std::map<int, double> base;
  for (const auto& s : baseline.samples) base[s.round] += s.wall_ns;
  std::map<int, double> mine;
  for (const auto& s : candidate.samples) mine[s.round] += s.wall_ns;
  std::vector<double> ratios;
  for (const auto& [round, ns] : mine)
    if (auto it = base.find(round); it != base.end() && it->second > 0 && ns > 0)
      ratios.push_back(ns / it->second);
  return ratios;
}

// The key-driver rules' input (report/key_drivers.h): counters per run.
report::CounterRates rates_of(const std::vector<RunSample>& samples) {
  report::CounterRates r;
  r.madvise = per_run(samples, {"madvise"});
  r.madvise_dontneed = per_run(samples, {"madvise_dontneed"});
  r.madvise_free = per_run(samples, {"madvise_free"});
  r.brk = per_run(samples, {"brk"});
  r.mmap = per_run(samples, {"mmap"});
  r.munmap = per_run(samples, {"munmap"});
  r.page_faults = per_run(samples, {"minor_faults", "major_faults"});
  r.unit = "run";
  return r;
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string summary_table(const std::string& command, const std::vector<VariantResult>& variants) {
  const VariantResult* baseline = nullptr;
  for (const auto& v : variants)
    if (v.baseline) baseline = &v;
  const std::string base_name = baseline ? baseline->label : "baseline";

  std::vector<std::vector<std::string>> rows = {{"variant", "runs", "median wall [95% CI]",
                                                 "vs " + base_name + " [95% CI]", "verdict",
                                                 "faults/run", "DONTNEED/run", "peak RSS"}};
  std::vector<std::string> failures;
  std::string too_few;
  std::vector<std::string> drivers;  // why a variant differs from the baseline
  std::optional<double> baseline_median;
  if (baseline && !baseline->samples.empty()) {
    std::vector<stats::Sample> samples;
    for (const auto& s : baseline->samples) samples.push_back({1, s.wall_ns});
    baseline_median = stats::estimate(samples, {}).median.point;
  }
  for (const auto& v : variants) {
    if (v.failed) failures.push_back(v.label + ": " + v.failure);
    if (v.samples.empty()) {
      rows.push_back({v.label, "0", v.failed ? "failed (below)" : "-", "", "", "", "", ""});
      continue;
    }
    std::vector<stats::Sample> samples;
    for (const auto& s : v.samples) samples.push_back({1, s.wall_ns});
    const auto estimates = stats::estimate(samples, {});
    std::vector<std::string> row = {
        v.label + (v.failed ? " (failed)" : ""), std::to_string(v.samples.size()),
        duration(estimates.median.point) + " [" + duration(estimates.median.lower) + ", " +
            duration(estimates.median.upper) + "]"};
    if (&v == baseline) {
      row.insert(row.end(), {"1 (baseline)", ""});
    } else if (baseline && !baseline->failed && !v.failed) {
      const auto ratios = per_round_ratios(v, *baseline);
      if (ratios.empty()) {
        row.insert(row.end(), {"-", ""});
      } else {
        const auto r = stats::paired_ratio(ratios, {});
        row.push_back(format("%.3f", r.ratio.point) + " [" + format("%.3f", r.ratio.lower) + ", " +
                      format("%.3f", r.ratio.upper) + "]");
        if (r.verdict == stats::Verdict::too_few_rounds) {
          row.push_back("too few rounds");
          too_few = stats::verdict_text(r);  // the same count for every variant
        } else {
          row.push_back(stats::verdict_text(r));
        }
        // Named from the slower side's counters in excess of the faster side's.
        const double median = estimates.median.point;
        if (r.verdict == stats::Verdict::slower)
          drivers.push_back(v.label + " slower: " +
                            report::gap_driver(rates_of(v.samples), rates_of(baseline->samples),
                                               base_name, median, baseline_median)
                                .text);
        if (r.verdict == stats::Verdict::faster)
          drivers.push_back(v.label + " faster: " +
                            report::avoided_text(
                                report::gap_driver(rates_of(baseline->samples), rates_of(v.samples),
                                                   v.label, baseline_median, median),
                                base_name));
      }
    } else {
      row.insert(row.end(), {"-", ""});
    }
    const auto faults = per_run(v.samples, {"minor_faults", "major_faults"});
    const auto dontneed = per_run(v.samples, {"madvise_dontneed"});
    row.push_back(faults ? count(*faults) : "n/a");
    row.push_back(dontneed ? count(*dontneed) : "n/a");
    std::optional<double> peak;
    for (const auto& s : v.samples)
      if (s.peak_rss_kib) peak = std::max(peak.value_or(0), *s.peak_rss_kib);
    row.push_back(peak ? kib(*peak) : "n/a");
    rows.push_back(row);
  }

  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size() + 2);
  std::string out = "exec: " + command + "\n";
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += pad(row[i], widths[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (!drivers.empty()) {
    out += "\nkey drivers (the slower side's counters in excess of the faster side's):\n";
    for (const auto& d : drivers) out += "  " + d + "\n";
  }
  if (!failures.empty()) {
    out += "\nnot measured or incomplete:\n";
    for (const auto& f : failures) out += "  " + f + "\n";
  }
  out +=
      "\nratio = geometric mean of per-round wall-time ratios (paired rounds) with a 95 % t "
      "interval; verdict: faster / slower when a Wilcoxon signed-rank test gives p < 0.05 and the "
      "CI excludes +-1 %\n";
  if (!too_few.empty()) out += too_few + " (-n)\n";
  return out;
}

}  // namespace shootout::exec
