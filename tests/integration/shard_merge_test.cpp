// `run --shard K/N` and `merge` with the real command, real workers and
// real allocators on a tiny plan: three shards merged hold the cells of one
// run of the whole plan, and where their samples are that run's, the merged
// report is that run's byte for byte; a merge with a shard missing says so
// and `run --resume` completes it; runs of two machines make a cross-machine
// directory that `report` regenerates; the README's Slurm script and GitHub
// Actions workflow run their shard and merge commands as written.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "common/subprocess.h"
#include "journal/journal.h"
#include "journal/manifest.h"
#include "support/text.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Three workload groups, two allocators, one process per cell: seconds.
const std::vector<std::string> kPlan = {"-a",
                                        "std,jemalloc",
                                        "-w",
                                        "mpsc/64,spawn_many/100,block_on_alloc/10x4096",
                                        "--payload",
                                        "zeroed",
                                        "--no-allocation-profile",
                                        "--processes",
                                        "1",
                                        "--samples",
                                        "3",
                                        "--measurement-time",
                                        "0.03",
                                        "--warm-up-time",
                                        "0.005"};

std::vector<std::string> plan_with(std::vector<std::string> extra) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), kPlan.begin(), kPlan.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

using shootout::test::read_file;

shootout::journal::Manifest manifest_of(const fs::path& dir) {
  return json::parse(read_file(dir / "manifest.json")).get<shootout::journal::Manifest>();
}

std::set<std::string> cell_ids(const fs::path& dir) {
  std::set<std::string> ids;
  for (const auto& r : records_of_type(journal_records(dir.string()), "cell"))
    ids.insert(r["cell"].get<std::string>());
  return ids;
}

// The report up to its manifest (which names the run's own directory and attempts).
std::string before_manifest(const std::string& md) { return md.substr(0, md.find("## Manifest")); }

// The whole plan once, and as three shards: made once for the tests below.
struct Runs {
  fs::path root, whole;
  std::vector<fs::path> shards;
};

const Runs& runs() {
  static const Runs r = [] {
    Runs made;
    made.root = fresh_dir("shards");
    made.whole = made.root / "whole";
    auto result = run_cli(plan_with({"--out", made.whole.string()}));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    for (int k = 1; k <= 3; ++k) {
      made.shards.push_back(made.root / ("shard-" + std::to_string(k)));
      result = run_cli(
          plan_with({"--shard", std::to_string(k) + "/3", "--out", made.shards.back().string()}));
      EXPECT_EQ(result.exit_code, 0) << result.err;
    }
    return made;
  }();
  return r;
}

void each_shard_records_its_part_and_the_whole_plan(const Runs& r) {
  const auto whole = manifest_of(r.whole);
  EXPECT_FALSE(whole.shard);
  EXPECT_EQ(whole.plan.digest.size(), 16u);
  EXPECT_FALSE(whole.tool_version.empty());
  std::set<std::string> groups;
  for (int k = 1; k <= 3; ++k) {
    const auto m = manifest_of(r.shards[k - 1]);
    ASSERT_TRUE(m.shard);
    EXPECT_EQ(m.shard->index, k);
    EXPECT_EQ(m.shard->count, 3);
    EXPECT_EQ(m.plan, whole.plan);  // the whole plan, digest and all
    ASSERT_EQ(m.shard->groups.size(), 1u);
    groups.insert(m.shard->groups.begin(), m.shard->groups.end());
    // Only its own group was measured.
    for (const auto& rec : journal_records(r.shards[k - 1].string()))
      if (rec.contains("group")) {
        EXPECT_EQ(rec["group"], m.shard->groups[0]);
      }
    EXPECT_NE(read_file(r.shards[k - 1] / "report.md")
                  .find("Shard " + std::to_string(k) +
                        "/3: this run holds 1 of the plan's 3 "
                        "workload groups"),
              std::string::npos);
  }
  EXPECT_EQ(groups.size(), 3u);
}

void resume_of_a_finished_shard_runs_nothing_else(const Runs& r) {
  const fs::path copy = fresh_dir("shard-resume") + "/shard";
  fs::copy(r.shards[1], copy, fs::copy_options::recursive);
  const auto result = run_cli({"run", "--resume", copy.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(cell_ids(copy), cell_ids(r.shards[1]));
  EXPECT_EQ(manifest_of(copy).shard, manifest_of(r.shards[1]).shard);
}

TEST(ShardedRun, RefusesAPartThatCannotBe) {
  auto result = run_cli(plan_with({"--shard", "4/3", "--out", fresh_dir("bad") + "/x"}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "alloc-shootout run: --shard 4/3: K must be 1..3\n");
  result = run_cli(plan_with({"--shard", "1/4", "--out", fresh_dir("bad") + "/y"}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "alloc-shootout run: --shard 1/4: the plan has 3 workload groups, so it splits into "
            "at most 3 shards (a group's cells run in lockstep rounds on one machine)\n");
}

void shards_merged_hold_one_runs_cells(const Runs& r) {
  const fs::path out = fresh_dir("merged") + "/merged";
  const auto result = run_cli({"merge", r.shards[2].string(), r.shards[0].string(),
                               r.shards[1].string(), "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("report: " + out.string() + "/report.md\n"), std::string::npos);
  EXPECT_EQ(cell_ids(out), cell_ids(r.whole));
  const auto m = manifest_of(out), whole = manifest_of(r.whole);
  EXPECT_EQ(m.plan, whole.plan);
  EXPECT_FALSE(m.shard);
  ASSERT_TRUE(m.merged);
  EXPECT_EQ(m.merged->shards.size(), 3u);
  std::set<std::string> done;
  for (const auto& rec : records_of_type(journal_records(out.string()), "group_done"))
    done.insert(rec["group"].get<std::string>());
  EXPECT_EQ(done.size(), 3u);
  EXPECT_EQ(read_file(out / "report.md").find("Incomplete merge"), std::string::npos);
}

// Each shard's directory, its journal replaced by the whole run's records
// of its groups: merged, they are the whole run again.
void same_samples_give_the_same_report_byte_for_byte(const Runs& r) {
  const fs::path root = fresh_dir("same-samples");
  const auto whole = shootout::journal::read_journal((r.whole / "samples.jsonl").string());
  std::vector<std::string> lines;
  std::istringstream text(read_file(r.whole / "samples.jsonl"));
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  std::vector<std::string> dirs;
  for (int k = 1; k <= 3; ++k) {
    const fs::path dir = root / ("shard-" + std::to_string(k));
    fs::create_directories(dir);
    fs::copy_file(r.shards[k - 1] / "manifest.json", dir / "manifest.json");
    const auto own = manifest_of(dir).shard->groups;
    std::string journal;
    for (std::size_t i = 0; i < whole.records.size(); ++i) {
      const auto& rec = whole.records[i];
      const bool mine = rec.contains("group") ? own.at(0) == rec["group"] : k == 1;
      if (mine) journal += lines.at(static_cast<std::size_t>(whole.lines[i] - 1)) + "\n";
    }
    std::ofstream(dir / "samples.jsonl", std::ios::binary) << journal;
    dirs.push_back(dir.string());
  }
  const fs::path out = root / "merged";
  dirs.insert(dirs.begin(), "merge");
  dirs.insert(dirs.end(), {"--out", out.string()});
  const auto result = run_cli(dirs);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(read_file(out / "samples.jsonl"), read_file(r.whole / "samples.jsonl"));
  EXPECT_EQ(read_file(out / "bench_results.csv"), read_file(r.whole / "bench_results.csv"));
  const std::string merged_md = read_file(out / "report.md"),
                    whole_md = read_file(r.whole / "report.md");
  ASSERT_NE(merged_md.find("## Manifest"), std::string::npos);
  EXPECT_EQ(before_manifest(merged_md), before_manifest(whole_md));
}

void a_missing_shard_is_named_and_resume_completes_it(const Runs& r) {
  const fs::path out = fresh_dir("incomplete") + "/merged";
  const std::string missing_group = manifest_of(r.shards[1]).shard->groups.at(0);
  auto result =
      run_cli({"merge", r.shards[0].string(), r.shards[2].string(), "--out", out.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("alloc-shootout merge: incomplete: shard 2/3 missing (groups " +
                            missing_group +
                            "); the report says so. Measure them with "
                            "alloc-shootout run --resume " +
                            out.string() + ", or merge again with every shard.\n"),
            std::string::npos)
      << result.err;
  EXPECT_NE(read_file(out / "report.md")
                .find("Incomplete merge: shard 2/3 was not merged, so 1 workload group of the "
                      "plan was not run (" +
                      missing_group + ")"),
            std::string::npos);
  result = run_cli({"run", "--resume", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(cell_ids(out), cell_ids(r.whole));
  EXPECT_EQ(read_file(out / "report.md").find("Incomplete merge"), std::string::npos);
}

void refuses_a_mix_of_shards_and_whole_runs(const Runs& r) {
  const auto result = run_cli(
      {"merge", r.shards[0].string(), r.whole.string(), "--out", fresh_dir("mix") + "/out"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "alloc-shootout merge: cannot merge shards with whole runs: " + r.shards[0].string() +
                " is a shard (run --shard), " + r.whole.string() +
                " is not; merge the shards of each plan first, then merge the "
                "results\n");
}

void runs_of_two_machines_make_a_cross_machine_report(const Runs& r) {
  const fs::path root = fresh_dir("machines");
  // The same run as if measured on an aarch64 machine with 64 KiB pages.
  const fs::path arm = root / "arm";
  fs::copy(r.whole, arm, fs::copy_options::recursive);
  json m = json::parse(read_file(arm / "manifest.json"));
  m["machine"]["arch"] = "aarch64";
  m["machine"]["page_size"] = 65536;
  m["machine"]["cpu_model"] = "Neoverse-N1";
  std::ofstream(arm / "manifest.json") << m.dump(2);
  const fs::path out = root / "out";
  auto result = run_cli({"merge", r.whole.string(), arm.string(), "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("aarch64, 64 KiB pages: Neoverse-N1, aarch64, 64 KiB pages"),
            std::string::npos)
      << result.out;
  const auto set = json::parse(read_file(out / "machines.json"));
  ASSERT_EQ(set.at("machines").size(), 2u);
  const std::string arm_dir = set["machines"][1]["dir"];
  EXPECT_EQ(arm_dir, "machines/aarch64-64k");
  EXPECT_EQ(read_file(out / arm_dir / "samples.jsonl"), read_file(r.whole / "samples.jsonl"));
  const std::string md = read_file(out / "report.md");
  EXPECT_NE(md.find("# Allocator shootout across machines"), std::string::npos);
  EXPECT_NE(md.find("| aarch64, 64 KiB pages | Neoverse-N1 | aarch64 | 64 KiB |"),
            std::string::npos);
  // `report` regenerates it from the directory alone.
  fs::remove(out / "report.md");
  result = run_cli({"report", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(read_file(out / "report.md"), md);
  // `compare` of the same two runs still works.
  result = run_cli({"compare", r.whole.string(), arm.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("| machine.arch | x86_64 | aarch64 |"), std::string::npos);
}

// One plan run whole and as 3 shards (real workers), then every check on
// those runs in one test: ctest starts each test in its own process, which
// would run the 4 of them again for every test (190 s against 33 s here).
TEST(ShardedRun, ThreeShardsAndTheirMerges) {
  const Runs& r = runs();
  const std::vector<std::pair<const char*, void (*)(const Runs&)>> checks = {
      {"each shard records its part", each_shard_records_its_part_and_the_whole_plan},
      {"resume of a finished shard", resume_of_a_finished_shard_runs_nothing_else},
      {"shards merged hold one run's cells", shards_merged_hold_one_runs_cells},
      {"same samples, same report", same_samples_give_the_same_report_byte_for_byte},
      {"a missing shard", a_missing_shard_is_named_and_resume_completes_it},
      {"a mix of shards and runs", refuses_a_mix_of_shards_and_whole_runs},
      {"runs of two machines", runs_of_two_machines_make_a_cross_machine_report}};
  for (const auto& [name, check] : checks) {
    SCOPED_TRACE(name);
    check(r);
  }
}

// ---- the README's examples ---------------------------------------------------

// Runs argv with extra environment variables; stdout, exit status.
shootout::common::CapturedOutput run_with_env(const std::vector<std::string>& env,
                                              const std::vector<std::string>& argv) {
  std::vector<std::string> all = {"/usr/bin/env"};
  all.insert(all.end(), env.begin(), env.end());
  all.insert(all.end(), argv.begin(), argv.end());
  auto result = shootout::common::capture_stdout(all);
  return result ? *result : shootout::common::CapturedOutput{};
}

// The examples' commands on a plan of two groups of one cell each, in two
// shards: what they run is the command lines, not the plan.
const std::vector<std::string> kExamplePlan = {"-a",
                                               "std",
                                               "-w",
                                               "mpsc/64,spawn_many/100",
                                               "--payload",
                                               "zeroed",
                                               "--no-allocation-profile",
                                               "--processes",
                                               "1",
                                               "--samples",
                                               "2",
                                               "--measurement-time",
                                               "0.02",
                                               "--warm-up-time",
                                               "0.005"};
const std::set<std::string> kExampleCells = {"mpsc/64|zeroed|asio|std|preload",
                                             "spawn_many/100|none|asio|std|preload"};

std::string example_plan_text() {
  std::string out;
  for (const auto& a : kExamplePlan) out += (out.empty() ? "" : " ") + a;
  return out;
}

TEST(Examples, SlurmScriptRunsItsShardsAndMerges) {
  const std::string script = std::string(EXAMPLES_DIR) + "/slurm-shootout.sh";
  const std::string out = fresh_dir("slurm") + "/runs";
  const std::vector<std::string> env = {"SHOOTOUT=" SHOOTOUT_CLI, "PLAN=" + example_plan_text(),
                                        "OUT=" + out, "SLURM_ARRAY_TASK_COUNT=2"};
  for (int k = 1; k <= 2; ++k) {
    auto with_task = env;
    with_task.push_back("SLURM_ARRAY_TASK_ID=" + std::to_string(k));
    EXPECT_EQ(run_with_env(with_task, {"bash", script}).exit_status, 0) << "task " << k;
  }
  const auto merged = run_with_env(env, {"bash", script, "merge"});
  EXPECT_EQ(merged.exit_status, 0) << merged.out;
  EXPECT_EQ(cell_ids(out + "/merged"), kExampleCells);
  if (!shootout::common::capture_stdout({"shellcheck", "--version"})) return;  // not installed
  const auto check = shootout::common::capture_stdout({"shellcheck", script});
  ASSERT_TRUE(check);
  EXPECT_EQ(check->exit_status, 0) << check->out;
}

// The `run: |` block of the workflow step named `name`, unindented.
std::string run_block(const std::string& yaml, const std::string& name) {
  std::istringstream in(yaml);
  std::string line, block;
  bool in_step = false, in_run = false;
  std::size_t indent = 0;
  while (std::getline(in, line)) {
    const std::size_t first = line.find_first_not_of(' ');
    if (in_run) {
      if (first != std::string::npos && first <= indent) break;
      block += (line.size() > indent + 2 ? line.substr(indent + 2) : "") + "\n";
      continue;
    }
    if (line.find("- name: " + name) != std::string::npos) in_step = true;
    if (in_step && line.find("run: |") != std::string::npos) {
      in_run = true;
      indent = first;
    }
  }
  return block;
}

std::string substituted(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [from, to] : values)
    for (std::size_t at; (at = text.find(from)) != std::string::npos;)
      text.replace(at, from.size(), to);
  return text;
}

TEST(Examples, GithubWorkflowRunsItsShardAndMergeSteps) {
  const std::string yaml = read_file(std::string(EXAMPLES_DIR) + "/github-actions-shootout.yml");
  const std::string shard_step = run_block(yaml, "Run shard");
  const std::string merge_step = run_block(yaml, "Merge");
  ASSERT_NE(shard_step.find("alloc-shootout run $PLAN --shard ${{ matrix.shard }}/$SHARDS"),
            std::string::npos)
      << shard_step;
  ASSERT_NE(merge_step.find("alloc-shootout merge machines/* --out shootout"), std::string::npos)
      << merge_step;
  // As the workflow runs them: each (runner, shard) job in its own
  // directory, the artifacts downloaded into shards/<name>/, the merge.
  const fs::path work = fresh_dir("workflow");
  const std::string bin = fs::path(SHOOTOUT_CLI).parent_path().string();
  const std::vector<std::string> env = {"PATH=" + bin + ":/usr/bin:/bin",
                                        "PLAN=" + example_plan_text(), "SHARDS=2"};
  for (const std::string runner : {"ubuntu-24.04", "ubuntu-24.04-arm"})
    for (int k = 1; k <= 2; ++k) {
      const fs::path job = work / ("job-" + runner + "-" + std::to_string(k));
      fs::create_directories(job);
      const std::string script = substituted(
          shard_step,
          {{"${{ matrix.shard }}", std::to_string(k)}, {"${{ matrix.runner }}", runner}});
      const auto result =
          run_with_env(env, {"bash", "-e", "-c", "cd " + job.string() + " && " + script});
      ASSERT_EQ(result.exit_status, 0) << script;
      const std::string artifact = "shard-" + runner + "-" + std::to_string(k);
      fs::create_directories(work / "shards");
      fs::rename(job / artifact, work / "shards" / artifact);
    }
  const auto merged =
      run_with_env(env, {"bash", "-e", "-c", "cd " + work.string() + " && " + merge_step});
  ASSERT_EQ(merged.exit_status, 0) << merged.out;
  const auto set = json::parse(read_file(work / "shootout" / "machines.json"));
  EXPECT_EQ(set.at("machines").size(), 2u);
  EXPECT_EQ(cell_ids(work / "machines" / "ubuntu-24.04-arm"), kExampleCells);
  EXPECT_TRUE(fs::exists(work / "shootout" / "report.md"));
}

}  // namespace
