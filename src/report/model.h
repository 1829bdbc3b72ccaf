// The report model: everything the report says about one run directory,
// computed once by analyse() and then only formatted. markdown, HTML, CSV,
// JSON, the terminal summary and `compare` each take a `const ReportModel&`
// (renderers in report/*_report.h, summary_table and compare in report.h);
// none of them estimates, pairs, sweeps or judges anything. What each part
// means is in src/report/README.md; why it is one model is
// docs/design.md §6.
//
// Lifetime: tables, sweeps, tuning effects and the root-cause list point
// into `run.cells`. A ReportModel can be moved (a vector's elements stay
// where they are) but not copied.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "report/cliffs.h"
#include "report/findings.h"

namespace shootout::report {

// One size sweep and the cliffs found along it.
struct SweepFindings {
  SizeSweep sweep;
  std::vector<Cliff> cliffs;
};

// A variant's time and peak RSS against the baseline over the cases both
// ran: one point per case, and the geometric means of both ratios.
struct VariantFootprint {
  std::string variant;
  struct Point {
    double rss_ratio = 0, time_ratio = 0;
  };
  std::vector<Point> points;
  double time_ratio = 0, rss_ratio = 0;  // geometric means over `points`
};

struct ReportModel {
  RunModel run;                       // per cell: estimates, ratios, counters, key drivers
  std::string baseline;               // the variant ratios are taken against
  RunDimensions dims;                 // which labels need runtime / injection
  std::vector<std::string> variants;  // every variant, in column order
  // Families and their cases, each case with its best-vs-baseline finding
  // and the summary's key driver (CaseRow::best, CaseRow::driver).
  std::vector<FamilyTable> tables;
  std::vector<SweepFindings> sweeps;
  std::vector<TuningEffect> tuning;
  std::map<std::string, std::string> unverified;  // variant -> unverified keys and why
  std::vector<std::string> unsteady;              // one warning line per unsteady cell
  std::vector<std::string> allocation_shares;     // with --payload floor, one per case
  std::vector<const CellAnalysis*> root_cause;    // the root-cause table's cells
  std::vector<VariantFootprint> footprints;       // time vs peak RSS, per variant
  std::string emulation;  // "" natively; else what every output says first (emulation.h)

  ReportModel() = default;
  ReportModel(ReportModel&&) = default;
  ReportModel& operator=(ReportModel&&) = default;
  ReportModel(const ReportModel&) = delete;
  ReportModel& operator=(const ReportModel&) = delete;
};

// Reads and analyses run_dir (analyze_run), then computes every finding.
// Throws ReportError as analyze_run does.
ReportModel analyse(const std::string& run_dir, const AnalysisOptions& options = {});
// The findings of a run already analysed.
ReportModel analyse(RunModel run);

// How many findings the report layer has computed in this process: every
// analysis, pairing, sweep, cliff, tuning effect and key-driver judgement
// adds one. Renderers add none — the test that proves it reads this before
// and after rendering a model in every format.
std::uint64_t computations();
// Called by each of those computations.
void count_computation();

}  // namespace shootout::report
