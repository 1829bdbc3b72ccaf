#include "alloc/elf_info.h"

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace shootout::alloc {

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

namespace {

// [offset, offset + size) lies within a file of `total` bytes. Written so
// that nothing overflows: offsets and sizes come from the file itself.
bool within(std::uint64_t offset, std::uint64_t size, std::size_t total) {
  return offset <= total && size <= total - offset;
}

}  // namespace

std::vector<std::string> exported_symbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string image((std::istreambuf_iterator<char>(in)), {});
  if (image.size() < sizeof(Elf64_Ehdr)) return {};
  Elf64_Ehdr header;
  std::memcpy(&header, image.data(), sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_shentsize != sizeof(Elf64_Shdr) ||
      !within(header.e_shoff, header.e_shnum * sizeof(Elf64_Shdr), image.size()))
    return {};
  auto section = [&](size_t i) {
    Elf64_Shdr s;
    std::memcpy(&s, image.data() + header.e_shoff + i * sizeof s, sizeof s);
    return s;
  };
  std::vector<std::string> names;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    const Elf64_Shdr dynsym = section(i);
    if (dynsym.sh_type != SHT_DYNSYM || dynsym.sh_link >= header.e_shnum) continue;
    const Elf64_Shdr strings = section(dynsym.sh_link);
    if (!within(dynsym.sh_offset, dynsym.sh_size, image.size()) ||
        !within(strings.sh_offset, strings.sh_size, image.size()))
      return {};
    for (size_t at = 0; at + sizeof(Elf64_Sym) <= dynsym.sh_size; at += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, image.data() + dynsym.sh_offset + at, sizeof sym);
      if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strings.sh_size) continue;  // imports
      const char* name = image.data() + strings.sh_offset + sym.st_name;
      names.emplace_back(name, strnlen(name, strings.sh_size - sym.st_name));
    }
  }
  return names;
}

bool loadable_here(const ElfIdentity& identity) {
  const ElfIdentity& self = own_elf_identity();
  return identity.type == ET_DYN && identity.elf_class == self.elf_class &&
         identity.machine == self.machine;
}

}  // namespace shootout::alloc
