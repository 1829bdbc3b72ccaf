// What the data says across cells, independent of any output format: how
// cells are grouped into the study's tables (families, cases, variant
// columns), which variant is best against the baseline, which cells the
// root-cause table shows, and what each tuning did to its untuned variant.
#pragma once

#include <compare>
#include <map>
#include <string>
#include <vector>

#include "report/analysis.h"
#include "stats/estimate.h"

namespace shootout::report {

// One row of a family table: a workload in one payload mode, runtime build
// and injection mode; its cells by variant.
struct CaseKey {
  std::string workload, payload, runtime, injection;
  auto operator<=>(const CaseKey&) const = default;
};

// The study's "best vs std" for one case.
struct BestVsBaseline {
  enum class Outcome {
    faster,         // the best variant is significantly faster than the baseline
    baseline_best,  // every other variant is significantly slower
    no_difference,  // no variant significantly faster (some not significantly slower)
    too_few,        // no variant significantly faster; some had too few rounds for a verdict
    no_data,        // no ratio could be computed
  };
  Outcome outcome = Outcome::no_data;
  std::string baseline_variant;
  const CellAnalysis* best = nullptr;  // lowest ratio to the baseline
  // faster: best first, then every other significantly faster variant whose
  // ratio CI overlaps the best's (the study's "snmalloc ≈ mimalloc").
  std::vector<const CellAnalysis*> winners;
  const CellAnalysis* slowest = nullptr;  // highest ratio, when significantly slower
  const CellAnalysis* too_few = nullptr;  // too_few: a variant without a verdict
};

struct CaseRow {
  CaseKey key;
  std::string family;
  std::map<std::string, const CellAnalysis*> by_variant;  // failed cells included
  const CellAnalysis* baseline = nullptr;                 // usable baseline cell, if any
  BestVsBaseline best;                                    // best_vs_baseline(*this)
  std::string driver;                                     // summary_driver(*this, best)
};

struct FamilyTable {
  std::string title;                  // the family, or "Tokio-suite patterns"
  std::vector<std::string> families;  // families the table holds
  std::vector<std::string> variants;  // columns, baseline first
  std::vector<CaseRow> rows;          // cases in natural order
};

// Which dimensions vary in the run (labels show only those that do).
struct RunDimensions {
  bool many_runtimes = false;
  bool many_injections = false;
};

// Orders and groups the run's usable and failed cells into the study's
// tables, each case with its best variant and summary driver.
std::vector<FamilyTable> family_tables(const RunModel& model);
RunDimensions run_dimensions(const RunModel& model);
// "mpsc/32768 zeroed" (+ " asio-shipped", " link" when those dimensions vary).
std::string case_label(const CaseKey& key, const RunDimensions& dims);

BestVsBaseline best_vs_baseline(const CaseRow& row);

// The summary's wording of a case: the winners joined by " ≈ ", the
// baseline when every other variant is slower, or "no significant
// difference".
std::string winner_text(const BestVsBaseline& best);
// baseline time ÷ variant time, the study's "× faster" figure, with its CI.
stats::Interval speedup(const stats::Interval& ratio);
// The "<baseline> vs best" figure: the best variant's speed-up with its CI;
// when the baseline itself is best, "1× (next: VARIANT N× slower)".
std::string best_ratio_text(const BestVsBaseline& best);
// Why the slow side of the case is slow, against the fast side's counters:
// "std 3.10× slower than mimalloc: heap trim via brk (+0.98 brk, +8.1 page
// faults per message over mimalloc)" — the baseline against the best
// variant, or the best variant against the baseline when the baseline wins;
// "no significant difference to explain" otherwise.
std::string summary_driver(const CaseRow& row, const BestVsBaseline& best);

// With `--payload floor` (report/floor.h), one sentence per case whose
// baseline has a floor: "allocation is 91.5 % (90.2–92.6 %) of std's time in
// mpsc/32768 filled; on allocation alone std is 4.09× slower than
// mimalloc".
std::vector<std::string> allocation_share_sentences(const std::vector<FamilyTable>& tables,
                                                    const RunDimensions& dims);
// A tuned variant some of whose keys could not be read back carries this
// mark wherever it is named (summary, tables, CSV, JSON, compare): the
// setting may not have taken effect.
inline constexpr const char* kUnverifiedMark = "(unverified tuning)";
// The variant's name, marked when its tuning is unverified.
std::string variant_label(const CellAnalysis& cell);
// variant -> its unverified keys with the reason (CellAnalysis::unverified_reason).
std::map<std::string, std::string> unverified_variants(const RunModel& model);

// The variant ratios are taken against (the baseline cells' variant; "std"
// when the run has no baseline cell).
std::string baseline_variant(const RunModel& model);

// Cells for the root-cause table: every usable cell of mpsc with payloads of
// at least 4 KiB, mpsc_large and block_on_alloc_st — or every usable cell
// when the run has at most kRootCauseAllCases cases or none of those.
inline constexpr std::size_t kRootCauseAllCases = 6;
std::vector<const CellAnalysis*> root_cause_cells(const std::vector<FamilyTable>& tables);

// A tuned variant against the same allocator untuned, in the same group.
struct TuningEffect {
  const CellAnalysis* untuned = nullptr;
  const CellAnalysis* tuned = nullptr;
  stats::RatioEstimate change;  // tuned ÷ untuned per round
  enum class Effect { win, loss, no_difference, too_few } effect = Effect::no_difference;
};
// "win", "loss", "no difference", "too few rounds"
const char* to_string(TuningEffect::Effect effect);
std::vector<TuningEffect> tuning_effects(const RunModel& model);

// One warning line per cell whose kernel counters per iteration did not
// agree between the first and the last third of its rounds (the runner's
// steady-state check, run/steady_state.h): "Not steady: mpsc/32768 zeroed
// jemalloc: madvise_dontneed 1.2 → 0.98 per iteration (first → last third
// of the rounds)". Empty when every judged cell was steady.
std::vector<std::string> unsteady_cell_warnings(const RunModel& model);

// Natural order: "mpsc/8" < "mpsc/64" < "mpsc/4096" (digit runs compare as numbers).
bool natural_less(const std::string& a, const std::string& b);
// Variant columns: the baseline, then by allocator (std, jemalloc, mimalloc,
// tcmalloc, tbbmalloc, snmalloc, others by name), untuned before tuned.
std::vector<std::string> ordered_variants(const RunModel& model,
                                          const std::vector<const CellAnalysis*>& cells);
// Payload modes in the order zeroed, filled, uninit, floor, none, others.
int payload_rank(const std::string& payload);

}  // namespace shootout::report
