#include <gnu/libc-version.h>

#include <gtest/gtest.h>

#include "alloc/registry.h"
#include "alloc/verify.h"

using namespace shootout::alloc;

// This test binary runs with the C library's malloc (no preload).
TEST(Verification, TheCLibraryServesMallocHere) {
  auto v = verify_active_allocator("");
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.version, gnu_get_libc_version());
  EXPECT_EQ(v.version_source, "gnu_get_libc_version()");
  ASSERT_EQ(v.bindings.size(), 7u);
  EXPECT_EQ(v.bindings[0].symbol, "malloc");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitized test binary: the sanitizer's runtime serves malloc.
  EXPECT_NE(v.bindings[0].object.find("san.so"), std::string::npos) << v.bindings[0].object;
#else
  EXPECT_NE(v.bindings[0].object.find("libc.so"), std::string::npos);
#endif
  EXPECT_EQ(v.bindings[6].symbol, "operator new");
  EXPECT_TRUE(v.bindings[6].as_expected);
}

TEST(Verification, FailsLoudlyWhenTheIntendedAllocatorIsNotActive) {
  std::string jemalloc;
  for (const auto& a : discover(read_loader_cache(), {}))
    if (a.name == "jemalloc") jemalloc = a.path;
  ASSERT_FALSE(jemalloc.empty());
  auto v = verify_active_allocator(jemalloc);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("intended allocator is not active"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("expected " + jemalloc), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("malloc is served by"), std::string::npos) << v.message;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_NE(v.message.find("libc.so"), std::string::npos) << v.message;
#endif
}
