// CallTracer, checked against calls whose arguments the test knows: a
// thread created after open makes them through a shared library (as an
// allocator does), from tracepoints and from the interposer. Tests that need
// tracepoints skip, with the reason, where perf refuses them.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <stdexcept>
#include <thread>

#include "callee.h"
#include "page_size.h"
#include "probe/call_summary.h"
#include "probe/call_trace.h"
#include "probe/interpose.h"

namespace shootout::probe {
namespace {

constexpr std::size_t kPurge = 36 * 1024;
constexpr int kPurges = 29;
constexpr std::size_t kArea = kPurges * kPurge;
constexpr std::size_t kSmall = 68 * 1024;  // odd sizes: unlike a runtime's own mappings
constexpr std::size_t kLarge = 132 * 1024;

// Sanitizer runtimes make memory calls of their own (TSan clears shadow
// with madvise), which the tracer rightly records; there, the checks keep to
// the test's own address ranges.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::uint32_t this_tid() { return static_cast<std::uint32_t>(syscall(SYS_gettid)); }

std::vector<RawCall> of_kind(const std::vector<RawCall>& calls, const std::string& kind,
                             std::uint32_t tid = 0) {
  std::vector<RawCall> out;
  for (const auto& call : calls) {
    if (call.kind == kind && (tid == 0 || call.tid == tid)) out.push_back(call);
  }
  return out;
}

std::vector<RawCall> dontneeds(const std::vector<RawCall>& calls) {
  std::vector<RawCall> out;
  for (const auto& call : of_kind(calls, "madvise")) {
    if (call.advice == MADV_DONTNEED) out.push_back(call);
  }
  return out;
}

// Calls whose address lies in [begin, begin + length).
std::vector<RawCall> within(const std::vector<RawCall>& calls, const void* begin,
                            std::size_t length) {
  const auto from = reinterpret_cast<std::uint64_t>(begin);
  std::vector<RawCall> out;
  for (const auto& call : calls) {
    if (call.addr >= from && call.addr < from + length) out.push_back(call);
  }
  return out;
}

// Exact checks without a sanitizer; with one, only the calls `is_ours`
// accepts (see kSanitized).
template <class Pred>
std::vector<RawCall> ours(std::vector<RawCall> calls, Pred is_ours) {
  if (kSanitized) std::erase_if(calls, [&](const RawCall& call) { return !is_ours(call); });
  return calls;
}

std::uint64_t address(const void* p) { return reinterpret_cast<std::uint64_t>(p); }

const CallSummary* find_summary(const std::vector<CallSummary>& summaries,
                                const std::string& kind) {
  for (const auto& summary : summaries) {
    if (summary.kind == kind) return &summary;
  }
  return nullptr;
}

// Lets the test run one step at a time on a thread it created, keeping the
// thread alive until told to end (glibc madvises a thread's stack on exit).
class StepThread {
 public:
  StepThread()
      : thread_([this] {
          tid_ = this_tid();
          for (;;) {
            go_.acquire();
            if (!step_) break;
            step_();
            done_.release();
          }
        }) {}
  ~StepThread() {
    step_ = nullptr;
    go_.release();
    thread_.join();
  }
  void run(std::function<void()> step) {
    step_ = std::move(step);
    go_.release();
    done_.acquire();
  }
  std::uint32_t tid() {
    run([] {});  // tid_ is written before the first step
    return tid_;
  }

 private:
  std::function<void()> step_;
  std::binary_semaphore go_{0}, done_{0};
  std::uint32_t tid_ = 0;
  std::thread thread_;
};

CallTracer open_source(Source source, TraceOptions options = {}) {
  options.allow_tracepoints = source == Source::perf_event;
  return CallTracer::open(options);
}

class CallTracerSources : public ::testing::TestWithParam<Source> {
 protected:
  // Skips when tracepoints are refused; the fallback must always be there.
  CallTracer open(TraceOptions options = {}) {
    CallTracer tracer = open_source(GetParam(), options);
    if (GetParam() == Source::interpose) {
      EXPECT_EQ(tracer.source(), Source::interpose) << tracer.detail();
    }
    return tracer;
  }
  bool usable(const CallTracer& tracer) { return tracer.source() == GetParam(); }
};

#define SKIP_UNLESS_USABLE(tracer) \
  if (!usable(tracer)) GTEST_SKIP() << "tracepoints unavailable: " << (tracer).detail()

// The brief's case: a thread created after open purges 29 regions of 36 KiB
// of its own mapping and maps/unmaps three areas; calls before start and
// after stop are not recorded.
TEST_P(CallTracerSources, RecordsExactlyTheCallsOfAThreadCreatedAfterOpen) {
  CallTracer tracer = open();
  SKIP_UNLESS_USABLE(tracer);
  StepThread thread;
  const std::uint32_t tid = thread.tid();

  // Untraced: before start (4 KiB purges) and after stop (8 KiB purges).
  const auto untraced = [](std::size_t length) {
    void* area = probe_callee_mmap(4 * length);
    if (area == MAP_FAILED) return;
    for (int i = 0; i < 5; ++i) probe_callee_madvise(area, length, MADV_DONTNEED);
    probe_callee_munmap(area, 4 * length);
  };
  thread.run([&] { untraced(4096); });

  char* area = nullptr;
  void* small = nullptr;
  void* large = nullptr;
  int failures = 0;
  tracer.start();
  thread.run([&] {
    area = static_cast<char*>(probe_callee_mmap(kArea));
    if (area == MAP_FAILED) {
      ++failures;
      return;
    }
    std::memset(area, 1, kArea);
    for (int i = 0; i < kPurges; ++i) {
      failures += probe_callee_madvise(area + i * kPurge, kPurge, MADV_DONTNEED) != 0;
    }
    small = probe_callee_mmap(kSmall);
    large = probe_callee_mmap(kLarge);
    failures += small == MAP_FAILED || large == MAP_FAILED;
    failures += probe_callee_munmap(large, kLarge) != 0;
    failures += probe_callee_munmap(small, kSmall) != 0;
    failures += probe_callee_munmap(area, kArea) != 0;
  });
  const std::vector<RawCall> calls = tracer.stop();
  thread.run([&] { untraced(8192); });
  tracer.start();
  const std::vector<RawCall> later = tracer.stop();

  ASSERT_EQ(failures, 0);
  EXPECT_EQ(tracer.lost(), 0u);
  const auto purges = dontneeds(within(calls, area, kArea));
  if (!kSanitized) {
    EXPECT_EQ(dontneeds(calls).size(), static_cast<std::size_t>(kPurges));
  }
  ASSERT_EQ(purges.size(), static_cast<std::size_t>(kPurges));
  for (int i = 0; i < kPurges; ++i) {
    EXPECT_EQ(purges[i].addr, reinterpret_cast<std::uint64_t>(area + i * kPurge)) << i;
    EXPECT_EQ(purges[i].length, kPurge) << i;
    EXPECT_EQ(purges[i].tid, tid) << i;
  }

  const auto maps = ours(of_kind(calls, "mmap", tid), [](const RawCall& call) {
    return call.length == kArea || call.length == kSmall || call.length == kLarge;
  });
  ASSERT_EQ(maps.size(), 3u);
  EXPECT_EQ(maps[0].length, kArea);
  EXPECT_EQ(maps[1].length, kSmall);
  EXPECT_EQ(maps[2].length, kLarge);
  for (const auto& map : maps) {
    EXPECT_EQ(map.addr, 0u);
    EXPECT_EQ(map.prot, PROT_READ | PROT_WRITE);
    EXPECT_EQ(map.flags, MAP_PRIVATE | MAP_ANONYMOUS);
    EXPECT_EQ(map.fd, -1);
  }
  const auto unmaps = ours(of_kind(calls, "munmap", tid), [&](const RawCall& call) {
    return call.addr == address(area) || call.addr == address(small) || call.addr == address(large);
  });
  ASSERT_EQ(unmaps.size(), 3u);
  EXPECT_EQ(unmaps[0].addr, reinterpret_cast<std::uint64_t>(large));
  EXPECT_EQ(unmaps[0].length, kLarge);
  EXPECT_EQ(unmaps[1].addr, reinterpret_cast<std::uint64_t>(small));
  EXPECT_EQ(unmaps[1].length, kSmall);
  EXPECT_EQ(unmaps[2].addr, reinterpret_cast<std::uint64_t>(area));
  EXPECT_EQ(unmaps[2].length, kArea);
  EXPECT_TRUE(std::is_sorted(calls.begin(), calls.end(),
                             [](const auto& a, const auto& b) { return a.time_ns < b.time_ns; }));

  const auto summaries = summarize(kSanitized ? purges : calls);
  const auto* purge = find_summary(summaries, "madvise(MADV_DONTNEED)");
  ASSERT_NE(purge, nullptr);
  EXPECT_EQ(purge->text, "madvise(MADV_DONTNEED): 29 calls, each 36 KiB");
  EXPECT_EQ(purge->count, 29u);
  EXPECT_EQ(purge->total_bytes, kArea);
  EXPECT_EQ(purge->histogram, (std::map<std::uint64_t, std::uint64_t>{{32768, 29}}));

  EXPECT_TRUE(of_kind(later, "madvise", tid).empty());
  EXPECT_TRUE(of_kind(later, "mmap", tid).empty());
  EXPECT_TRUE(of_kind(later, "munmap", tid).empty());
}

// Every kind's arguments, decoded by field name from the tracepoint format
// or taken from the wrappers' arguments.
TEST_P(CallTracerSources, DecodesTheArgumentsOfEveryKind) {
  CallTracer tracer = open();
  SKIP_UNLESS_USABLE(tracer);
  const std::uint32_t tid = this_tid();

  tracer.start();
  void* region = probe_callee_mmap(4 * kPage);
  const bool mapped = region != MAP_FAILED;
  const int advised = mapped ? probe_callee_madvise(region, 2 * kPage, MADV_FREE) : -1;
  void* grown = mapped ? probe_callee_mremap(region, 4 * kPage, 8 * kPage) : MAP_FAILED;
  const int unmapped = grown != MAP_FAILED ? probe_callee_munmap(grown, 8 * kPage) : -1;
  char* const start = static_cast<char*>(probe_callee_sbrk(0));
  void* const moved = probe_callee_sbrk(static_cast<std::intptr_t>(kPage));
  const int restored = probe_callee_brk(start);
  const auto calls = tracer.stop();

  ASSERT_TRUE(mapped);
  ASSERT_EQ(advised, 0);
  ASSERT_NE(grown, MAP_FAILED);
  ASSERT_EQ(unmapped, 0);
  ASSERT_EQ(moved, start);
  ASSERT_EQ(restored, 0);

  const auto advice = within(of_kind(calls, "madvise", tid), region, 4 * kPage);
  if (!kSanitized) {
    EXPECT_EQ(of_kind(calls, "madvise").size(), 1u);
  }
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].addr, reinterpret_cast<std::uint64_t>(region));
  EXPECT_EQ(advice[0].length, 2 * kPage);
  EXPECT_EQ(advice[0].advice, MADV_FREE);

  const auto maps = ours(of_kind(calls, "mmap", tid),
                         [](const RawCall& call) { return call.length == 4 * kPage; });
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_EQ(maps[0].length, 4 * kPage);
  EXPECT_EQ(maps[0].offset, 0u);
  EXPECT_EQ(maps[0].fd, -1);

  const auto remaps = of_kind(calls, "mremap", tid);
  ASSERT_EQ(remaps.size(), 1u);
  EXPECT_EQ(remaps[0].addr, reinterpret_cast<std::uint64_t>(region));
  EXPECT_EQ(remaps[0].length, 4 * kPage);
  EXPECT_EQ(remaps[0].new_length, 8 * kPage);
  EXPECT_EQ(remaps[0].flags, MREMAP_MAYMOVE);
  EXPECT_EQ(remaps[0].advice, -1);

  const auto unmaps = ours(of_kind(calls, "munmap", tid),
                           [&](const RawCall& call) { return call.addr == address(grown); });
  ASSERT_EQ(unmaps.size(), 1u);
  EXPECT_EQ(unmaps[0].addr, reinterpret_cast<std::uint64_t>(grown));
  EXPECT_EQ(unmaps[0].length, 8 * kPage);

  // The break moved up one page and back: brk(start + page), brk(start).
  const auto breaks = ours(of_kind(calls, "brk", tid), [&](const RawCall& call) {
    return call.addr == address(start) || call.addr == address(start + kPage);
  });
  ASSERT_EQ(breaks.size(), 2u);
  EXPECT_EQ(breaks[0].addr, reinterpret_cast<std::uint64_t>(start + kPage));
  EXPECT_EQ(breaks[1].addr, reinterpret_cast<std::uint64_t>(start));
  const auto summaries = summarize(kSanitized ? breaks : calls);
  const auto* brk = find_summary(summaries, "brk");
  ASSERT_NE(brk, nullptr);
  EXPECT_EQ(brk->text, "brk: 2 calls");
}

TEST_P(CallTracerSources, StopWithoutStartIsEmpty) {
  CallTracer tracer = open();
  SKIP_UNLESS_USABLE(tracer);
  void* region = probe_callee_mmap(kPage);
  ASSERT_NE(region, MAP_FAILED);
  probe_callee_madvise(region, kPage, MADV_DONTNEED);
  probe_callee_munmap(region, kPage);
  EXPECT_TRUE(tracer.stop().empty());
  EXPECT_EQ(tracer.lost(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Sources, CallTracerSources,
                         ::testing::Values(Source::perf_event, Source::interpose),
                         [](const auto& info) { return std::string(to_string(info.param)); });

CallTracer open_tracepoints(TraceOptions options = {}) {
  return open_source(Source::perf_event, options);
}

#define SKIP_WITHOUT_TRACEPOINTS(tracer)       \
  if ((tracer).source() != Source::perf_event) \
  GTEST_SKIP() << "tracepoints unavailable: " << (tracer).detail()

TEST(CallTracer, TracepointDetailNamesTheRings) {
  const CallTracer tracer = open_tracepoints();
  SKIP_WITHOUT_TRACEPOINTS(tracer);
  EXPECT_NE(tracer.detail().find("sys_enter_{madvise,mmap,munmap,brk,mremap}"), std::string::npos)
      << tracer.detail();
  EXPECT_NE(tracer.detail().find("4 MiB ring per CPU"), std::string::npos) << tracer.detail();
}

// `inherit` while enabled: a thread created inside the pass is traced too.
TEST(CallTracer, TracesAThreadCreatedDuringThePass) {
  CallTracer tracer = open_tracepoints();
  SKIP_WITHOUT_TRACEPOINTS(tracer);
  void* region = mmap(nullptr, kPurge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  std::vector<RawCall> calls;
  std::uint32_t tid = 0;
  tracer.start();
  {
    StepThread thread;
    tid = thread.tid();
    thread.run([&] {
      for (int i = 0; i < kPurges; ++i) madvise(region, kPurge, MADV_DONTNEED);
    });
    calls = tracer.stop();
  }
  munmap(region, kPurge);
  const auto purges = dontneeds(within(calls, region, kPurge));
  if (!kSanitized) {
    EXPECT_EQ(dontneeds(calls).size(), static_cast<std::size_t>(kPurges));
  }
  ASSERT_EQ(purges.size(), static_cast<std::size_t>(kPurges));
  for (const auto& purge : purges) EXPECT_EQ(purge.tid, tid);
}

// start() during a pass starts it over: earlier calls are dropped.
TEST_P(CallTracerSources, StartAgainRestartsThePass) {
  CallTracer tracer = open();
  SKIP_UNLESS_USABLE(tracer);
  void* region = probe_callee_mmap(kPurge);
  ASSERT_NE(region, MAP_FAILED);
  tracer.start();
  for (int i = 0; i < 5; ++i) probe_callee_madvise(region, kPage, MADV_DONTNEED);
  tracer.start();
  for (int i = 0; i < kPurges; ++i) probe_callee_madvise(region, kPurge, MADV_DONTNEED);
  const auto calls = tracer.stop();
  probe_callee_munmap(region, kPurge);
  const auto purges = dontneeds(calls);
  ASSERT_EQ(purges.size(), static_cast<std::size_t>(kPurges));
  for (const auto& purge : purges) EXPECT_EQ(purge.length, kPurge);
}

// Records wrap around the end of a small ring over successive passes.
TEST(CallTracer, SmallRingWrapsAcrossPassesWithoutLoss) {
  TraceOptions options;
  options.ring_bytes = 2 * kPage;
  CallTracer tracer = open_tracepoints(options);
  SKIP_WITHOUT_TRACEPOINTS(tracer);
  void* region = mmap(nullptr, kPurge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  for (int pass = 0; pass < 20; ++pass) {
    tracer.start();
    for (int i = 0; i < kPurges; ++i) madvise(region, kPurge, MADV_DONTNEED);
    const auto calls = tracer.stop();
    ASSERT_EQ(dontneeds(calls).size(), static_cast<std::size_t>(kPurges)) << "pass " << pass;
    ASSERT_EQ(tracer.lost(), 0u) << "pass " << pass;
  }
  munmap(region, kPurge);
}

// A full ring drops samples; the loss (here a child thread's) is counted.
TEST(CallTracer, CountsLostRecordsWhenTheRingIsFull) {
  constexpr std::size_t kCalls = 2000;
  TraceOptions options;
  options.ring_bytes = kPage;
  CallTracer tracer = open_tracepoints(options);
  SKIP_WITHOUT_TRACEPOINTS(tracer);
  StepThread thread;
  const std::uint32_t tid = thread.tid();
  void* region = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(region, MAP_FAILED);
  tracer.start();
  thread.run([&] {
    for (std::size_t i = 0; i < kCalls; ++i) madvise(region, kPage, MADV_DONTNEED);
  });
  const auto calls = tracer.stop();
  munmap(region, kPage);

  EXPECT_GT(tracer.lost(), 0u);
  EXPECT_LT(calls.size(), kCalls);
  for (const auto& call : calls) EXPECT_EQ(call.tid, tid);
  // Only the thread's madvise calls happened during the pass.
  EXPECT_EQ(calls.size() + tracer.lost(), kCalls);

  // The next pass starts clean.
  tracer.start();
  madvise(region, 0, MADV_DONTNEED);
  const auto next = tracer.stop();
  EXPECT_EQ(tracer.lost(), 0u);
  EXPECT_EQ(dontneeds(next).size(), 1u);
}

TEST(CallTracer, InterposeBufferOverflowIsCounted) {
  TraceOptions options;
  options.max_records = 10;
  CallTracer tracer = open_source(Source::interpose, options);
  ASSERT_EQ(tracer.source(), Source::interpose) << tracer.detail();
  void* region = probe_callee_mmap(kPage);
  ASSERT_NE(region, MAP_FAILED);
  tracer.start();
  for (int i = 0; i < kPurges; ++i) probe_callee_madvise(region, kPage, MADV_DONTNEED);
  const auto calls = tracer.stop();
  probe_callee_munmap(region, kPage);
  EXPECT_EQ(calls.size(), 10u);
  EXPECT_EQ(tracer.lost(), static_cast<std::uint64_t>(kPurges - 10));
}

TEST(CallTracer, InterposeDetailSaysWhyAndTheGlibcLimit) {
  const CallTracer tracer = open_source(Source::interpose);
  ASSERT_EQ(tracer.source(), Source::interpose) << tracer.detail();
  EXPECT_NE(tracer.detail().find("tracepoints disabled by options"), std::string::npos);
  EXPECT_NE(tracer.detail().find("glibc malloc's internal"), std::string::npos);
}

// One interposer, one recorder; counting is off again once it stops.
TEST(CallTracer, InterposerHasOneRecorderAtATime) {
  CallTracer first = open_source(Source::interpose);
  CallTracer second = open_source(Source::interpose);
  first.start();
  EXPECT_TRUE(interpose::counting());
  EXPECT_THROW(second.start(), std::runtime_error);
  first.stop();
  EXPECT_FALSE(interpose::counting());
  second.start();
  second.stop();
  second.start();  // destroyed while recording
  { CallTracer gone = std::move(second); }
  EXPECT_FALSE(interpose::counting());
  first.start();
  first.stop();
}

TEST(CallTracer, MovedFromIsEmpty) {
  CallTracer tracer = CallTracer::open();
  CallTracer moved = std::move(tracer);
  EXPECT_FALSE(tracer.source().has_value());  // NOLINT(bugprone-use-after-move): defined empty
  tracer.start();
  EXPECT_TRUE(tracer.stop().empty());
  EXPECT_TRUE(moved.source().has_value()) << moved.detail();
}

TEST(AdviceName, NamesLinuxValuesAndNumbersTheRest) {
  EXPECT_EQ(advice_name(MADV_DONTNEED), "MADV_DONTNEED");
  EXPECT_EQ(advice_name(4), "MADV_DONTNEED");
  EXPECT_EQ(advice_name(8), "MADV_FREE");
  EXPECT_EQ(advice_name(MADV_HUGEPAGE), "MADV_HUGEPAGE");
  EXPECT_EQ(advice_name(0), "MADV_NORMAL");
  EXPECT_EQ(advice_name(12345), "12345");
  EXPECT_EQ(advice_name(-1), "-1");
}

TEST(FormatBytes, ExactUnitsAndOneDecimal) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(100), "100 B");
  EXPECT_EQ(format_bytes(4096), "4 KiB");
  EXPECT_EQ(format_bytes(36864), "36 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(2u << 20), "2 MiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3 GiB");
}

RawCall madvise_call(std::uint64_t length, int advice) {
  RawCall call;
  call.kind = "madvise";
  call.length = length;
  call.advice = advice;
  return call;
}

TEST(Summarize, KindsInOrderWithSizesAndHistogram) {
  std::vector<RawCall> calls;
  for (std::uint64_t length : {4096u, 36864u, 36864u, 40960u, 2u << 20}) {
    calls.push_back(madvise_call(length, MADV_DONTNEED));
  }
  calls.push_back(madvise_call(8192, MADV_FREE));
  RawCall map;
  map.kind = "mmap";
  map.length = 65536;
  calls.insert(calls.begin(), map);
  RawCall remap;
  remap.kind = "mremap";
  remap.length = 4096;
  remap.new_length = 8192;
  calls.push_back(remap);
  RawCall brk;
  brk.kind = "brk";
  brk.addr = 0x1000;
  calls.push_back(brk);

  const auto summaries = summarize(calls);
  ASSERT_EQ(summaries.size(), 5u);
  EXPECT_EQ(summaries[0].kind, "madvise(MADV_DONTNEED)");
  EXPECT_EQ(summaries[1].kind, "madvise(MADV_FREE)");
  EXPECT_EQ(summaries[2].kind, "mmap");
  EXPECT_EQ(summaries[3].kind, "mremap");
  EXPECT_EQ(summaries[4].kind, "brk");

  const auto& purge = summaries[0];
  EXPECT_EQ(purge.text, "madvise(MADV_DONTNEED): 5 calls, sizes 4 KiB\u20132 MiB, median 36 KiB");
  EXPECT_EQ(purge.advice, MADV_DONTNEED);
  EXPECT_EQ(purge.count, 5u);
  EXPECT_EQ(purge.total_bytes, 4096u + 36864u + 36864u + 40960u + (2u << 20));
  EXPECT_EQ(purge.min_bytes, 4096u);
  EXPECT_EQ(purge.median_bytes, 36864u);
  EXPECT_EQ(purge.max_bytes, 2u << 20);
  EXPECT_EQ(purge.histogram,
            (std::map<std::uint64_t, std::uint64_t>{{4096, 1}, {32768, 3}, {2u << 20, 1}}));
  EXPECT_EQ(summaries[1].text, "madvise(MADV_FREE): 1 call, 8 KiB");
  EXPECT_EQ(summaries[2].text, "mmap: 1 call, 64 KiB");
  EXPECT_EQ(summaries[3].text, "mremap: 1 call, 8 KiB");  // the new length
  EXPECT_EQ(summaries[4].text, "brk: 1 call");
  EXPECT_TRUE(summarize({}).empty());
}

TEST(CallTraceJson, CallsAndSummaries) {
  RawCall call = madvise_call(36864, MADV_DONTNEED);
  call.addr = 0x7f0000001000;
  call.tid = 42;
  call.time_ns = 7;
  const nlohmann::json j = call;
  EXPECT_EQ(j.at("kind"), "madvise");
  EXPECT_EQ(j.at("addr"), "0x7f0000001000");
  EXPECT_EQ(j.at("length"), 36864);
  EXPECT_EQ(j.at("advice"), 4);
  EXPECT_EQ(j.at("advice_name"), "MADV_DONTNEED");
  EXPECT_EQ(j.at("tid"), 42);
  EXPECT_FALSE(j.contains("new_length"));

  const nlohmann::json s = summarize({call, call}).at(0);
  EXPECT_EQ(s.at("kind"), "madvise(MADV_DONTNEED)");
  EXPECT_EQ(s.at("count"), 2);
  EXPECT_EQ(s.at("total_bytes"), 73728);
  EXPECT_EQ(s.at("histogram"), nlohmann::json::parse(R"([{"from_bytes":32768,"count":2}])"));
  EXPECT_EQ(s.at("text"), "madvise(MADV_DONTNEED): 2 calls, each 36 KiB");
}

}  // namespace
}  // namespace shootout::probe

namespace shootout::probe {
namespace {

// Under glibc's own malloc the fallback would trace none of the allocator's
// calls: no tracer, and the reason instead of an empty trace.
TEST(CallTracer, UnderGlibcMallocTheFallbackIsNotMeasured) {
  TraceOptions options;
  options.allow_tracepoints = false;
  options.malloc_in_c_library = true;
  const CallTracer tracer = CallTracer::open(options);
  EXPECT_FALSE(tracer.source().has_value());
  EXPECT_EQ(tracer.detail().rfind("not measured: ", 0), 0u) << tracer.detail();
  EXPECT_NE(tracer.detail().find("__mmap"), std::string::npos) << tracer.detail();
}

}  // namespace
}  // namespace shootout::probe
