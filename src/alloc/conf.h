// Tunings: `ALLOC:KEY:VALUE[,KEY:VALUE]` parsed once, encoded
// in the allocator's own dialect (the environment variable it really reads),
// and the built-in sweeps. The in-worker read-back is conf_verify.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "alloc/registry.h"

namespace shootout::alloc {

struct ConfPair {
  std::string key, value;
};

struct Tuning {
  std::string allocator;
  std::vector<ConfPair> pairs;
  std::string conf_text() const;  // "tcache_max:4096,narenas:1"
  std::string label() const;      // "jemalloc[tcache_max:4096,narenas:1]"
};

// Throws std::invalid_argument with the expected form and what was wrong.
Tuning parse_tuning(const std::string& text);
std::vector<ConfPair> parse_conf(const std::string& conf);  // "k:v,k:v"

// The symbol prefix of a jemalloc build, found by which `*mallctl` the object
// exports: "" (plain), "je_", "_rjem_" (tikv-jemallocator), ... Empty optional
// when the object exports no mallctl at all (not a jemalloc).
std::optional<std::string> jemalloc_prefix(const std::string& object_path);
// The variable a jemalloc build with `prefix` reads: MALLOC_CONF, JE_MALLOC_CONF,
// _RJEM_MALLOC_CONF.
std::string jemalloc_conf_variable(const std::string& prefix);

// The environment that applies `pairs` to `allocator` (std: GLIBC_TUNABLES).
// Throws std::invalid_argument for an allocator with no conf dialect.
std::map<std::string, std::string> conf_environment(const Allocator& allocator,
                                                    const std::vector<ConfPair>& pairs);

// Environment variables through which an allocator could be tuned (or
// replaced) behind the tool's back — LD_PRELOAD, MALLOC_CONF,
// GLIBC_TUNABLES, ... — to drop from every process the tool starts under an
// allocator. An entry ending in '*' is a prefix ("MIMALLOC_*").
const std::vector<std::string>& foreign_allocator_settings();

struct Sweep {
  std::string name;
  std::string description;
  std::vector<std::string> tunings;    // "jemalloc:tcache_max:4096"
  std::vector<std::string> workloads;  // names the sweep runs across
  std::vector<std::string> payloads;
};
const std::vector<Sweep>& builtin_sweeps();
// A built-in name, or a sweep file (docs/sweeps.md). Throws
// std::invalid_argument naming the valid sweeps or the file's problem.
Sweep load_sweep(const std::string& name_or_path);

}  // namespace shootout::alloc
