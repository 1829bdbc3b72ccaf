// The allocators the tool knows: built-in descriptors (docs/design.md §3), the
// user's own `--allocator NAME=PATH` objects, and their discovery through the
// dynamic loader's cache. Runs in the runner; never loads an allocator into
// the runner's own process.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace shootout::alloc {

enum class Injection { preload, link };
const char* to_string(Injection injection);
Injection injection_from_string(const std::string& text);  // throws std::invalid_argument

// How an allocator is tuned (the conf dialect); see docs/design.md §3.
enum class ConfDialect { glibc_tunables, jemalloc, mimalloc, tcmalloc, tbbmalloc, none };
const char* to_string(ConfDialect dialect);     // the variables it reads, in words
const char* dialect_name(ConfDialect dialect);  // "jemalloc", "glibc", ... (worker argument)
ConfDialect dialect_from_name(const std::string& name);  // throws std::invalid_argument

struct AllocatorDescriptor {
  std::string name;
  std::vector<std::string> sonames;  // objects to preload, first found wins; empty for std
  ConfDialect dialect = ConfDialect::none;
  std::string package;       // Debian package that ships the object ("" when not packaged)
  std::string version_from;  // how the worker reads the version, in words
  std::string hint;          // what to do when it is missing
};

// std, jemalloc, mimalloc, tcmalloc, tbbmalloc, snmalloc — in report order.
const std::vector<AllocatorDescriptor>& builtin_allocators();
const AllocatorDescriptor* find_builtin(const std::string& name);

// One entry of the loader cache (`ldconfig -p`).
struct LoaderCacheEntry {
  std::string soname;
  std::string flags;  // e.g. "libc6,x86-64"
  std::string path;
};
std::vector<LoaderCacheEntry> parse_loader_cache(const std::string& ldconfig_output);
// Runs `ldconfig -p` (no shell) and parses it; empty when ldconfig is absent.
std::vector<LoaderCacheEntry> read_loader_cache();

// An allocator resolved on this machine.
struct Allocator {
  std::string name;
  std::string path;  // canonical path of the object to inject; "" for std (the C library)
  bool available = false;
  std::string why_unavailable;
  ConfDialect dialect = ConfDialect::none;
  bool user_supplied = false;
  bool is_std() const { return name == "std"; }
};

// "NAME=PATH" from the command line. Throws std::invalid_argument with one
// clear message when the text is malformed, the path does not exist, or the
// file is not a shared object for this machine's architecture.
Allocator parse_user_allocator(const std::string& spec);

// Resolves every built-in allocator against the cache; `user` entries are
// added (or replace the built-in of the same name, e.g. snmalloc=PATH).
std::vector<Allocator> discover(const std::vector<LoaderCacheEntry>& cache,
                                const std::vector<Allocator>& user);

// The allocator names a run or exec compares, from -a (`named`) and
// --allocator (`user`). With -a: its names and every user allocator's, each
// once — an allocator named on the command line is meant to run, listed in
// -a or not. Without -a: empty, which means every available allocator, the
// user's included.
std::vector<std::string> names_to_run(const std::vector<std::string>& named,
                                      const std::vector<Allocator>& user);

// Picks allocators by name from a discovered list; throws
// std::invalid_argument naming the unknown/unavailable one and the valid names.
std::vector<Allocator> select(const std::vector<Allocator>& all,
                              const std::vector<std::string>& names);

}  // namespace shootout::alloc
