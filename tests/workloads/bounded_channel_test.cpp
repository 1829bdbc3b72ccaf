// The workloads' channel (src/workloads/bounded_channel.h): every message
// arrives once and in its sender's order, a full channel refuses try_send
// and leaves the value, waiting senders get room first come first served,
// and a destroyed channel destroys what it buffers. A lost wake-up hangs a
// test (ctest's timeout fails it); the TSan build runs these tests.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workloads/bounded_channel.h"
#include "workloads/runtime.h"

namespace shootout::workloads {
namespace {

// Sends `value` as the workloads do: at once if there is room, else after
// waiting for it.
template <typename T>
Task<> send(BoundedChannel<T>& channel, T value) {
  typename BoundedChannel<T>::Waiter waiter;
  if (!channel.try_send(value)) {
    co_await channel.reserve(waiter);
    channel.send_reserved(std::move(value));
  }
}

template <typename T>
Task<T> receive(BoundedChannel<T>& channel) {
  T value{};
  while (!channel.try_receive(value)) co_await channel.readable();
  co_return value;
}

TEST(BoundedChannel, EveryMessageArrivesOnceInItsSendersOrder) {
  constexpr std::uint64_t kSenders = 4;
  constexpr std::uint64_t kMessages = 5000;
  // Capacity 3 on 2 pool threads: senders find it full and wait, the
  // receiver finds it empty and waits, over and over.
  BoundedChannel<std::optional<std::uint64_t>> channel(3);
  Runtime runtime(2, false);
  std::vector<std::uint64_t> next(kSenders, 0);
  std::uint64_t out_of_order = 0;
  std::uint64_t ended = 0;
  runtime.bench().block_on([&]() -> Task<> {
    for (std::uint64_t lane = 0; lane < kSenders; ++lane) {
      asio::co_spawn(
          runtime.pool().executor(),
          [&channel, lane]() -> Task<> {
            // The last message is empty: this sender's end.
            for (std::uint64_t i = 0; i < kMessages; ++i)
              co_await send(channel, std::optional<std::uint64_t>(lane * kMessages + i));
            co_await send(channel, std::optional<std::uint64_t>());
          },
          asio::detached);
    }
    while (ended < kSenders) {
      const std::optional<std::uint64_t> message = co_await receive(channel);
      if (!message) {
        ++ended;
        continue;
      }
      const std::uint64_t lane = *message / kMessages;
      if (*message % kMessages != next[lane]) ++out_of_order;
      ++next[lane];
    }
  }());
  runtime.shutdown();
  EXPECT_EQ(out_of_order, 0u);
  for (std::uint64_t lane = 0; lane < kSenders; ++lane) EXPECT_EQ(next[lane], kMessages) << lane;
}

TEST(BoundedChannel, AFullChannelRefusesTrySendAndLeavesTheValue) {
  BoundedChannel<std::string> channel(2);
  std::string first = "first", second = "second", third = "third";
  EXPECT_TRUE(channel.try_send(first));
  EXPECT_TRUE(channel.try_send(second));
  EXPECT_FALSE(channel.try_send(third));
  EXPECT_EQ(third, "third");
  std::string out;
  ASSERT_TRUE(channel.try_receive(out));
  EXPECT_EQ(out, "first");
  // The receive returned a permit.
  EXPECT_TRUE(channel.try_send(third));
  ASSERT_TRUE(channel.try_receive(out));
  EXPECT_EQ(out, "second");
  ASSERT_TRUE(channel.try_receive(out));
  EXPECT_EQ(out, "third");
  EXPECT_FALSE(channel.try_receive(out));
}

TEST(BoundedChannel, WaitingSendersGetRoomInTheOrderTheyCame) {
  // One thread (the current-thread runtime): the order is deterministic.
  Runtime runtime(0, false);
  BoundedChannel<int> channel(1);
  std::vector<int> received;
  runtime.bench().block_on([&]() -> Task<> {
    const Executor self = co_await asio::this_coro::executor;
    int zero = 0;
    EXPECT_TRUE(channel.try_send(zero));
    for (int value = 1; value <= 3; ++value)
      asio::co_spawn(self, send(channel, value), asio::detached);
    // Lets the three senders run: each finds the channel full and waits.
    co_await asio::post(self, use_task);
    int refused = 4;
    EXPECT_FALSE(channel.try_send(refused));
    for (int i = 0; i < 4; ++i) received.push_back(co_await receive(channel));
  }());
  EXPECT_EQ(received, (std::vector<int>{0, 1, 2, 3}));
}

TEST(BoundedChannel, DestroyingItDestroysTheMessagesItHolds) {
  const auto token = std::make_shared<int>(7);
  {
    BoundedChannel<std::shared_ptr<int>> channel(4);
    for (int i = 0; i < 3; ++i) {
      std::shared_ptr<int> copy = token;
      ASSERT_TRUE(channel.try_send(copy));
    }
    std::shared_ptr<int> out;
    ASSERT_TRUE(channel.try_receive(out));
    EXPECT_EQ(token.use_count(), 4);
  }
  EXPECT_EQ(token.use_count(), 1);
}

TEST(BoundedChannel, RefusesCapacityZero) {
  EXPECT_THROW(BoundedChannel<int>(0), std::invalid_argument);
}

}  // namespace
}  // namespace shootout::workloads
