#include "common/elf_identity.h"

#include <elf.h>

#include <fstream>

namespace shootout::common {

std::optional<ElfIdentity> read_elf_identity(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // e_ident (16 bytes), e_type (2), e_machine (2): the same offsets in both classes.
  unsigned char header[20] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (in.gcount() != sizeof header) return std::nullopt;
  if (header[EI_MAG0] != ELFMAG0 || header[EI_MAG1] != ELFMAG1 || header[EI_MAG2] != ELFMAG2 ||
      header[EI_MAG3] != ELFMAG3)
    return std::nullopt;
  const bool little = header[EI_DATA] == ELFDATA2LSB;
  auto half = [&](int offset) {
    return little ? header[offset] | (header[offset + 1] << 8)
                  : (header[offset] << 8) | header[offset + 1];
  };
  return ElfIdentity{header[EI_CLASS], half(18), half(16)};
}

const ElfIdentity& own_elf_identity() {
  static const ElfIdentity self = read_elf_identity("/proc/self/exe").value_or(ElfIdentity{});
  return self;
}

}  // namespace shootout::common
