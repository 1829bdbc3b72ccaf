// Asks a worker, with the allocator injected, which object serves malloc and
// what version it reports — without running any workload. Used by
// `alloc-shootout list allocators`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "alloc/registry.h"
#include "run/cell_launch.h"

namespace shootout::run {

struct AllocatorProbe {
  bool ok = false;
  std::string version;
  std::string version_source;
  std::string message;  // why not ok
  nlohmann::json verification;
};

AllocatorProbe probe_allocator(const alloc::Allocator& allocator, alloc::Injection injection,
                               const WorkerPaths& paths);

}  // namespace shootout::run
