// `alloc-shootout merge DIR... --out DIR`: joins run directories.
//
//   * Shards of one plan (`run --shard K/N`) become one run directory, as if
//     the plan had run at once: samples.jsonl holds every shard's records
//     (the run_start records in shard order, then each group's records in
//     plan order, then the run_end records), logs/ and traces/ hold every
//     shard's files, and manifest.json is the first shard's without `shard`,
//     with `merged` naming each shard, its directory, machine and attempts,
//     and the shards that were missing. A merge with shards missing is made
//     (its report says which groups were not run); `run --resume OUT`
//     measures them, or a merge again with every shard.
//   * Whole runs of different machines become a cross-machine directory
//     (journal/machine_set.h): each run copied to machines/<dir>/ and
//     machines.json; the report layer writes its report (report/machines.h).
#pragma once

#include <string>
#include <vector>

#include "journal/machine_set.h"
#include "journal/manifest.h"

namespace shootout::run {

struct MergeInput {
  std::string dir;  // as given
  journal::Manifest manifest;
};

// Each directory's manifest. Throws std::invalid_argument naming a
// directory given twice, one without manifest.json or samples.jsonl (not a
// run directory), or one that is already a cross-machine directory.
std::vector<MergeInput> read_merge_inputs(const std::vector<std::string>& dirs);

enum class MergeKind { shards, machines };
// shards when every input is a shard, machines when none is. Throws
// std::invalid_argument for a mix (naming which are shards) and for fewer
// than two whole runs.
MergeKind merge_kind(const std::vector<MergeInput>& inputs);

struct ShardMerge {
  std::string out;
  int count = 0;                            // N
  std::vector<int> missing;                 // shards not given
  std::vector<std::string> missing_groups;  // their workload groups
  std::vector<std::string> notes;           // for the user: machines that differ, dropped lines
};

// Checks, before anything is written, that the shards are of one plan and
// one alloc-shootout version, split the same way, each given once, each
// holding only its own groups' records, and that no two have a file of the
// same name in logs/ or traces/; each refusal is a std::invalid_argument
// naming the directories. Then writes `out` (refused when it already holds
// a run). std::runtime_error when a file cannot be read or written.
ShardMerge merge_shards(const std::vector<MergeInput>& shards, const std::string& out);

// The cross-machine directory's index for these runs (names, labels and
// machines/<dir> of each, journal::name_machines); nothing is written.
journal::MachineSet machine_set_of(const std::vector<MergeInput>& runs);
// Copies each run into out/<dir> and writes out/machines.json. Throws
// std::invalid_argument when `out` already holds a run or a merge (before
// writing), std::runtime_error when a copy fails.
void write_machine_set(const std::vector<MergeInput>& runs, const journal::MachineSet& set,
                       const std::string& out);

}  // namespace shootout::run
