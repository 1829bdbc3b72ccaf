#include "callee.h"

#include <sys/mman.h>
#include <unistd.h>

extern "C" {
int probe_callee_madvise(void* addr, std::size_t length, int advice) {
  return madvise(addr, length, advice);
}
void* probe_callee_mmap(std::size_t length) {
  return mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}
int probe_callee_munmap(void* addr, std::size_t length) { return munmap(addr, length); }
void* probe_callee_mremap(void* addr, std::size_t old_length, std::size_t new_length) {
  return mremap(addr, old_length, new_length, MREMAP_MAYMOVE);
}
void* probe_callee_sbrk(std::intptr_t increment) { return sbrk(increment); }
int probe_callee_brk(void* addr) { return brk(addr); }
}
