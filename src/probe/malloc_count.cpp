// Worker-side access to the preloaded malloc-count shim, found by dlsym.
#include "probe/malloc_count.h"

#include <dlfcn.h>

namespace shootout::probe {

MallocCounts operator-(const MallocCounts& after, const MallocCounts& before) {
  return {after.calls - before.calls, after.bytes - before.bytes, after.frees - before.frees};
}

std::optional<MallocCountShim> MallocCountShim::find() {
  auto* enable = reinterpret_cast<EnableFn>(dlsym(RTLD_DEFAULT, "shootout_malloc_count_enable"));
  auto* read = reinterpret_cast<ReadFn>(dlsym(RTLD_DEFAULT, "shootout_malloc_count_read"));
  if (!enable || !read) return std::nullopt;
  return MallocCountShim(enable, read);
}

MallocCounts MallocCountShim::read() const {
  MallocCounts counts;
  read_(&counts.calls, &counts.bytes, &counts.frees);
  return counts;
}

}  // namespace shootout::probe
