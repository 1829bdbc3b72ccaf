// How runtime threads sleep and wake (src/workloads/parker.h): no wake-up
// is lost, one unpark() is one wake-up, and wake-ups held by DeferWakeups are all
// issued when the outermost scope ends. A lost wake-up hangs a test
// (ctest's timeout fails it).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "workloads/parker.h"

namespace shootout::workloads {
namespace {

// Returns once `parker`'s owner sleeps in park().
void wait_until_parked(const Parker& parker) {
  while (!parker.parked()) std::this_thread::yield();
}

// A thread that parks sleeps until unpark(), then returns.
void expect_park_sleeps_until_unparked(Parker& parker) {
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    parker.park();
    woke = true;
  });
  wait_until_parked(parker);
  EXPECT_FALSE(woke.load());
  parker.unpark();
  sleeper.join();
  EXPECT_TRUE(woke.load());
}

TEST(Parker, AnUnparkBeforeParkIsKeptForIt) {
  Parker parker;
  parker.unpark();
  parker.park();  // returns at once
  // One unpark() is one wake-up: it was consumed, so the next park()
  // sleeps (were it kept, the thread would return and never be parked:
  // the test would hang, which ctest's timeout fails).
  expect_park_sleeps_until_unparked(parker);
}

TEST(Parker, ParkSleepsUntilAnotherThreadUnparks) {
  Parker parker;
  expect_park_sleeps_until_unparked(parker);
  EXPECT_FALSE(parker.parked());
}

TEST(DeferWakeups, NestedScopesWakeEverySleeperWhenTheOutermostEnds) {
  // More sleepers than a scope holds: the rest are woken at once.
  constexpr int kSleepers = 6;
  std::vector<std::unique_ptr<Parker>> parkers;
  std::vector<std::thread> sleepers;
  std::atomic<int> woke{0};
  for (int i = 0; i < kSleepers; ++i) parkers.push_back(std::make_unique<Parker>());
  for (int i = 0; i < kSleepers; ++i) {
    sleepers.emplace_back([&, i] {
      parkers[static_cast<std::size_t>(i)]->park();
      ++woke;
    });
  }
  for (const auto& parker : parkers) wait_until_parked(*parker);
  {
    const DeferWakeups outer;
    {
      const DeferWakeups inner;
      for (const auto& parker : parkers) {
        parker->unpark();
        parker->unpark();  // a second unpark() of one sleeper adds nothing
      }
    }
  }
  for (std::thread& t : sleepers) t.join();
  EXPECT_EQ(woke.load(), kSleepers);
}

}  // namespace
}  // namespace shootout::workloads
