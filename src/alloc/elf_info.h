// Reads just enough of an ELF header to tell whether a shared object can be
// loaded into a process of this machine (class and machine match ours).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shootout::alloc {

struct ElfIdentity {
  int elf_class = 0;  // ELFCLASS32 / ELFCLASS64
  int machine = 0;    // EM_X86_64, EM_AARCH64, ...
  int type = 0;       // ET_DYN, ET_EXEC
};

// Empty when the file cannot be read or is not ELF.
std::optional<ElfIdentity> read_elf_identity(const std::string& path);
// The identity of the running executable (/proc/self/exe).
const ElfIdentity& own_elf_identity();
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
