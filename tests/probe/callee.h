// A shared library that calls the libc memory functions through its PLT,
// as an allocator does; used to check that the executable's wrappers win.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
int probe_callee_madvise(void* addr, std::size_t length, int advice);
void* probe_callee_mmap(std::size_t length);
int probe_callee_munmap(void* addr, std::size_t length);
void* probe_callee_mremap(void* addr, std::size_t old_length, std::size_t new_length);
void* probe_callee_sbrk(std::intptr_t increment);
int probe_callee_brk(void* addr);
}
