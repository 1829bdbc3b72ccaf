// The --tune syntax ALLOC:KEY:VALUE[,KEY:VALUE]: parse_tuning must accept or
// throw std::invalid_argument; what it accepts must print back (conf_text,
// label) to text that parses to the same tuning.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "alloc/conf.h"
#include "fuzz_support.h"

namespace {

bool same(const shootout::alloc::Tuning& a, const shootout::alloc::Tuning& b) {
  if (a.allocator != b.allocator || a.pairs.size() != b.pairs.size()) return false;
  for (std::size_t i = 0; i < a.pairs.size(); ++i)
    if (a.pairs[i].key != b.pairs[i].key || a.pairs[i].value != b.pairs[i].value) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shootout;
  const std::string text(reinterpret_cast<const char*>(data), size);
  alloc::Tuning tuning;
  try {
    tuning = alloc::parse_tuning(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  FUZZ_CHECK(!tuning.allocator.empty() && !tuning.pairs.empty());
  const alloc::Tuning again = alloc::parse_tuning(tuning.allocator + ":" + tuning.conf_text());
  FUZZ_CHECK(same(tuning, again));
  (void)tuning.label();
  return 0;
}
