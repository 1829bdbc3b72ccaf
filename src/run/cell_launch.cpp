#include "run/cell_launch.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "alloc/conf.h"
#include "alloc/verify.h"
#include "common/emulation.h"

namespace shootout::run {

namespace {

std::vector<std::string> common_arguments(const Cell& cell, const RunOptions& options) {
  std::vector<std::string> args = {"--workload", cell.workload, "--payload", cell.payload};
  if (options.threads > 0) args.insert(args.end(), {"--threads", std::to_string(options.threads)});
  if (options.pin) args.push_back("--pin");
  if (!options.tracepoints) args.push_back("--no-tracepoints");
  if (options.hardware_counters) args.push_back("--hardware");
  if (options.trace_calls) args.push_back("--trace-calls");
  if (options.memory_limit_mib > 0)
    args.insert(args.end(), {"--memory-limit-mib", std::to_string(options.memory_limit_mib)});
  return args;
}

// The study's method, for comparison: `strace -f -e trace=memory` around the
// worker, its output discarded. The preload goes to the traced worker only
// (-E), not to strace itself.
void wrap_in_strace(WorkerLaunch& launch) {
  std::vector<std::string> argv = {"strace", "-f", "-qq", "-e", "trace=memory", "-o", "/dev/null"};
  auto preload = launch.env_overrides.find("LD_PRELOAD");
  if (preload != launch.env_overrides.end()) {
    argv.insert(argv.end(), {"-E", "LD_PRELOAD=" + preload->second});
    launch.env_overrides.erase(preload);
  }
  for (const char* dir : {"/usr/bin/strace", "/bin/strace"})
    if (access(dir, X_OK) == 0) argv[0] = dir;
  if (argv[0].front() != '/')
    throw std::runtime_error("probe mode strace needs strace (apt-get install strace)");
  argv.insert(argv.end(), launch.argv.begin(), launch.argv.end());
  launch.argv = argv;
}

}  // namespace

WorkerPaths WorkerPaths::beside_this_executable() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return {ec ? std::string(".") : self.parent_path().string()};
}

std::string WorkerPaths::worker(const std::string& runtime,
                                const std::string& link_allocator) const {
  std::string name = "alloc-shootout-worker-" + runtime;
  if (!link_allocator.empty()) name += "-link-" + link_allocator;
  return directory + "/" + name;
}

std::string WorkerPaths::malloc_count_shim() const {
  return directory + "/libshootout_malloc_count.so";
}

WorkerLaunch launch_for_cell(const Cell& cell, const RunOptions& options, const WorkerPaths& paths,
                             const std::string& log_path) {
  WorkerLaunch launch;
  const bool linked = cell.injection == alloc::Injection::link && !cell.allocator.is_std();
  const std::string exe = paths.worker(cell.runtime, linked ? cell.allocator.name : "");
  if (access(exe.c_str(), X_OK) != 0)
    throw std::runtime_error(
        linked ? "no link-mode worker for " + cell.allocator.name + " (" + exe +
                     "): its -dev package was not installed when alloc-shootout was built"
               : "worker executable missing: " + exe);
  launch.argv = {exe};
  for (auto& a : common_arguments(cell, options)) launch.argv.push_back(a);
  // std names its object too: its worker then parses and verifies exactly
  // what a worker with the C library preloaded under another name does.
  launch.argv.insert(
      launch.argv.end(),
      {"--expect", cell.allocator.is_std() ? alloc::default_malloc_object() : cell.allocator.path});
  launch.env_removed = alloc::foreign_allocator_settings();
  if (!linked && !cell.allocator.is_std()) launch.env_overrides["LD_PRELOAD"] = cell.allocator.path;
  if (!cell.tuning.empty()) {
    // The allocator's own variable (e.g. _RJEM_MALLOC_CONF for a prefixed
    // jemalloc); the worker reads every key back before timing.
    for (const auto& [key, value] :
         alloc::conf_environment(cell.allocator, alloc::parse_conf(cell.tuning)))
      launch.env_overrides[key] = value;
    launch.argv.insert(launch.argv.end(), {"--dialect", alloc::dialect_name(cell.allocator.dialect),
                                           "--conf", cell.tuning});
  }
  if (cell.probe_mode == "off") launch.argv.push_back("--no-counters");
  if (cell.probe_mode == "strace") wrap_in_strace(launch);
  // Under qemu-user no perf event opens: the worker counts its memory
  // system calls from qemu's log of them, one file per worker process.
  if (cell.probe_mode == "counters" && !common::emulator().empty()) {
    launch.env_overrides[common::kQemuStraceVariable] = "1";
    launch.env_overrides[common::kQemuLogVariable] = log_path + ".qemu-strace";
  }
  launch.log_path = log_path;
  return launch;
}

WorkerLaunch launch_for_profile(const Cell& cell, const RunOptions& options,
                                const WorkerPaths& paths, const std::string& log_path) {
  WorkerLaunch launch;
  const std::string shim = paths.malloc_count_shim();
  if (access(shim.c_str(), R_OK) != 0)
    throw std::runtime_error("malloc-counting shim missing: " + shim);
  std::error_code ec;
  const std::string canonical_shim = std::filesystem::canonical(shim, ec).string();
  launch.argv = {paths.worker(cell.runtime)};
  for (auto& a : common_arguments(cell, options)) launch.argv.push_back(a);
  launch.argv.insert(launch.argv.end(), {"--expect", canonical_shim});
  launch.env_removed = alloc::foreign_allocator_settings();
  launch.env_overrides["LD_PRELOAD"] = canonical_shim;
  launch.log_path = log_path;
  return launch;
}

}  // namespace shootout::run
