// A whole run: the run directory (manifest.json, samples.jsonl, logs/), its
// groups one after another, and `--resume`, which re-runs only the groups
// that have no `group_done` record, in a new attempt.
#pragma once

#include <string>

#include "run/lockstep.h"
#include "run/plan.h"

namespace shootout::run {

struct RunSummary {
  std::string run_dir;
  int cells = 0;
  int failed = 0;
  int groups_skipped = 0;  // already done before a resume
};

// Throws std::invalid_argument for bad options (before anything runs) and
// std::runtime_error when the run directory cannot be made or written.
RunSummary execute_run(RunOptions options, const ProgressCallback& progress);

// Loads the options of the run in `run_dir` and finishes it.
RunSummary resume_run(const std::string& run_dir, const ProgressCallback& progress);

// Default output directory: runs/<UTC timestamp>.
std::string default_run_dir();

}  // namespace shootout::run
