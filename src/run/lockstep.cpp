#include "run/lockstep.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include "common/atomic_file.h"
#include "run/cell_records.h"
#include "run/cross_cpu_latency.h"
#include "run/manifest.h"
#include "run/round_order.h"
#include "run/steady_state.h"
#include "run/system_load.h"
#include "worker/protocol.h"

namespace shootout::run {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A few iterations show the pattern (the study's per-iteration counts) while
// keeping a trace of a 1000-message workload to a few thousand lines.
constexpr std::uint64_t kTracedIterations = 2;

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

// The cross-CPU round trip as a journal value: no value (and why) when unmeasured.
journal::CrossCpuValue cross_cpu_value(const std::optional<CrossCpuLatency>& m,
                                       const std::string& why) {
  journal::CrossCpuValue v;
  if (!m) {
    v.why = why;
    return v;
  }
  v.round_trip_ns = m->round_trip_ns;
  v.min_ns = m->min_ns;
  v.max_ns = m->max_ns;
  v.batches = m->batches;
  v.cpus = {m->cpu_a, m->cpu_b};
  return v;
}

// What a worker's error reply said about the allocator check and the tuning
// read-back, carried into the cell's cell_failed record.
struct WorkerFindings {
  json verification;  // null: none
  std::optional<alloc::TuningCheck> tuning_check;
};

// One worker process of a cell (a cell has profile.processes of them).

struct LiveCell {
  const Cell* cell = nullptr;
  int process_index = 0;
  std::unique_ptr<WorkerProcess> process;
  json hello;
  stats::SamplingPlan plan;
  bool failed = false;
};

class GroupDriver {
 public:
  GroupDriver(const Group& group, const RunOptions& options, const WorkerPaths& paths,
              const std::string& run_dir, int attempt, journal::JournalWriter& journal,
              const ProgressCallback& progress)
      : group_(group),
        options_(options),
        paths_(paths),
        run_dir_(run_dir),
        attempt_(attempt),
        journal_(journal),
        progress_(progress),
        cores_(sysconf(_SC_NPROCESSORS_ONLN)) {}

  GroupOutcome run() {
    notify({ProgressUpdate::Kind::group_started, group_.name, "", "", 0, 0,
            static_cast<int>(group_.cells.size())});
    // Before any worker of the group exists, and again after the last quits.
    std::string why_before, why_after;
    const auto cross_cpu_before = measure_cross_cpu_latency(&why_before);
    // Process-major order (every cell's first process, then every cell's
    // second, ...), so a round's rotation interleaves the cells; and process
    // p starts the cells in their order rotated by p. Without the rotation,
    // with an even number of variants, variant v's processes all start at
    // positions of one parity — and the scheduler tends to keep a process
    // where it started, so each variant's processes shared a CPU: in a real
    // A/A run (std against the C library preloaded as glibc2, 6 processes
    // each) every std process of alloc_stress/100 took 10.0 µs per iteration
    // and every glibc2 process 7.0 µs, a difference no rerun reproduced.
    const size_t n = group_.cells.size();
    cells_.reserve(n * static_cast<size_t>(processes()));
    for (int p = 0; p < processes(); ++p)
      for (size_t i = 0; i < n; ++i) start(group_.cells[(i + static_cast<size_t>(p)) % n], p);
    for (auto& live : cells_)
      if (!live.failed) warm_up(live);
    const int rounds = options_.profile.sampling.samples;
    for (int round = 0; round < rounds; ++round) {
      run_round(round);
      notify({ProgressUpdate::Kind::round_done, group_.name, "", "", round + 1, rounds});
    }
    record_steady_state(rounds);
    if (options_.trace_calls)
      for (auto& live : cells_)
        if (!live.failed && live.process_index == 0) trace_pass(live);
    for (auto& live : cells_)
      if (!live.failed) live.process->send(worker::encode({worker::CommandKind::quit, 0}));
    for (auto& live : cells_)
      if (!live.failed) live.process->wait_or_kill(std::chrono::seconds(5));
    const auto cross_cpu_after = measure_cross_cpu_latency(&why_after);
    if (options_.allocation_profile) profile_pass();
    journal::GroupDoneRecord done;
    done.group = group_.name;
    done.rounds = rounds;
    done.cross_cpu_before = cross_cpu_value(cross_cpu_before, why_before);
    done.cross_cpu_after = cross_cpu_value(cross_cpu_after, why_after);
    append(done);
    journal_.sync();
    GroupOutcome outcome;
    outcome.cells = static_cast<int>(group_.cells.size());
    for (const auto& live : cells_) outcome.failed += live.failed && live.process_index == 0;
    notify({ProgressUpdate::Kind::group_done, group_.name, "", "", rounds, rounds, outcome.cells});
    return outcome;
  }

 private:
  void notify(const ProgressUpdate& update) {
    if (progress_) progress_(update);
  }

  void append(const json& typed) {
    json record = typed;
    record["attempt"] = attempt_;
    journal_.append(std::move(record));
  }

  std::chrono::milliseconds timeout() const { return options_.timeout; }
  int processes() const { return std::max(1, options_.profile.processes); }

  // `exiting`: the worker reported an error and is ending by itself, so its
  // own exit status is awaited (briefly) rather than forced. The cell fails
  // as a whole: its other processes are stopped, its samples so far kept.
  void fail(LiveCell& live, const std::string& phase, const std::string& reason,
            const WorkerFindings& findings = {}, bool exiting = false) {
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
  bool expect(LiveCell& live, const WorkerProcess::Reply& reply, const char* type,
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

  void start(const Cell& cell, int process_index) {
    cells_.push_back({&cell, process_index, nullptr, {}, {}, false});
    LiveCell& live = cells_.back();
    // A cell that already failed in an earlier process is not started again.
    for (const auto& other : cells_)
      if (other.cell == &cell && other.failed) {
        live.failed = true;
        return;
      }
    try {
      live.process = std::make_unique<WorkerProcess>(launch_for_cell(
          cell, options_, paths_, run_dir_ + "/logs/" + log_name(cell.id, process_index)));
    } catch (const std::exception& e) {
      fail(live, "start", e.what());
      return;
    }
    auto reply = live.process->receive(timeout());
    if (expect(live, reply, "hello", "start")) live.hello = reply.message;
  }

  std::optional<journal::Measurement> sample(LiveCell& live, std::uint64_t iterations,
                                             const std::string& phase) {
    if (!live.process->send(worker::encode({worker::CommandKind::run, iterations}))) {
      fail(live, phase, "worker closed its command pipe");
      return std::nullopt;
    }
    auto reply = live.process->receive(timeout());
    if (!expect(live, reply, "sample", phase)) return std::nullopt;
    try {
      return reply.message.get<journal::Measurement>();
    } catch (const journal::RecordError& e) {
      fail(live, phase, std::string("protocol: ") + e.what());
      return std::nullopt;
    }
  }

  // Criterion's warm-up: 1, 2, 4, ... iterations until the warm-up time is
  // spent; the mean time per iteration then sizes the sampling plan. Every
  // process of a cell gets the whole warm-up — an allocator's state (its
  // purging, its heap) settles per process, and a share (67 ms of quick's
  // 0.2 s over 3 processes) left jemalloc's purging unsteady — while the
  // measurement time is split between them.
  void warm_up(LiveCell& live) {
    stats::SamplingOptions sampling = options_.profile.sampling;
    sampling.measurement_seconds /= processes();
    const double budget_ns = sampling.warmup_seconds * 1e9;
    double spent_ns = 0;
    std::uint64_t iterations = 0;
    for (std::uint64_t k = 1; spent_ns < budget_ns || iterations == 0; k *= 2) {
      auto s = sample(live, k, "warmup");
      if (!s) return;
      spent_ns += static_cast<double>(s->ns);
      iterations += k;
    }
    live.plan = stats::plan_samples(spent_ns / static_cast<double>(iterations), sampling);
    // The cell record comes from its first process; the others' warm-up and
    // plan are in their samples (iters).
    if (live.process_index != 0) {
      if (live.process_index == processes() - 1)
        notify({ProgressUpdate::Kind::cell_warm, group_.name, live.cell->id, "", 0, 0});
      return;
    }
    journal::CellRecord record;
    record.identity = cell_identity(*live.cell);
    try {
      record.verification = live.hello.value("verification", json());
      if (live.hello.contains("tuning_check") && live.hello["tuning_check"].is_object())
        record.tuning_check = live.hello["tuning_check"].get<alloc::TuningCheck>();
      record.workload_info = live.hello.value("workload", json()).get<journal::WorkloadInfo>();
      record.counters =
          live.hello.value("counters", json::array()).get<std::vector<journal::CounterStatus>>();
    } catch (const std::exception& e) {
      fail(live, "start", std::string("protocol: the worker's hello: ") + e.what());
      return;
    }
    record.warmup_iters = iterations;
    record.warmup_ns = spent_ns;
    record.plan_mode = stats::to_string(live.plan.mode);
    record.plan_iterations = live.plan.iterations;
    record.processes = processes();
    append(record);
    if (processes() == 1)
      notify({ProgressUpdate::Kind::cell_warm, group_.name, live.cell->id, "", 0, 0});
  }

  void run_round(int round) {
    const size_t n = cells_.size();
    for (size_t position = 0; position < n; ++position) {
      LiveCell& live = cells_[rotated_index(position, round, n)];
      if (live.failed) continue;
      // Every process of this run counts as "own", not as other load: the
      // runner and all of the group's workers, busy or idle.
      const std::vector<pid_t> workers = worker_pids();
      LoadMeter load(cores_);
      load.start(workers);
      auto s = sample(live, live.plan.iterations[static_cast<size_t>(round)], "sample");
      const auto window = load.stop(workers);
      if (!s) continue;
      CounterSample counted{round, static_cast<double>(s->iters), {}};
      for (const auto& [name, value] : s->counters)
        counted.counts[name] = static_cast<double>(value);
      counter_samples_[live.cell->id].push_back(std::move(counted));
      journal::SampleRecord record;
      record.cell = live.cell->id;
      record.group = group_.name;
      record.round = round;
      record.position = static_cast<int>(position);
      record.process = live.process_index;
      record.measured = std::move(*s);
      if (window) record.load = window->to_record();
      append(record);
    }
  }

  // Per finished cell: do the counters per iteration of the first and last
  // third of the rounds agree (steady_state.h)? Failed cells have none.
  void record_steady_state(int rounds) {
    for (const auto& live : cells_) {
      if (live.process_index != 0 || live.failed) continue;
      journal::SteadyStateRecord record =
          steady_state_record(counter_samples_[live.cell->id], rounds);
      record.cell = live.cell->id;
      record.group = group_.name;
      append(record);
    }
  }

  std::vector<pid_t> worker_pids() const {
    std::vector<pid_t> pids;
    for (const auto& other : cells_)
      if (other.process && !other.failed) pids.push_back(other.process->pid());
    return pids;
  }

  // The study's strace files without strace: every madvise/mmap/munmap/brk/
  // mremap call of a few iterations with its arguments, outside the timed
  // samples. Calls go to traces/<cell>.jsonl; the journal gets the summary.
  void trace_pass(LiveCell& live) {
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
  void profile_pass() {
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
      if (reply.status == WorkerProcess::ReadStatus::message &&
          reply.message["type"] == "profile") {
        // The reply holds the counts; the record adds where they come from.
        journal::ProfileRecord record;
        record.group = group_.name;
        record.workload = cell.workload;
        record.payload = cell.payload;
        record.runtime = cell.runtime;
        try {
          record.counted = reply.message.get<journal::AllocationCounts>();
          record.workload_info =
              hello.message.value("workload", json()).get<journal::WorkloadInfo>();
          append(record);
        } catch (const journal::RecordError&) {
          // a malformed count is no profile: its absence shows in the report
        }
      }
      live.process->send(worker::encode({worker::CommandKind::quit, 0}));
      live.process->wait_or_kill(std::chrono::seconds(5));
    }
  }

  const Group& group_;
  const RunOptions& options_;
  const WorkerPaths& paths_;
  const std::string& run_dir_;
  const int attempt_;
  journal::JournalWriter& journal_;
  const ProgressCallback& progress_;
  const long cores_;
  std::vector<LiveCell> cells_;
  std::map<std::string, std::vector<CounterSample>> counter_samples_;  // by cell id
};

}  // namespace

GroupOutcome run_group(const Group& group, const RunOptions& options, const WorkerPaths& paths,
                       const std::string& run_dir, int attempt, journal::JournalWriter& journal,
                       const ProgressCallback& progress) {
  GroupDriver driver(group, options, paths, run_dir, attempt, journal, progress);
  return driver.run();
}

}  // namespace shootout::run
