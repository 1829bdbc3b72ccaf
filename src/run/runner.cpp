#include "run/runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/atomic_file.h"
#include "journal/journal.h"
#include "journal/records.h"
#include "run/manifest.h"

namespace shootout::run {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void make_writable_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir + "/logs", ec);
  if (!ec) fs::create_directories(dir + "/traces", ec);
  if (ec)
    throw std::runtime_error("cannot create the output directory " + dir + ": " + ec.message());
  if (access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error("the output directory " + dir +
                             " is not writable: " + std::strerror(errno));
}

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
                    const std::vector<std::string>& argv, const ProgressCallback& progress) {
  const std::string& dir = options.out_dir;
  const std::string manifest_path = dir + "/manifest.json";
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
  manifest.attempts.push_back({attempt, utc_now(), std::nullopt});
  common::write_file_atomically(manifest_path, json(manifest).dump(2) + "\n");

  journal::JournalWriter journal(dir + "/samples.jsonl");
  journal.append(journal::RunStartRecord{attempt, utc_now(), argv});

  const WorkerPaths paths = WorkerPaths::beside_this_executable();
  RunSummary summary{dir, 0, 0, 0};
  for (const auto& group : plan.groups) {
    if (done_groups.count(group.name)) {
      ++summary.groups_skipped;
      continue;
    }
    GroupOutcome outcome = run_group(group, options, paths, dir, attempt, journal, progress);
    summary.cells += outcome.cells;
    summary.failed += outcome.failed;
  }
  nlohmann::json end = journal::RunEndRecord{utc_now(), static_cast<std::uint64_t>(summary.cells),
                                             static_cast<std::uint64_t>(summary.failed)};
  end["attempt"] = attempt;
  journal.append(std::move(end));
  journal.sync();
  manifest.attempts.back().end = utc_now();
  manifest.machine.loadavg_end = describe_machine().loadavg;
  common::write_file_atomically(manifest_path, json(manifest).dump(2) + "\n");
  return summary;
}

}  // namespace

std::string default_run_dir() {
  std::string stamp = utc_now();
  for (char& c : stamp)
    if (c == ':') c = '-';
  return "runs/" + stamp;
}

RunSummary execute_run(RunOptions options, const std::vector<std::string>& argv,
                       const ProgressCallback& progress) {
  const auto allocators = alloc::discover(alloc::read_loader_cache(), options.user_allocators);
  const Plan plan = expand_plan(options, allocators);  // validates before anything is written
  if (options.out_dir.empty()) options.out_dir = default_run_dir();
  if (fs::exists(options.out_dir + "/samples.jsonl"))
    throw std::invalid_argument("the output directory " + options.out_dir +
                                " already holds a run; finish it with --resume " + options.out_dir +
                                " or choose another --out");
  make_writable_dir(options.out_dir);
  return run_plan(options, plan, allocators, 1, {}, journal::Manifest{}, argv, progress);
}

size_t PendingRun::groups_left() const {
  size_t left = 0;
  for (const auto& group : plan.groups) left += done_groups.count(group.name) ? 0 : 1;
  return left;
}

size_t PendingRun::cells_left() const {
  size_t left = 0;
  for (const auto& group : plan.groups)
    left += done_groups.count(group.name) ? 0 : group.cells.size();
  return left;
}

PendingRun load_pending_run(const std::string& run_dir) {
  const std::string manifest_path = run_dir + "/manifest.json";
  if (!fs::exists(manifest_path))
    throw std::invalid_argument("--resume " + run_dir +
                                ": no manifest.json there (not a run directory)");
  PendingRun pending;
  const json manifest = read_json_file(manifest_path);
  if (!manifest.is_object() || !manifest.contains("options") || !manifest["options"].is_object())
    throw std::invalid_argument("--resume " + run_dir +
                                ": manifest.json has no \"options\" (not written by `run`)");
  pending.manifest = manifest.get<journal::Manifest>();
  pending.options = RunOptions::from_json(pending.manifest.options);
  pending.options.out_dir = run_dir;
  const auto contents = journal::read_journal(run_dir + "/samples.jsonl");
  if (contents.truncated_tail) {
    // Drop the partial last line so the file is whole lines again.
    std::ifstream in(run_dir + "/samples.jsonl", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    fs::resize_file(run_dir + "/samples.jsonl", text.rfind('\n') + 1);
  }
  const auto view = journal::latest_attempts(contents);
  pending.allocators = alloc::discover(alloc::read_loader_cache(), pending.options.user_allocators);
  pending.plan = expand_plan(pending.options, pending.allocators);
  pending.attempt = view.last_attempt + 1;
  pending.done_groups = view.done_groups;
  return pending;
}

RunSummary resume_run(const PendingRun& pending, const std::vector<std::string>& argv,
                      const ProgressCallback& progress) {
  make_writable_dir(pending.options.out_dir);
  return run_plan(pending.options, pending.plan, pending.allocators, pending.attempt,
                  pending.done_groups, pending.manifest, argv, progress);
}

}  // namespace shootout::run
