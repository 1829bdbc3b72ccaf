// An executable whose wrappers are not in its dynamic symbol table (linked
// with --exclude-libs): the fallback must refuse, with the fix, rather than
// count only the executable's own calls.
#include <gtest/gtest.h>

#include "probe/counters.h"
#include "status_util.h"

namespace shootout::probe {
namespace {

TEST(Unexported, InterposedCountersAreUnavailableWithTheFix) {
  ProbeOptions options;
  options.allow_tracepoints = false;
  const auto counters = KernelCounters::open(options);
  const Reading reading = counters.read();
  for (const char* name : {names::kMadviseAll, names::kMadviseDontneed, names::kMmap}) {
    const auto* status = testing::find_status(counters, name);
    ASSERT_NE(status, nullptr);
    EXPECT_FALSE(status->source.has_value()) << name << ": " << status->detail;
    EXPECT_NE(status->detail.find("shootout_export_interposers"), std::string::npos);
    EXPECT_FALSE(reading.contains(name));
  }
}

}  // namespace
}  // namespace shootout::probe
