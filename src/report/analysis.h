// The in-memory model of one run directory: every cell of samples.jsonl
// (latest attempt of each group) with its time estimates, outliers, counters
// per iteration and per element, sys share, peak RSS, its paired ratio to its
// baseline cell and its key driver; failed cells with their reasons; the
// allocation profiles; and the manifest. Everything a renderer prints comes
// from here. Deterministic: the bootstrap seed is fixed, so the same files
// give byte-identical reports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journal/manifest.h"
#include "journal/records.h"
#include "report/key_drivers.h"
#include "stats/estimate.h"

namespace shootout::report {

// A run directory that cannot be read: missing, no manifest, a malformed
// samples.jsonl (the message names the line), a record missing a field.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AnalysisOptions {
  // Fixed seed (the stats default) so reports are reproducible byte for
  // byte. resamples is taken from the manifest's options
  // (journal::Manifest::bootstrap_resamples) when recorded. The bootstrap serves
  // the per-cell estimates; ratios use `ratio` (t interval, rank test).
  stats::BootstrapOptions bootstrap{};
  stats::RatioOptions ratio{};
};

// `workload_info` of a cell record, and a counter with its source (empty:
// unavailable), as the journal's records hold them.
using WorkloadInfo = journal::WorkloadInfo;
using CounterSource = journal::CounterStatus;

struct CellSample {
  int round = 0;
  int position = 0;
  int process = 0;  // which of the cell's worker processes (0 in older runs)
  double iters = 0;
  double ns = 0;
  std::map<std::string, double> counters;  // totals for the sample; absent = not measured
  // The iterations `counters` cover: the sample's own, or for a bench
  // process that ran one benchmark (journal::CountedProcess) all the
  // iterations the harness reported for it.
  double counter_iters = 0;
  // That process's measured time (its samples' sum) and wall time; 0 otherwise.
  double process_measured_ns = 0, process_wall_ns = 0;
  std::optional<double> rss_kib, hwm_kib;
  std::string hwm_scope;
  // The machine during the sample (run/system_load.h), when recorded:
  struct Load {
    double window_ns = 0, cpus = 0, busy_ns = 0, steal_ns = 0, run_ns = 0;
  };
  std::optional<Load> load;
  std::optional<double> other_cpu_share;  // older runs: a share per sample instead of `load`
  std::optional<double> harness_cpu_ns;   // bench: the harness's CPU time of these iterations
};

// Mean over samples of counters[k] / counter_iters, and that / elements per iteration.
struct CounterValue {
  double per_iteration = 0;
  std::optional<double> per_element;
  int samples = 0;  // samples that carried the counter
};

// One key of a cell's `tuning_check` (the worker's read-back of a tuning,
// alloc/conf_verify.h): status "verified", "unverified", "not taken",
// "unknown key"; `how` is the read-back used, or why there is none.
struct TuningKey {
  std::string key, asked, effective, status, how;
};

struct Failure {
  std::string phase, reason;
  std::optional<int> exit_code, signal;
  std::vector<std::string> stderr_tail;
};

// The runner's steady-state check of a cell ("steady_state" record): its
// counters per iteration in the first and last third of the rounds.
struct SteadyState {
  std::optional<bool> steady;  // empty: not judged (`why` says why)
  std::string why;
  struct Drift {
    std::string counter;
    double first_per_iteration = 0, last_per_iteration = 0;
  };
  std::vector<Drift> drifting;  // the counters that did not agree
};

enum class CellStatus {
  ok,          // its group finished (group_done)
  incomplete,  // its group has no group_done in the latest attempt (interrupted run)
  failed,      // a cell_failed record
};
const char* to_string(CellStatus status);

struct CellAnalysis {
  // identity (the cell record's fields)
  std::string id, group, workload, family, payload, runtime, allocator, variant, tuning, injection;
  bool baseline = false;
  std::string baseline_cell;
  std::string object;
  nlohmann::json verification;        // as recorded (null when absent)
  nlohmann::json workload_info_json;  // as recorded
  WorkloadInfo workload_info;
  std::vector<CounterSource> counter_sources;
  std::string plan_mode;  // "linear" / "flat" / "" when unknown
  // How the cell was observed: "counters" (a measured allocator), or "off" /
  // "strace" (--probes): a measurement of the tool, never a candidate for
  // "winner" or "best vs std".
  std::string probes = "counters";
  std::vector<TuningKey> tuning_keys;  // the worker's read-back, key by key

  CellStatus status = CellStatus::ok;
  std::optional<Failure> failure;

  std::vector<CellSample> samples;
  std::optional<stats::Estimates> time;  // per-iteration ns; empty without samples
  stats::OutlierCounts outliers;
  double cv = 0;
  int rounds = 0;     // distinct rounds with a sample
  int processes = 0;  // distinct worker processes with a sample
  std::map<std::string, CounterValue> counters;
  std::optional<double> sys_share;       // sum sys_ns / sum (user_ns + sys_ns)
  std::optional<double> sys_wall_share;  // sum sys_ns / sum wall ns (a counted process's wall)
  // bench, counters of processes that ran this benchmark alone: the
  // harness's measured time ÷ those processes' wall time (summed over them);
  // the rest — start-up, the harness's warm-up and estimation — is in the
  // counts too. Absent otherwise.
  std::optional<double> measured_share;
  // bench, a harness that measures CPU time (google/benchmark's cpu_time),
  // when every sample has it: Σ CPU ns ÷ Σ iterations, and Σ CPU ns ÷ Σ the
  // harness's wall ns — below 1 the benchmark threads waited (a lock, a
  // sleep, the CPU given to another thread), above 1 several threads ran.
  std::optional<double> harness_cpu_per_iteration;
  std::optional<double> harness_cpu_share;
  std::optional<double> peak_rss_kib;   // max hwm_kib
  bool peak_rss_process_scope = false;  // some sample's VmHWM could not be reset
  // CPU used by processes outside this run ÷ (wall × CPUs), summed over
  // the cell's samples before dividing (older runs: mean of per-sample shares).
  std::optional<double> other_cpu_share;
  std::optional<double> steal_share;  // steal time ÷ (wall × CPUs), the same way

  // candidate ns/iter ÷ baseline ns/iter, per shared (process, round), in
  // process then round order
  std::vector<double> per_round_ratios;
  std::vector<std::vector<double>> per_process_ratios;  // the same, one vector per process
  std::optional<stats::RatioEstimate> ratio;            // vs baseline_cell
  // Against the baseline cell (key_drivers.h): the baseline is rule
  // "baseline"; a slower cell names its excess over the baseline, a faster
  // one what it avoids; "no_difference" / "no_ratio" when there is no gap.
  // Empty for failed cells and cells without samples.
  KeyDriver driver;
  // With `--payload floor` (report/floor.h): the allocator's share of the
  // time, (time − floor) ÷ time, against the floor cell of the same
  // workload, runtime, variant and injection; zeroed and filled cells only.
  struct FloorShare {
    std::string floor_cell;
    stats::Interval share;
    // The baseline cell's allocation time ÷ this cell's (allocation_speedup
    // in report/floor.h); empty for the baseline itself and when this
    // cell's share CI reaches 0.
    std::optional<double> speedup;
  };
  std::optional<FloorShare> floor_share;
  std::optional<SteadyState> steady_state;  // absent in older runs and for failed cells

  // Convenience: the counter per iteration / per element, if measured.
  std::optional<double> per_iteration(const std::string& counter) const;
  std::optional<double> per_element(const std::string& counter) const;
  // minor + major faults (either alone if only one was measured).
  std::optional<double> page_faults_per_iteration() const;
  std::optional<double> page_faults_per_element() const;
  // Source of a counter as recorded in the cell record ("" when unavailable/unknown).
  std::string source_of(const std::string& counter) const;
  bool usable() const { return status != CellStatus::failed && time.has_value(); }
  bool measures_tool() const { return probes != "counters"; }
  // Keys of its tuning that could not be read back ("unverified"): the
  // setting may not have taken effect. Empty for untuned or verified cells.
  std::vector<TuningKey> unverified_keys() const;
  // "max_cached:0: tbbmalloc has no read-back of TBB_MALLOC_* settings; ..."
  // ("" when every key was verified).
  std::string unverified_reason() const;
};

// The malloc-counting pass of a workload (never timed).
struct AllocationProfile {
  std::string group, workload, payload, runtime;
  double iters = 0, calls = 0, bytes = 0, frees = 0;
  std::uint64_t elements_per_iteration = 0;  // from a cell of the same workload; 0 unknown
  std::string family;
};

// The raw-call pass of one cell (--trace-calls): per call kind, how many
// calls in `iters` untimed iterations and their sizes in words.
struct CallTrace {
  std::string cell;
  double iters = 0;
  std::string source;  // perf_event | interpose | "" (unavailable)
  std::string detail, file;
  double lost = 0;
  struct Kind {
    std::string kind;  // "madvise(MADV_DONTNEED)", "mmap", ...
    double count = 0;
    std::string text;  // "madvise(MADV_DONTNEED): 2000 calls, each 36 KiB"
  };
  std::vector<Kind> kinds;
};

// The cross-CPU round trip the runner measured before and after a group
// (run/cross_cpu_latency.h): the machine's state for threads that talk.
struct CrossCpuReading {
  std::string group;
  std::optional<double> before_ns, after_ns;
};

struct RunModel {
  std::string run_dir;
  journal::Manifest manifest;
  std::vector<CellAnalysis> cells;  // in the order their first record appears
  std::vector<AllocationProfile> profiles;
  std::vector<CallTrace> traces;
  std::vector<CrossCpuReading> cross_cpu;  // per finished group, in run order
  int last_attempt = 0;
  bool truncated_tail = false;  // samples.jsonl ended in a partial line (ignored)
  std::vector<std::string> incomplete_groups;
  // Groups of the plan (of a shard: of its part) with no record at all: a
  // run stopped before them, or a merge without some shards. `run` only.
  std::vector<std::string> unrun_groups;
  std::vector<std::string> warnings;  // noise and completeness warnings, for the reader
  AnalysisOptions options;

  const CellAnalysis* find(const std::string& cell_id) const;
  // Every measured round trip of the run (before and after each group).
  std::vector<double> cross_cpu_round_trips() const;
};

// Noise thresholds for the warnings.
namespace thresholds {
// The cross-CPU round trip moving by more than 1.5x. Here it stayed within
// 79-89 ns over the 24 groups of two 2-minute runs, and within 66-104 ns
// (1.58x) over the 46 measurements of a 17-minute study-profile run, so the
// warning marks the longer runs of a shared VM, whose channel cells are
// indeed the ones that do not reproduce (README "Benchmarks").
inline constexpr double kCrossCpuShift = 1.5;
// Other processes used more than a tenth of the machine's CPU while a cell
// sampled: on 2 cores that is a fifth of a core, enough to move a blocking
// channel's median (docs/design.md §5 measured 2-3x moves on a busy machine).
// Measured over the cell's samples together, minus every process of the
// run (runner and workers, idle or not): before, a per-sample share of 2-3
// /proc/stat ticks that counted steal and the run's own idle workers flagged
// ~80 of 195 cells of an idle machine at 10-32 %.
inline constexpr double kBusyMachineShare = 0.10;
// Steal time above a tenth of the CPUs: the same share of lost CPU as a busy
// machine, taken by other guests of the hypervisor instead of processes here.
inline constexpr double kStealShare = 0.10;
// Per-iteration times varying more than 10 % between samples: Criterion
// would call the estimate unstable; a ratio near 1 should not be trusted.
inline constexpr double kHighCv = 0.10;
// Cells named in a warning: the worst few; the rest are in the Noise table
// (a default shootout flagged ~150 of 195 cells, a wall of text before any answer).
inline constexpr std::size_t kWorstNamed = 3;
}  // namespace thresholds

// Whether a cell's samples were taken on a busy machine, with high steal
// time, or vary too much (the thresholds above); each is a warning.
bool is_busy(const CellAnalysis& c);
bool is_stolen(const CellAnalysis& c);
bool is_unstable(const CellAnalysis& c);

// candidate ns/iter ÷ reference ns/iter for every round both have samples
// in, per worker process (the candidate's process p is paired with the
// reference's process p), in round order: the input of paired ratios.
std::vector<std::vector<double>> per_process_round_ratios(const CellAnalysis& candidate,
                                                          const CellAnalysis& reference);
// The same, every process's ratios one after another.
std::vector<double> per_round_ratios(const CellAnalysis& candidate, const CellAnalysis& reference);
// Why `slow` takes longer than `fast` (two cells of one case): the key-driver
// rules over slow's counters in excess of fast's, with their time gap.
KeyDriver cell_gap_driver(const CellAnalysis& slow, const CellAnalysis& fast);
// candidate ÷ reference: stats::paired_ratio_by_process over the above.
stats::RatioEstimate paired_ratio(const CellAnalysis& candidate, const CellAnalysis& reference,
                                  const AnalysisOptions& options);

// Reads run_dir/manifest.json and run_dir/samples.jsonl and analyses them.
// Throws ReportError naming the directory, file or line that is wrong.
RunModel analyze_run(const std::string& run_dir, const AnalysisOptions& options = {});

}  // namespace shootout::report
