// Shared objects named by --allocator NAME=PATH or found in the loader cache
// are read, never loaded, before use: read_elf_identity (is it loadable
// here?) and exported_symbols (.dynsym: which jemalloc prefix?). Neither
// throws; on a malformed file each must return empty, never read out of
// bounds.
#include <cstdint>

#include "alloc/elf_info.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout;
  static fuzz::InputFile file("object.so");
  file.write(data, size);
  if (const auto id = alloc::read_elf_identity(file.path())) (void)alloc::loadable_here(*id);
  // Every name is read from the file (symbols may share one, so no sum).
  for (const auto& name : alloc::exported_symbols(file.path())) FUZZ_CHECK(name.size() < size);
  return 0;
}
