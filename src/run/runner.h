// A whole run: the run directory (run_directory.h: manifest.json,
// samples.jsonl, logs/, traces/), its groups one after another, and
// `--resume`, which re-runs only the groups that have no `group_done`
// record, in a new attempt.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journal/manifest.h"
#include "run/lockstep.h"
#include "run/plan.h"

namespace shootout::run {

struct RunSummary {
  std::string run_dir;
  int cells = 0;
  int failed = 0;
  int groups_skipped = 0;  // already done before a resume
};

// `argv`: alloc-shootout's own command line, recorded in run_start.
// Throws std::invalid_argument for bad options (before anything runs) and
// std::runtime_error when the run directory cannot be made or written.
RunSummary execute_run(RunOptions options, const std::vector<std::string>& argv,
                       const ProgressCallback& progress);

// An interrupted run, loaded for --resume: its options and plan, and which
// groups are already done — loaded before anything runs, so bad input
// stops the resume before it writes.
struct PendingRun {
  RunOptions options;
  Plan plan;
  std::vector<alloc::Allocator> allocators;
  int attempt = 0;  // the attempt the resume will be
  std::set<std::string> done_groups;
  journal::Manifest manifest;
};

// Throws std::invalid_argument when `run_dir` is not a run directory. Cuts
// a partial last journal line so the file is whole lines again.
PendingRun load_pending_run(const std::string& run_dir);

// Finishes the run: the groups without a group_done record, in a new attempt.
RunSummary resume_run(const PendingRun& pending, const std::vector<std::string>& argv,
                      const ProgressCallback& progress);

// The groups an attempt runs, in plan order: those without a group_done
// record (`done_groups`, from journal::latest_attempts). The runner runs
// exactly these and reports their number and cells to the progress display
// (run_planned) before the first one starts.
std::vector<const Group*> groups_to_run(const Plan& plan, const std::set<std::string>& done_groups);

}  // namespace shootout::run
