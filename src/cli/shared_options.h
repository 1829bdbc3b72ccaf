// The options `run`, `exec` and `bench` share — which allocators (-a, --allocator),
// tuned variants (--tune), the baseline, the run directory (--out) and the
// counters (--no-tracepoints, --hardware-counters) — declared here once,
// with one help text and one reading, so the commands cannot drift
// apart. Each command adds them where its help lists them.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "alloc/registry.h"

namespace shootout::cli {

struct SharedArgs {
  std::vector<std::string> allocators;
  std::vector<std::string> user_allocators;  // NAME=PATH, as given
  std::vector<std::string> tunings;          // ALLOC:KEY:VALUE[,KEY:VALUE], as given
  std::string baseline = "std";
  std::string out_dir;
  bool no_tracepoints = false;
  bool hardware_counters = false;
};

// -a/--allocators and --allocator.
void add_allocator_options(CLI::App& app, SharedArgs& args);
// --tune.
void add_tune_option(CLI::App& app, SharedArgs& args);
// --baseline and --out.
void add_baseline_and_out_options(CLI::App& app, SharedArgs& args);

// --no-tracepoints and --hardware-counters. Their help differs by command
// because what they do does: without tracepoints `run` counts syscalls by
// interposition in its own worker, while `exec` cannot interpose in the
// user's program, so those counters are absent.
struct CounterFlagsHelp {
  const char* no_tracepoints;
  const char* hardware_counters;
};
void add_counter_flags(CLI::App& app, SharedArgs& args, const CounterFlagsHelp& help);

// The user's --allocator objects, each checked (alloc::parse_user_allocator:
// std::invalid_argument naming what is wrong).
std::vector<alloc::Allocator> user_allocators(const SharedArgs& args);

}  // namespace shootout::cli
