// Waking a waiting coroutine allocates nothing, as waking a Tokio task
// does: the woken coroutine's node goes to its runtime's queue
// (BenchLoop::wake, ThreadPool::wake). Posting its handler to the
// io_context allocated one Asio operation per wake-up on the waking thread
// (docs/design.md §4). This file replaces the global operator new and
// interposes aligned_alloc (Asio's recycling allocator calls one or the
// other, by configuration) to count the calls each thread makes; both pass
// every call on, so the rest of the binary is unaffected.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>

#include "workloads/bounded_channel.h"
#include "workloads/runtime.h"

namespace {
// operator new and aligned_alloc calls of the calling thread.
thread_local std::uint64_t news_on_this_thread = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++news_on_this_thread;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) {
  using AlignedAlloc = void* (*)(std::size_t, std::size_t);
  static const auto next = reinterpret_cast<AlignedAlloc>(dlsym(RTLD_NEXT, "aligned_alloc"));
  ++news_on_this_thread;
  return next(alignment, size);
}

namespace shootout::workloads {
namespace {

// The receiver waits on the bench loop (a current-thread runtime); another
// thread sends each message once the receiver is about to wait, so each
// send wakes it. The sender's thread must allocate nothing for the
// wake-ups (the channel's one block is allocated by the first send, before
// counting starts).
TEST(Wake, WakingTheBenchLoopsReceiverFromAnotherThreadAllocatesNothing) {
  constexpr int kMessages = 20;
  BoundedChannel<int> channel(4);
  Runtime runtime(0, false);
  std::atomic<int> waiting{-1};  // the message the receiver is about to wait for
  std::uint64_t sender_news = 0;
  int received = 0, waits = 0;
  std::thread sender;
  runtime.bench().block_on([&]() -> Task<> {
    int first = -1;
    EXPECT_TRUE(channel.try_send(first));
    int value = 0;
    EXPECT_TRUE(channel.try_receive(value));
    sender = std::thread([&] {
      const std::uint64_t before = news_on_this_thread;
      for (int i = 0; i < kMessages; ++i) {
        while (waiting.load() != i) std::this_thread::yield();
        // Time to suspend: the send finds the receiver waiting.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        int message = i;
        EXPECT_TRUE(channel.try_send(message));
      }
      sender_news = news_on_this_thread - before;
    });
    while (received < kMessages) {
      waiting.store(received);
      while (!channel.try_receive(value)) {
        ++waits;
        co_await channel.readable();
      }
      EXPECT_EQ(value, received);
      ++received;
    }
  }());
  sender.join();
  EXPECT_EQ(received, kMessages);
  EXPECT_GE(waits, kMessages);  // every message found the receiver waiting
  EXPECT_EQ(sender_news, 0u);
}

}  // namespace
}  // namespace shootout::workloads
