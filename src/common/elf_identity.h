// The identity of an ELF file from its first 20 bytes (class, machine,
// type), read, never loaded: whether an allocator can be loaded here
// (alloc/elf_info.h) and whether a program must be started through the
// emulator (common/emulation.h).
#pragma once

#include <optional>
#include <string>

namespace shootout::common {

struct ElfIdentity {
  int elf_class = 0;  // ELFCLASS32 / ELFCLASS64
  int machine = 0;    // EM_X86_64, EM_AARCH64, ...
  int type = 0;       // ET_DYN, ET_EXEC
};

// Empty when the file cannot be read or is not ELF.
std::optional<ElfIdentity> read_elf_identity(const std::string& path);
// The identity of the running executable (/proc/self/exe; under qemu-user,
// the emulated program's).
const ElfIdentity& own_elf_identity();

}  // namespace shootout::common
