// The libc wrappers of the interposition fallback; see interpose.h for why
// they work and where they stop working (glibc malloc's internal calls).
//
// Rules for this file: the wrappers run inside allocators, possibly before
// static initialisation and while malloc locks are held, so they must not
// allocate, lock, or resolve symbols at call time. Forwarding is a raw
// syscall(); brk/sbrk go through glibc's exported __sbrk so that libc's
// cached break (__curbrk) stays right for everyone else.
#include "probe/interpose.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sched.h>
#include <time.h>

#include <atomic>
#include <cstdarg>

extern "C" void* __sbrk(intptr_t increment) noexcept;  // glibc, GLIBC_2.2.5

namespace shootout::probe::interpose {
namespace {

// Constant-initialised: usable by wrappers called before any constructor.
constinit std::atomic<int> g_holders{0};
constinit std::array<std::atomic<std::uint64_t>, kCallCount> g_calls{};
constinit std::array<std::atomic<std::uint64_t>, kAdviceSlots> g_advice{};

// Recording state. g_buffer/g_capacity are plain: written before g_recording
// turns on and read only after seeing it on.
constinit std::atomic<bool> g_recorder{false};  // a recorder owns the state below
constinit std::atomic<bool> g_recording{false};
constinit std::atomic<int> g_writers{0};  // wrappers between the check and the write
constinit std::atomic<std::size_t> g_next{0};
constinit std::atomic<std::uint64_t> g_overflow{0};
constinit RecordedCall* g_buffer = nullptr;
constinit std::size_t g_capacity = 0;

std::size_t advice_slot(std::uintptr_t advice) {
  return advice < kAdviceSlots - 1 ? static_cast<std::size_t>(advice) : kAdviceSlots - 1;
}

std::uintptr_t arg(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }
std::uintptr_t arg(long v) { return static_cast<std::uintptr_t>(v); }

// Registering as a writer before re-checking g_recording (both seq_cst)
// lets stop_recording() wait out every write that saw it on.
void store(const CallRecord& record) {
  if (!g_recording.load(std::memory_order_relaxed)) return;
  g_writers.fetch_add(1, std::memory_order_seq_cst);
  if (g_recording.load(std::memory_order_seq_cst)) {
    const std::size_t index = g_next.fetch_add(1, std::memory_order_relaxed);
    if (index < g_capacity) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);  // vDSO: no syscall, no lock
      RecordedCall& slot = g_buffer[index];
      slot.record = record;
      slot.tid = static_cast<std::uint32_t>(syscall(SYS_gettid));
      slot.time_ns = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ull +
                     static_cast<std::uint64_t>(now.tv_nsec);
    } else {
      g_overflow.fetch_add(1, std::memory_order_relaxed);
    }
  }
  g_writers.fetch_sub(1, std::memory_order_release);
}

// Every counted call passes through here with its arguments and result.
void note(const CallRecord& record) {
  g_calls[static_cast<std::size_t>(record.call)].fetch_add(1, std::memory_order_relaxed);
  if (record.call == Call::madvise) {
    g_advice[advice_slot(record.args[2])].fetch_add(1, std::memory_order_relaxed);
  }
  store(record);
}

}  // namespace

const char* symbol(Call call) {
  switch (call) {
    case Call::madvise:
      return "madvise";
    case Call::mmap:
      return "mmap";
    case Call::munmap:
      return "munmap";
    case Call::brk:
      return "brk";
    case Call::mremap:
      return "mremap";
  }
  return "?";
}

std::uint64_t Counts::advice(int value) const {
  return value >= 0 ? madvise_by_advice[advice_slot(static_cast<std::uintptr_t>(value))] : 0;
}

void acquire_counting() { g_holders.fetch_add(1, std::memory_order_relaxed); }
void release_counting() { g_holders.fetch_sub(1, std::memory_order_relaxed); }
bool counting() { return g_holders.load(std::memory_order_relaxed) > 0; }

bool start_recording(RecordedCall* buffer, std::size_t capacity) {
  bool expected = false;
  if (!g_recorder.compare_exchange_strong(expected, true)) return false;
  g_buffer = buffer;
  g_capacity = capacity;
  g_next.store(0, std::memory_order_relaxed);
  g_overflow.store(0, std::memory_order_relaxed);
  acquire_counting();
  g_recording.store(true, std::memory_order_seq_cst);
  return true;
}

std::size_t stop_recording(std::uint64_t& overflow) {
  if (!g_recorder.load()) {
    overflow = 0;
    return 0;
  }
  g_recording.store(false, std::memory_order_seq_cst);
  while (g_writers.load(std::memory_order_acquire) != 0) sched_yield();
  release_counting();
  const std::size_t written = g_next.load(std::memory_order_relaxed);
  overflow = g_overflow.load(std::memory_order_relaxed);
  const std::size_t held = written < g_capacity ? written : g_capacity;
  g_buffer = nullptr;
  g_capacity = 0;
  g_recorder.store(false);
  return held;
}

Counts snapshot() {
  Counts counts;
  for (std::size_t i = 0; i < kCallCount; ++i) {
    counts.calls[i] = g_calls[i].load(std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < kAdviceSlots; ++i) {
    counts.madvise_by_advice[i] = g_advice[i].load(std::memory_order_relaxed);
  }
  return counts;
}

}  // namespace shootout::probe::interpose

namespace ip = shootout::probe::interpose;

// Default visibility so that the dynamic-list export (CMake function
// shootout_export_interposers) can put them in the executable's dynsym.
#define SHOOTOUT_INTERPOSER __attribute__((visibility("default"), used))

// ThreadSanitizer intercepts mmap/munmap itself and must see every mapping:
// wrappers that bypass it with raw syscalls crash its start-up. A TSan build
// therefore has no interposition fallback (exported() says so).
#if !defined(__SANITIZE_THREAD__)
extern "C" {

SHOOTOUT_INTERPOSER int madvise(void* addr, size_t length, int advice) noexcept {
  const long result = syscall(SYS_madvise, addr, length, static_cast<long>(advice));
  if (ip::counting())
    ip::note({ip::Call::madvise, {ip::arg(addr), length, ip::arg(advice)}, result});
  return static_cast<int>(result);
}

SHOOTOUT_INTERPOSER void* mmap(void* addr, size_t length, int prot, int flags, int fd,
                               off_t offset) noexcept {
  const long result = syscall(SYS_mmap, addr, length, static_cast<long>(prot),
                              static_cast<long>(flags), static_cast<long>(fd), offset);
  if (ip::counting()) {
    ip::note({ip::Call::mmap,
              {ip::arg(addr), length, ip::arg(prot), ip::arg(flags), ip::arg(fd), ip::arg(offset)},
              result});
  }
  return reinterpret_cast<void*>(result);
}

// Same symbol as mmap on 64-bit glibc, but exported separately.
SHOOTOUT_INTERPOSER void* mmap64(void* addr, size_t length, int prot, int flags, int fd,
                                 off64_t offset) noexcept {
  return mmap(addr, length, prot, flags, fd, offset);
}

SHOOTOUT_INTERPOSER int munmap(void* addr, size_t length) noexcept {
  const long result = syscall(SYS_munmap, addr, length);
  if (ip::counting()) ip::note({ip::Call::munmap, {ip::arg(addr), length}, result});
  return static_cast<int>(result);
}

// Like glibc: the new address is an argument only with MREMAP_FIXED.
SHOOTOUT_INTERPOSER void* mremap(void* old_address, size_t old_size, size_t new_size, int flags,
                                 ...) noexcept {
  void* new_address = nullptr;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    new_address = va_arg(ap, void*);
    va_end(ap);
  }
  const long result =
      syscall(SYS_mremap, old_address, old_size, new_size, static_cast<long>(flags), new_address);
  if (ip::counting()) {
    ip::note({ip::Call::mremap,
              {ip::arg(old_address), old_size, new_size, ip::arg(flags), ip::arg(new_address)},
              result});
  }
  return reinterpret_cast<void*>(result);
}

// brk(addr) as a relative move through libc's __sbrk, which owns the cached break.
SHOOTOUT_INTERPOSER int brk(void* addr) noexcept {
  char* const current = static_cast<char*>(__sbrk(0));
  const bool failed = current == reinterpret_cast<char*>(-1) ||
                      __sbrk(static_cast<char*>(addr) - current) == reinterpret_cast<void*>(-1);
  if (ip::counting()) ip::note({ip::Call::brk, {ip::arg(addr)}, failed ? -1 : 0});
  return failed ? -1 : 0;
}

// sbrk(0) only reads libc's cached break (no syscall), so it is not counted.
SHOOTOUT_INTERPOSER void* sbrk(intptr_t increment) noexcept {
  void* const result = __sbrk(increment);
  if (increment != 0 && ip::counting()) {
    // Noted as the brk(2) it made; on failure the cached break is unchanged.
    const bool failed = result == reinterpret_cast<void*>(-1);
    char* const old = static_cast<char*>(failed ? __sbrk(0) : result);
    ip::note({ip::Call::brk, {ip::arg(old + increment)}, reinterpret_cast<std::intptr_t>(result)});
  }
  return result;
}

}  // extern "C"
#endif

namespace shootout::probe::interpose {

bool exported(Call call) {
#if defined(__SANITIZE_THREAD__)
  (void)call;
  return false;
#endif
  void* ours = nullptr;
  switch (call) {
    case Call::madvise:
      ours = reinterpret_cast<void*>(&::madvise);
      break;
    case Call::mmap:
      ours = reinterpret_cast<void*>(&::mmap);
      break;
    case Call::munmap:
      ours = reinterpret_cast<void*>(&::munmap);
      break;
    case Call::brk:
      ours = reinterpret_cast<void*>(&::brk);
      break;
    case Call::mremap:
      ours = reinterpret_cast<void*>(&::mremap);
      break;
  }
  return dlsym(RTLD_DEFAULT, symbol(call)) == ours;
}

}  // namespace shootout::probe::interpose
