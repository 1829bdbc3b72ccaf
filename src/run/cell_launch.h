// How one cell's worker is started: which executable (runtime build, link
// mode), which object is preloaded and must then serve malloc, and an
// environment cleaned of the user's own allocator settings, so a stray
// MALLOC_CONF in the shell can never tune a cell silently.
#pragma once

#include <string>

#include "run/plan.h"
#include "run/worker_process.h"

namespace shootout::run {

struct WorkerPaths {
  std::string directory;  // where the worker executables and shims are
  static WorkerPaths beside_this_executable();
  std::string worker(const std::string& runtime, const std::string& link_allocator = "") const;
  std::string malloc_count_shim() const;
};

// Throws std::runtime_error when the worker executable for the cell does not
// exist (e.g. link mode for an allocator whose -dev package was not installed
// at build time).
WorkerLaunch launch_for_cell(const Cell& cell, const RunOptions& options, const WorkerPaths& paths,
                             const std::string& log_path);

// The counting pass: the plain worker under the C library's malloc with the
// malloc-counting shim preloaded (which then serves malloc).
WorkerLaunch launch_for_profile(const Cell& cell, const RunOptions& options,
                                const WorkerPaths& paths, const std::string& log_path);

}  // namespace shootout::run
