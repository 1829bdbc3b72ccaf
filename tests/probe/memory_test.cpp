// VmRSS / VmHWM and the peak reset, against 64 MiB of touched memory.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probe/counters.h"

namespace shootout::probe {
namespace {

TEST(Memory, PeakFollowsTouchedMemoryAndResets) {
  constexpr std::size_t kBytes = 64u << 20;
  constexpr std::uint64_t kKib = kBytes / 1024;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

  const MemoryUsage start = memory_usage();
  EXPECT_GT(start.rss_kib, 0u);
  EXPECT_GE(start.hwm_kib, start.rss_kib);

  auto* region = static_cast<char*>(
      mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(region, MAP_FAILED);
  for (std::size_t i = 0; i < kBytes; i += page) region[i] = 1;
  const MemoryUsage touched = memory_usage();
  EXPECT_GE(touched.rss_kib, kKib);
  EXPECT_GE(touched.hwm_kib, kKib);

  ASSERT_EQ(munmap(region, kBytes), 0);
  if (!reset_peak_rss()) GTEST_SKIP() << "kernel refused /proc/self/clear_refs";
  const MemoryUsage reset = memory_usage();
  EXPECT_LT(reset.hwm_kib, kKib);
  EXPECT_LT(reset.hwm_kib, touched.hwm_kib);
}

}  // namespace
}  // namespace shootout::probe
