// The interposition fallback (docs/design.md §5): the executable defines and
// exports the libc wrappers madvise, mmap, mmap64, munmap, brk, sbrk and
// mremap (interpose.cpp). Libraries loaded later, including a preloaded
// allocator, bind those names through the global scope, where the executable
// comes first, so their calls land here. Each wrapper forwards to the kernel
// and, while counting is on, passes a CallRecord to one place (note() in
// interpose.cpp), which counts it and, while recording, stores it for
// CallTracer's fallback (call_trace.h).
//
// Limit: glibc's own malloc calls internal aliases (__mmap, __munmap,
// __madvise, __brk/__sbrk, __mremap) that bind inside libc.so and never
// reach these wrappers, so under the `std` allocator this source undercounts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace shootout::probe::interpose {

enum class Call : std::uint8_t { madvise, mmap, munmap, brk, mremap };
inline constexpr std::size_t kCallCount = 5;
// madvise advice values 0..31 get their own slot; anything else (e.g.
// MADV_HWPOISON = 100) lands in the last one.
inline constexpr std::size_t kAdviceSlots = 33;

// The libc symbol a Call's wrapper defines (sbrk and mmap64 count as brk and mmap).
const char* symbol(Call call);

// One intercepted call: arguments as integers, in the libc prototype's order
// (mmap's offset is the sixth). sbrk(increment) is noted as the brk(2) it
// makes: args[0] is the requested break, as for brk(addr).
struct CallRecord {
  Call call;
  std::array<std::uintptr_t, 6> args;
  std::intptr_t result;
};

struct Counts {
  std::array<std::uint64_t, kCallCount> calls{};
  std::array<std::uint64_t, kAdviceSlots> madvise_by_advice{};

  std::uint64_t of(Call call) const { return calls[static_cast<std::size_t>(call)]; }
  std::uint64_t advice(int value) const;
};

// Counting is on while at least one holder has acquired it (KernelCounters
// in fallback mode); otherwise the wrappers only forward.
void acquire_counting();
void release_counting();
bool counting();

Counts snapshot();

// True when a global-scope lookup of symbol(call) finds this executable's
// wrapper, i.e. the executable was linked with shootout_export_interposers()
// and calls from shared libraries will be seen.
bool exported(Call call);

// Argument recording (CallTracer's fallback): while on, every call is also
// stored with its thread id and CLOCK_MONOTONIC time in a caller-owned
// buffer, without allocating or locking; calls beyond its capacity are only
// counted. One recorder at a time; counting is on while it records.
struct RecordedCall {
  CallRecord record;
  std::uint32_t tid;
  std::uint64_t time_ns;
};
// False when another recorder is on.
bool start_recording(RecordedCall* buffer, std::size_t capacity);
// Stops, waits for wrappers still writing, and returns how many records the
// buffer holds; `overflow` gets the number of calls that did not fit.
std::size_t stop_recording(std::uint64_t& overflow);

}  // namespace shootout::probe::interpose
