// `run --shard K/N` without starting a worker: the K/N syntax and its
// messages, the split (deterministic, balanced by cells, every group in
// exactly one part, a group never split), the options a resumed shard reads
// back, and the plan digest shards are matched by.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "journal/manifest.h"
#include "run/shard.h"

namespace shootout::run {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_shard(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// A plan whose groups have these numbers of cells (names g0, g1, ...).
Plan plan_of(const std::vector<int>& cells) {
  Plan plan;
  for (std::size_t g = 0; g < cells.size(); ++g) {
    Group group{"g" + std::to_string(g), {}};
    for (int c = 0; c < cells[g]; ++c) {
      Cell cell;
      cell.id = group.name + "|" + std::to_string(c);
      cell.group = group.name;
      group.cells.push_back(cell);
    }
    plan.groups.push_back(group);
  }
  return plan;
}

TEST(Shard, ParsesKOfN) {
  EXPECT_EQ(parse_shard("2/3"), (ShardSpec{2, 3}));
  EXPECT_EQ(parse_shard("1/1"), (ShardSpec{1, 1}));
  EXPECT_EQ(parse_shard("2/3").text(), "2/3");
}

TEST(Shard, RefusesWithOneMessageSayingWhatIsValid) {
  EXPECT_EQ(error_of("4/3"), "--shard 4/3: K must be 1..3");
  EXPECT_EQ(error_of("0/3"), "--shard 0/3: K must be 1..3");
  EXPECT_EQ(error_of("1/0"), "--shard 1/0: N must be at least 1");
  const std::string syntax =
      ": expected K/N, two whole numbers: part K of N, K from 1 to N (e.g. --shard 2/3)";
  EXPECT_EQ(error_of("two"), "--shard two" + syntax);
  EXPECT_EQ(error_of("2"), "--shard 2" + syntax);
  EXPECT_EQ(error_of("-1/3"), "--shard -1/3: K must be 1..3");
  EXPECT_EQ(error_of("1/3x"), "--shard 1/3x" + syntax);
  EXPECT_EQ(error_of("/3"), "--shard /3" + syntax);
}

TEST(Shard, EveryGroupInExactlyOnePartInPlanOrder) {
  const Plan plan = plan_of({2, 6, 2, 4, 2, 2, 6});
  std::map<std::string, int> owner;
  for (int k = 1; k <= 3; ++k) {
    const auto groups = shard_groups(plan, {k, 3});
    EXPECT_FALSE(groups.empty());
    for (std::size_t i = 1; i < groups.size(); ++i)
      EXPECT_LT(std::stoi(groups[i - 1].substr(1)), std::stoi(groups[i].substr(1)));
    for (const auto& g : groups) EXPECT_TRUE(owner.emplace(g, k).second) << g << " twice";
  }
  EXPECT_EQ(owner.size(), plan.groups.size());
}

TEST(Shard, BalancesByCellsLargestFirst) {
  // Largest first to the part with the fewest cells: 6 -> 1, 6 -> 2, 4 -> 3,
  // then the 2s to 3, 1, 2, 3 (fewest so far, lowest K among equals).
  const Plan plan = plan_of({2, 6, 2, 4, 2, 2, 6});
  EXPECT_EQ(shard_groups(plan, {1, 3}), (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(shard_groups(plan, {2, 3}), (std::vector<std::string>{"g4", "g6"}));
  EXPECT_EQ(shard_groups(plan, {3, 3}), (std::vector<std::string>{"g0", "g3", "g5"}));
  // 8 cells each: the split is as even as the groups allow.
  for (int k = 1; k <= 3; ++k) {
    std::size_t cells = 0;
    for (const auto& g : shard_of(plan, {k, 3}).groups) cells += g.cells.size();
    EXPECT_EQ(cells, 8u) << "shard " << k;
  }
}

TEST(Shard, OnePartIsTheWholePlan) {
  const Plan plan = plan_of({2, 4, 2});
  EXPECT_EQ(shard_groups(plan, {1, 1}), (std::vector<std::string>{"g0", "g1", "g2"}));
  EXPECT_EQ(part_to_run(plan, std::nullopt).groups.size(), 3u);
  // 4 cells to part 1; then 2 and 2 to part 2, which has fewer.
  EXPECT_EQ(part_to_run(plan, ShardSpec{1, 2}).groups.size(), 1u);
  EXPECT_EQ(part_to_run(plan, ShardSpec{2, 2}).groups.size(), 2u);
}

TEST(Shard, RefusesMorePartsThanGroups) {
  const Plan plan = plan_of({2, 2});
  try {
    shard_groups(plan, {1, 3});
    FAIL() << "three parts of two groups";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "--shard 1/3: the plan has 2 workload groups, so it splits into at most 2 "
                 "shards (a group's cells run in lockstep rounds on one machine)");
  }
}

TEST(Shard, ResumedShardReadsItsShardBack) {
  RunOptions o;
  o.shard = ShardSpec{2, 3};
  const nlohmann::json j = o.to_json();
  EXPECT_EQ(j.at("shard"), "2/3");
  EXPECT_EQ(RunOptions::from_json(j).shard, (ShardSpec{2, 3}));
  // Without --shard the options have no "shard" (runs before it read back the same).
  EXPECT_FALSE(RunOptions{}.to_json().contains("shard"));
  EXPECT_FALSE(RunOptions::from_json(RunOptions{}.to_json()).shard);
}

TEST(PlanDigest, SameForEveryShardOfOneCommandLine) {
  journal::ManifestPlan plan;
  plan.groups = {{"mpsc/64", {"mpsc/64|zeroed|asio|std|preload"}}};
  plan.cells = 1;
  RunOptions o;
  o.out_dir = "runs/shard-1";
  o.shard = ShardSpec{1, 2};
  const std::string one = journal::plan_digest(plan, o.to_json());
  EXPECT_EQ(one.size(), 16u);
  o.out_dir = "elsewhere";
  o.shard = ShardSpec{2, 2};
  EXPECT_EQ(journal::plan_digest(plan, o.to_json()), one);
  o.shard.reset();
  EXPECT_EQ(journal::plan_digest(plan, o.to_json()), one);
  // Another option or another cell is another plan.
  o.payloads = {"filled"};
  EXPECT_NE(journal::plan_digest(plan, o.to_json()), one);
  const RunOptions same;
  const std::string before = journal::plan_digest(plan, same.to_json());
  plan.groups[0].cells.push_back("mpsc/64|zeroed|asio|jemalloc|preload");
  EXPECT_NE(journal::plan_digest(plan, same.to_json()), before);
}

}  // namespace
}  // namespace shootout::run
