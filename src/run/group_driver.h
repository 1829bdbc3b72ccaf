// The driver of one group's lockstep rounds (run_group, lockstep.h), split
// by job over three files: lockstep.cpp (start, warm-up, rounds, the group's
// records), untimed_passes.cpp (the raw-call pass and the allocation count
// pass, after the rounds) and cell_failure.cpp (a cell's failure: its
// record, its other processes stopped, out-of-memory diagnosis). Private to
// the run layer.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alloc/conf_verify.h"
#include "journal/journal.h"
#include "journal/records.h"
#include "run/cell_launch.h"
#include "run/lockstep.h"
#include "run/steady_state.h"
#include "stats/estimate.h"

namespace shootout::run {

// What a worker's error reply said about the allocator check and the tuning
// read-back, carried into the cell's cell_failed record.
struct WorkerFindings {
  nlohmann::json verification;  // null: none
  std::optional<alloc::TuningCheck> tuning_check;
};

// One worker process of a cell (a cell has profile.processes of them).
struct LiveCell {
  const Cell* cell = nullptr;
  int process_index = 0;
  std::unique_ptr<WorkerProcess> process;
  nlohmann::json hello;
  stats::SamplingPlan plan;
  bool failed = false;
};

class GroupDriver {
 public:
  GroupDriver(const Group& group, const RunOptions& options, const WorkerPaths& paths,
              const std::string& run_dir, int attempt, journal::JournalWriter& journal,
              const ProgressCallback& progress);

  GroupOutcome run();

 private:
  void notify(const ProgressUpdate& update) {
    if (progress_) progress_(update);
  }
  // Every record of the group, with this attempt's number.
  void append(const nlohmann::json& typed) {
    nlohmann::json record = typed;
    record["attempt"] = attempt_;
    journal_.append(std::move(record));
  }
  std::chrono::milliseconds timeout() const { return options_.timeout; }
  int processes() const { return std::max(1, options_.profile.processes); }

  // lockstep.cpp
  void start(const Cell& cell, int process_index);
  std::optional<journal::Measurement> sample(LiveCell& live, std::uint64_t iterations,
                                             const std::string& phase);
  void warm_up(LiveCell& live);
  void run_round(int round);
  void record_steady_state(int rounds);
  std::vector<pid_t> worker_pids() const;

  // untimed_passes.cpp
  void trace_pass(LiveCell& live);
  void profile_pass();

  // cell_failure.cpp
  void fail(LiveCell& live, const std::string& phase, const std::string& reason,
            const WorkerFindings& findings = {}, bool exiting = false);
  bool expect(LiveCell& live, const WorkerProcess::Reply& reply, const char* type,
              const std::string& phase);

  const Group& group_;
  const RunOptions& options_;
  const WorkerPaths& paths_;
  const std::string& run_dir_;
  const int attempt_;
  journal::JournalWriter& journal_;
  const ProgressCallback& progress_;
  const long cores_;
  std::vector<LiveCell> cells_;
  std::map<std::string, std::vector<CounterSample>> counter_samples_;  // by cell id
};

}  // namespace shootout::run
