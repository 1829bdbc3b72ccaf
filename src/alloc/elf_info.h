// Reads just enough of an ELF header to tell whether a shared object can be
// loaded into a process of this machine (class and machine match ours).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/elf_identity.h"

namespace shootout::alloc {

using common::ElfIdentity;
using common::own_elf_identity;
using common::read_elf_identity;
bool loadable_here(const ElfIdentity& identity);

// Names of the functions and objects a 64-bit shared object defines in its
// dynamic symbol table (.dynsym), read from the file — the object is never
// loaded. Empty when the file cannot be parsed.
std::vector<std::string> exported_symbols(const std::string& path);

// The same names, each passed to `visit` as a view into the file mapped
// read-only (never copied to the heap: the worker calls this before timing).
// False when the file cannot be parsed (names already visited stand).
bool for_each_exported_symbol(const std::string& path,
                              const std::function<void(std::string_view)>& visit);

}  // namespace shootout::alloc
