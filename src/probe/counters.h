// The probe layer's public interface: kernel-side counters for the timed
// region of a sample (docs/design.md §5). Opened once per worker process before
// any runtime thread starts — per-task perf events with `inherit` (threads
// created later are counted), or per-CPU events filtered to the process's
// threads (ProbeOptions::per_cpu, the worker's choice) — read before and
// after each sample; the runner gets per-sample deltas. A counter that could not be opened is
// absent from every reading (never reported as zero) and its reason is kept in `status()`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shootout::probe {

// Canonical counter names (also the JSON keys in samples.jsonl).
namespace names {
inline constexpr const char* kMinorFaults = "minor_faults";
inline constexpr const char* kMajorFaults = "major_faults";
inline constexpr const char* kMadviseAll = "madvise";
inline constexpr const char* kMadviseDontneed = "madvise_dontneed";
inline constexpr const char* kMadviseFree = "madvise_free";
inline constexpr const char* kMmap = "mmap";
inline constexpr const char* kMunmap = "munmap";
inline constexpr const char* kBrk = "brk";
inline constexpr const char* kMremap = "mremap";
inline constexpr const char* kCycles = "cycles";
inline constexpr const char* kInstructions = "instructions";
inline constexpr const char* kCacheReferences = "cache_references";
inline constexpr const char* kCacheMisses = "cache_misses";
inline constexpr const char* kUserNs = "user_ns";  // getrusage(RUSAGE_SELF)
inline constexpr const char* kSysNs = "sys_ns";
}  // namespace names

// Where a counter's value comes from.
// Every perf_event_open counter has one source, "perf_event"; which event
// (tracepoint and filter, software or hardware event) is in its detail.
enum class Source {
  perf_event,   // perf_event_open: a tracepoint (+ filter), software or hardware event
  interpose,    // the worker executable's own wrappers of the libc functions
  rusage,       // getrusage(RUSAGE_SELF)
  qemu_strace,  // under qemu-user: its log of every guest system call (qemu_strace.h)
};
const char* to_string(Source source);

struct CounterStatus {
  std::string name;
  std::optional<Source> source;  // empty: unavailable
  std::string detail;            // e.g. "filter behavior == 4", or why unavailable
};

// Which sources may be used; the fallback chain is tracepoint -> interpose
// for syscalls and perf event -> rusage for faults.
struct ProbeOptions {
  // false: force the interposition fallback (tests, --no-tracepoints)
  bool allow_tracepoints = true;
  // Hardware events (cycles, instructions, cache references and misses) can
  // only be per-task events with `inherit` — the kernel filters tracepoints
  // by thread, never hardware events, and an unfiltered per-CPU event would
  // count every process on the CPU — and per-task events made mpsc/64
  // 2.1-2.5x slower (see per_cpu). So they are off unless asked for
  // (`--hardware-counters`).
  bool allow_hardware = false;
  // false: page faults from getrusage instead of perf events (tests)
  bool allow_software = true;
  // true: syscall tracepoints and the page-fault tracepoints
  // (exceptions:page_fault_user/_kernel, x86) as per-CPU events filtered to
  // this process's threads. Per-task events (inherit) are scheduled out and
  // in on every context switch of every thread: measured here, that made a
  // wake-up-heavy cell (mpsc/64) 2.1-2.5x slower. Per-CPU events cost
  // nothing on a switch. Syscalls fall back to per-task events where per-CPU
  // ones are refused; faults to getrusage where the kernel has no fault
  // tracepoints (per-CPU software fault events cannot be filtered by thread).
  bool per_cpu = false;
  // true: the C library's own malloc serves this process (the std
  // allocator). Its internal __mmap/__munmap/__madvise/__brk/__mremap calls
  // bypass the interposed wrappers, so a fallback count would be a false
  // zero: the syscall counters are then absent ("not measured: ...").
  bool malloc_in_c_library = false;
};

// Counter values at one instant (cumulative since open).
using Reading = std::map<std::string, std::uint64_t>;

// A tracepoint counted in addition to the standard set by open_for_child,
// e.g. {"execs", "sched/sched_process_exec", ""}.
struct ExtraTracepoint {
  std::string name;    // the key in readings and status
  std::string event;   // "<subsystem>/<event>" under tracefs events/
  std::string filter;  // "" = every event
};

class KernelCounters {
 public:
  // Must be called on the main thread before any other thread exists.
  static KernelCounters open(const ProbeOptions& options);
  KernelCounters(KernelCounters&&) noexcept;
  KernelCounters& operator=(KernelCounters&&) noexcept;
  ~KernelCounters();

  // Counters on another process that has not yet called execve (e.g. one
  // blocked on a pipe between spawn and exec, as `perf stat` does): opened on
  // `pid` with inherit and enable_on_exec, so they count from its next execve
  // on, for it and every thread and process it starts. Only perf events:
  // interposition and getrusage need the process's own cooperation, so a
  // counter perf refuses is absent with the reason (the caller may fill
  // faults and CPU times from wait4's rusage and say so). Read after the
  // process is reaped, a counter holds the total of the whole tree (the
  // kernel folds in each descendant's count when it exits).
  static KernelCounters open_for_child(pid_t pid, const ProbeOptions& options,
                                       const std::vector<ExtraTracepoint>& extra = {});

  Reading read() const;
  const std::vector<CounterStatus>& status() const;

 private:
  struct Impl;
  explicit KernelCounters(Impl* impl);
  Impl* impl_;
};

// Per-sample difference of two readings (keys present in both).
Reading delta(const Reading& before, const Reading& after);

// Memory of this process, from /proc/self/status, in KiB.
struct MemoryUsage {
  std::uint64_t rss_kib = 0;
  std::uint64_t hwm_kib = 0;  // peak since the last reset_peak_rss()
};
MemoryUsage memory_usage();
// Resets VmHWM (writes "5" to /proc/self/clear_refs); false where the
// kernel refuses, in which case hwm is the process-lifetime peak.
bool reset_peak_rss();

}  // namespace shootout::probe
