// Channel families: mpsc/SIZE, mpsc_contention/SxN, mpsc_large/SxN_SIZE.
// S sender tasks on the pool send N messages each through a bounded
// concurrent_channel; the bench thread receives them inside block_on.
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/concurrent_channel.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <string>
#include <tuple>

#include "workloads/families.h"
#include "workloads/payload.h"
#include "workloads/workload_base.h"

namespace shootout::workloads {
namespace {

template <typename Value>
using Channel = TaskChannel<void(asio::error_code, Value)>;

struct Tally {
  std::uint64_t received = 0;
  std::uint64_t checksum = 0;
  std::uint64_t damaged = 0;  // payloads whose checked bytes were not as written
  std::uint64_t senders_done = 0;
  std::exception_ptr sender_error;
};

// Value is Payload (mpsc, mpsc_large) or std::size_t (mpsc_contention).
template <typename Value>
class ChannelWorkload final : public WorkloadBase {
 public:
  ~ChannelWorkload() override { shutdown(); }
  ChannelWorkload(const Spec& spec, const WorkloadParams& params, const TestFaults& faults,
                  std::uint64_t capacity)
      : WorkloadBase(spec, params, faults), capacity_(capacity) {
    const std::uint64_t s = spec.senders;
    const std::uint64_t n = spec.count;
    if constexpr (std::is_same_v<Value, Payload>) {
      // A ring per sender larger than what can be in flight from it: the
      // channel's buffer, one pending send per sender, one being received.
      const std::uint64_t ring = std::min<std::uint64_t>(n, capacity + 2 * s + 16);
      source_ = std::make_unique<PayloadSource>(params.payload, s,
                                                std::vector<std::size_t>(ring, spec.size));
      for (std::uint64_t i = 0; i < s * n; ++i) expected_checksum_ += payload_value(i);
    } else {
      expected_checksum_ = s * (n * (n - 1) / 2);
    }
    info_.elements_per_iteration = s * n;
    info_.payload_bytes = spec.size;
    info_.bytes_per_iteration = s * n * spec.size;
    info_.senders = s;
    info_.channel_capacity = capacity;
    info_.description =
        std::to_string(s) + " sender task(s) on the pool each send " + std::to_string(n) +
        (spec.size ? " payloads of " + std::to_string(spec.size) + " B"
                   : std::string(" size_t values")) +
        " through a concurrent_channel of capacity " + std::to_string(capacity) +
        "; the bench thread receives all " + std::to_string(s * n) + " inside block_on";
    // block_on(async { spawn senders; rx.recv().await ... }) in Asio terms.
    info_.wait_mode =
        std::string(
            "block_on: the bench thread runs its own io_context; a coroutine on it spawns the "
            "sender coroutines onto the pool and receives; as in Tokio, a send or receive that "
            "can complete (room in the buffer, a message buffered) does so at once "
            "(try_send/try_receive), waking a waiting peer after the channel's mutex is "
            "released, and only a full or empty channel suspends the coroutine, whose wake-up "
            "is posted to its own io_context; senders are placed round-robin; while idle the "
            "bench thread parks on its own futex word (no search, as Tokio's block_on); ") +
        kPoolQueues;
  }

 private:
  Value make(std::uint64_t lane, std::uint64_t i) const {
    const bool targeted = lane == 0 && i == fault_index();
    const bool corrupt = faults().corrupt_one_message && targeted;
    if constexpr (std::is_same_v<Value, Payload>) {
      const std::uint8_t value = payload_value(lane * spec().count + i);
      Payload payload = source_->make(lane, i, spec().size,
                                      corrupt ? static_cast<std::uint8_t>(value + 1) : value);
      if (targeted && faults().truncate_one_message)
        payload.clobber_for_testing(payload.last_checked_offset());
      if (targeted && faults().alias_one_message && spec().size > page_size() + 1)
        payload.clobber_for_testing(page_size());
      return payload;
    } else {
      return corrupt ? i + 1 : i;
    }
  }

  static std::uint64_t digest(const Value& value, Tally& tally) {
    if constexpr (std::is_same_v<Value, Payload>) {
      bool intact = true;
      const std::uint8_t first = value.read_checked(intact);
      tally.damaged += intact ? 0 : 1;
      return first;
    } else {
      return value;
    }
  }

  // try_send, which leaves `value` untouched when it returns false; a
  // receiver it completes is woken after the channel's mutex is released
  // (DeferWakeups).
  static bool send_now(Channel<Value>& channel, asio::error_code ec, Value& value) {
    const DeferWakeups defer;
    return channel.try_send(ec, std::move(value));
  }

  Task<> send_all(Channel<Value>& channel, std::uint64_t lane) {
    std::exception_ptr failure;
    for (std::uint64_t i = 0; i < spec().count; ++i) {
      Value value{};
      try {
        value = make(lane, i);
      } catch (...) {
        failure = std::current_exception();
        break;
      }
      if (faults().drop_one_message && lane == 0 && i == fault_index()) continue;
      // Tokio's Sender::send: a message that fits in the buffer (or meets a
      // waiting receiver) goes in at once, without suspending the sender;
      // only a full channel suspends it. Awaiting async_send every time cost
      // a coroutine frame, a send operation and a completion posted through
      // the pool's queue per message. (Inline, not a helper coroutine: each
      // call of one would allocate its frame.)
      if (!send_now(channel, asio::error_code{}, value))
        co_await channel.async_send(asio::error_code{}, std::move(value), use_task);
    }
    // End of stream. The receiver counts one eof per sender instead of
    // counting messages, so a lost message is a short count, not a hang.
    Value end{};
    if (!send_now(channel, asio::error::eof, end))
      co_await channel.async_send(asio::error::eof, std::move(end), use_task);
    if (failure) std::rethrow_exception(failure);
  }

  Task<> iteration(Channel<Value>& channel, Tally& tally) {
    auto bench = co_await asio::this_coro::executor;
    for (std::uint64_t lane = 0; lane < spec().senders; ++lane) {
      asio::co_spawn(runtime().pool().executor(), send_all(channel, lane),
                     asio::bind_executor(bench, [&tally](std::exception_ptr error) {
                       ++tally.senders_done;
                       if (error && !tally.sender_error) tally.sender_error = error;
                     }));
    }
    std::uint64_t ended = 0;
    while (ended < spec().senders) {
      // Tokio's Receiver::recv: a buffered message is taken at once; only an
      // empty channel suspends the receiver until a sender hands it one.
      asio::error_code ec;
      Value value{};
      bool taken = false;
      {
        // A sender this receive makes room for is woken after the
        // channel's mutex is released.
        const DeferWakeups defer;
        taken = channel.try_receive([&](asio::error_code e, Value v) {
          ec = e;
          value = std::move(v);
        });
      }
      if (!taken) {
        std::tie(ec, value) =
            co_await channel.async_receive(asio::experimental::as_tuple(use_task));
      }
      if (ec == asio::error::eof) {
        ++ended;
        continue;
      }
      if (ec) throw asio::system_error(ec);
      ++tally.received;
      tally.checksum += digest(value, tally);
    }  // each payload is freed here, on the bench thread
  }

  void run_once() override {
    // A channel per iteration, as the study's block_on bodies create theirs;
    // it outlives block_on, which returns only after every sender completed.
    Channel<Value> channel(runtime().pool().executor(), capacity_);
    Tally tally;
    runtime().bench().block_on(iteration(channel, tally));
    if (tally.sender_error) std::rethrow_exception(tally.sender_error);
    expect("sender tasks completed", spec().senders, tally.senders_done);
    expect("messages received", spec().senders * spec().count, tally.received);
    expect("checksum of the bytes read", expected_checksum_, tally.checksum);
    if constexpr (std::is_same_v<Value, Payload>)
      expect("payloads intact (first, last and one byte per page as written)", 0, tally.damaged);
  }

  std::uint64_t capacity_;
  std::uint64_t expected_checksum_ = 0;
  std::unique_ptr<PayloadSource> source_;
};

}  // namespace

std::unique_ptr<Workload> make_channel_workload(const Spec& spec, const WorkloadParams& params,
                                                const TestFaults& faults) {
  switch (spec.def->family) {
    case Family::mpsc:
      return std::make_unique<ChannelWorkload<Payload>>(spec, params, faults, kMpscCapacity);
    case Family::mpsc_large:
      return std::make_unique<ChannelWorkload<Payload>>(spec, params, faults, kLargeCapacity);
    case Family::mpsc_contention:
      return std::make_unique<ChannelWorkload<std::size_t>>(spec, params, faults,
                                                            kContentionCapacity);
    default:
      throw std::logic_error("not a channel workload: " + spec.name);
  }
}

}  // namespace shootout::workloads
