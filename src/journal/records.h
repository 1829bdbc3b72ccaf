// The records of samples.jsonl as C++ types (docs/results-schema.md): one
// struct per record type, each with one to_json (what the worker, `run` and
// `exec` write) and one from_json (what the report and resume read). The
// validation of a record read back lives here once: a field that is missing
// or out of range throws RecordError naming the record and the field; a
// field older runs did not write is filled the way the schema says ("absent
// in older runs: ..."). Keys and values on disk are exactly the ones these
// functions write; nlohmann's objects keep their keys sorted, so the bytes
// of a line do not depend on the order fields are set in.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alloc/conf_verify.h"
#include "probe/call_summary.h"

namespace shootout::journal {

// A record that does not hold what its type promises. what() names the
// record and the field: `sample of cell 'mpsc/8|...' (round 0): "ns" is
// missing or not a number`; the reader prefixes the file and line.
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The identity of a cell, in every record about one cell as a whole (`cell`,
// `cell_failed`). Older runs lack some keys: from_json then derives them from
// the cell id "workload|payload|runtime|variant|injection" (and `probes`
// from a variant named "jemalloc(probes off)").
struct CellIdentity {
  std::string cell;  // workload|payload|runtime|variant|injection
  std::string group, workload, family, payload, runtime;
  std::string allocator;            // "jemalloc"
  std::string variant;              // "jemalloc" or "jemalloc[tcache_max:4096]"
  std::string tuning;               // "" for the untuned allocator
  std::string probes = "counters";  // "off" / "strace": a measurement of the tool (--probes)
  std::string injection;            // "preload" / "link"
  bool baseline = false;            // the cell ratios are taken against
  std::string baseline_cell;        // same workload/payload/runtime/injection, baseline variant
  std::string object;               // the injected object ("" for the C library)
  bool operator==(const CellIdentity&) const = default;
};
// The cell id of a cell's identity fields (the key every record uses).
std::string cell_id(const std::string& workload, const std::string& payload,
                    const std::string& runtime, const std::string& variant,
                    const std::string& injection);

// `workload_info` of a cell record: what the worker's workload says of itself.
struct WorkloadInfo {
  std::string name, family, description, runtime_kind, runtime_build, wait_mode;
  int pool_threads = 0;
  bool pinned = false;
  std::uint64_t elements_per_iteration = 0;  // 0: unknown
  std::uint64_t payload_bytes = 0;
  // How the runtime works (queues, wake-ups, threads), as `list workloads`
  // says it; every result depends on it. "" in runs before it was recorded.
  std::string runtime_design;
  bool operator==(const WorkloadInfo&) const = default;
};

// One counter of a cell and where it comes from ("perf_event", "interpose",
// "rusage", ...); no source: not measured, `detail` says why.
struct CounterStatus {
  std::string name;
  std::optional<std::string> source;
  std::string detail;
  bool operator==(const CounterStatus&) const = default;
};

// `cell`: written once per cell per attempt after its first process's warm-up.
struct CellRecord {
  CellIdentity identity;
  // The allocator check as the worker (alloc::Verification) or exec's probe
  // reported it; its shape differs between the two (results-schema.md), so
  // it is carried as written. Null when absent.
  nlohmann::json verification;
  std::optional<alloc::TuningCheck> tuning_check;  // null for an untuned variant
  WorkloadInfo workload_info;
  std::vector<CounterStatus> counters;
  std::uint64_t warmup_iters = 0;  // the first process's warm-up
  double warmup_ns = 0;
  std::string plan_mode;  // "linear" / "flat" ("" in runs that did not record it)
  std::vector<std::uint64_t> plan_iterations;
  std::optional<int> processes;  // worker processes of the cell (absent: exec, older runs)
  bool operator==(const CellRecord&) const = default;
};

// What the worker measured in one sample: its "sample" reply (worker/
// protocol.h), which the runner journals inside the sample record.
struct Measurement {
  std::uint64_t iters = 0;
  std::uint64_t ns = 0;
  std::map<std::string, std::uint64_t> counters;  // totals; absent key = not measured
  std::optional<std::uint64_t> rss_kib, hwm_kib;
  std::string hwm_scope;  // "sample", or "process" when VmHWM could not be reset
  bool operator==(const Measurement&) const = default;
};

// The machine while a sample ran, measured by the runner around it
// (run/system_load.h).
struct SampleLoad {
  std::uint64_t window_ns = 0, cpus = 0, busy_ns = 0, steal_ns = 0, run_ns = 0;
  bool operator==(const SampleLoad&) const = default;
};

// How an `exec` run of the command ended (exec samples only).
struct CommandExit {
  std::optional<int> exit_code;  // written as null when the command was killed
  std::optional<int> signal;
  bool killed_leftover_processes = false;
  bool operator==(const CommandExit&) const = default;
};

// bench: the counters of a sample are its whole process's, a process that
// ran this one benchmark (`bench --isolate`, or a suite of one benchmark),
// and are on the first of its samples. They cover `iters`, the iterations
// the harness reports for the process (the sum over its samples: counters
// per iteration divide by this, not by one sample's), and also what it does
// not report: the process's start-up and the harness's own warm-up and
// estimation runs. `measured_ns` (the sum of its samples' times) ÷
// `wall_ns` (the process's, start to exit) is how much of the counted
// process those iterations were.
struct CountedProcess {
  std::uint64_t iters = 0;  // >= 1
  std::uint64_t measured_ns = 0;
  std::uint64_t wall_ns = 0;  // >= 1
  double measured_share() const {
    return static_cast<double>(measured_ns) / static_cast<double>(wall_ns);
  }
  bool operator==(const CountedProcess&) const = default;
};

// `sample`: one per sample, in the order measured.
struct SampleRecord {
  std::string cell, group;
  int round = 0;               // 0-based; every process of every cell runs once per round
  int position = 0;            // place in the round's rotated order
  std::optional<int> process;  // which of the cell's processes (absent: exec, older runs = 0)
  Measurement measured;
  std::optional<SampleLoad> load;
  std::optional<double> other_cpu_share;          // older runs: a share instead of `load`
  std::optional<CommandExit> command;             // exec
  std::optional<CountedProcess> counted_process;  // bench: the counters are the process's
  // bench: the harness's own CPU time of these iterations, where it measures
  // one (exec::HarnessSample::cpu_ns): google/benchmark's cpu_time.
  std::optional<std::uint64_t> harness_cpu_ns;
  bool operator==(const SampleRecord&) const = default;
};

// `cell_failed`: one per failed cell; it takes no further part in its group.
struct CellFailedRecord {
  CellIdentity identity;
  std::string phase;                     // start | verification | tuning | warmup | sample | trace
  std::string reason;                    // "no reason recorded" when an older record has none
  std::optional<int> exit_code, signal;  // written as null when absent
  std::vector<std::string> stderr_tail;
  std::optional<int> process;     // which process failed, with several per cell
  std::optional<bool> timed_out;  // exec
  nlohmann::json verification;    // as in CellRecord; null when absent
  std::optional<alloc::TuningCheck> tuning_check;
  bool operator==(const CellFailedRecord&) const = default;
};

// The cross-CPU round trip before or after a group (run/cross_cpu_latency.h):
// without `round_trip_ns`, `why` says why it could not be measured.
struct CrossCpuValue {
  std::optional<double> round_trip_ns;
  double min_ns = 0, max_ns = 0;
  int batches = 0;
  std::array<int, 2> cpus{};
  std::string why;
  bool operator==(const CrossCpuValue&) const = default;
};

// `group_done`: the group is final; resume skips it.
struct GroupDoneRecord {
  std::string group;
  int rounds = 0;
  std::optional<CrossCpuValue> cross_cpu_before, cross_cpu_after;  // absent: exec, older runs
  bool operator==(const GroupDoneRecord&) const = default;
};

// What the worker's tracer saw in the raw-call pass: its "trace" reply
// (which also carries every call, for traces/<cell>.jsonl).
struct TracedCalls {
  std::uint64_t iters = 0;
  std::optional<std::string> source;  // null: no tracer could be opened
  std::string detail;
  std::uint64_t lost = 0;
  std::vector<probe::CallSummary> summary;
  bool operator==(const TracedCalls&) const;
};

// `trace`: the raw-call pass of a cell (--trace-calls).
struct TraceRecord {
  std::string cell, group;
  TracedCalls traced;
  std::uint64_t calls = 0;
  std::string file;  // traces/<cell>.jsonl
  bool operator==(const TraceRecord&) const = default;
};

// What the malloc-counting shim counted: the worker's "profile" reply.
struct AllocationCounts {
  std::uint64_t iters = 0, calls = 0, bytes = 0, frees = 0;
  bool operator==(const AllocationCounts&) const = default;
};

// `profile`: the allocation count pass of a workload (malloc-counting shim).
struct ProfileRecord {
  std::string group, workload, payload, runtime;
  AllocationCounts counted;
  std::optional<WorkloadInfo> workload_info;
  bool operator==(const ProfileRecord&) const = default;
};

// `steady_state`: do a cell's counters per iteration agree between the first
// and the last third of the rounds (run/steady_state.h)?
struct SteadyStateRecord {
  struct Counter {
    double first_per_iteration = 0, last_per_iteration = 0, first_count = 0, last_count = 0;
    bool agree = true;
    bool operator==(const Counter&) const = default;
  };
  std::string cell, group;
  int rounds = 0;
  std::optional<std::array<int, 2>> first_third, last_third;  // rounds [from, to)
  std::map<std::string, Counter> counters;
  std::optional<bool> steady;  // null: not judged, `why` says why
  std::string why;
  bool operator==(const SteadyStateRecord&) const = default;
};

// `run_start`: one per attempt (`run`, `run --resume`, `exec`).
struct RunStartRecord {
  int attempt = 1;
  std::string time;               // ISO 8601 UTC
  std::vector<std::string> argv;  // the command line of this attempt, program name first
  bool operator==(const RunStartRecord&) const = default;
};

// `run_end`: the attempt finished (or stopped on a failed --prepare).
struct RunEndRecord {
  std::string time;
  std::uint64_t cells = 0, failed = 0;
  bool operator==(const RunEndRecord&) const = default;
};

// JSON of each record, "type" included ("schema" and "attempt" are added by
// the writer). from_json throws RecordError.
void to_json(nlohmann::json& j, const CellIdentity& r);
void from_json(const nlohmann::json& j, CellIdentity& r);
void to_json(nlohmann::json& j, const WorkloadInfo& r);
void from_json(const nlohmann::json& j, WorkloadInfo& r);
void to_json(nlohmann::json& j, const CounterStatus& r);
void from_json(const nlohmann::json& j, CounterStatus& r);
void to_json(nlohmann::json& j, const CellRecord& r);
void from_json(const nlohmann::json& j, CellRecord& r);
void to_json(nlohmann::json& j, const Measurement& r);
void from_json(const nlohmann::json& j, Measurement& r);
void to_json(nlohmann::json& j, const SampleLoad& r);  // read inside SampleRecord
void to_json(nlohmann::json& j, const SampleRecord& r);
void from_json(const nlohmann::json& j, SampleRecord& r);
void to_json(nlohmann::json& j, const CellFailedRecord& r);
void from_json(const nlohmann::json& j, CellFailedRecord& r);
void to_json(nlohmann::json& j, const GroupDoneRecord& r);
void from_json(const nlohmann::json& j, GroupDoneRecord& r);
void to_json(nlohmann::json& j, const TracedCalls& r);
void from_json(const nlohmann::json& j, TracedCalls& r);
void to_json(nlohmann::json& j, const TraceRecord& r);
void from_json(const nlohmann::json& j, TraceRecord& r);
void to_json(nlohmann::json& j, const AllocationCounts& r);
void from_json(const nlohmann::json& j, AllocationCounts& r);
void to_json(nlohmann::json& j, const ProfileRecord& r);
void from_json(const nlohmann::json& j, ProfileRecord& r);
void to_json(nlohmann::json& j, const SteadyStateRecord& r);
void from_json(const nlohmann::json& j, SteadyStateRecord& r);
void to_json(nlohmann::json& j, const RunStartRecord& r);
void from_json(const nlohmann::json& j, RunStartRecord& r);
void to_json(nlohmann::json& j, const RunEndRecord& r);
void from_json(const nlohmann::json& j, RunEndRecord& r);

}  // namespace shootout::journal

namespace shootout::alloc {
// The record's "tuning_check" (docs/results-schema.md); to_json is
// alloc::to_json. A status other than the four known ones reads as
// "unverified": a reader must never take an unknown status for verified.
void from_json(const nlohmann::json& j, TuningCheck& check);
}  // namespace shootout::alloc
