// Internals of compare() (report.h), exposed for tests: the workload-spec
// check and the ratio of two runs' ratios.
#pragma once

#include <string>
#include <vector>

#include "report/analysis.h"
#include "stats/estimate.h"

namespace shootout::report {

// Throws MismatchedRunsError naming the workloads present in one run only,
// or the parameters that differ for a workload both ran.
void require_same_workloads(const RunModel& a, const RunModel& b);

// geomean(b) ÷ geomean(a) of two independent runs' per-round ratios, with a
// percentile bootstrap CI in which a's and b's rounds are resampled
// independently (the runs are not paired round by round, so
// stats::paired_ratio does not apply). Both vectors need >= 2 values for a
// CI; otherwise the interval is the point.
stats::Interval ratio_of_ratios(const std::vector<double>& a, const std::vector<double>& b,
                                const stats::BootstrapOptions& options);
// The same with each run's ratios per worker process (CellAnalysis::
// per_process_ratios): each run is resampled by process, then by round, so
// the spread between processes is part of the CI.
stats::Interval ratio_of_ratios(const std::vector<std::vector<double>>& a,
                                const std::vector<std::vector<double>>& b,
                                const stats::BootstrapOptions& options);

}  // namespace shootout::report
