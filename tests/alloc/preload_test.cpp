// Re-executes itself with jemalloc preloaded (found through the loader
// cache), then checks that verification sees it and reads its version.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "alloc/registry.h"
#include "alloc/verify.h"

using namespace shootout::alloc;

namespace {
std::string jemalloc_path() {
  for (const auto& a : discover(read_loader_cache(), {}))
    if (a.name == "jemalloc") return a.path;
  return {};
}
}  // namespace

TEST(PreloadedVerification, SeesJemallocAndItsVersion) {
  const std::string path = jemalloc_path();
  ASSERT_FALSE(path.empty());
  auto v = verify_active_allocator(path);
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.active_object, path);
  EXPECT_EQ(v.version.rfind("5.", 0), 0u) << v.version;
  EXPECT_EQ(v.version_source, "mallctl(\"version\")");
  // jemalloc ships its own operator new.
  EXPECT_EQ(v.bindings.back().object, path);
}

int main(int argc, char** argv) {
  if (!getenv("SHOOTOUT_REEXECUTED")) {
    const std::string path = jemalloc_path();
    if (path.empty()) return 1;
    setenv("LD_PRELOAD", path.c_str(), 1);
    setenv("SHOOTOUT_REEXECUTED", "1", 1);
    execv("/proc/self/exe", argv);
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
