// Sweep files (docs/sweeps.md): load_sweep must return a sweep whose every
// tuning parses, or throw std::invalid_argument naming the problem.
#include <cstdint>
#include <stdexcept>

#include "alloc/conf.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout;
  static fuzz::InputFile file("sweep.json");
  file.write(data, size);

  alloc::Sweep sweep;
  try {
    sweep = alloc::load_sweep(file.path());
  } catch (const std::invalid_argument&) {
    return 0;
  }
  for (const auto& t : sweep.tunings) (void)alloc::parse_tuning(t);  // must not throw
  return 0;
}
