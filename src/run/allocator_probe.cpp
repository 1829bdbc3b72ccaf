#include "run/allocator_probe.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "common/emulation.h"
#include "run/worker_process.h"

namespace shootout::run {

AllocatorProbe probe_allocator(const alloc::Allocator& allocator, alloc::Injection injection,
                               const WorkerPaths& paths, const std::string& tuning) {
  AllocatorProbe probe;
  Cell cell;
  cell.allocator = allocator;
  cell.injection = injection;
  cell.runtime = "asio";
  cell.tuning = tuning;
  RunOptions options;
  char log_template[] = "/tmp/alloc-shootout-probe-XXXXXX";
  const int fd = mkstemp(log_template);
  if (fd >= 0) close(fd);
  std::string qemu_log;  // under an emulator: qemu's log of the worker's calls
  try {
    WorkerLaunch launch = launch_for_cell(cell, options, paths, log_template);
    if (auto log = launch.env_overrides.find(common::kQemuLogVariable);
        log != launch.env_overrides.end())
      qemu_log = log->second;
    // Only the verification (and the tuning's read-back): no workload arguments.
    launch.argv = {launch.argv[0], "--verify-only", "--expect",
                   allocator.is_std() ? "" : allocator.path};
    if (!tuning.empty())
      launch.argv.insert(launch.argv.end(),
                         {"--dialect", alloc::dialect_name(allocator.dialect), "--conf", tuning});
    WorkerProcess worker(launch);
    auto reply = worker.receive(std::chrono::seconds(20));
    const WorkerExit exit = worker.wait_or_kill(std::chrono::seconds(5));
    if (reply.status == WorkerProcess::ReadStatus::message) {
      probe.verification = reply.message.value("verification", nlohmann::json::object());
      if (auto check = reply.message.find("tuning_check");
          check != reply.message.end() && check->is_object())
        probe.tuning_check = check->get<alloc::TuningCheck>();
      probe.version = probe.verification.value("version", "");
      probe.version_source = probe.verification.value("version_source", "");
      probe.ok = reply.message["type"] == "hello" && probe.verification.value("ok", false);
      if (!probe.ok) {
        probe.message = reply.message.value("message", "verification failed");
        probe.failed_kind = reply.message.value("kind", "");
      }
    } else {
      probe.message = "worker " + exit.description;
      for (const auto& line : worker.log_tail(3)) probe.message += "; " + line;
    }
  } catch (const std::exception& e) {
    probe.message = e.what();
  }
  unlink(log_template);
  if (!qemu_log.empty()) unlink(qemu_log.c_str());
  return probe;
}

}  // namespace shootout::run
