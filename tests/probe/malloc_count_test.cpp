// The malloc-count shim, run by CTest with LD_PRELOAD of the shim (see
// CMakeLists.txt). Between enable and disable the test does nothing but its
// own allocations, so counts are exact.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "probe/malloc_count.h"

namespace shootout::probe {
namespace {

// volatile: the compiler may not elide the malloc/free pairs.
void* volatile g_blocks[110];

#define REQUIRE_SHIM(shim)                   \
  const auto shim = MallocCountShim::find(); \
  if (!shim) GTEST_SKIP() << "run with LD_PRELOAD=" << kMallocCountLibrary << " (ctest does)"

TEST(MallocCount, TheShimServesMalloc) {
  REQUIRE_SHIM(shim);
  Dl_info info{};
  ASSERT_NE(dladdr(dlsym(RTLD_DEFAULT, "malloc"), &info), 0);
  EXPECT_NE(std::strstr(info.dli_fname, kMallocCountLibrary), nullptr) << info.dli_fname;
}

TEST(MallocCount, CountsExactlyTheEnabledAllocations) {
  REQUIRE_SHIM(shim);
  const MallocCounts before = shim->read();
  shim->enable(true);
  for (int i = 0; i < 100; ++i) g_blocks[i] = std::malloc(64);
  for (int i = 100; i < 110; ++i) g_blocks[i] = std::calloc(1, 1000);
  shim->enable(false);
  const MallocCounts allocated = shim->read() - before;
  EXPECT_EQ(allocated.calls, 110u);
  EXPECT_EQ(allocated.bytes, 100u * 64 + 10u * 1000);
  EXPECT_EQ(allocated.frees, 0u);

  const MallocCounts before_free = shim->read();
  shim->enable(true);
  for (void* block : g_blocks) std::free(block);
  std::free(nullptr);  // not a free of anything
  shim->enable(false);
  const MallocCounts freed = shim->read() - before_free;
  EXPECT_EQ(freed.calls, 0u);
  EXPECT_EQ(freed.frees, 110u);
}

TEST(MallocCount, CountsTheWholeFamily) {
  REQUIRE_SHIM(shim);
  const MallocCounts before = shim->read();
  shim->enable(true);
  g_blocks[0] = std::aligned_alloc(64, 128);
  void* p = nullptr;
  const int rc = posix_memalign(&p, 64, 256);
  g_blocks[1] = p;
  g_blocks[2] = memalign(64, 512);
  g_blocks[3] = valloc(1024);
  g_blocks[4] = pvalloc(2048);
  g_blocks[5] = std::realloc(nullptr, 16);
  g_blocks[5] = std::realloc(g_blocks[5], 4096);
  shim->enable(false);
  const MallocCounts d = shim->read() - before;
  ASSERT_EQ(rc, 0);
  for (int i = 0; i < 6; ++i) std::free(g_blocks[i]);
  EXPECT_EQ(d.calls, 7u);
  EXPECT_EQ(d.bytes, 128u + 256 + 512 + 1024 + 2048 + 16 + 4096);
}

TEST(MallocCount, NothingIsCountedWhileDisabled) {
  REQUIRE_SHIM(shim);
  const MallocCounts before = shim->read();
  for (int i = 0; i < 10; ++i) g_blocks[i] = std::malloc(32);
  for (int i = 0; i < 10; ++i) std::free(g_blocks[i]);
  const MallocCounts d = shim->read() - before;
  EXPECT_EQ(d.calls, 0u);
  EXPECT_EQ(d.frees, 0u);
}

}  // namespace
}  // namespace shootout::probe
