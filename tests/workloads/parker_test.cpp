// How runtime threads sleep and wake (src/workloads/parker.h): no wake-up
// is lost, one unpark() is one wake-up, and the owner waits for releases of
// its io_context's work in progress. A lost wake-up hangs a test
// (ctest's timeout fails it).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

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

// block_on returns only after every release of its io_context's work on
// another thread has ended (parker.h: a late stop() otherwise stops the
// next block_on).
TEST(Parker, WaitForReleasesReturnsOnlyOnceEveryReleaseEnded) {
  Parker parker;
  std::atomic<bool> ended{false};
  std::optional<Parker::Release> release;
  release.emplace(parker);
  std::thread owner([&] {
    parker.wait_for_releases();
    EXPECT_TRUE(ended.load());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ended = true;
  release.reset();
  owner.join();
  parker.wait_for_releases();  // none alive: returns at once
}

}  // namespace
}  // namespace shootout::workloads
