// The raw-call diagnostic pass (docs/design.md §5, --trace-calls): every madvise,
// mmap, munmap, brk and mremap call of the process, with its arguments, over
// a few iterations run outside the timed samples — the study's strace files
// without strace. Their summary and JSON form: call_summary.h.
//
// Sources, like KernelCounters:
//  * perf_event: perf_event_open on syscalls:sys_enter_* with `inherit`
//    and one sample per call into a ring buffer per online CPU (the kernel
//    refuses to mmap an inherited per-task event); records are decoded with
//    the field offsets of tracefs events/syscalls/<name>/format. Sees every
//    call, glibc-internal ones included. Open on the main thread before any
//    other thread exists: earlier threads are not traced.
//  * interpose: the executable's libc wrappers (interpose.h) store each call;
//    misses glibc malloc's internal __mmap/__munmap/__madvise/__brk/__mremap
//    calls, and needs shootout_export_interposers().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/counters.h"

namespace shootout::probe {

// One call, arguments as the kernel received them; fields that do not apply
// to `kind` are zero (advice, fd: -1).
struct RawCall {
  std::string kind;              // "madvise", "mmap", "munmap", "brk", "mremap"
  std::uint64_t addr = 0;        // start; brk: the requested break
  std::uint64_t length = 0;      // madvise, mmap, munmap; mremap: old length
  std::uint64_t new_length = 0;  // mremap
  std::uint64_t new_addr = 0;    // mremap (meaningful with MREMAP_FIXED)
  int advice = -1;               // madvise
  int prot = 0;                  // mmap
  int flags = 0;                 // mmap, mremap
  int fd = -1;                   // mmap
  std::uint64_t offset = 0;      // mmap
  std::uint32_t tid = 0;
  // CLOCK_MONOTONIC: at syscall entry (perf_event), on return (interpose)
  std::uint64_t time_ns = 0;
};

struct TraceOptions {
  // false: force the interposition fallback (tests, --no-tracepoints)
  bool allow_tracepoints = true;
  // Data size of each CPU's perf ring, rounded up to a power-of-two number of
  // pages; halved (down to 16 pages) where locked memory is refused. Each
  // sample takes 64-80 bytes, so 4 MiB holds about 55,000 calls per CPU.
  std::size_t ring_bytes = 4u << 20;
  // interpose buffer capacity, in calls
  std::size_t max_records = 1u << 20;
  // true: glibc's own malloc serves this process; its internal calls bypass
  // the wrappers, so the fallback would record none of the allocator's
  // calls: no tracer then (ProbeOptions::malloc_in_c_library).
  bool malloc_in_c_library = false;
};

class CallTracer {
 public:
  // Never throws for lack of a source: source() is then empty and detail()
  // says why; start()/stop() record nothing.
  static CallTracer open(const TraceOptions& options = {});
  CallTracer(CallTracer&&) noexcept;
  CallTracer& operator=(CallTracer&&) noexcept;
  ~CallTracer();

  // Records calls from start() to stop(); a pass in progress is restarted.
  // Throws std::runtime_error when the interposer is taken by another tracer.
  void start();
  // Ends the pass; its calls in time order (empty without a pass).
  std::vector<RawCall> stop();

  std::optional<Source> source() const;  // perf_event or interpose
  const std::string& detail() const;     // tracepoints and buffer, or why unavailable
  // Calls of the last pass that were not recorded (ring buffer or interpose
  // buffer full); non-zero means the trace is incomplete.
  std::uint64_t lost() const;

 private:
  struct Impl;
  explicit CallTracer(Impl* impl);
  Impl* impl_;
};

}  // namespace shootout::probe
