// Asks a worker, with the allocator injected, which object serves malloc and
// what version it reports — and, given a tuning, reads every key of it back
// as a cell's worker does — without running any workload. Used by
// `alloc-shootout list allocators` and by `exec --tune`.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "alloc/conf_verify.h"
#include "alloc/registry.h"
#include "run/cell_launch.h"

namespace shootout::run {

struct AllocatorProbe {
  bool ok = false;
  std::string version;
  std::string version_source;
  std::string message;      // why not ok
  std::string failed_kind;  // the worker's error kind ("verification", "tuning"); "" otherwise
  nlohmann::json verification;
  // The read-back of `tuning` (none without one, or when not reached).
  std::optional<alloc::TuningCheck> tuning_check;
};

// `tuning`: "KEY:VALUE[,KEY:VALUE]", set through the allocator's own
// variables exactly as for a cell, or "" for none.
AllocatorProbe probe_allocator(const alloc::Allocator& allocator, alloc::Injection injection,
                               const WorkerPaths& paths, const std::string& tuning = "");

}  // namespace shootout::run
