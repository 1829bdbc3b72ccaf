// manifest.json as a C++ type (docs/results-schema.md): what a reader needs
// to trust or compare a run — the machine, the allocators, the plan, the
// options and the attempts. `run` and `exec` write it through to_json; the
// report, `compare` and `--resume` read it through from_json, so no reader
// looks for a key the writer does not produce. Readers are lenient: a field
// an older manifest lacks is empty (0 for numbers).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shootout::journal {

// The machine the run measured on (run/manifest.cpp describe_machine()).
struct MachineFacts {
  std::string cpu_model;
  long cores_online = 0;
  std::string arch, kernel, hostname;
  long page_size = 0;
  std::string thp_enabled, thp_defrag;  // "madvise" (the bracketed mode)
  std::string glibc, compiler, build_type, cxx_flags;
  std::string loadavg;      // /proc/loadavg at the start of the attempt
  std::string loadavg_end;  // and at its end ("" until then)
  // The user-mode emulator the run executed under, e.g. "qemu-aarch64
  // version 7.2.18 (...), page size 65536"; "" on a native run. Its times
  // mean nothing, its counters do (docs/design.md §8).
  std::string emulator;
  bool operator==(const MachineFacts&) const = default;
};

// One allocator the run used: its object and, for a Debian package's
// object, the package and its version.
struct AllocatorFacts {
  std::string path;  // "" for std (the C library)
  bool user_supplied = false;
  std::string dialect;  // conf dialect (alloc::to_string)
  std::optional<std::string> package, package_version;
  bool operator==(const AllocatorFacts&) const = default;
};

struct PlanGroup {
  std::string group;
  std::vector<std::string> cells;  // cell ids
  bool operator==(const PlanGroup&) const = default;
};

struct ManifestPlan {
  std::vector<PlanGroup> groups;
  std::size_t cells = 0;
  // exec: runs of the command per variant, warm-up runs, verification runs.
  std::optional<int> runs, warmup_runs, verification_runs;
  // plan_digest() of the whole expanded plan and its options (run only; ""
  // for exec and older runs): shards of one plan have the same digest.
  std::string digest;
  bool operator==(const ManifestPlan&) const = default;
};

// The user's command of an `exec` run.
struct ExecCommand {
  std::vector<std::string> argv;      // as given after --
  std::string text;                   // as a shell would show it
  bool shell = false;                 // run by /bin/sh -c
  std::vector<std::string> executed;  // the argv really executed
  std::string program;                // the file executed
  bool statically_linked = false, setid = false;
  std::string interpreter;  // of a "#!" script
  bool operator==(const ExecCommand&) const = default;
};

// One start of the run (`run`, each `--resume`, `exec`).
struct Attempt {
  int attempt = 1;
  std::string start;
  std::optional<std::string> end;  // absent while it runs (or when it was killed)
  bool operator==(const Attempt&) const = default;
};

// The part of a plan a run directory holds (`run --shard K/N`): the groups
// run::shard_groups gives part K. The manifest's `plan` is the whole plan.
struct ShardFacts {
  int index = 0, count = 0;         // K and N, from 1
  std::vector<std::string> groups;  // this part's workload groups, in plan order
  bool operator==(const ShardFacts&) const = default;
};

// One shard that `merge` joined into a run directory (run/merge.h).
struct MergedShard {
  int index = 0;
  std::string source;   // its directory, as given to merge
  std::string machine;  // machine_name() of its manifest
  std::vector<Attempt> attempts;
  bool operator==(const MergedShard&) const = default;
};

// A run directory `merge` made from the shards of one plan.
struct MergeFacts {
  int count = 0;                    // N: the shards the plan was split into
  std::vector<MergedShard> shards;  // those merged, by index
  std::vector<int> missing;         // those not given to merge
  bool operator==(const MergeFacts&) const = default;
};

struct Manifest {
  std::string tool = "alloc-shootout";
  std::string tool_version;         // run::tool_version() of the writer ("" in older runs)
  std::optional<std::string> mode;  // "exec"; absent for `run`
  MachineFacts machine;
  std::map<std::string, AllocatorFacts> allocators;  // by name
  std::optional<ExecCommand> command;                // exec
  ManifestPlan plan;
  // The options as given: `run`'s RunOptions::to_json (the object --resume
  // reads back), `exec`'s own. Kept as written; the values a report needs
  // are read by the accessors below, under the keys RunOptions writes.
  nlohmann::json options = nlohmann::json::object();
  std::vector<Attempt> attempts;     // a merged run's are its shards' (merged->shards)
  std::optional<ShardFacts> shard;   // `run --shard K/N`
  std::optional<MergeFacts> merged;  // made by `merge` from shards

  // options.profile: quick | standard | study (absent for exec).
  std::optional<std::string> profile() const;
  // options.bootstrap_resamples, when it is a positive integer.
  std::optional<int> bootstrap_resamples() const;
  // options.pin: bench and pool threads pinned to CPUs (--pin).
  bool pinned() const;
  bool operator==(const Manifest&) const = default;
};

// What names a machine in every cross-machine output: "AMD EPYC 7763
// 64-Core Processor, x86_64, 4 KiB pages, Linux 6.8.0-1017-azure" — the
// CPU model, architecture, page size and kernel, so a 64 KiB-page ARM
// machine is visibly not a 4 KiB one.
std::string machine_name(const MachineFacts& m);
// The page size as people write it: "4 KiB", "64 KiB" ("? B" when unknown).
std::string page_size_text(long bytes);

// The digest of a plan: FNV-1a (64 bit, hex) of its groups and cells and of
// the options other than "out_dir" and "shard", as compact JSON. The same
// command line with only --shard and --out changed gives the same digest
// wherever the same allocators expand it to the same cells; it identifies a
// plan, it does not protect against forgery.
std::string plan_digest(const ManifestPlan& plan, const nlohmann::json& options);

void to_json(nlohmann::json& j, const MachineFacts& m);
void from_json(const nlohmann::json& j, MachineFacts& m);
void to_json(nlohmann::json& j, const AllocatorFacts& a);
void from_json(const nlohmann::json& j, AllocatorFacts& a);
void to_json(nlohmann::json& j, const Manifest& m);
// Throws std::invalid_argument when `j` is not a JSON object.
void from_json(const nlohmann::json& j, Manifest& m);

}  // namespace shootout::journal
