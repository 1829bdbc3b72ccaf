// `alloc-shootout bench`: options in, the exec layer runs the user's
// google/benchmark suite under every allocator (exec_runner.h, bench mode),
// then the run directory's reports and the summary.
#include <cstdio>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/reporting.h"
#include "exec/child_run.h"
#include "exec/exec_runner.h"
#include "exec/gbench_output.h"

namespace shootout::cli {

void add_bench_options(CLI::App& bench, BenchArgs& a) {
  add_allocator_options(bench, a.shared);
  add_tune_option(bench, a.shared);
  bench.add_option("--filter", a.filter,
                   "only the benchmarks whose names match this regular expression (passed to the "
                   "harness as --benchmark_filter)");
  bench.add_option("-n,--rounds", a.rounds,
                   "rounds: runs of the suite per variant, interleaved (default 10)");
  bench.add_option("--repetitions", a.repetitions,
                   "repetitions of each benchmark per run of the suite (--benchmark_repetitions); "
                   "every repetition is a sample (default: the harness's, 1)");
  bench.add_option("--warmup", a.warmup,
                   "un-timed runs of the suite per variant before the rounds (default 0)");
  bench.add_option("--timeout", a.timeout_seconds,
                   "seconds one run of the suite may take before it is killed and the variant "
                   "fails (default: no limit)");
  bench.add_flag("--isolate", a.isolate,
                 "each benchmark in its own process, for per-benchmark counters (not yet "
                 "supported: refused)");
  add_baseline_and_out_options(bench, a.shared);
  add_counter_flags(bench, a.shared,
                    {"do not count syscalls with perf tracepoints (those counters are then absent)",
                     "also count cycles, instructions and cache misses"});
  bench.add_option("command", a.command, "the benchmark binary and its arguments, after --")
      ->required();
  bench.footer(std::string("Example: alloc-shootout bench -a std,jemalloc -n 10 --repetitions 3 -- "
                           "./my_benchmarks\nHarnesses: ") +
               exec::kKnownHarnesses +
               ". The time of each benchmark is the harness's own time per iteration; kernel "
               "counters are per run of the suite (--isolate, one process per benchmark, is "
               "not there yet).");
}

int bench_command(const BenchArgs& args, const std::vector<std::string>& tool_argv) {
  exec::ExecOptions o;
  exec::ExecSummary summary;
  try {
    if (args.isolate)
      throw std::invalid_argument(
          "--isolate (one process per benchmark, for per-benchmark counters) is not supported "
          "yet; without it the counters are per run of the suite");
    o.allocators = args.shared.allocators;
    o.user_allocators = user_allocators(args.shared);
    o.tunings = args.shared.tunings;
    o.runs = args.rounds;
    o.warmup = args.warmup;
    o.timeout_seconds = args.timeout_seconds;
    o.baseline = args.shared.baseline;
    o.out_dir = args.shared.out_dir;
    o.tracepoints = !args.shared.no_tracepoints;
    o.hardware_counters = args.shared.hardware_counters;
    o.command = args.command;
    o.tool_argv = tool_argv;
    o.bench = true;
    o.bench_filter = args.filter;
    o.bench_repetitions = args.repetitions;
    exec::kill_running_command_on_interrupt();
    summary = exec::execute(o, [](const std::string& line) {
      std::fprintf(stderr, "alloc-shootout bench: %s\n", line.c_str());
    });
  } catch (const std::exception&) {
    return exit_status_of_current_exception("bench");
  }
  const int reported = write_and_summarise(summary.run_dir);
  if (summary.failed > 0)
    std::fprintf(stderr,
                 "alloc-shootout bench: %d of %d variants were not measured or failed (reasons "
                 "above and in the report)\n",
                 summary.failed, summary.variants);
  if (summary.failed_cells > 0)
    std::fprintf(stderr,
                 "alloc-shootout bench: %d benchmark cells failed in the harness (reasons above "
                 "and in the report)\n",
                 summary.failed_cells);
  if (reported != kSuccess) return reported;
  return summary.failed > 0 || summary.failed_cells > 0 ? kCellsFailed : kSuccess;
}

}  // namespace shootout::cli
