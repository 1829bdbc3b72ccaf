// What a run measures: the options a user gives, the sampling profiles, and
// their expansion into groups of cells (one worker process per cell; the
// cells of a group — one workload — run in lockstep rounds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alloc/registry.h"
#include "stats/estimate.h"

namespace shootout::run {

struct Profile {
  std::string name;
  stats::SamplingOptions sampling;
  // Worker processes per cell. The measurement and warm-up time of a cell
  // are split between them, and its ratio CI counts each process once
  // unless their means agree closely (stats::paired_ratio_by_process).
  int processes = 1;
};
// quick | standard | study; throws std::invalid_argument naming the valid ones.
Profile profile_from_name(const std::string& name);
const std::vector<std::string>& profile_names();

// A tuning asked for on the command line: ALLOC:KEY:VALUE[,KEY:VALUE].
struct TuningRequest {
  std::string allocator;
  std::string conf;  // "tcache_max:4096,narenas:1"
};

// `--shard K/N`: this machine runs part K (from 1) of the plan split into N
// (run/shard.h says how).
struct ShardSpec {
  int index = 1, count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const ShardSpec&) const = default;
};

struct RunOptions {
  Profile profile = profile_from_name("quick");
  std::vector<std::string> allocators;            // empty: every available built-in
  std::vector<alloc::Allocator> user_allocators;  // --allocator NAME=PATH
  std::vector<std::string> workloads;             // names/globs; empty: the study's cases
  std::vector<std::string> payloads = {"zeroed", "filled"};
  std::vector<std::string> runtimes = {"asio"};
  alloc::Injection injection = alloc::Injection::preload;
  std::vector<TuningRequest> tunings;
  std::string baseline = "std";
  int threads = 0;  // pool threads override; 0 = each spec's own
  bool pin = false;
  bool tracepoints = true;
  bool hardware_counters = false;  // per-task hardware events: they slow the workload
  bool allocation_profile = true;  // the malloc-counting pass
  bool trace_calls = false;
  long memory_limit_mib = 0;  // RLIMIT_AS of every worker; 0 = none
  // Bootstrap resamples the reports use for every CI (recorded in the
  // manifest; the report layer reads it from there).
  int bootstrap_resamples = 10000;
  // How each cell is observed: "counters" (the default), and for the tool's
  // own overhead benchmarks "off" (no probes at all) and "strace" (the
  // worker under `strace -f -e trace=memory`, the study's method). Each
  // mode other than counters is its own variant, "jemalloc(probes off)".
  std::vector<std::string> probe_modes = {
      "counters"};                   // the raw-call pass (--trace-calls), after the rounds
  std::chrono::seconds timeout{60};  // longest wait for any one reply of a worker
  std::string out_dir;
  std::optional<ShardSpec> shard;  // --shard K/N; the whole plan when empty

  nlohmann::json to_json() const;
  static RunOptions from_json(const nlohmann::json& j);  // for --resume
};

struct Cell {
  std::string id;  // workload|payload|runtime|variant|injection
  std::string group;
  std::string workload, family, payload, runtime;
  alloc::Allocator allocator;
  std::string tuning;   // "" for the untuned allocator
  std::string variant;  // "jemalloc" or "jemalloc[tcache_max:4096]"
  alloc::Injection injection = alloc::Injection::preload;
  bool baseline = false;
  std::string baseline_cell;
  std::string probe_mode = "counters";
};

struct Group {
  std::string name;  // the workload
  std::vector<Cell> cells;
};

struct Plan {
  std::vector<Group> groups;
  size_t cell_count() const;
};

// Throws std::invalid_argument for an unknown workload, payload mode,
// runtime, or allocator, or when the baseline is not among the allocators.
Plan expand_plan(const RunOptions& options, const std::vector<alloc::Allocator>& available);

std::string cell_id(const std::string& workload, const std::string& payload,
                    const std::string& runtime, const std::string& variant,
                    alloc::Injection injection);

}  // namespace shootout::run
