// Internals of compare() (report.h), exposed for tests: the workload-spec
// check. The ratio of two runs' ratios is stats::ratio_of_independent_ratios.
#pragma once

#include <string>

#include "report/analysis.h"

namespace shootout::report {

// Throws MismatchedRunsError naming the workloads present in one run only,
// or the parameters that differ for a workload both ran.
void require_same_workloads(const RunModel& a, const RunModel& b);

}  // namespace shootout::report
