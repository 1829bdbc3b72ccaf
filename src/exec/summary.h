// The table `exec` prints when it is done: per variant whether the
// allocator was in effect, the median wall time with its 95 % bootstrap CI,
// the paired per-round ratio to the baseline with CI and verdict, and the
// kernel-side cause per run (page faults, MADV_DONTNEED calls, peak RSS);
// under it, for each variant significantly slower or faster than the
// baseline, the key driver from the slower side's counters in excess of the
// faster side's (report/key_drivers.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shootout::exec {

struct RunSample {
  int round = 0;
  double wall_ns = 0;
  std::map<std::string, double> counters;  // absent key = not measured
  std::optional<double> peak_rss_kib;
};

struct VariantResult {
  std::string label;
  bool baseline = false;
  bool failed = false;
  std::string failure;  // e.g. "allocator not in effect: ..."
  std::vector<RunSample> samples;
};

std::string summary_table(const std::string& command, const std::vector<VariantResult>& variants);

}  // namespace shootout::exec
