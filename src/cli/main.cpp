// alloc-shootout: which malloc should a concurrent program use, and why.
// This file only wires subcommands to the layers below (docs/design.md §7).
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/emulation.h"
#include "run/manifest.h"

int main(int argc, char** argv) {
  // A worker that dies mid-write must cost its cell, not the runner.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{
      "alloc-shootout: runs allocators against async-runtime workloads and your own "
      "programs, measures time and the kernel-side cause, and reports which to use and why"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "alloc-shootout " + shootout::run::tool_version());

  shootout::cli::ListArgs list_args;
  auto* list = app.add_subcommand("list", "list allocators, workloads or tunings");
  list->add_option("what", list_args.what, "allocators | workloads | tunings")
      ->check(CLI::IsMember({"allocators", "workloads", "tunings"}))
      ->required();
  list->add_option("--allocator", list_args.user_allocators,
                   "add a shared object as an allocator: NAME=PATH");

  shootout::cli::RunArgs run_args;
  auto* run = app.add_subcommand("run", "run a shootout and write its run directory and reports");
  shootout::cli::add_run_options(*run, run_args);

  shootout::cli::ExecArgs exec_args;
  auto* exec = app.add_subcommand(
      "exec", "run your own command under every allocator: alloc-shootout exec [OPTIONS] -- CMD");
  shootout::cli::add_exec_options(*exec, exec_args);

  shootout::cli::BenchArgs bench_args;
  auto* bench = app.add_subcommand(
      "bench",
      "run your benchmark suite (google/benchmark, Criterion.rs) under every allocator, "
      "benchmark by benchmark: alloc-shootout bench [OPTIONS] -- BINARY");
  shootout::cli::add_bench_options(*bench, bench_args);

  shootout::cli::ReportArgs report_args;
  auto* report = app.add_subcommand("report", "(re)write the reports of a run directory");
  report->add_option("dir", report_args.dir, "run directory")->required();
  report->add_option("--format", report_args.formats, "md, csv, json, html (default: all)")
      ->delimiter(',');

  shootout::cli::CompareArgs compare_args;
  auto* compare = app.add_subcommand("compare", "compare two run directories side by side");
  compare->add_option("dir_a", compare_args.dir_a, "first run directory")->required();
  compare->add_option("dir_b", compare_args.dir_b, "second run directory")->required();

  shootout::cli::MergeArgs merge_args;
  auto* merge = app.add_subcommand(
      "merge",
      "join run directories: the shards of one plan (run --shard K/N) into one run, or the runs "
      "of different machines into a cross-machine report");
  shootout::cli::add_merge_options(*merge, merge_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Every subcommand may start a process through the emulator (common/spawn).
  if (const std::string problem = shootout::common::emulator_problem(); !problem.empty()) {
    std::fprintf(stderr, "alloc-shootout: %s\n", problem.c_str());
    return 2;
  }

  if (*list) return shootout::cli::list_command(list_args);
  if (*run)
    return shootout::cli::run_command(run_args, std::vector<std::string>(argv, argv + argc));
  if (*exec)
    return shootout::cli::exec_command(exec_args, std::vector<std::string>(argv, argv + argc));
  if (*bench)
    return shootout::cli::bench_command(bench_args, std::vector<std::string>(argv, argv + argc));
  if (*report) return shootout::cli::report_command(report_args);
  if (*compare) return shootout::cli::compare_command(compare_args);
  if (*merge) return shootout::cli::merge_command(merge_args);
  return 2;
}
