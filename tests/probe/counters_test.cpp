// Perf-backed counters, checked against known numbers of real events. Tests
// that need perf skip (with the status reason) where it is refused.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <semaphore>
#include <set>
#include <thread>

#include "page_size.h"
#include "probe/counters.h"
#include "status_util.h"

namespace shootout::probe {
namespace {

using testing::find_status;
using testing::has_source;
using testing::why;

const char* const kAllNames[] = {
    names::kMinorFaults, names::kMajorFaults, names::kMadviseAll,   names::kMadviseDontneed,
    names::kMadviseFree, names::kMmap,        names::kMunmap,       names::kBrk,
    names::kMremap,      names::kCycles,      names::kInstructions, names::kCacheReferences,
    names::kCacheMisses, names::kUserNs,      names::kSysNs,
};

TEST(KernelCounters, OneStatusPerCounterAndReadingsMatchIt) {
  const auto counters = KernelCounters::open({});
  std::set<std::string> seen;
  for (const auto& status : counters.status()) {
    EXPECT_TRUE(seen.insert(status.name).second) << "duplicate " << status.name;
    EXPECT_FALSE(status.detail.empty()) << status.name;
  }
  for (const char* name : kAllNames) EXPECT_TRUE(seen.contains(name)) << name;
  EXPECT_EQ(seen.size(), std::size(kAllNames));

  // Available counters are in every reading; unavailable ones never are.
  const Reading reading = counters.read();
  for (const auto& status : counters.status()) {
    EXPECT_EQ(reading.contains(status.name), status.source.has_value())
        << status.name << ": " << status.detail;
  }
  EXPECT_TRUE(has_source(counters, names::kUserNs, Source::rusage));
  EXPECT_TRUE(has_source(counters, names::kSysNs, Source::rusage));
}

TEST(KernelCounters, TracepointDetailsNameTheFilter) {
  const auto counters = KernelCounters::open({});
  if (!has_source(counters, names::kMadviseDontneed, Source::perf_event)) {
    GTEST_SKIP() << "tracepoints unavailable: " << why(counters, names::kMadviseDontneed);
  }
  EXPECT_EQ(why(counters, names::kMadviseDontneed),
            "syscalls:sys_enter_madvise filter behavior == 4");
  EXPECT_EQ(why(counters, names::kMadviseFree), "syscalls:sys_enter_madvise filter behavior == 8");
}

TEST(KernelCounters, HardwareDisabledByOptionIsAbsent) {
  ProbeOptions options;
  options.allow_hardware = false;
  const auto counters = KernelCounters::open(options);
  const Reading reading = counters.read();
  for (const char* name :
       {names::kCycles, names::kInstructions, names::kCacheReferences, names::kCacheMisses}) {
    const auto* status = find_status(counters, name);
    ASSERT_NE(status, nullptr);
    EXPECT_FALSE(status->source.has_value());
    EXPECT_FALSE(reading.contains(name));
  }
}

// Hardware events can only be per-task events, which slow the workload:
// default options open none, and say how to ask for them.
TEST(KernelCounters, HardwareIsOffByDefault) {
  const auto counters = KernelCounters::open({});
  const Reading reading = counters.read();
  for (const char* name :
       {names::kCycles, names::kInstructions, names::kCacheReferences, names::kCacheMisses}) {
    const auto* status = find_status(counters, name);
    ASSERT_NE(status, nullptr);
    EXPECT_FALSE(status->source.has_value());
    EXPECT_NE(status->detail.find("--hardware-counters"), std::string::npos) << status->detail;
    EXPECT_FALSE(reading.contains(name));
  }
}

// The point of `inherit`: a thread created after open is counted, and the
// parent's read() already includes it while the thread is still alive.
TEST(KernelCounters, InheritCountsMadviseOfThreadCreatedAfterOpen) {
  const auto counters = KernelCounters::open({});
  if (!has_source(counters, names::kMadviseDontneed, Source::perf_event)) {
    GTEST_SKIP() << "tracepoints unavailable: " << why(counters, names::kMadviseDontneed);
  }
  constexpr int kDontneed = 37;
  constexpr int kFree = 11;
  std::binary_semaphore done{0};
  std::binary_semaphore release{0};
  int failures = 0;

  const Reading before = counters.read();
  std::thread thread([&] {
    void* region =
        mmap(nullptr, 4 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
      ++failures;
    } else {
      std::memset(region, 1, 4 * kPage);
      for (int i = 0; i < kDontneed; ++i)
        failures += madvise(region, 4 * kPage, MADV_DONTNEED) != 0;
      for (int i = 0; i < kFree; ++i) failures += madvise(region, 4 * kPage, MADV_FREE) != 0;
      failures += munmap(region, 4 * kPage) != 0;
    }
    done.release();
    release.acquire();  // stay alive: glibc madvises the stack when a thread exits
  });
  done.acquire();
  const Reading during = delta(before, counters.read());
  release.release();
  thread.join();

  ASSERT_EQ(failures, 0);
  EXPECT_EQ(during.at(names::kMadviseDontneed), kDontneed);
  EXPECT_EQ(during.at(names::kMadviseFree), kFree);
  EXPECT_GE(during.at(names::kMadviseAll), kDontneed + kFree);
  EXPECT_GE(during.at(names::kMmap), 1u);
  EXPECT_GE(during.at(names::kMunmap), 1u);
}

// Touching K fresh anonymous pages costs K demand-zero minor faults.
void expect_faults_for_fresh_pages(const KernelCounters& counters) {
  constexpr std::size_t kPages = 256;
  auto* region = static_cast<char*>(
      mmap(nullptr, kPages * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(region, MAP_FAILED);
  // One fault per 4 KiB page, not one per huge page.
  ASSERT_EQ(madvise(region, kPages * kPage, MADV_NOHUGEPAGE), 0);
  const Reading before = counters.read();
  for (std::size_t i = 0; i < kPages; ++i) region[i * kPage] = 1;
  const Reading after = counters.read();
  munmap(region, kPages * kPage);

  const std::uint64_t faults = delta(before, after).at(names::kMinorFaults);
  EXPECT_GE(faults, kPages);
  // read() itself may fault in a few heap pages; under ASan the region's
  // shadow (1/8 of it: 32 pages) faults in too.
  EXPECT_LE(faults, kPages + 96);
}

TEST(KernelCounters, MinorFaultsCountFreshPagesPerf) {
  const auto counters = KernelCounters::open({});
  if (!has_source(counters, names::kMinorFaults, Source::perf_event)) {
    GTEST_SKIP() << "perf software events unavailable: " << why(counters, names::kMinorFaults);
  }
  expect_faults_for_fresh_pages(counters);
}

// The worker's mode: the fault tracepoints on every CPU, filtered to this
// process's threads, count the same demand-zero faults.
TEST(KernelCounters, MinorFaultsCountFreshPagesPerCpuTracepoints) {
  ProbeOptions options;
  options.per_cpu = true;
  const auto counters = KernelCounters::open(options);
  const auto* status = find_status(counters, names::kMinorFaults);
  ASSERT_NE(status, nullptr);
  if (status->source != Source::perf_event) {
    GTEST_SKIP() << "fault tracepoints unavailable: " << status->detail;
  }
  EXPECT_NE(status->detail.find("exceptions:page_fault_user"), std::string::npos) << status->detail;
  EXPECT_TRUE(has_source(counters, names::kMajorFaults, Source::rusage));
  expect_faults_for_fresh_pages(counters);
}

TEST(KernelCounters, MinorFaultsCountFreshPagesRusage) {
  ProbeOptions options;
  options.allow_software = false;
  const auto counters = KernelCounters::open(options);
  ASSERT_TRUE(has_source(counters, names::kMinorFaults, Source::rusage))
      << why(counters, names::kMinorFaults);
  expect_faults_for_fresh_pages(counters);
}

TEST(KernelCounters, MovedFromIsEmpty) {
  auto counters = KernelCounters::open({});
  KernelCounters moved = std::move(counters);
  EXPECT_TRUE(counters.read().empty());  // NOLINT(bugprone-use-after-move): defined empty
  EXPECT_TRUE(counters.status().empty());
  EXPECT_FALSE(moved.read().empty());
}

TEST(Delta, KeepsKeysPresentInBoth) {
  const Reading before{{"a", 1}, {"b", 5}};
  const Reading after{{"a", 4}, {"c", 9}};
  EXPECT_EQ(delta(before, after), (Reading{{"a", 3}}));
}

TEST(Source, Names) {
  EXPECT_STREQ(to_string(Source::perf_event), "perf_event");
  EXPECT_STREQ(to_string(Source::interpose), "interpose");
  EXPECT_STREQ(to_string(Source::rusage), "rusage");
}

}  // namespace
}  // namespace shootout::probe

// Per-CPU mode (the worker's): syscall and fault events on every CPU filtered
// to this process's threads, re-filtered when a read() sees new threads. A
// thread started after open is counted once a read() has seen it.
TEST(KernelCounters, PerCpuModeCountsThreadsSeenByARead) {
  shootout::probe::ProbeOptions options;
  options.per_cpu = true;
  auto counters = shootout::probe::KernelCounters::open(options);
  bool per_cpu = false;
  for (const auto& s : counters.status())
    if (s.name == "madvise_dontneed" && s.source &&
        *s.source == shootout::probe::Source::perf_event)
      per_cpu = s.detail.find("on every CPU") != std::string::npos;
  if (!per_cpu) GTEST_SKIP() << "per-CPU tracepoint events refused here";
  bool faults_per_cpu = false;
  for (const auto& s : counters.status())
    if (s.name == "minor_faults") faults_per_cpu = s.source == shootout::probe::Source::perf_event;
  constexpr std::size_t kTouched = 16;  // fits the 1 MiB area at 64 KiB pages

  std::binary_semaphore started(0), go(0), done(0);
  std::thread worker([&] {
    void* area = mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    started.release();
    go.acquire();
    for (int i = 0; i < 37; ++i) madvise(area, 4096, MADV_DONTNEED);
    for (int i = 0; i < 11; ++i) madvise(area, 4096, MADV_FREE);
    madvise(area, 1 << 20, MADV_NOHUGEPAGE);
    for (std::size_t page = 0; page < kTouched; ++page)
      static_cast<char*>(area)[page * static_cast<std::size_t>(sysconf(_SC_PAGESIZE))] = 1;
    done.release();
    go.acquire();  // stay alive until the final read
    munmap(area, 1 << 20);
  });
  started.acquire();
  const auto before = counters.read();  // sees the new thread: re-filters
  go.release();
  done.acquire();
  const auto after = counters.read();
  go.release();
  worker.join();
  const auto d = shootout::probe::delta(before, after);
  EXPECT_EQ(d.at("madvise_dontneed"), 37u);
  EXPECT_EQ(d.at("madvise_free"), 11u);
  EXPECT_GE(d.at("madvise"), 48u);
  // The thread's own demand-zero faults (plus a few of the main thread's).
  EXPECT_GE(d.at("minor_faults"), kTouched);
  EXPECT_LE(d.at("minor_faults"), kTouched + 64);
  if (!faults_per_cpu) std::printf("(minor faults from getrusage: no fault tracepoints here)\n");
}
