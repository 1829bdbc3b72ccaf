// `run --shard K/N`: a deterministic split of the expanded plan into N parts,
// one per machine (a CI matrix job, a Slurm array task), by workload group —
// a group's cells run in lockstep rounds and their ratios pair rounds, so a
// group is never split. Every machine computes the same split from the plan
// alone; `merge` (run/merge.h) joins the parts' run directories again.
#pragma once

#include <string>
#include <vector>

#include "run/plan.h"

namespace shootout::run {

// "K/N" (K from 1 to N) -> the shard. Throws std::invalid_argument with one
// message saying what is wrong and what is valid: "--shard 4/3: K must be
// 1..3", "--shard 1/0: N must be at least 1", "--shard two: expected K/N …".
ShardSpec parse_shard(const std::string& text);

// The workload groups of part K, in plan order. The split balances the
// parts' expected time: every cell gets the profile's warm-up and
// measurement time whatever its workload, so a group costs about its number
// of cells; groups are dealt largest first (plan order among equals) to the
// part with the fewest cells so far (the lowest K among equals). Throws
// std::invalid_argument when the plan has fewer groups than N, so no part
// is empty.
std::vector<std::string> shard_groups(const Plan& plan, const ShardSpec& shard);

// The plan with only part K's groups (in plan order).
Plan shard_of(const Plan& plan, const ShardSpec& shard);
// What a run with these options measures: shard_of(plan, *shard), or the
// whole plan without a shard (`run`, `run --resume` alike).
Plan part_to_run(const Plan& plan, const std::optional<ShardSpec>& shard);

}  // namespace shootout::run
