// The workload selection grammar (names, globs, brace lists, doubling
// grids): expand_selection must return canonical names or throw
// std::invalid_argument. Every name it returns must parse to itself and
// select exactly itself.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "workloads/names.h"
#include "workloads/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout::workloads;
  const std::string pattern(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  try {
    names = expand_selection(pattern);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  FUZZ_CHECK(!names.empty());
  // Checking every name of a huge grid would only slow the search down.
  for (std::size_t i = 0; i < names.size() && i < 64; ++i) {
    FUZZ_CHECK(parse_name(names[i]).name == names[i]);
    FUZZ_CHECK(expand_selection(names[i]) == std::vector<std::string>{names[i]});
  }
  return 0;
}
