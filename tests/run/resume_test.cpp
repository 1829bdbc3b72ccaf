// Resume without starting a worker: which records count (each group's
// latest attempt, journal::latest_attempts), which groups a resumed attempt
// runs (run::groups_to_run), and load_pending_run on a run directory
// written the way an interrupted run leaves it — the attempt number, the
// groups already done, the plan read back from the manifest and a partial
// last record cut away.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "journal/journal.h"
#include "run/runner.h"
#include "run/shard.h"
#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::run {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json record(const std::string& type, int attempt, const std::string& group = "",
            const std::string& cell = "") {
  json r = {{"schema", journal::kSchemaVersion}, {"type", type}, {"attempt", attempt}};
  if (!group.empty()) r["group"] = group;
  if (!cell.empty()) r["cell"] = cell;
  return r;
}

// Which (type, group, attempt) a view kept, in order.
std::vector<std::string> kept(const journal::JournalView& view) {
  std::vector<std::string> out;
  for (const auto& r : view.records)
    out.push_back(r["type"].get<std::string>() + ":" + r.value("group", std::string("-")) + ":" +
                  std::to_string(r["attempt"].get<int>()));
  return out;
}

TEST(LatestAttempts, EachGroupCountsOnlyItsLatestAttempt) {
  journal::JournalContents contents;
  contents.records = {
      record("run_start", 1),
      record("cell", 1, "A", "A/std"),
      record("sample", 1, "A", "A/std"),
      record("group_done", 1, "A"),
      record("cell", 1, "B", "B/std"),  // killed during B
      record("sample", 1, "B", "B/std"),
      record("run_start", 2),  // --resume: B again, then C, killed during C
      record("cell", 2, "B", "B/std"),
      record("cell_failed", 2, "B", "B/jemalloc"),
      record("group_done", 2, "B"),
      record("cell", 2, "C", "C/std"),
  };
  const journal::JournalView view = journal::latest_attempts(contents);
  EXPECT_EQ(view.last_attempt, 2);
  EXPECT_EQ(view.done_groups, (std::set<std::string>{"A", "B"}));
  // B's first, interrupted attempt is gone; run-level records all stay.
  EXPECT_EQ(kept(view),
            (std::vector<std::string>{"run_start:-:1", "cell:A:1", "sample:A:1", "group_done:A:1",
                                      "run_start:-:2", "cell:B:2", "cell_failed:B:2",
                                      "group_done:B:2", "cell:C:2"}));
}

TEST(LatestAttempts, AGroupInterruptedTwiceIsNotDoneAndKeepsOnlyTheLaterTry) {
  journal::JournalContents contents;
  contents.records = {
      record("run_start", 1),
      record("cell", 1, "A", "A/std"),
      record("sample", 1, "A", "A/std"),
      record("run_start", 2),
      record("cell", 2, "A", "A/std"),
      record("run_start", 3),  // the third attempt was killed before A started
  };
  const journal::JournalView view = journal::latest_attempts(contents);
  EXPECT_EQ(view.last_attempt, 3);
  EXPECT_TRUE(view.done_groups.empty());
  EXPECT_EQ(kept(view), (std::vector<std::string>{"run_start:-:1", "run_start:-:2", "cell:A:2",
                                                  "run_start:-:3"}));
}

TEST(LatestAttempts, AnEmptyJournalIsAttemptZero) {
  const journal::JournalView view = journal::latest_attempts({});
  EXPECT_EQ(view.last_attempt, 0);
  EXPECT_TRUE(view.done_groups.empty());
  EXPECT_TRUE(view.records.empty());
}

Plan three_groups() {
  Plan plan;
  for (const char* name : {"mpsc/64", "mpsc/4096", "spawn_many/1000"}) {
    Group group;
    group.name = name;
    group.cells.resize(name[0] == 's' ? 3 : 2);
    plan.groups.push_back(group);
  }
  return plan;
}

std::vector<std::string> names(const std::vector<const Group*>& groups) {
  std::vector<std::string> out;
  for (const Group* g : groups) out.push_back(g->name);
  return out;
}

TEST(GroupsToRun, TheGroupsWithoutGroupDoneInPlanOrder) {
  const Plan plan = three_groups();
  EXPECT_EQ(names(groups_to_run(plan, {})),
            (std::vector<std::string>{"mpsc/64", "mpsc/4096", "spawn_many/1000"}));
  EXPECT_EQ(names(groups_to_run(plan, {"mpsc/4096"})),
            (std::vector<std::string>{"mpsc/64", "spawn_many/1000"}));
  // A done group the plan no longer has changes nothing.
  EXPECT_EQ(names(groups_to_run(plan, {"mpsc/64", "spawn_many/1000", "gone/1"})),
            std::vector<std::string>{"mpsc/4096"});
  EXPECT_TRUE(groups_to_run(plan, {"mpsc/64", "mpsc/4096", "spawn_many/1000"}).empty());
  // The runner's pointers are the plan's own groups, cells and all.
  EXPECT_EQ(groups_to_run(plan, {"mpsc/64"}).at(1), &plan.groups[2]);
  EXPECT_EQ(groups_to_run(plan, {"mpsc/64"}).at(1)->cells.size(), 3u);
}

fs::path interrupted_run(const std::string& name) {
  const fs::path dir = shootout::test::fresh_scratch_dir("resume_" + name);
  fs::create_directories(dir / "logs");
  RunOptions options;
  options.allocators = {"std"};  // the C library's: available on every machine
  options.workloads = {"mpsc/64", "mpsc/4096"};
  options.payloads = {"zeroed"};
  options.out_dir = dir.string();
  json manifest = {
      {"tool", "alloc-shootout"},
      {"options", options.to_json()},
      {"attempts", json::array({{{"attempt", 1}, {"start", "2026-01-01T00:00:00Z"}}})}};
  std::ofstream(dir / "manifest.json") << manifest.dump(2) << "\n";
  return dir;
}

void write_journal(const fs::path& dir, const std::vector<json>& records, const std::string& tail) {
  std::ofstream out(dir / "samples.jsonl", std::ios::binary);
  for (const auto& r : records) out << r.dump() << "\n";
  out << tail;
}

using shootout::test::read_file;

TEST(LoadPendingRun, ResumesWithTheNextAttemptAndOnlyTheGroupsNotDone) {
  const fs::path dir = interrupted_run("pending");
  const std::vector<json> records = {record("run_start", 1), record("cell", 1, "mpsc/64"),
                                     record("group_done", 1, "mpsc/64"),
                                     record("cell", 1, "mpsc/4096")};
  // Killed in the middle of a record.
  write_journal(dir, records, R"({"schema":1,"type":"sam)");

  const PendingRun pending = load_pending_run(dir.string());
  EXPECT_EQ(pending.attempt, 2);
  EXPECT_EQ(pending.done_groups, std::set<std::string>{"mpsc/64"});
  EXPECT_EQ(pending.options.out_dir, dir.string());
  EXPECT_EQ(pending.options.workloads, (std::vector<std::string>{"mpsc/64", "mpsc/4096"}));
  ASSERT_EQ(pending.plan.groups.size(), 2u);
  const auto to_run = groups_to_run(pending.plan, pending.done_groups);
  EXPECT_EQ(names(to_run), std::vector<std::string>{"mpsc/4096"});
  EXPECT_EQ(to_run.front()->cells.size(), 1u);  // std × zeroed × asio × preload
  // The partial record is gone, every whole one stays.
  std::string whole;
  for (const auto& r : records) whole += r.dump() + "\n";
  EXPECT_EQ(read_file(dir / "samples.jsonl"), whole);
}

TEST(LoadPendingRun, ASecondResumeCountsTheFirstResumesWork) {
  const fs::path dir = interrupted_run("second");
  write_journal(dir,
                {record("run_start", 1), record("cell", 1, "mpsc/64"), record("run_start", 2),
                 record("cell", 2, "mpsc/64"), record("group_done", 2, "mpsc/64")},
                "");
  const PendingRun pending = load_pending_run(dir.string());
  EXPECT_EQ(pending.attempt, 3);
  EXPECT_EQ(pending.done_groups, std::set<std::string>{"mpsc/64"});
  EXPECT_EQ(names(groups_to_run(pending.plan, pending.done_groups)),
            std::vector<std::string>{"mpsc/4096"});
}

TEST(LoadPendingRun, ADirectoryWithoutAManifestIsBadInput) {
  const fs::path dir = shootout::test::fresh_scratch_dir("resume_no_manifest");
  EXPECT_THROW(load_pending_run(dir.string()), std::invalid_argument);
}

TEST(LoadPendingRun, AResumedShardRunsOnlyItsOwnGroups) {
  const fs::path dir = interrupted_run("shard");
  json manifest = json::parse(read_file(dir / "manifest.json"));
  manifest["options"]["shard"] = "2/2";
  std::ofstream(dir / "manifest.json") << manifest.dump(2) << "\n";
  write_journal(dir, {record("run_start", 1)}, "");

  const PendingRun pending = load_pending_run(dir.string());
  ASSERT_TRUE(pending.options.shard);
  EXPECT_EQ(pending.options.shard->text(), "2/2");
  // The whole plan is expanded (the manifest records it); the part runs.
  ASSERT_EQ(pending.plan.groups.size(), 2u);
  const Plan part = part_to_run(pending.plan, pending.options.shard);
  EXPECT_EQ(names(groups_to_run(part, pending.done_groups)), std::vector<std::string>{"mpsc/4096"});
}

}  // namespace
}  // namespace shootout::run
