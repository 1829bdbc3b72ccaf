// What the `bench` integration tests of both harnesses share (bench_test.cpp:
// google/benchmark, criterion_bench_test.cpp: Criterion.rs): reading a run
// directory back, and the checks of a `bench --isolate` run, which are the
// same for every harness.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace bench_support {

// The command's output, for a failed assertion.
std::string context(const CliResult& r);

// Whether a cell_failed record's last lines of stderr contain `text`.
bool stderr_tail_contains(const nlohmann::json& failed, const std::string& text);

// cell id -> its number of sample records
std::map<std::string, int> samples_per_cell(const std::vector<nlohmann::json>& all);

// cell id -> its record of `type` ("cell", "cell_failed")
std::map<std::string, nlohmann::json> cells_by_id(const std::vector<nlohmann::json>& all,
                                                  const std::string& type);

// The processes a variant's log (logs/exec-<variant>.log) says were started
// under it: its header line "=== ... ===" before each one's output. Per
// benchmark for --isolate runs (the key "" for a run of the whole suite).
struct LoggedProcesses {
  int verification = 0;
  std::map<std::string, int> warmup, timed;
};
// log file name -> its processes, for every variant's log of the run.
std::map<std::string, LoggedProcesses> logged_processes(const std::string& run_dir);

// Per cell, the counters of its counted processes (samples with
// "counted_process") over the rounds: counter totals, and the iterations
// they cover (the sum of the processes' counted iters).
struct CountedTotals {
  std::map<std::string, double> counters;
  double iters = 0;
  int processes = 0;
  double per_iteration(const std::string& counter) const;
};
std::map<std::string, CountedTotals> counted_totals(const std::vector<nlohmann::json>& samples);

// A `bench --isolate` run of a suite whose benchmarks are `zeroed` (32 KiB
// zeroed buffers) and `small` (small objects) under std, jemalloc and
// jemalloc[tcache_max:4096]: everything the issue asks of it that does not
// depend on the harness. `samples_per_run` is the harness's samples of one
// benchmark per process (repetitions, sample size).
// `warmup` rounds before them (--warmup).
void expect_isolated_run(const std::string& run_dir, const std::string& zeroed,
                         const std::string& small, int rounds, int warmup, int samples_per_run);

}  // namespace bench_support
