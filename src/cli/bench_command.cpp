// `alloc-shootout bench`: options in, the exec layer runs the user's
// benchmark suite (google/benchmark or Criterion.rs, exec/harness.h) under
// every allocator (exec_runner.h, bench mode), then the run directory's
// reports and the summary.
#include <stdexcept>

#include "cli/commands.h"
#include "exec/exec_runner.h"
#include "exec/harness.h"

namespace shootout::cli {

void add_bench_options(CLI::App& bench, BenchArgs& a) {
  add_allocator_options(bench, a.shared);
  add_tune_option(bench, a.shared);
  bench.add_option("--filter", a.filter,
                   "only the benchmarks whose names match this regular expression (passed to the "
                   "harness: google/benchmark's --benchmark_filter, Criterion.rs's FILTER)");
  bench.add_option("-n,--rounds", a.rounds,
                   "rounds: runs of the suite per variant, interleaved (default 10)");
  bench.add_option("--repetitions", a.repetitions,
                   "google/benchmark: repetitions of each benchmark per run of the suite "
                   "(--benchmark_repetitions); every repetition is a sample (default: the "
                   "harness's, 1)");
  bench.add_option("--sample-size", a.sample_size,
                   "Criterion.rs: samples of each benchmark per run of the suite (--sample-size, "
                   "at least 10); each is a sample (default: the suite's, 100)");
  bench.add_option(
      "--measurement-time", a.measurement_seconds,
      "seconds each benchmark is measured per run (google/benchmark: "
      "--benchmark_min_time, per repetition; Criterion.rs: --measurement-time, whole seconds; "
      "default: the suite's)");
  bench.add_option(
      "--warm-up-time", a.warmup_seconds,
      "seconds each benchmark runs un-timed before it is measured, per run "
      "(google/benchmark: --benchmark_min_warmup_time; Criterion.rs: --warm-up-time, whole "
      "seconds; "
      "default: the suite's)");
  bench.add_option("--warmup", a.warmup,
                   "un-timed runs of the suite per variant before the rounds (default 0)");
  bench.add_option("--timeout", a.timeout_seconds,
                   "seconds one run of the suite may take before it is killed and the variant "
                   "fails (with --isolate: one benchmark's process, and that benchmark's cell "
                   "fails; default: no limit)");
  bench.add_flag("--isolate", a.isolate,
                 "each benchmark in its own process, selected by an exact filter "
                 "(^name$, escaped), in every round and warm-up round: counters per benchmark "
                 "and iteration, and a crash fails only that benchmark's cell");
  add_baseline_and_out_options(bench, a.shared);
  add_counter_flags(bench, a.shared,
                    {"do not count syscalls with perf tracepoints (those counters are then absent)",
                     "also count cycles, instructions and cache misses"});
  bench.add_option("command", a.command, "the benchmark binary and its arguments, after --")
      ->required();
  bench.footer(
      std::string("Examples: alloc-shootout bench -a std,jemalloc -n 10 --repetitions 3 -- "
                  "./my_benchmarks (google/benchmark)\n"
                  "alloc-shootout bench -a std,jemalloc -n 10 --sample-size 20 -- "
                  "target/release/deps/my_bench-HASH (Criterion.rs, the binary `cargo "
                  "bench --no-run` names)\nHarnesses: ") +
      exec::known_harness_names() +
      ". The time of each benchmark is the harness's own time per iteration; kernel "
      "counters are counted per process, so a benchmark has them only when its process "
      "ran it alone: with --isolate (one process per benchmark), or when --filter selects "
      "it alone.");
}

int bench_command(const BenchArgs& args, const std::vector<std::string>& tool_argv) {
  return execute_and_report("bench", args.shared, args.command, tool_argv,
                            [&](exec::ExecOptions& o) {
                              o.runs = args.rounds;
                              o.warmup = args.warmup;
                              o.timeout_seconds = args.timeout_seconds;
                              o.bench = true;
                              o.bench_filter = args.filter;
                              o.bench_isolate = args.isolate;
                              o.bench_settings.repetitions = args.repetitions;
                              o.bench_settings.sample_size = args.sample_size;
                              o.bench_settings.measurement_seconds = args.measurement_seconds;
                              o.bench_settings.warmup_seconds = args.warmup_seconds;
                            });
}

}  // namespace shootout::cli
