// Cliff detection over size sweeps: cells of one family whose workloads
// differ only in payload size (mpsc/8 ... mpsc/32768, one payload mode,
// runtime and injection). A cliff is the smallest size at which a variant
// turns significantly slower than the baseline after being faster or equal,
// or at which its page faults per element jump. Each is one sentence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "stats/estimate.h"

namespace shootout::report {

namespace thresholds {
// A fault "jump" is a step of at least 10x to at least one fault every
// second element: the allocator changed regime (from reusing pages to
// faulting fresh ones), not a drift.
inline constexpr double kFaultJumpFactor = 10.0;
inline constexpr double kFaultJumpMinimum = 0.5;
}  // namespace thresholds

struct SweepPoint {
  std::uint64_t size = 0;                     // payload bytes
  std::optional<stats::RatioEstimate> ratio;  // to the baseline (empty for the baseline)
  std::optional<double> faults_per_element;
};

// One variant's points along one sweep, sizes ascending.
struct SizeSweep {
  std::string family;
  std::string pattern;  // the workload name with the size as SIZE: "mpsc/SIZE"
  std::string payload, runtime, injection;
  std::string variant;
  bool is_baseline = false;
  std::string baseline_variant;
  std::string unit = "element";  // what faults are counted per ("message")
  std::vector<SweepPoint> points;
};

struct Cliff {
  enum class Kind { slower_than_baseline, fault_jump };
  Kind kind = Kind::slower_than_baseline;
  std::string variant;
  std::uint64_t size = 0;           // the smallest size where it happens
  std::uint64_t previous_size = 0;  // the size before it in the sweep
  std::string sentence;
};

// Every sweep of the run with at least two sizes (usable cells only).
std::vector<SizeSweep> size_sweeps(const RunModel& model);
// The cliffs of one sweep: at most one of each kind.
std::vector<Cliff> detect_cliffs(const SizeSweep& sweep);

}  // namespace shootout::report
