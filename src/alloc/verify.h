// Verification, run inside the worker before any timing (docs/design.md §3): which
// loaded object serves each malloc-family symbol, and the allocator's
// version read from its own API. Nothing is measured unless the intended
// allocator is the one serving malloc.
#pragma once

#include <string>
#include <vector>

namespace shootout::alloc {

struct SymbolBinding {
  std::string symbol;  // e.g. "malloc", "operator new"
  std::string object;  // canonical path of the object that defines it ("" if unresolved)
  bool as_expected = false;
  std::string note;  // e.g. "libstdc++ forwards to malloc"
};

struct Verification {
  bool ok = false;
  std::string message;        // why not ok, in one sentence
  std::string active_object;  // object serving malloc
  std::vector<SymbolBinding> bindings;
  std::string version;         // "" when none could be read
  std::string version_source;  // e.g. "mallctl(\"version\")"
};

// `expected_object` is the canonical path of the injected object, or "" for
// the C library's malloc (std). std and the C library preloaded under
// another name take the same path (the same lookups, the same requests to
// the allocator before timing).
Verification verify_active_allocator(const std::string& expected_object);

// True when the C library's own malloc serves this process (std, or libc.so
// preloaded under another name): its internal __mmap/__brk/... calls bind
// inside libc and never reach interposed wrappers (probe/interpose.h).
bool malloc_from_c_library(const Verification& verification);

// The allocator's version from whatever API the object exports (mallctl,
// mi_version, tc_version, gnu_get_libc_version), else from its file name.
void read_version(const std::string& object, Verification& into);

// The object that serves malloc when nothing is injected: the C library (or
// a sanitizer build's runtime). The runner passes it as std's --expect, so
// std's worker has the argv of a preloaded C library and runs the same code.
std::string default_malloc_object();

}  // namespace shootout::alloc
