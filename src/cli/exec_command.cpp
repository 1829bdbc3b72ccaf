// `alloc-shootout exec`: options in, the exec layer runs the command under
// every allocator, then the run directory's reports and the summary.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <stdexcept>

#include "alloc/registry.h"
#include "cli/commands.h"
#include "cli/reporting.h"
#include "exec/child_run.h"
#include "exec/exec_runner.h"
#include "journal/journal.h"

namespace shootout::cli {

void add_exec_options(CLI::App& exec, ExecArgs& a) {
  add_allocator_options(exec, a.shared);
  add_tune_option(exec, a.shared);
  exec.add_option("-n,--runs", a.runs,
                  "timed runs per variant, in interleaved rounds (default 10)");
  exec.add_option("--warmup", a.warmup,
                  "un-timed runs per variant before the timed ones (default 0; every variant "
                  "also has one un-timed verification run first)");
  exec.add_option("--prepare", a.prepare,
                  "a shell command run with /bin/sh -c before every run of CMD (e.g. to drop "
                  "caches); the run stops if it fails");
  exec.add_option("--timeout", a.timeout_seconds,
                  "seconds one run may take before its whole process group is killed and the "
                  "variant fails (default: no limit)");
  exec.add_flag("--ignore-failure", a.ignore_failure,
                "measure runs that exit non-zero or die by a signal (recorded with their exit "
                "status) instead of failing the variant");
  exec.add_flag("--shell", a.shell,
                "run CMD through /bin/sh -c (its words joined by spaces); without it CMD is "
                "executed directly and its arguments reach it verbatim");
  add_baseline_and_out_options(exec, a.shared);
  add_counter_flags(exec, a.shared,
                    {"do not count syscalls with perf tracepoints (those counters are then absent)",
                     "also count cycles, instructions and cache misses (per-task perf events: they "
                     "slow a program that switches threads often under every variant alike)"});
  exec.add_option("command", a.command, "the command and its arguments, after --")->required();
  exec.footer(
      "Example: alloc-shootout exec -a std,jemalloc -n 20 -- xz -k -f -T1 data.bin\n"
      "CMD runs once per variant un-timed with a verification probe preloaded (is the "
      "allocator in effect?), then --warmup and -n timed runs in interleaved rounds. Its stdin "
      "and stdout are /dev/null; its stderr goes to logs/ in the run directory.");
}

int execute_and_report(const char* verb, const SharedArgs& shared,
                       const std::vector<std::string>& command,
                       const std::vector<std::string>& tool_argv,
                       const std::function<void(exec::ExecOptions&)>& set_own_options) {
  exec::ExecOptions o;
  exec::ExecSummary summary;
  try {
    o.allocators = shared.allocators;
    o.user_allocators = user_allocators(shared);
    o.tunings = shared.tunings;
    o.baseline = shared.baseline;
    o.out_dir = shared.out_dir;
    o.tracepoints = !shared.no_tracepoints;
    o.hardware_counters = shared.hardware_counters;
    o.command = command;
    o.tool_argv = tool_argv;
    set_own_options(o);
    exec::kill_running_command_on_interrupt();
    summary = exec::execute(o, [verb](const std::string& line) {
      std::fprintf(stderr, "alloc-shootout %s: %s\n", verb, line.c_str());
    });
  } catch (const std::exception&) {
    return exit_status_of_current_exception(verb);
  }
  // The report's summary is exec's table (a run of one case: one row per variant).
  const int reported = write_and_summarise(summary.run_dir);
  if (summary.failed > 0)
    std::fprintf(stderr,
                 "alloc-shootout %s: %d of %d variants were not measured or failed (reasons "
                 "above and in the report)\n",
                 verb, summary.failed, summary.variants);
  if (summary.failed_cells > 0)
    std::fprintf(stderr,
                 "alloc-shootout %s: %d benchmark cells failed in the harness (reasons above "
                 "and in the report)\n",
                 verb, summary.failed_cells);
  if (reported != kSuccess) return reported;
  return summary.failed > 0 || summary.failed_cells > 0 ? kCellsFailed : kSuccess;
}

int exec_command(const ExecArgs& args, const std::vector<std::string>& tool_argv) {
  return execute_and_report("exec", args.shared, args.command, tool_argv,
                            [&](exec::ExecOptions& o) {
                              o.runs = args.runs;
                              o.warmup = args.warmup;
                              o.prepare = args.prepare;
                              o.timeout_seconds = args.timeout_seconds;
                              o.ignore_failure = args.ignore_failure;
                              o.shell = args.shell;
                            });
}

}  // namespace shootout::cli
