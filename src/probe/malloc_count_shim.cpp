// libshootout_malloc_count.so: an LD_PRELOAD shim that wraps the malloc
// family, forwarding to the next definition (the allocator under test or
// glibc) and counting calls, requested bytes and frees while enabled.
//
// Built without libstdc++ (header-only std::atomic, linked as C) and without
// sanitizers, so it can be preloaded into any process.
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

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

void count(size_t bytes) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  g_calls.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

__attribute__((constructor)) void resolve_early() { ready(); }

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

SHOOTOUT_EXPORT void* malloc(size_t size) noexcept {
  if (!ready()) return boot_alloc(size);
  count(size);
  return g_real.malloc(size);
}

SHOOTOUT_EXPORT void* calloc(size_t nmemb, size_t size) noexcept {
  size_t total;
  if (__builtin_mul_overflow(nmemb, size, &total)) total = SIZE_MAX;
  if (!ready()) return total == SIZE_MAX ? nullptr : boot_alloc(total);
  count(total);
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
  return g_real.realloc(ptr, size);
}

SHOOTOUT_EXPORT void free(void* ptr) noexcept {
  if (!ptr || is_boot(ptr)) return;
  if (!ready()) return;  // unreachable: a real pointer implies resolution
  if (g_enabled.load(std::memory_order_relaxed)) g_frees.fetch_add(1, std::memory_order_relaxed);
  g_real.free(ptr);
}

SHOOTOUT_EXPORT void* aligned_alloc(size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.aligned_alloc) return nullptr;
  count(size);
  return g_real.aligned_alloc(alignment, size);
}

SHOOTOUT_EXPORT int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.posix_memalign) return ENOMEM;
  count(size);
  return g_real.posix_memalign(out, alignment, size);
}

SHOOTOUT_EXPORT void* memalign(size_t alignment, size_t size) noexcept {
  if (!ready() || !g_real.memalign) return nullptr;
  count(size);
  return g_real.memalign(alignment, size);
}

SHOOTOUT_EXPORT void* valloc(size_t size) noexcept {
  if (!ready() || !g_real.valloc) return nullptr;
  count(size);
  return g_real.valloc(size);
}

SHOOTOUT_EXPORT void* pvalloc(size_t size) noexcept {
  if (!ready() || !g_real.pvalloc) return nullptr;
  count(size);
  return g_real.pvalloc(size);
}
