#include "alloc/elf_info.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>

namespace shootout::alloc {

namespace {

// [offset, offset + size) lies within a file of `total` bytes. Written so
// that nothing overflows: offsets and sizes come from the file itself.
bool within(std::uint64_t offset, std::uint64_t size, std::size_t total) {
  return offset <= total && size <= total - offset;
}

}  // namespace

bool for_each_exported_symbol(const std::string& path,
                              const std::function<void(std::string_view)>& visit) {
  // Mapped, never copied: the worker calls this before timing, and a copy of
  // a 2 MiB image malloc'd and freed through the allocator under test would
  // change that allocator's state (glibc raises its mmap and trim thresholds
  // for good when it frees an mmapped chunk).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  const bool sized = fstat(fd, &st) == 0 && st.st_size > 0;
  const std::size_t total = sized ? static_cast<std::size_t>(st.st_size) : 0;
  void* mapped = sized ? mmap(nullptr, total, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  close(fd);
  if (mapped == MAP_FAILED) return false;
  const char* image = static_cast<const char*>(mapped);
  bool parsed = false;
  Elf64_Ehdr header;
  if (total >= sizeof header) {
    std::memcpy(&header, image, sizeof header);
    parsed = header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_shentsize == sizeof(Elf64_Shdr) &&
             within(header.e_shoff, header.e_shnum * sizeof(Elf64_Shdr), total);
  }
  auto section = [&](size_t i) {
    Elf64_Shdr s;
    std::memcpy(&s, image + header.e_shoff + i * sizeof s, sizeof s);
    return s;
  };
  for (size_t i = 0; parsed && i < header.e_shnum; ++i) {
    const Elf64_Shdr dynsym = section(i);
    if (dynsym.sh_type != SHT_DYNSYM || dynsym.sh_link >= header.e_shnum) continue;
    const Elf64_Shdr strings = section(dynsym.sh_link);
    if (!within(dynsym.sh_offset, dynsym.sh_size, total) ||
        !within(strings.sh_offset, strings.sh_size, total)) {
      parsed = false;
      break;
    }
    for (size_t at = 0; at + sizeof(Elf64_Sym) <= dynsym.sh_size; at += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, image + dynsym.sh_offset + at, sizeof sym);
      if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strings.sh_size) continue;  // imports
      const char* name = image + strings.sh_offset + sym.st_name;
      visit({name, strnlen(name, strings.sh_size - sym.st_name)});
    }
  }
  munmap(mapped, total);
  return parsed;
}

std::vector<std::string> exported_symbols(const std::string& path) {
  std::vector<std::string> names;
  const bool parsed =
      for_each_exported_symbol(path, [&](std::string_view name) { names.emplace_back(name); });
  return parsed ? names : std::vector<std::string>{};
}

bool loadable_here(const ElfIdentity& identity) {
  const ElfIdentity& self = own_elf_identity();
  return identity.type == ET_DYN && identity.elf_class == self.elf_class &&
         identity.machine == self.machine;
}

}  // namespace shootout::alloc
