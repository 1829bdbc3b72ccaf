// `alloc-shootout exec` and `bench`: the user's own command under every allocator
// variant. Per variant one un-timed verification run with the exec probe
// (verification.h), then --warmup runs and -n timed runs in interleaved
// rounds (round r runs the variants in their order rotated by r, as the
// workload runner's lockstep rounds do, so drift of the machine hits every
// variant alike and per-round ratios pair up). Writes a run directory in
// the results schema (docs/results-schema.md), so `report` and `compare`
// read it like a workload run: group = workload = "exec:<command>", one
// cell per variant, one sample (iters 1) per timed run.
// `bench` (ExecOptions::bench) is the same machinery on a benchmark suite
// of a harness it knows (harness.h: google/benchmark, Criterion.rs): the
// harness is recognised and the benchmarks listed before anything runs;
// every timed run of the suite writes the harness's output into logs/, and
// every sample the harness took of every benchmark becomes one sample of
// the cell benchmark x variant (iters and wall time as the harness reports
// them), so the report pairs each benchmark's rounds against the baseline
// as for `run`. Group = "bench:<suite>", family = the suite's file name, workload =
// the benchmark. Kernel counters are the suite process's, attached to the
// first sample of the benchmark's cell in the round only when the process
// ran that one benchmark (journal::CountedProcess: they are divided by all
// the iterations the harness reported for the process). With
// ExecOptions::bench_isolate every benchmark runs in its own process, so
// every benchmark has its counters, and a process that fails fails only its
// benchmark's cell.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "alloc/registry.h"
#include "exec/harness.h"

namespace shootout::exec {

struct ExecOptions {
  std::vector<std::string> allocators;            // empty: every available one
  std::vector<alloc::Allocator> user_allocators;  // --allocator NAME=PATH
  std::vector<std::string> tunings;               // ALLOC:KEY:VALUE[,KEY:VALUE]
  int runs = 10;                                  // timed runs (= rounds) per variant
  int warmup = 0;                                 // un-timed runs per variant after verification
  std::string prepare;                            // run by /bin/sh -c before every run
  double timeout_seconds = 0;                     // per run; 0 = none
  bool ignore_failure = false;
  bool shell = false;  // run the command as /bin/sh -c "<words joined by spaces>"
  std::string baseline = "std";
  std::string out_dir;               // "" = runs/<UTC time>
  bool tracepoints = true;           // false: syscall counters absent (as where perf refuses them)
  bool hardware_counters = false;    // cycles, instructions, cache misses (off: they cost time)
  std::vector<std::string> command;  // the words after --
  std::vector<std::string> tool_argv;  // alloc-shootout's own argv, for run_start
  // `bench`: the command is a benchmark suite; one cell per benchmark per
  // variant, its samples the harness's own time per iteration.
  bool bench = false;
  std::string bench_filter;        // the harness's regular expression ("" = every benchmark)
  HarnessSettings bench_settings;  // samples, measurement and warm-up time per run
  // --isolate: every round (and warm-up round) runs each benchmark in a
  // process of its own (Harness::exact_filter), whose counters are that
  // benchmark's; the verification run stays one run of the selection.
  bool bench_isolate = false;
};

// --prepare failed: the run stops (its records so far stay).
class PrepareFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the CLI needs once the runs are done; the figures are the report's
// (report/model.h), analysed from run_dir like any run directory.
struct ExecSummary {
  std::string run_dir;
  int variants = 0;
  int failed = 0;        // not in effect, or the command failed
  int failed_cells = 0;  // bench: benchmarks the harness failed, one cell each
};

using ProgressSink = std::function<void(const std::string& line)>;

// Throws std::invalid_argument for bad options or a command that cannot be
// found — before anything runs or is written; std::runtime_error (or
// journal::JournalError) when the run directory cannot be written or a
// helper is missing; PrepareFailed.
ExecSummary execute(const ExecOptions& options, const ProgressSink& progress);

// The command as one line of text, each word quoted for a POSIX shell when
// it needs it: `./prog 'a; b' '$(x)'`.
std::string command_text(const std::vector<std::string>& words);

}  // namespace shootout::exec
