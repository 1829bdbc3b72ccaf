// The subcommands of alloc-shootout. Each returns the process exit status:
// 0 success, 1 measured but some cells failed, 2 bad input, 3 I/O failure.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/shared_options.h"

namespace shootout::exec {
struct ExecOptions;
}

namespace shootout::cli {

enum ExitStatus { kSuccess = 0, kCellsFailed = 1, kBadInput = 2, kIoFailure = 3 };

// Called inside a command's catch block: writes "alloc-shootout <command>:
// <what>" to stderr and returns the exit status of the exception's kind —
// bad input (std::invalid_argument) 2, a failed `exec --prepare` 1, anything
// else that could not be done (files, processes) 3.
int exit_status_of_current_exception(const char* command);

struct ListArgs {
  std::string what;
  std::vector<std::string> user_allocators;
};
int list_command(const ListArgs& args);

struct RunArgs {
  SharedArgs shared;  // -a, --allocator, --tune, --baseline, --out, counter flags
  std::string profile = "quick";
  std::vector<std::string> workloads;
  std::vector<std::string> payloads;
  std::vector<std::string> runtimes;
  std::string sweep;
  std::string injection = "preload";
  std::string resume_dir;
  std::string shard;  // --shard K/N ("" = the whole plan)
  int samples = 0;
  double measurement_seconds = 0;
  double warmup_seconds = -1;
  int processes = 0;  // 0: the profile's
  int threads = 0;
  bool pin = false;
  bool no_allocation_profile = false;
  bool trace_calls = false;
  std::vector<std::string> probe_modes;
  long memory_limit_mib = 0;
  int bootstrap_resamples = 10000;
  int timeout_seconds = 60;
};
void add_run_options(CLI::App& run, RunArgs& args);
// `tool_argv`: alloc-shootout's own command line, recorded in the journal.
int run_command(const RunArgs& args, const std::vector<std::string>& tool_argv);

struct ExecArgs {
  SharedArgs shared;  // -a, --allocator, --tune, --baseline, --out, counter flags
  int runs = 10;
  int warmup = 0;
  std::string prepare;
  double timeout_seconds = 0;
  bool ignore_failure = false;
  bool shell = false;
  std::vector<std::string> command;
};
void add_exec_options(CLI::App& exec, ExecArgs& args);
// `tool_argv`: alloc-shootout's own command line, recorded in the journal.
int exec_command(const ExecArgs& args, const std::vector<std::string>& tool_argv);
// exec and bench: the shared options into exec::ExecOptions, then the
// command's own (set_own_options may throw: bad input), run, reports, and the
// exit status; `verb` prefixes every message.
int execute_and_report(const char* verb, const SharedArgs& shared,
                       const std::vector<std::string>& command,
                       const std::vector<std::string>& tool_argv,
                       const std::function<void(exec::ExecOptions&)>& set_own_options);

struct BenchArgs {
  SharedArgs shared;  // -a, --allocator, --tune, --baseline, --out, counter flags
  std::string filter;
  int rounds = 10;
  int repetitions = 0;             // google/benchmark
  int sample_size = 0;             // Criterion.rs
  double measurement_seconds = 0;  // both: 0 = the suite's own
  double warmup_seconds = 0;       // per benchmark, per run (--warm-up-time)
  int warmup = 0;                  // un-timed runs of the suite (--warmup)
  double timeout_seconds = 0;
  bool isolate = false;  // one process per benchmark (per-benchmark counters)
  std::vector<std::string> command;
};
void add_bench_options(CLI::App& bench, BenchArgs& args);
// `tool_argv`: alloc-shootout's own command line, recorded in the journal.
int bench_command(const BenchArgs& args, const std::vector<std::string>& tool_argv);

struct ReportArgs {
  std::string dir;
  std::vector<std::string> formats;
};
int report_command(const ReportArgs& args);

struct CompareArgs {
  std::string dir_a, dir_b;
};
int compare_command(const CompareArgs& args);

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out;
};
void add_merge_options(CLI::App& merge, MergeArgs& args);
// Shards of one plan -> one run directory and its reports (exit 1 when
// shards are missing); whole runs of different machines -> a cross-machine
// directory and its report.
int merge_command(const MergeArgs& args);

}  // namespace shootout::cli
