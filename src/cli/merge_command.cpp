#include <cstdio>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/reporting.h"
#include "report/machines.h"
#include "report/machines_report.h"
#include "run/merge.h"

namespace shootout::cli {

void add_merge_options(CLI::App& merge, MergeArgs& a) {
  merge.add_option("dirs", a.dirs, "run directories: the shards of one plan, or whole runs")
      ->required();
  merge.add_option("--out", a.out, "the directory to write (must not hold a run)")->required();
}

namespace {

int merge_shard_runs(const std::vector<run::MergeInput>& inputs, const std::string& out) {
  const run::ShardMerge merged = run::merge_shards(inputs, out);
  for (const auto& note : merged.notes)
    std::fprintf(stderr, "alloc-shootout merge: %s\n", note.c_str());
  const int reported = write_and_summarise(merged.out);
  if (reported != kSuccess) return reported;
  if (merged.missing.empty()) return kSuccess;
  std::string shards, groups;
  for (int k : merged.missing)
    shards += (shards.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(merged.count);
  for (const auto& g : merged.missing_groups) groups += (groups.empty() ? "" : ", ") + g;
  std::fprintf(stderr,
               "alloc-shootout merge: incomplete: shard%s %s missing (groups %s); the report says "
               "so. Measure them with alloc-shootout run --resume %s, or merge again with every "
               "shard.\n",
               merged.missing.size() == 1 ? "" : "s", shards.c_str(), groups.c_str(),
               merged.out.c_str());
  return kCellsFailed;
}

int merge_machine_runs(const std::vector<run::MergeInput>& inputs, const std::string& out) {
  const journal::MachineSet set = run::machine_set_of(inputs);
  std::vector<std::string> sources;
  for (const auto& in : inputs) sources.push_back(in.dir);
  // Analysed and compared before anything is written: runs that cannot be
  // compared are refused with nothing left behind.
  const report::MachineComparison comparison = report::analyse_machines(set, sources);
  run::write_machine_set(inputs, set, out);
  return write_and_summarise_machines(comparison, out, report::machine_formats());
}

}  // namespace

int merge_command(const MergeArgs& args) {
  try {
    const auto inputs = run::read_merge_inputs(args.dirs);
    if (run::merge_kind(inputs) == run::MergeKind::shards)
      return merge_shard_runs(inputs, args.out);
    return merge_machine_runs(inputs, args.out);
  } catch (const report::ReportError& e) {
    std::fprintf(stderr, "alloc-shootout merge: %s\n", e.what());
    return kBadInput;
  } catch (const std::exception&) {
    return exit_status_of_current_exception("merge");
  }
}

}  // namespace shootout::cli
