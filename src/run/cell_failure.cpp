// A cell's failure: one cell_failed record (phase, reason, exit status, the
// last lines of its log), its other processes stopped, and an out-of-memory
// death named for what it is. Also the reading of a worker's replies that
// turns anything but the expected message into that failure.
#include <cstdlib>
#include <fstream>

#include "run/cell_records.h"
#include "run/group_driver.h"

namespace shootout::run {

namespace {

using nlohmann::json;

bool mentions_out_of_memory(const std::vector<std::string>& lines) {
  for (const auto& text : lines) {
    for (const char* sign :
         {"bad_alloc", "Cannot allocate memory", "out of memory", "Out of memory"})
      if (text.find(sign) != std::string::npos) return true;
  }
  return false;
}

// A worker whose allocation failed inside the runtime (a lost coroutine)
// hangs instead of dying; with its address space at the limit that is what
// it ran into. VmPeak within 10 % of the limit: a failing request is at most
// an arena's reservation (64 MiB for glibc), well inside that margin at the
// limits that make sense (hundreds of MiB and up).
std::optional<std::string> address_space_exhausted(pid_t pid, long limit_mib) {
  if (limit_mib <= 0 || pid <= 0) return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmPeak:", 0) != 0) continue;
    const long peak_kib = std::strtol(line.c_str() + 7, nullptr, 10);
    if (peak_kib * 10 < limit_mib * 1024 * 9) return std::nullopt;
    return "address space peaked at " + std::to_string(peak_kib / 1024) + " MiB of the " +
           std::to_string(limit_mib) + " MiB --worker-memory-limit";
  }
  return std::nullopt;
}

}  // namespace

// `exiting`: the worker reported an error and is ending by itself, so its
// own exit status is awaited (briefly) rather than forced. The cell fails
// as a whole: its other processes are stopped, its samples so far kept.
void GroupDriver::fail(LiveCell& live, const std::string& phase, const std::string& reason,
                       const WorkerFindings& findings, bool exiting) {
  if (live.failed) return;
  // Read before the worker is reaped: afterwards its /proc entry is gone.
  const auto exhausted =
      live.process ? address_space_exhausted(live.process->pid(), options_.memory_limit_mib)
                   : std::nullopt;
  WorkerExit exit;
  if (live.process)
    exit = exiting ? live.process->wait_or_kill(std::chrono::seconds(2))
                   : live.process->kill_and_reap();
  journal::CellFailedRecord record;
  record.identity = cell_identity(*live.cell);
  record.phase = phase;
  record.reason = exit.description.empty() ? reason : reason + "; worker " + exit.description;
  record.exit_code = exit.exit_code;
  record.signal = exit.signal;
  if (live.process) record.stderr_tail = live.process->log_tail(10);
  if (processes() > 1) record.process = live.process_index;
  // A crash that follows a failed allocation is named for what it is.
  if (record.reason.find("out of memory") == std::string::npos) {
    if (mentions_out_of_memory(record.stderr_tail))
      record.reason = "out of memory (the log shows a failed allocation): " + record.reason;
    else if (exhausted)
      record.reason = "out of memory (" + *exhausted + "): " + record.reason;
  }
  record.verification = findings.verification;
  record.tuning_check = findings.tuning_check;
  append(record);
  for (auto& other : cells_) {
    if (other.cell != live.cell || other.failed || &other == &live) continue;
    if (other.process) other.process->kill_and_reap();
    other.failed = true;
  }
  live.failed = true;
  notify({ProgressUpdate::Kind::cell_failed, group_.name, live.cell->id, record.reason, 0, 0});
}

// Turns a reply that is not the expected message into the cell's failure.
bool GroupDriver::expect(LiveCell& live, const WorkerProcess::Reply& reply, const char* type,
                         const std::string& phase) {
  using S = WorkerProcess::ReadStatus;
  if (reply.status == S::message && reply.message["type"] == type) return true;
  if (reply.status == S::message && reply.message["type"] == "error") {
    const json& m = reply.message;
    WorkerFindings findings;
    if (m.contains("verification")) findings.verification = m["verification"];
    if (m.contains("tuning_check") && m["tuning_check"].is_object())
      findings.tuning_check = m["tuning_check"].get<alloc::TuningCheck>();
    const std::string kind = m.value("kind", "error");
    fail(live, kind == "verification" || kind == "tuning" ? kind : phase,
         kind + ": " + m.value("message", ""), findings, /*exiting=*/true);
  } else if (reply.status == S::message) {
    fail(live, phase,
         "protocol: expected '" + std::string(type) + "', got '" +
             reply.message["type"].get<std::string>() + "'");
  } else if (reply.status == S::timeout) {
    fail(live, phase,
         "timeout: no reply within " + std::to_string(options_.timeout.count()) +
             " s (hung worker)");
  } else if (reply.status == S::garbage) {
    fail(live, phase, "protocol: " + reply.error);
  } else {
    // Its pipe closed: it is dying by itself; wait for its own exit status
    // rather than race it with a SIGKILL of ours.
    fail(live, phase, "worker ended without a reply", {}, /*exiting=*/true);
  }
  return false;
}

}  // namespace shootout::run
