// The untimed passes of a group, after its rounds: the raw-call pass
// (--trace-calls) of each cell's first process, and the allocation count
// pass (one counting worker per payload and runtime). Nothing here is timed.
#include <algorithm>

#include "common/atomic_file.h"
#include "run/cell_records.h"
#include "run/group_driver.h"
#include "worker/protocol.h"

namespace shootout::run {

namespace {

using nlohmann::json;

// A few iterations show the pattern (the study's per-iteration counts) while
// keeping a trace of a 1000-message workload to a few thousand lines.
constexpr std::uint64_t kTracedIterations = 2;

}  // namespace

// The study's strace files without strace: every madvise/mmap/munmap/brk/
// mremap call of a few iterations with its arguments, outside the timed
// samples. Calls go to traces/<cell>.jsonl; the journal gets the summary.
void GroupDriver::trace_pass(LiveCell& live) {
  const std::uint64_t iterations = kTracedIterations;
  if (!live.process->send(worker::encode({worker::CommandKind::trace, iterations}))) {
    fail(live, "trace", "worker closed its command pipe");
    return;
  }
  auto reply = live.process->receive(timeout());
  if (!expect(live, reply, "trace", "trace")) return;
  journal::TraceRecord record;
  try {
    record.traced = reply.message.get<journal::TracedCalls>();
  } catch (const journal::RecordError& e) {
    fail(live, "trace", std::string("protocol: ") + e.what());
    return;
  }
  // The calls themselves go to their own file, one JSON object per line.
  const json& calls = reply.message.value("calls", json::array());
  record.cell = live.cell->id;
  record.group = group_.name;
  record.file = "traces/" + file_stem(live.cell->id) + ".jsonl";
  record.calls = calls.size();
  std::string lines;
  for (const auto& call : calls) lines += call.dump() + "\n";
  common::write_file_atomically(run_dir_ + "/" + record.file, lines);
  append(record);
}

// One counting worker per (payload, runtime): how many allocations one
// iteration asks of the allocator. Never part of the timed samples.
void GroupDriver::profile_pass() {
  std::vector<std::string> done;
  for (const auto& cell : group_.cells) {
    const std::string key = cell.payload + "|" + cell.runtime;
    if (std::find(done.begin(), done.end(), key) != done.end()) continue;
    done.push_back(key);
    LiveCell live{&cell, 0, nullptr, {}, {}, false};
    try {
      live.process = std::make_unique<WorkerProcess>(launch_for_profile(
          cell, options_, paths_,
          run_dir_ + "/logs/" + log_name("profile|" + key + "|" + cell.workload)));
    } catch (const std::exception&) {
      continue;  // the profile is an extra: its absence is visible in the report
    }
    auto hello = live.process->receive(timeout());
    if (hello.status != WorkerProcess::ReadStatus::message || hello.message["type"] != "hello")
      continue;
    // One iteration first, so one-time set-up (thread caches, channel
    // buffers) is not counted; then three counted iterations.
    live.process->send(worker::encode({worker::CommandKind::run, 1}));
    if (live.process->receive(timeout()).status != WorkerProcess::ReadStatus::message) continue;
    const std::uint64_t counted = 3;
    live.process->send(worker::encode({worker::CommandKind::profile, counted}));
    auto reply = live.process->receive(timeout());
    if (reply.status == WorkerProcess::ReadStatus::message && reply.message["type"] == "profile") {
      // The reply holds the counts; the record adds where they come from.
      journal::ProfileRecord record;
      record.group = group_.name;
      record.workload = cell.workload;
      record.payload = cell.payload;
      record.runtime = cell.runtime;
      try {
        record.counted = reply.message.get<journal::AllocationCounts>();
        record.workload_info = hello.message.value("workload", json()).get<journal::WorkloadInfo>();
        append(record);
      } catch (const journal::RecordError&) {
        // a malformed count is no profile: its absence shows in the report
      }
    }
    live.process->send(worker::encode({worker::CommandKind::quit, 0}));
    live.process->wait_or_kill(std::chrono::seconds(5));
  }
}

}  // namespace shootout::run
