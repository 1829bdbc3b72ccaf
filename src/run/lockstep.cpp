// The rounds of a group (lockstep.h): its workers started and warmed, the
// lockstep rounds, and the group's cell, sample, steady_state and group_done
// records. The untimed passes are in untimed_passes.cpp, failures in
// cell_failure.cpp.
#include "run/lockstep.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "run/cell_records.h"
#include "run/cross_cpu_latency.h"
#include "run/group_driver.h"
#include "run/round_order.h"
#include "run/system_load.h"
#include "worker/protocol.h"

namespace shootout::run {

namespace {

using nlohmann::json;

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

}  // namespace

GroupDriver::GroupDriver(const Group& group, const RunOptions& options, const WorkerPaths& paths,
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

GroupOutcome GroupDriver::run() {
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
    for (size_t i = 0; i < n; ++i) start(group_.cells[rotated_index(i, p, n)], p);
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

void GroupDriver::start(const Cell& cell, int process_index) {
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

std::optional<journal::Measurement> GroupDriver::sample(LiveCell& live, std::uint64_t iterations,
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
void GroupDriver::warm_up(LiveCell& live) {
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

void GroupDriver::run_round(int round) {
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
    for (const auto& [name, value] : s->counters) counted.counts[name] = static_cast<double>(value);
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
void GroupDriver::record_steady_state(int rounds) {
  for (const auto& live : cells_) {
    if (live.process_index != 0 || live.failed) continue;
    journal::SteadyStateRecord record =
        steady_state_record(counter_samples_[live.cell->id], rounds);
    record.cell = live.cell->id;
    record.group = group_.name;
    append(record);
  }
}

std::vector<pid_t> GroupDriver::worker_pids() const {
  std::vector<pid_t> pids;
  for (const auto& other : cells_)
    if (other.process && !other.failed) pids.push_back(other.process->pid());
  return pids;
}

GroupOutcome run_group(const Group& group, const RunOptions& options, const WorkerPaths& paths,
                       const std::string& run_dir, int attempt, journal::JournalWriter& journal,
                       const ProgressCallback& progress) {
  GroupDriver driver(group, options, paths, run_dir, attempt, journal, progress);
  return driver.run();
}

}  // namespace shootout::run
