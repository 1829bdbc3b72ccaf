// `merge` of run directories without starting a worker: shard directories
// written here with the journal's typed records (as `run --shard K/N` writes
// them) are merged into one run — records in plan order, files copied, one
// manifest without the shard — and every refusal names the directories;
// whole runs are named and labelled by machine for a cross-machine merge.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "journal/journal.h"
#include "journal/machine_set.h"
#include "journal/records.h"
#include "run/merge.h"
#include "run/shard.h"
#include "support/scratch_dir.h"
#include "support/text.h"

namespace shootout::run {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kGroups = {"mpsc/64", "spawn_many/100", "block_on_alloc/10x4096"};

fs::path scratch(const std::string& name) {
  return shootout::test::fresh_scratch_dir("merge_" + name);
}

std::string cell_of(const std::string& group, const std::string& variant) {
  return journal::cell_id(group, "zeroed", "asio", variant, "preload");
}

// The whole plan: each group with std and jemalloc, one cell of the second
// group more, so the split is not just round-robin.
Plan whole_plan() {
  Plan plan;
  for (const auto& name : kGroups) {
    Group g{name, {}};
    for (const char* v : {"std", "jemalloc"}) {
      Cell c;
      c.id = cell_of(name, v);
      c.group = name;
      g.cells.push_back(c);
    }
    if (name == kGroups[1]) g.cells.push_back(g.cells.back());
    plan.groups.push_back(g);
  }
  return plan;
}

journal::MachineFacts machine(const std::string& arch = "x86_64", long page = 4096) {
  journal::MachineFacts m;
  m.cpu_model = arch == "x86_64" ? "AMD EPYC 7763 64-Core Processor" : "Neoverse-N1";
  m.arch = arch;
  m.page_size = page;
  m.kernel = "Linux 6.1.0-26-" + std::string(arch == "x86_64" ? "amd64" : "arm64");
  m.hostname = "host-" + arch;
  return m;
}

struct ShardOptions {
  std::string version = "0.1.0";
  json options = {{"profile", "quick"}, {"payloads", {"zeroed"}}};
  int count = 3;
  journal::MachineFacts machine = run::machine();
  std::string extra_group;  // a record of a group that is not the shard's
};

// A shard directory as `run --shard K/N` leaves it: manifest, journal of
// typed records for its groups, one log per cell.
fs::path write_shard(const fs::path& dir, int k, const ShardOptions& o = {}) {
  const Plan plan = whole_plan();
  fs::create_directories(dir / "logs");
  journal::Manifest m;
  m.tool_version = o.version;
  m.machine = o.machine;
  for (const auto& g : plan.groups) {
    journal::PlanGroup pg{g.name, {}};
    for (const auto& c : g.cells) pg.cells.push_back(c.id);
    m.plan.groups.push_back(pg);
  }
  m.plan.cells = plan.cell_count();
  m.options = o.options;
  m.options["out_dir"] = dir.string();
  m.options["shard"] = std::to_string(k) + "/" + std::to_string(o.count);
  m.plan.digest = journal::plan_digest(m.plan, m.options);
  const ShardSpec spec{k, o.count};
  m.shard = journal::ShardFacts{k, o.count, shard_groups(plan, spec)};
  m.attempts = {{1, "2026-12-01T10:0" + std::to_string(k) + ":00Z", "2026-12-01T10:09:00Z"}};
  std::ofstream(dir / "manifest.json") << json(m).dump(2) << "\n";

  journal::JournalWriter writer((dir / "samples.jsonl").string());
  writer.append(journal::RunStartRecord{1, "2026-12-01T10:00:00Z", {"alloc-shootout", "run"}});
  auto groups = m.shard->groups;
  if (!o.extra_group.empty()) groups.push_back(o.extra_group);
  for (const auto& g : groups) {
    for (const char* v : {"std", "jemalloc"}) {
      journal::SampleRecord s;
      s.cell = cell_of(g, v);
      s.group = g;
      s.measured.iters = 10;
      s.measured.ns = 1000 + static_cast<std::uint64_t>(k);
      json j = s;
      j["attempt"] = 1;
      writer.append(j);
      std::ofstream(dir / "logs" / (g.substr(0, g.find('/')) + "-" + v + ".log")) << "log\n";
    }
    json done = journal::GroupDoneRecord{g, 3, std::nullopt, std::nullopt};
    done["attempt"] = 1;
    writer.append(done);
  }
  json end = journal::RunEndRecord{"2026-12-01T10:09:00Z", 2, 0};
  end["attempt"] = 1;
  writer.append(end);
  return dir;
}

std::vector<MergeInput> inputs(const std::vector<fs::path>& dirs) {
  std::vector<std::string> names;
  for (const auto& d : dirs) names.push_back(d.string());
  return read_merge_inputs(names);
}

using shootout::test::read_file;

std::string merge_error(const std::vector<fs::path>& dirs, const fs::path& out) {
  try {
    merge_shards(inputs(dirs), out.string());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MergeShards, OneRunAsIfRunAtOnce) {
  const fs::path root = scratch("whole");
  std::vector<fs::path> shards;
  for (int k = 3; k >= 1; --k) shards.push_back(write_shard(root / ("s" + std::to_string(k)), k));
  const fs::path out = root / "merged";
  const ShardMerge result = merge_shards(inputs(shards), out.string());
  EXPECT_TRUE(result.missing.empty());
  EXPECT_TRUE(result.notes.empty());

  // The journal: attempts' starts, the groups in plan order, the ends.
  const auto contents = journal::read_journal((out / "samples.jsonl").string());
  std::vector<std::string> order;
  for (const auto& r : contents.records)
    order.push_back(r["type"].get<std::string>() + ":" + r.value("group", std::string("-")));
  std::vector<std::string> expected = {"run_start:-", "run_start:-", "run_start:-"};
  for (const auto& g : kGroups)
    for (const char* type : {"sample:", "sample:", "group_done:"}) expected.push_back(type + g);
  for (int i = 0; i < 3; ++i) expected.push_back("run_end:-");
  EXPECT_EQ(order, expected);
  // Every line as its shard wrote it.
  std::string all_lines;
  for (const auto& s : shards) all_lines += read_file(s / "samples.jsonl");
  std::istringstream merged(read_file(out / "samples.jsonl"));
  for (std::string line; std::getline(merged, line);)
    EXPECT_NE(all_lines.find(line + "\n"), std::string::npos) << line;

  // One manifest of the whole plan, without the shard.
  const auto m = json::parse(read_file(out / "manifest.json")).get<journal::Manifest>();
  const auto first =
      json::parse(read_file(shards.back() / "manifest.json")).get<journal::Manifest>();
  EXPECT_FALSE(m.shard);
  EXPECT_EQ(m.plan, first.plan);
  EXPECT_FALSE(m.options.contains("shard"));
  EXPECT_EQ(m.options.at("out_dir"), out.string());
  EXPECT_EQ(journal::plan_digest(m.plan, m.options), first.plan.digest);
  ASSERT_TRUE(m.merged);
  EXPECT_EQ(m.merged->count, 3);
  ASSERT_EQ(m.merged->shards.size(), 3u);
  EXPECT_EQ(m.merged->shards[0].index, 1);
  EXPECT_EQ(m.merged->shards[0].source, shards.back().string());
  EXPECT_EQ(m.merged->shards[0].machine,
            "AMD EPYC 7763 64-Core Processor, x86_64, 4 KiB pages, Linux 6.1.0-26-amd64");
  EXPECT_EQ(m.merged->shards[2].attempts.at(0).start, "2026-12-01T10:03:00Z");
  EXPECT_TRUE(m.merged->missing.empty());
  // Logs of every shard.
  for (const char* log : {"mpsc-std.log", "spawn_many-jemalloc.log", "block_on_alloc-std.log"})
    EXPECT_TRUE(fs::exists(out / "logs" / log)) << log;
}

TEST(MergeShards, MissingShardsAreNamedWithTheirGroups) {
  const fs::path root = scratch("missing");
  const fs::path one = write_shard(root / "s1", 1), three = write_shard(root / "s3", 3);
  const ShardMerge result = merge_shards(inputs({one, three}), (root / "out").string());
  EXPECT_EQ(result.missing, std::vector<int>{2});
  EXPECT_EQ(result.missing_groups, shard_groups(whole_plan(), {2, 3}));
  const auto m = json::parse(read_file(root / "out" / "manifest.json")).get<journal::Manifest>();
  ASSERT_TRUE(m.merged);
  EXPECT_EQ(m.merged->missing, std::vector<int>{2});
}

TEST(MergeShards, ShardsOfDifferentMachinesAreNoted) {
  const fs::path root = scratch("machines");
  ShardOptions arm;
  arm.machine = machine("aarch64", 65536);
  const auto result =
      merge_shards(inputs({write_shard(root / "s1", 1), write_shard(root / "s2", 2, arm),
                           write_shard(root / "s3", 3)}),
                   (root / "out").string());
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_EQ(result.notes[0],
            "the shards ran on different machines: AMD EPYC 7763 64-Core Processor, x86_64, 4 "
            "KiB pages, Linux 6.1.0-26-amd64 (shard 1/3, shard 3/3), Neoverse-N1, aarch64, 64 "
            "KiB pages, Linux 6.1.0-26-arm64 (shard 2/3); each workload's cells were measured "
            "together on one machine, but comparisons across workloads (size sweeps, cliffs) mix "
            "machines");
}

TEST(MergeShards, RefusesOtherVersions) {
  const fs::path root = scratch("versions");
  ShardOptions newer;
  newer.version = "0.2.0";
  EXPECT_EQ(merge_error({write_shard(root / "a", 1), write_shard(root / "b", 2, newer),
                         write_shard(root / "c", 3)},
                        root / "out"),
            "the shards were written by different alloc-shootout versions: 0.1.0 (" +
                (root / "a").string() + ", " + (root / "c").string() + "), 0.2.0 (" +
                (root / "b").string() + "); merge shards of one version");
  EXPECT_FALSE(fs::exists(root / "out"));
}

TEST(MergeShards, RefusesOtherPlans) {
  const fs::path root = scratch("plans");
  ShardOptions other;
  other.options["payloads"] = {"filled"};
  const fs::path a = write_shard(root / "a", 1), b = write_shard(root / "b", 2, other);
  const std::string digest_a =
      json::parse(read_file(a / "manifest.json")).get<journal::Manifest>().plan.digest;
  const std::string digest_b =
      json::parse(read_file(b / "manifest.json")).get<journal::Manifest>().plan.digest;
  EXPECT_EQ(merge_error({a, b}, root / "out"),
            "the shards are parts of different plans: plan digest " + digest_a + " (" + a.string() +
                "), " + digest_b + " (" + b.string() +
                "); shards of one plan come from one command line with only --shard and --out "
                "changed, on machines whose allocators expand it to the same cells");
}

TEST(MergeShards, RefusesOtherSplits) {
  const fs::path root = scratch("splits");
  ShardOptions halves;
  halves.count = 2;
  // Same options, so the same digest: only the number of parts differs.
  EXPECT_EQ(
      merge_error({write_shard(root / "a", 1), write_shard(root / "b", 2, halves)}, root / "out"),
      "the shards split the plan into different numbers of parts: " + (root / "a").string() +
          " is shard 1/3, " + (root / "b").string() + " is shard 2/2");
}

TEST(MergeShards, RefusesAShardGivenTwice) {
  const fs::path root = scratch("twice");
  EXPECT_EQ(merge_error({write_shard(root / "a", 2), write_shard(root / "b", 1),
                         write_shard(root / "c", 2)},
                        root / "out"),
            "shard 2/3 is given twice: " + (root / "a").string() + " and " + (root / "c").string());
}

TEST(MergeShards, RefusesRecordsOfAnotherShardsGroup) {
  const fs::path root = scratch("outside");
  ShardOptions stray;
  stray.extra_group = shard_groups(whole_plan(), {1, 3}).front();
  EXPECT_EQ(
      merge_error({write_shard(root / "a", 1), write_shard(root / "b", 2, stray)}, root / "out"),
      (root / "b").string() + " (shard 2/3) holds records of group " + stray.extra_group +
          ", which is not one of its groups");
}

TEST(MergeShards, RefusesOneFileNameInTwoShards) {
  const fs::path root = scratch("collide");
  const fs::path a = write_shard(root / "a", 1), b = write_shard(root / "b", 2);
  std::ofstream(a / "logs" / "runner.log") << "a\n";
  std::ofstream(b / "logs" / "runner.log") << "b\n";
  EXPECT_EQ(merge_error({a, b}, root / "out"),
            "logs/runner.log is in both " + a.string() + " and " + b.string());
}

TEST(MergeShards, RefusesAnOutputThatHoldsARun) {
  const fs::path root = scratch("occupied");
  const fs::path a = write_shard(root / "a", 1);
  EXPECT_EQ(merge_error({a, write_shard(root / "b", 2)}, a),
            "the output directory " + a.string() +
                " already holds a run or a merge (samples.jsonl); choose another --out");
}

TEST(MergeInputs, RefusesWhatIsNotARunAndAMixOfShardsAndRuns) {
  const fs::path root = scratch("inputs");
  const fs::path a = write_shard(root / "a", 1);
  fs::create_directories(root / "empty");
  auto error = [](const std::vector<std::string>& dirs) {
    try {
      merge_kind(read_merge_inputs(dirs));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error({a.string(), (root / "empty").string()}),
            (root / "empty").string() + " is not a run directory (no manifest.json)");
  EXPECT_EQ(error({a.string(), a.string()}), a.string() + " is given twice");
  // A whole run: the shard's directory without its shard.
  const fs::path whole = root / "whole";
  fs::copy(a, whole, fs::copy_options::recursive);
  json m = json::parse(read_file(whole / "manifest.json"));
  m.erase("shard");
  std::ofstream(whole / "manifest.json") << m.dump(2);
  EXPECT_EQ(error({a.string(), whole.string()}),
            "cannot merge shards with whole runs: " + a.string() + " is a shard (run --shard), " +
                whole.string() +
                " is not; merge the shards of each plan first, then merge the results");
  EXPECT_EQ(error({whole.string()}),
            "nothing to merge: give the shards of one plan (run --shard K/N), or the runs of two "
            "or more machines");
  std::ofstream(root / "whole" / journal::kMachineSetFile) << "{}";
  EXPECT_EQ(error({whole.string(), a.string()}),
            whole.string() +
                " is a cross-machine directory (made by merge); merge the runs in its machines/ "
                "instead");
}

TEST(MachineSet, LabelsNameArchitectureAndPageSizeThenWhatTellsThemApart) {
  auto labels = [](const std::vector<journal::MachineFacts>& machines) {
    std::vector<std::string> out;
    for (const auto& e : journal::name_machines(machines)) out.push_back(e.label + " @ " + e.dir);
    return out;
  };
  EXPECT_EQ(labels({machine(), machine("aarch64", 65536), machine("aarch64", 4096)}),
            (std::vector<std::string>{"x86_64, 4 KiB pages @ machines/x86_64-4k",
                                      "aarch64, 64 KiB pages @ machines/aarch64-64k",
                                      "aarch64, 4 KiB pages @ machines/aarch64-4k"}));
  journal::MachineFacts other_cpu = machine(), other_host = machine();
  other_cpu.cpu_model = "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz";
  other_host.hostname = "runner-2";
  EXPECT_EQ(labels({machine(), other_cpu}),
            (std::vector<std::string>{
                "x86_64, 4 KiB pages, AMD EPYC 7763 64-Core Processor @ machines/x86_64-4k",
                "x86_64, 4 KiB pages, Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz @ "
                "machines/x86_64-4k-2"}));
  EXPECT_EQ(
      labels({machine(), other_host, machine()}),
      (std::vector<std::string>{"x86_64, 4 KiB pages, host-x86_64, #1 @ machines/x86_64-4k",
                                "x86_64, 4 KiB pages, runner-2 @ machines/x86_64-4k-2",
                                "x86_64, 4 KiB pages, host-x86_64, #3 @ machines/x86_64-4k-3"}));
}

TEST(MachineSet, IndexRoundTripsAndIsCheckedOnRead) {
  journal::MachineSet set;
  set.tool_version = "0.1.0";
  set.machines = journal::name_machines({machine(), machine("aarch64", 65536)});
  set.machines[0].source = "runs/x86";
  EXPECT_EQ(json(set).get<journal::MachineSet>(), set);
  EXPECT_THROW(json::object().get<journal::MachineSet>(), std::invalid_argument);
  EXPECT_THROW((json{{"machines", {{{"label", "x"}}}}}.get<journal::MachineSet>()),
               std::invalid_argument);
}

}  // namespace
}  // namespace shootout::run
