#include <cstdio>
#include <stdexcept>

#include "alloc/conf.h"
#include "cli/commands.h"
#include "cli/progress_display.h"
#include "cli/reporting.h"
#include "run/runner.h"
#include "run/shard.h"

namespace shootout::cli {

void add_run_options(CLI::App& run, RunArgs& a) {
  run.add_option("--profile", a.profile, "quick (default), standard, study");
  add_allocator_options(run, a.shared);
  run.add_option("-w,--workloads", a.workloads,
                 "workload names, globs, lists, grids (default: the study's cases); see `list "
                 "workloads`");  // no delimiter: the selection syntax has commas in braces
  run.add_option("--payload", a.payloads,
                 "payload modes: zeroed, filled, uninit, floor "
                 "(default: zeroed,filled)")
      ->delimiter(',');
  add_tune_option(run, a.shared);
  run.add_option("--sweep", a.sweep,
                 "a built-in sweep (see `list tunings`) or a sweep file: its tunings, and its "
                 "workloads and payloads unless -w/--payload are given");
  run.add_option("--runtime", a.runtimes, "asio (default), asio-shipped")->delimiter(',');
  run.add_option("--injection", a.injection, "preload (default) or link");
  add_baseline_and_out_options(run, a.shared);
  run.add_option("--resume", a.resume_dir, "finish an interrupted run in this directory");
  run.add_option("--shard", a.shard,
                 "K/N: run part K (1..N) of the plan split into N by workload group, the same "
                 "split on every machine; `merge` joins the parts");
  run.add_option("--samples", a.samples, "samples (= lockstep rounds) per cell");
  run.add_option("--measurement-time", a.measurement_seconds, "seconds of samples per cell");
  run.add_option("--warm-up-time", a.warmup_seconds, "seconds of warm-up per cell");
  run.add_option("--processes", a.processes,
                 "worker processes per cell, each with the whole warm-up, sharing the measurement "
                 "time; a ratio's CI counts each process once unless their means agree (default "
                 "6, the fewest with which a verdict is possible when they differ)");
  run.add_option("--threads", a.threads, "pool threads for every workload (default: each spec's)");
  run.add_flag("--pin", a.pin, "pin the bench thread and pool threads to CPUs");
  add_counter_flags(run, a.shared,
                    {"count syscalls by interposition instead of perf tracepoints",
                     "also count cycles, instructions and cache misses: per-task perf events, "
                     "which slow wake-up-heavy cells 2.1-2.5x (mpsc/64) under every allocator; "
                     "off by default"});
  run.add_flag("--no-allocation-profile", a.no_allocation_profile, "skip the malloc-counting pass");
  run.add_option("--probes", a.probe_modes,
                 "counters (default); add off and/or strace to measure the tool's own overhead: "
                 "each becomes a variant run in lockstep, e.g. jemalloc(probes off)")
      ->delimiter(',');
  run.add_option("--bootstrap-resamples", a.bootstrap_resamples,
                 "resamples behind every time CI (default 10000; recorded in the manifest, so "
                 "`report` uses the same)");
  run.add_option("--worker-memory-limit", a.memory_limit_mib,
                 "address-space limit of every worker in MiB: an allocator that runs away fails "
                 "its own cell (default: none)");
  run.add_flag("--trace-calls", a.trace_calls,
               "after the rounds, record every madvise/mmap/munmap/brk/mremap call of 2 "
               "iterations per cell, with arguments (traces/), untimed");
  run.add_option(
      "--timeout", a.timeout_seconds,
      "seconds to wait for any one reply of a worker before failing its cell (default 60)");
}

namespace {

run::RunOptions to_options(const RunArgs& a) {
  run::RunOptions o;
  o.profile = run::profile_from_name(a.profile);
  if (a.samples > 0) o.profile.sampling.samples = a.samples;
  if (a.samples < 0 || (a.samples == 1))
    throw std::invalid_argument("--samples must be at least 2 (ratios need paired rounds)");
  if (a.measurement_seconds > 0) o.profile.sampling.measurement_seconds = a.measurement_seconds;
  if (a.warmup_seconds >= 0) o.profile.sampling.warmup_seconds = a.warmup_seconds;
  if (a.processes != 0) {
    if (a.processes < 1 || a.processes > 16)
      throw std::invalid_argument("--processes must be between 1 and 16, got " +
                                  std::to_string(a.processes));
    o.profile.processes = a.processes;
  }
  o.user_allocators = user_allocators(a.shared);
  o.allocators = alloc::names_to_run(a.shared.allocators, o.user_allocators);
  o.workloads = a.workloads;
  if (!a.payloads.empty()) o.payloads = a.payloads;
  if (!a.runtimes.empty()) o.runtimes = a.runtimes;
  o.injection = alloc::injection_from_string(a.injection);
  o.baseline = a.shared.baseline;
  o.threads = a.threads;
  o.pin = a.pin;
  o.tracepoints = !a.shared.no_tracepoints;
  o.hardware_counters = a.shared.hardware_counters;
  o.allocation_profile = !a.no_allocation_profile;
  o.trace_calls = a.trace_calls;
  if (a.memory_limit_mib < 0) throw std::invalid_argument("--worker-memory-limit must be >= 0");
  o.memory_limit_mib = a.memory_limit_mib;
  // Below ~1000 resamples the 2.5 % percentile of a CI rests on 25 draws.
  if (a.bootstrap_resamples < 1000)
    throw std::invalid_argument("--bootstrap-resamples must be at least 1000");
  o.bootstrap_resamples = a.bootstrap_resamples;
  if (!a.probe_modes.empty()) o.probe_modes = a.probe_modes;
  o.trace_calls = a.trace_calls;
  if (a.timeout_seconds <= 0)
    throw std::invalid_argument("--timeout must be a positive number of seconds");
  o.timeout = std::chrono::seconds(a.timeout_seconds);
  o.out_dir = a.shared.out_dir;
  if (!a.shard.empty()) o.shard = run::parse_shard(a.shard);
  std::vector<std::string> tunings = a.shared.tunings;
  if (!a.sweep.empty()) {
    const alloc::Sweep sweep = alloc::load_sweep(a.sweep);
    tunings.insert(tunings.end(), sweep.tunings.begin(), sweep.tunings.end());
    if (a.workloads.empty()) o.workloads = sweep.workloads;
    if (a.payloads.empty() && !sweep.payloads.empty()) o.payloads = sweep.payloads;
  }
  for (const auto& text : tunings) {
    const alloc::Tuning t = alloc::parse_tuning(text);
    o.tunings.push_back({t.allocator, t.conf_text()});
  }
  return o;
}

// The profile's estimate of one cell, until measured pace replaces it.
double seconds_per_cell(const run::RunOptions& options) {
  // ~0.1 s to start and verify each worker process.
  return options.profile.sampling.warmup_seconds + options.profile.sampling.measurement_seconds +
         0.1 * options.profile.processes;
}

}  // namespace

int run_command(const RunArgs& args, const std::vector<std::string>& tool_argv) {
  run::RunSummary summary;
  try {
    std::unique_ptr<ProgressDisplay> display;
    auto progress = [&](const run::ProgressUpdate& u) {
      if (display) display->update(u);
    };
    if (!args.resume_dir.empty() && !args.shard.empty())
      throw std::invalid_argument(
          "--shard with --resume: a resumed run keeps the shard it was started with");
    if (!args.resume_dir.empty()) {
      const run::PendingRun pending = run::load_pending_run(args.resume_dir);
      display = std::make_unique<ProgressDisplay>(seconds_per_cell(pending.options));
      summary = run::resume_run(pending, tool_argv, progress);
    } else {
      const run::RunOptions options = to_options(args);
      display = std::make_unique<ProgressDisplay>(seconds_per_cell(options));
      summary = run::execute_run(options, tool_argv, progress);
    }
    if (display) display->finish();
  } catch (const std::exception&) {
    return exit_status_of_current_exception("run");
  }
  if (summary.failed > 0)
    std::fprintf(stderr, "alloc-shootout run: %d of %d cells failed (reasons in the report)\n",
                 summary.failed, summary.cells);
  std::fflush(stderr);
  const int reported = write_and_summarise(summary.run_dir);
  if (reported != kSuccess) return reported;
  return summary.failed > 0 ? kCellsFailed : kSuccess;
}

}  // namespace shootout::cli
