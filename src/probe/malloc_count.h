// The allocation-profile counting pass: libshootout_malloc_count.so
// (malloc_count_shim.cpp), preloaded into a worker, counts malloc-family
// calls, requested bytes and frees while enabled. The worker reaches it
// through dlsym, so a worker started without the shim still runs.
//
// Preload order matters: put the shim first in LD_PRELOAD, before the
// allocator under test, so that its RTLD_NEXT lookups reach that allocator.
#pragma once

#include <cstdint>
#include <optional>

extern "C" {
// Exported by the shim (C ABI).
void shootout_malloc_count_enable(int on);
void shootout_malloc_count_read(std::uint64_t* calls, std::uint64_t* bytes, std::uint64_t* frees);
// Ends the start-up log (SHOOTOUT_MALLOC_LOG=FILE, see malloc_count_shim.cpp)
// and writes it; the worker calls it just before its first timed command.
void shootout_malloc_log_mark();
// The file of the object the shim forwards `symbol` to (malloc, free,
// calloc, realloc, aligned_alloc, posix_memalign); verification looks
// through the shim with it.
const char* shootout_malloc_count_next_object(const char* symbol);
}

namespace shootout::probe {

inline constexpr const char* kMallocCountLibrary = "libshootout_malloc_count.so";
// With the shim preloaded and this variable naming a file, the shim logs
// every call from its load to shootout_malloc_log_mark() into that file.
inline constexpr const char* kMallocLogVariable = "SHOOTOUT_MALLOC_LOG";

// Cumulative since the shim was loaded. `calls` counts malloc, calloc,
// realloc, aligned_alloc, posix_memalign, memalign, valloc and pvalloc;
// `bytes` is what those calls asked for (calloc: nmemb * size); `frees`
// counts free() of non-null pointers.
struct MallocCounts {
  std::uint64_t calls = 0;
  std::uint64_t bytes = 0;
  std::uint64_t frees = 0;
};
MallocCounts operator-(const MallocCounts& after, const MallocCounts& before);

class MallocCountShim {
 public:
  // The shim's API if the process was started with it preloaded.
  static std::optional<MallocCountShim> find();

  void enable(bool on) const { enable_(on ? 1 : 0); }
  MallocCounts read() const;

 private:
  using EnableFn = void (*)(int);
  using ReadFn = void (*)(std::uint64_t*, std::uint64_t*, std::uint64_t*);
  MallocCountShim(EnableFn enable, ReadFn read) : enable_(enable), read_(read) {}
  EnableFn enable_;
  ReadFn read_;
};

}  // namespace shootout::probe
