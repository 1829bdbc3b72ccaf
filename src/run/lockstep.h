// Runs one group — all cells of one workload — in lockstep rounds
// (docs/design.md §5): every worker is started and warmed, then round r runs each
// cell's r-th sample, one worker at a time, the order rotated by one each
// round, so slow drift of the machine hits every cell alike and the per-round
// ratios pair up. A cell that fails leaves the rounds; the others go on.
#pragma once

#include <functional>
#include <string>

#include "journal/journal.h"
#include "run/cell_launch.h"
#include "run/plan.h"

namespace shootout::run {

struct ProgressUpdate {
  enum class Kind {
    run_planned,  // once, before the first group: what this attempt will run
    group_started,
    cell_warm,
    round_done,
    cell_failed,
    group_done
  } kind;
  std::string group;
  std::string cell;     // for cell_* kinds
  std::string message;  // the failure reason
  int round = 0, rounds = 0;
  int cells = 0;   // cells in the group (group_* kinds); in the attempt (run_planned)
  int groups = 0;  // groups in the attempt (run_planned)
};
using ProgressCallback = std::function<void(const ProgressUpdate&)>;

struct GroupOutcome {
  int cells = 0;
  int failed = 0;
};

// Appends every record of the group to `journal` as it is produced; throws
// journal::JournalError when the journal cannot be written (the run stops).
GroupOutcome run_group(const Group& group, const RunOptions& options, const WorkerPaths& paths,
                       const std::string& run_dir, int attempt, journal::JournalWriter& journal,
                       const ProgressCallback& progress);

}  // namespace shootout::run
