#include "run/runner.h"

#include <fstream>
#include <stdexcept>

#include "journal/journal.h"
#include "journal/records.h"
#include "run/manifest.h"
#include "run/run_directory.h"
#include "run/shard.h"

namespace shootout::run {

namespace {

using nlohmann::json;

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(path + " is not valid JSON");
  return j;
}

RunSummary run_plan(const RunOptions& options, const Plan& plan,
                    const std::vector<alloc::Allocator>& allocators, int attempt,
                    const std::set<std::string>& done_groups, journal::Manifest manifest,
                    const RunDirectory& run_dir, const std::vector<std::string>& argv,
                    const ProgressCallback& progress) {
  manifest.machine = describe_machine();
  manifest.allocators = describe_allocators(allocators);
  manifest.plan = {};
  for (const auto& g : plan.groups) {
    journal::PlanGroup group{g.name, {}};
    for (const auto& c : g.cells) group.cells.push_back(c.id);
    manifest.plan.groups.push_back(std::move(group));
  }
  manifest.plan.cells = plan.cell_count();
  manifest.options = options.to_json();
  manifest.plan.digest = journal::plan_digest(manifest.plan, manifest.options);
  manifest.tool_version = tool_version();
  // A shard measures its part only; the manifest keeps the whole plan, so
  // `merge` can check the parts against it and name what is missing.
  const Plan measured = part_to_run(plan, options.shard);
  if (options.shard) {
    manifest.shard = journal::ShardFacts{options.shard->index, options.shard->count, {}};
    for (const auto& g : measured.groups) manifest.shard->groups.push_back(g.name);
  }
  RunDirectory::begin_attempt(manifest, attempt);
  run_dir.write_manifest(manifest);

  journal::JournalWriter journal(run_dir.journal_path());
  journal.append(journal::RunStartRecord{attempt, utc_now(), argv});

  const std::vector<const Group*> to_run = groups_to_run(measured, done_groups);
  // What this attempt will run, not the whole plan: the time left counts down from it.
  if (progress) {
    ProgressUpdate planned{};
    planned.kind = ProgressUpdate::Kind::run_planned;
    planned.groups = static_cast<int>(to_run.size());
    for (const Group* group : to_run) planned.cells += static_cast<int>(group->cells.size());
    progress(planned);
  }

  const WorkerPaths paths = WorkerPaths::beside_this_executable();
  RunSummary summary{run_dir.path(), 0, 0, 0};
  summary.groups_skipped = static_cast<int>(measured.groups.size() - to_run.size());
  for (const Group* group : to_run) {
    GroupOutcome outcome =
        run_group(*group, options, paths, run_dir.path(), attempt, journal, progress);
    summary.cells += outcome.cells;
    summary.failed += outcome.failed;
  }
  nlohmann::json end = journal::RunEndRecord{utc_now(), static_cast<std::uint64_t>(summary.cells),
                                             static_cast<std::uint64_t>(summary.failed)};
  end["attempt"] = attempt;
  journal.append(std::move(end));
  journal.sync();
  RunDirectory::end_attempt(manifest);
  manifest.machine.loadavg_end = describe_machine().loadavg;
  run_dir.write_manifest(manifest);
  return summary;
}

}  // namespace

std::vector<const Group*> groups_to_run(const Plan& plan,
                                        const std::set<std::string>& done_groups) {
  std::vector<const Group*> to_run;
  for (const auto& group : plan.groups)
    if (!done_groups.count(group.name)) to_run.push_back(&group);
  return to_run;
}

RunSummary execute_run(RunOptions options, const std::vector<std::string>& argv,
                       const ProgressCallback& progress) {
  const auto allocators = alloc::discover(alloc::read_loader_cache(), options.user_allocators);
  const Plan plan = expand_plan(options, allocators);  // validates before anything is written
  part_to_run(plan, options.shard);                    // refuses more shards than groups
  const RunDirectory run_dir =
      RunDirectory::create_new(options.out_dir, RunDirectory::Kind::workloads);
  options.out_dir = run_dir.path();
  return run_plan(options, plan, allocators, 1, {}, journal::Manifest{}, run_dir, argv, progress);
}

PendingRun load_pending_run(const std::string& dir) {
  const RunDirectory run_dir = RunDirectory::existing(dir);
  PendingRun pending;
  const json manifest = read_json_file(run_dir.manifest_path());
  if (!manifest.is_object() || !manifest.contains("options") || !manifest["options"].is_object())
    throw std::invalid_argument("--resume " + run_dir.path() +
                                ": manifest.json has no \"options\" (not written by `run`)");
  pending.manifest = manifest.get<journal::Manifest>();
  pending.options = RunOptions::from_json(pending.manifest.options);
  pending.options.out_dir = run_dir.path();
  const auto contents = journal::read_journal(run_dir.journal_path());
  if (contents.truncated_tail) run_dir.cut_partial_last_record();
  const auto view = journal::latest_attempts(contents);
  pending.allocators = alloc::discover(alloc::read_loader_cache(), pending.options.user_allocators);
  pending.plan = expand_plan(pending.options, pending.allocators);
  pending.attempt = view.last_attempt + 1;
  pending.done_groups = view.done_groups;
  return pending;
}

RunSummary resume_run(const PendingRun& pending, const std::vector<std::string>& argv,
                      const ProgressCallback& progress) {
  const RunDirectory run_dir = RunDirectory::existing(pending.options.out_dir);
  run_dir.prepare_for_writing();
  return run_plan(pending.options, pending.plan, pending.allocators, pending.attempt,
                  pending.done_groups, pending.manifest, run_dir, argv, progress);
}

}  // namespace shootout::run
