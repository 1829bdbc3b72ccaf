// The interposition fallback in an executable linked with
// shootout_export_interposers(): calls made by a shared library (as a
// preloaded allocator makes them) reach this executable's wrappers.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "callee.h"
#include "page_size.h"
#include "probe/counters.h"
#include "probe/interpose.h"
#include "status_util.h"

namespace shootout::probe {
namespace {

using testing::find_status;
using testing::has_source;
using testing::why;

KernelCounters open_fallback() {
  ProbeOptions options;
  options.allow_tracepoints = false;
  return KernelCounters::open(options);
}

TEST(Interpose, WrappersAreExportedFromThisExecutable) {
  for (auto call : {interpose::Call::madvise, interpose::Call::mmap, interpose::Call::munmap,
                    interpose::Call::brk, interpose::Call::mremap}) {
    EXPECT_TRUE(interpose::exported(call)) << interpose::symbol(call);
  }
}

TEST(Interpose, StatusNamesSourceAndTheGlibcLimit) {
  const auto counters = open_fallback();
  for (const char* name : {names::kMadviseAll, names::kMadviseDontneed, names::kMadviseFree,
                           names::kMmap, names::kMunmap, names::kBrk, names::kMremap}) {
    const auto* status = find_status(counters, name);
    ASSERT_NE(status, nullptr) << name;
    EXPECT_EQ(status->source, Source::interpose) << name << ": " << status->detail;
    EXPECT_NE(status->detail.find("tracepoints disabled by options"), std::string::npos);
    EXPECT_NE(status->detail.find("glibc malloc's internal"), std::string::npos);
  }
  EXPECT_NE(why(counters, names::kMadviseDontneed).find("advice == 4"), std::string::npos);
}

// Under glibc's own malloc the wrappers would count the allocator's calls
// as zero: the counters are absent, the reason names the internal aliases.
TEST(Interpose, UnderGlibcMallocTheSyscallCountersAreNotMeasured) {
  ProbeOptions options;
  options.allow_tracepoints = false;
  options.malloc_in_c_library = true;
  const auto counters = KernelCounters::open(options);
  const Reading reading = counters.read();
  for (const char* name : {names::kMadviseAll, names::kMadviseDontneed, names::kMadviseFree,
                           names::kMmap, names::kMunmap, names::kBrk, names::kMremap}) {
    const auto* status = find_status(counters, name);
    ASSERT_NE(status, nullptr) << name;
    EXPECT_FALSE(status->source.has_value()) << name;
    EXPECT_EQ(status->detail.rfind("not measured: ", 0), 0u) << status->detail;
    EXPECT_NE(status->detail.find("__mmap/__munmap/__madvise/__brk/__mremap"), std::string::npos);
    EXPECT_EQ(reading.count(name), 0u) << name;
  }
  // Faults and CPU time do not depend on the wrappers.
  EXPECT_EQ(reading.count(names::kUserNs), 1u);
}

TEST(Interpose, CountsCallsFromASharedLibraryExactly) {
  constexpr int kDontneed = 23;
  constexpr int kFree = 5;
  const auto counters = open_fallback();
  ASSERT_TRUE(has_source(counters, names::kMadviseDontneed, Source::interpose))
      << why(counters, names::kMadviseDontneed);

  const Reading before = counters.read();
  void* region = probe_callee_mmap(4 * kPage);
  ASSERT_NE(region, MAP_FAILED);
  for (int i = 0; i < kDontneed; ++i) {
    ASSERT_EQ(probe_callee_madvise(region, 4 * kPage, MADV_DONTNEED), 0);
  }
  for (int i = 0; i < kFree; ++i) ASSERT_EQ(probe_callee_madvise(region, 4 * kPage, MADV_FREE), 0);
  void* grown = probe_callee_mremap(region, 4 * kPage, 8 * kPage);
  ASSERT_NE(grown, MAP_FAILED);
  ASSERT_EQ(probe_callee_munmap(grown, 8 * kPage), 0);
  // Move the break up and back down: two brk syscalls; sbrk(0) is not one.
  void* const start = probe_callee_sbrk(0);
  ASSERT_NE(probe_callee_sbrk(static_cast<std::intptr_t>(kPage)), reinterpret_cast<void*>(-1));
  ASSERT_EQ(probe_callee_brk(start), 0);
  ASSERT_EQ(probe_callee_sbrk(0), start);
  const Reading d = delta(before, counters.read());

  EXPECT_EQ(d.at(names::kMadviseDontneed), kDontneed);
  EXPECT_EQ(d.at(names::kMadviseFree), kFree);
  EXPECT_EQ(d.at(names::kMadviseAll), kDontneed + kFree);
  EXPECT_EQ(d.at(names::kMmap), 1u);
  EXPECT_EQ(d.at(names::kMremap), 1u);
  EXPECT_EQ(d.at(names::kMunmap), 1u);
  EXPECT_EQ(d.at(names::kBrk), 2u);
}

// What the brief's worker relies on: the libc function looked up the way a
// preloaded library binds it (global scope) is the counting wrapper.
TEST(Interpose, GlobalScopeMadviseIsCounted) {
  constexpr int kCalls = 17;
  using MadviseFn = int (*)(void*, std::size_t, int);
  auto* global_madvise = reinterpret_cast<MadviseFn>(dlsym(RTLD_DEFAULT, "madvise"));
  ASSERT_NE(global_madvise, nullptr);
  const auto counters = open_fallback();
  void* region = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  const Reading before = counters.read();
  for (int i = 0; i < kCalls; ++i) ASSERT_EQ(global_madvise(region, kPage, MADV_DONTNEED), 0);
  const Reading d = delta(before, counters.read());
  munmap(region, kPage);
  EXPECT_EQ(d.at(names::kMadviseDontneed), kCalls);
}

TEST(Interpose, ForwardsFaithfullyAndCountsNothingWhenOff) {
  ASSERT_FALSE(interpose::counting());
  const auto before = interpose::snapshot();
  auto* page = static_cast<unsigned char*>(probe_callee_mmap(kPage));
  ASSERT_NE(page, MAP_FAILED);
  page[0] = 0xab;
  ASSERT_EQ(probe_callee_madvise(page, kPage, MADV_DONTNEED), 0);
  EXPECT_EQ(page[0], 0);  // the real madvise ran: the page came back zeroed
  errno = 0;
  EXPECT_EQ(probe_callee_madvise(page, kPage, 12345), -1);
  EXPECT_EQ(errno, EINVAL);
  ASSERT_EQ(probe_callee_munmap(page, kPage), 0);
  errno = 0;
  EXPECT_EQ(mmap(nullptr, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1), MAP_FAILED);
  EXPECT_EQ(errno, EINVAL);  // unaligned offset
  const auto after = interpose::snapshot();
  EXPECT_EQ(after.calls, before.calls);
  EXPECT_EQ(after.madvise_by_advice, before.madvise_by_advice);
}

TEST(Interpose, CountingStopsWhenCountersAreClosed) {
  { const auto counters = open_fallback(); }
  EXPECT_FALSE(interpose::counting());
}

}  // namespace
}  // namespace shootout::probe
