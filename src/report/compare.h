// compare() of report.h in two steps, as every report: compare_runs pairs
// the cells of two report models and computes each pair's ratio of ratios
// (stats::ratio_of_independent_ratios); compare_markdown only formats that.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/model.h"

namespace shootout::report {

// One cell matched in both runs (same workload, payload, runtime, injection
// and variant).
struct CellComparison {
  const CellAnalysis* a = nullptr;
  const CellAnalysis* b = nullptr;
  // B's ratio to its baseline ÷ A's; empty unless both cells have a ratio.
  std::optional<stats::RatioChange> change;
};

// Points into both models, which must outlive it.
struct Comparison {
  const ReportModel& a;
  const ReportModel& b;
  std::vector<CellComparison> cells;        // in A's case order
  std::vector<std::string> only_a, only_b;  // cell ids present in one run only
};

// Throws MismatchedRunsError (require_same_workloads) for runs of other workloads.
Comparison compare_runs(const ReportModel& a, const ReportModel& b);
// The markdown of report.h's compare().
std::string compare_markdown(const Comparison& comparison);

// Throws MismatchedRunsError naming the workloads present in one run only,
// or the parameters that differ for a workload both ran.
void require_same_workloads(const RunModel& a, const RunModel& b);

}  // namespace shootout::report
