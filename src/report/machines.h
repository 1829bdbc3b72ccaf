// The cross-machine report (the study's x86-vs-ARM appendix): runs of one
// plan on different machines, each analysed once (analyse() -> ReportModel),
// then compared here, then formatted by machines_report.h. Each case's ratio
// to the baseline on every machine with its CI and verdict; whether the
// finding holds on all machines or differs (the verdicts disagree); each
// other machine's ratio ÷ the first machine's (compare_runs, the two-run
// comparison, once per machine); tuning effects, root-cause counters and
// time vs peak RSS per machine.
//
// Lifetime: rows point into the machines' models, which a
// MachineComparison owns; it moves but is never copied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "journal/machine_set.h"
#include "report/model.h"

namespace shootout::report {

struct MachineRun {
  journal::MachineEntry entry;  // label, name, dir in the cross-machine directory
  ReportModel model;
};

// Whether one finding (a verdict, a best variant, a tuning's effect) is the
// same on every machine.
enum class Agreement {
  holds,       // the same on every machine
  differs,     // two machines disagree
  not_judged,  // no disagreement, but some machine has no verdict (absent, failed, too few)
  baseline,    // the baseline variant itself: nothing to judge
};
const char* to_string(Agreement agreement);  // "holds", "differs", "not judged", "baseline"

// One case × variant on every machine.
struct MachineCellRow {
  CaseKey key;
  std::string family, variant;
  std::vector<const CellAnalysis*> cells;  // per machine; null where it has no such cell
  // Per machine: its ratio to the baseline ÷ the first machine's (Welch t,
  // rank-sum test: stats::ratio_of_independent_ratios via compare_runs);
  // empty for the first machine and where either ratio is missing.
  std::vector<std::optional<stats::RatioChange>> versus_first;
  Agreement agreement = Agreement::not_judged;
  std::string agreement_text;  // "holds on all machines: faster", "differs: …"
};

// One case's best variant against the baseline on every machine.
struct MachineCaseRow {
  CaseKey key;
  std::string family;
  std::vector<const CaseRow*> rows;  // per machine; null where it lacks the case
  Agreement agreement = Agreement::not_judged;
  std::string agreement_text;
};

// One tuned variant in one case on every machine (against the same
// allocator untuned, in that machine's lockstep rounds).
struct MachineTuningRow {
  CaseKey key;
  std::string variant;
  std::vector<const TuningEffect*> effects;  // per machine
  Agreement agreement = Agreement::not_judged;
  std::string agreement_text;
};

struct MachineFootprintRow {
  std::string variant;
  std::vector<const VariantFootprint*> footprints;  // per machine
};

struct MachineComparison {
  std::vector<MachineRun> machines;  // in the order of machines.json
  std::string baseline;
  RunDimensions dims;                    // which labels need runtime / injection
  std::vector<MachineCaseRow> cases;     // the summary, in case order
  std::vector<MachineCellRow> cells;     // every case × variant, in case order
  std::vector<std::size_t> root_cause;   // indices into `cells`: some machine's root-cause cells
  std::vector<MachineTuningRow> tuning;  // tuned variants
  std::vector<MachineFootprintRow> footprints;
  // Cell ids on some machines only, as "id (label, label)".
  std::vector<std::string> partial;

  MachineComparison() = default;
  MachineComparison(MachineComparison&&) = default;
  MachineComparison& operator=(MachineComparison&&) = default;
  MachineComparison(const MachineComparison&) = delete;
  MachineComparison& operator=(const MachineComparison&) = delete;
};

// Compares the runs. Throws MismatchedRunsError (report.h) when they are not
// of the same workloads (require_same_workloads, as compare) or take their
// ratios against different baselines, or when fewer than two are given.
MachineComparison compare_machines(std::vector<MachineRun> machines);

// Analyses the run in each of `run_dirs` (one per machine of `set`, in
// order) and compares them.
MachineComparison analyse_machines(const journal::MachineSet& set,
                                   const std::vector<std::string>& run_dirs);

// A cross-machine directory made by `merge`: it has machines.json.
bool is_machine_set(const std::string& dir);
// Reads dir/machines.json, analyses dir/<machine dir> of each machine and
// compares them. Throws ReportError for a missing or malformed index.
MachineComparison analyse_machine_set(const std::string& dir);

}  // namespace shootout::report
