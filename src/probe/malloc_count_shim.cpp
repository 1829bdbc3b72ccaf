// libshootout_malloc_count.so: an LD_PRELOAD shim that wraps the malloc
// family, forwarding to the next definition (the allocator under test or
// glibc) and counting calls, requested bytes and frees while enabled.
//
// Start-up log (SHOOTOUT_MALLOC_LOG=FILE in the environment): from the shim's
// constructor on, every malloc-family call and free is recorded — thread,
// call, requested size — in a static table (no allocation of its own) until
// the process calls shootout_malloc_log_mark(); the worker does so just
// before its first timed command ("timing starts"). The mark writes the
// table to FILE, one call per line: "<tid> <call> <bytes>" (free: bytes 0),
// then "end <recorded> <dropped>". Tests use it to prove that a worker's
// start-up asks the same of every allocator.
//
// Built without libstdc++ (header-only std::atomic, linked as C) and without
// sanitizers, so it can be preloaded into any process.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "probe/malloc_count.h"

namespace {

using MallocFn = void* (*)(size_t);
using CallocFn = void* (*)(size_t, size_t);
using ReallocFn = void* (*)(void*, size_t);
using FreeFn = void (*)(void*);
using AlignedFn = void* (*)(size_t, size_t);  // aligned_alloc, memalign
using PosixMemalignFn = int (*)(void**, size_t, size_t);

struct Real {
  MallocFn malloc;
  CallocFn calloc;
  ReallocFn realloc;
  FreeFn free;
  AlignedFn aligned_alloc;
  PosixMemalignFn posix_memalign;
  AlignedFn memalign;
  MallocFn valloc;
  MallocFn pvalloc;
};
constinit Real g_real{};

enum : int { kUnresolved, kResolving, kResolved };
constinit std::atomic<int> g_state{kUnresolved};

constinit std::atomic<bool> g_enabled{false};
constinit std::atomic<std::uint64_t> g_calls{0};
constinit std::atomic<std::uint64_t> g_bytes{0};
constinit std::atomic<std::uint64_t> g_frees{0};

// dlsym may allocate (dlerror state) while we resolve the real functions;
// those few requests are served from this buffer and never freed.
constexpr size_t kHeader = 16;
alignas(16) unsigned char g_boot[64 * 1024];
constinit std::atomic<size_t> g_boot_used{0};

void* boot_alloc(size_t size) {
  const size_t total = (size + kHeader + 15) & ~size_t{15};
  const size_t offset = g_boot_used.fetch_add(total, std::memory_order_relaxed);
  if (offset + total > sizeof(g_boot)) return nullptr;
  memcpy(g_boot + offset, &size, sizeof(size));
  return g_boot + offset + kHeader;  // static storage: already zero, fine for calloc
}

bool is_boot(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  return b >= g_boot && b < g_boot + sizeof(g_boot);
}

size_t boot_size(const void* p) {
  size_t size;
  memcpy(&size, static_cast<const unsigned char*>(p) - kHeader, sizeof(size));
  return size;
}

template <typename Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// True once the real functions are known. A re-entrant call from inside
// dlsym, or a call from another thread meanwhile, sees false and uses the
// boot buffer instead of waiting.
bool ready() {
  int state = g_state.load(std::memory_order_acquire);
  if (state == kResolved) return true;
  if (state == kUnresolved &&
      g_state.compare_exchange_strong(state, kResolving, std::memory_order_acq_rel)) {
    g_real.malloc = next<MallocFn>("malloc");
    g_real.calloc = next<CallocFn>("calloc");
    g_real.realloc = next<ReallocFn>("realloc");
    g_real.free = next<FreeFn>("free");
    g_real.aligned_alloc = next<AlignedFn>("aligned_alloc");
    g_real.posix_memalign = next<PosixMemalignFn>("posix_memalign");
    g_real.memalign = next<AlignedFn>("memalign");
    g_real.valloc = next<MallocFn>("valloc");
    g_real.pvalloc = next<MallocFn>("pvalloc");
    g_state.store(kResolved, std::memory_order_release);
    return true;
  }
  return false;
}

// The start-up log. 64 Ki entries (1 MiB of zero pages until used) hold a
// worker's start-up many times over (a few thousand calls); more are counted
// as dropped, which the log's last line says.
struct LogEntry {
  std::uint32_t tid;
  std::uint32_t call;  // index into kCallNames
  std::uint64_t bytes;
};
constexpr const char* kCallNames[] = {"malloc",   "calloc",        "realloc",
                                      "free",     "aligned_alloc", "posix_memalign",
                                      "memalign", "valloc",        "pvalloc"};
enum Call : std::uint32_t {
  kMalloc,
  kCalloc,
  kRealloc,
  kFree,
  kAlignedAlloc,
  kPosixMemalign,
  kMemalign,
  kValloc,
  kPvalloc
};
constexpr size_t kLogCapacity = 64 * 1024;
LogEntry g_log[kLogCapacity];
constinit std::atomic<size_t> g_log_used{0};
constinit std::atomic<bool> g_logging{false};
char g_log_path[4096];

void log_call(Call call, size_t bytes) {
  if (!g_logging.load(std::memory_order_relaxed)) return;
  const size_t at = g_log_used.fetch_add(1, std::memory_order_relaxed);
  if (at < kLogCapacity) g_log[at] = {static_cast<std::uint32_t>(syscall(SYS_gettid)), call, bytes};
}

// Decimal digits of `value` appended at `out`; returns the new end.
char* put_number(char* out, std::uint64_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) *out++ = digits[--n];
  return out;
}

char* put_text(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

void count(size_t bytes) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  g_calls.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

__attribute__((constructor)) void resolve_early() {
  ready();
  const char* path = getenv("SHOOTOUT_MALLOC_LOG");
  if (path && *path && strlen(path) < sizeof(g_log_path)) {
    strcpy(g_log_path, path);
    g_logging.store(true, std::memory_order_relaxed);
  }
}

}  // namespace

#define SHOOTOUT_EXPORT extern "C" __attribute__((visibility("default")))

SHOOTOUT_EXPORT void shootout_malloc_count_enable(int on) {
  g_enabled.store(on != 0, std::memory_order_relaxed);
}

SHOOTOUT_EXPORT void shootout_malloc_count_read(std::uint64_t* calls, std::uint64_t* bytes,
                                                std::uint64_t* frees) {
  if (calls) *calls = g_calls.load(std::memory_order_relaxed);
  if (bytes) *bytes = g_bytes.load(std::memory_order_relaxed);
  if (frees) *frees = g_frees.load(std::memory_order_relaxed);
}

// The object the shim forwards `symbol` to (the allocator under test), for
// the worker's verification; null for a symbol the shim does not wrap.
SHOOTOUT_EXPORT const char* shootout_malloc_count_next_object(const char* symbol) {
  if (!ready()) return nullptr;
  const void* target = nullptr;
  if (strcmp(symbol, "malloc") == 0) target = reinterpret_cast<const void*>(g_real.malloc);
  if (strcmp(symbol, "free") == 0) target = reinterpret_cast<const void*>(g_real.free);
  if (strcmp(symbol, "calloc") == 0) target = reinterpret_cast<const void*>(g_real.calloc);
  if (strcmp(symbol, "realloc") == 0) target = reinterpret_cast<const void*>(g_real.realloc);
  if (strcmp(symbol, "aligned_alloc") == 0)
    target = reinterpret_cast<const void*>(g_real.aligned_alloc);
  if (strcmp(symbol, "posix_memalign") == 0)
    target = reinterpret_cast<const void*>(g_real.posix_memalign);
  Dl_info info{};
  if (!target || dladdr(target, &info) == 0) return nullptr;
  return info.dli_fname;
}

SHOOTOUT_EXPORT void shootout_malloc_log_mark() {
  if (!g_logging.exchange(false, std::memory_order_relaxed)) return;
  const int fd = open(g_log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const size_t used = g_log_used.load(std::memory_order_relaxed);
  const size_t recorded = used < kLogCapacity ? used : kLogCapacity;
  char line[128];
  for (size_t i = 0; i < recorded; ++i) {
    char* end = put_number(line, g_log[i].tid);
    *end++ = ' ';
    end = put_text(end, kCallNames[g_log[i].call]);
    *end++ = ' ';
    end = put_number(end, g_log[i].bytes);
    *end++ = '\n';
    if (write(fd, line, static_cast<size_t>(end - line)) < 0) break;
  }
  char* end = put_text(line, "end ");
  end = put_number(end, recorded);
  *end++ = ' ';
  end = put_number(end, used - recorded);
  *end++ = '\n';
  if (write(fd, line, static_cast<size_t>(end - line)) < 0) {
  }
  close(fd);
}

SHOOTOUT_EXPORT void* malloc(size_t size) noexcept {
  if (!ready()) return boot_alloc(size);
  count(size);
  log_call(kMalloc, size);
  return g_real.malloc(size);
}

SHOOTOUT_EXPORT void* calloc(size_t nmemb, size_t size) noexcept {
  size_t total;
  if (__builtin_mul_overflow(nmemb, size, &total)) total = SIZE_MAX;
  if (!ready()) return total == SIZE_MAX ? nullptr : boot_alloc(total);
  count(total);
  log_call(kCalloc, total);
  return g_real.calloc(nmemb, size);
}

SHOOTOUT_EXPORT void* realloc(void* ptr, size_t size) noexcept {
  if (!ready() || is_boot(ptr)) {
    // Move a boot allocation into the real heap (or another boot block).
    void* moved = ready() ? g_real.malloc(size) : boot_alloc(size);
    if (moved && ptr) {
      const size_t old = boot_size(ptr);
      memcpy(moved, ptr, old < size ? old : size);
    }
    return moved;
  }
  count(size);
  log_call(kRealloc, size);
  return g_real.realloc(ptr, size);
}

SHOOTOUT_EXPORT void free(void* ptr) noexcept {
  if (!ptr || is_boot(ptr)) return;
  if (!ready()) return;  // unreachable: a real pointer implies resolution
  if (g_enabled.load(std::memory_order_relaxed)) g_frees.fetch_add(1, std::memory_order_relaxed);
  log_call(kFree, 0);
  g_real.free(ptr);
}

SHOOTOUT_EXPORT void* aligned_alloc(size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.aligned_alloc) return nullptr;
  count(size);
  log_call(kAlignedAlloc, size);
  return g_real.aligned_alloc(alignment, size);
}

SHOOTOUT_EXPORT int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.posix_memalign) return ENOMEM;
  count(size);
  log_call(kPosixMemalign, size);
  return g_real.posix_memalign(out, alignment, size);
}

SHOOTOUT_EXPORT void* memalign(size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.memalign) return nullptr;
  count(size);
  log_call(kMemalign, size);
  return g_real.memalign(alignment, size);
}

SHOOTOUT_EXPORT void* valloc(size_t size) noexcept {
  if (!ready() || !g_real.valloc) return nullptr;
  count(size);
  log_call(kValloc, size);
  return g_real.valloc(size);
}

SHOOTOUT_EXPORT void* pvalloc(size_t size) noexcept {
  if (!ready() || !g_real.pvalloc) return nullptr;
  count(size);
  log_call(kPvalloc, size);
  return g_real.pvalloc(size);
}
