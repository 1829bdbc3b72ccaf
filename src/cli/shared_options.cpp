#include "cli/shared_options.h"

namespace shootout::cli {

void add_allocator_options(CLI::App& app, SharedArgs& a) {
  app.add_option("-a,--allocators", a.allocators,
                 "allocators to compare (default: every available one)")
      ->delimiter(',');
  app.add_option("--allocator", a.user_allocators,
                 "add a shared object as an allocator: NAME=PATH (repeatable)");
}

void add_tune_option(CLI::App& app, SharedArgs& a) {
  app.add_option("--tune", a.tunings,
                 "a tuned variant: ALLOC:KEY:VALUE[,KEY:VALUE] (repeatable), e.g. "
                 "jemalloc:tcache_max:4096");
}

void add_baseline_and_out_options(CLI::App& app, SharedArgs& a) {
  app.add_option("--baseline", a.baseline, "allocator ratios are taken against (default std)");
  app.add_option("--out", a.out_dir, "run directory (default runs/<UTC time>)");
}

void add_counter_flags(CLI::App& app, SharedArgs& a, const CounterFlagsHelp& help) {
  app.add_flag("--no-tracepoints", a.no_tracepoints, help.no_tracepoints);
  app.add_flag("--hardware-counters", a.hardware_counters, help.hardware_counters);
}

std::vector<alloc::Allocator> user_allocators(const SharedArgs& args) {
  std::vector<alloc::Allocator> parsed;
  for (const auto& spec : args.user_allocators) parsed.push_back(alloc::parse_user_allocator(spec));
  return parsed;
}

}  // namespace shootout::cli
