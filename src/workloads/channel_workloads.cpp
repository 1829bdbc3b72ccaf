// Channel families: mpsc/SIZE, mpsc_contention/SxN, mpsc_large/SxN_SIZE.
// S sender tasks on the pool send N messages each through a bounded
// channel (Tokio's design: bounded_channel.h); the bench thread receives
// them inside block_on.
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "workloads/bounded_channel.h"
#include "workloads/families.h"
#include "workloads/payload.h"
#include "workloads/workload_base.h"

namespace shootout::workloads {
namespace {

// A message, or (empty) the end of one sender's stream. The receiver
// counts one end per sender instead of counting messages, so a lost
// message is a short count, not a hang.
template <typename Value>
using Message = std::optional<Value>;
template <typename Value>
using Channel = BoundedChannel<Message<Value>>;

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
      : WorkloadBase(spec, params, faults),
        // With a permit for every message and end ever sent the channel
        // never fills, as at the nominal capacity, and its table of blocks
        // (one entry per 32 permits) covers mpsc_contention's 5 x 1001
        // messages instead of 10^6.
        channel_capacity_(std::min(capacity, spec.senders * (spec.count + 1))) {
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
        " through a bounded channel of capacity " + std::to_string(capacity) +
        "; the bench thread receives all " + std::to_string(s * n) + " inside block_on";
    // block_on(async { spawn senders; rx.recv().await ... }) in Asio terms.
    info_.wait_mode =
        std::string(
            "block_on: the bench thread runs its own io_context; a coroutine on it spawns the "
            "sender coroutines onto the pool and receives; the channel is Tokio's design: ") +
        kChannelDesign +
        "; senders are placed round-robin and, as Tokio's coop budget makes them, yield after " +
        std::to_string(kCoopBudget) +
        " sends without a wait: behind their worker's queued work, while a parked worker is woken "
        "to search and may steal them; while idle the bench thread parks on its own futex word "
        "(no search, as Tokio's block_on); " +
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

  Task<> send_all(Channel<Value>& channel, std::uint64_t lane) {
    // Where this sender waits when the channel is full: in its own frame.
    typename Channel<Value>::Waiter waiter;
    ThreadPool::Suspended yielded;
    unsigned budget = kCoopBudget;
    std::exception_ptr failure;
    const std::uint64_t count = spec().count;
    for (std::uint64_t i = 0; i <= count; ++i) {
      // Stays empty at i == count, or after a failure: the end of the stream.
      Message<Value> message;
      if (i < count) {
        try {
          message = make(lane, i);
        } catch (...) {
          failure = std::current_exception();
          i = count;  // send the end now
        }
        if (faults().drop_one_message && lane == 0 && i == fault_index()) continue;
      }
      // Tokio's Sender::send: a send costs a unit of the task's budget, and
      // with none left the task yields first (runtime.h, kCoopBudget).
      if (budget == 0) {
        co_await runtime().pool().yield_now(yielded);
        budget = kCoopBudget;
      }
      --budget;
      // A message goes in at once when a permit is free; only a full
      // channel suspends the sender, which resumes with a new budget.
      // (Inline, not a helper coroutine: each call of one would allocate
      // its frame.)
      if (!channel.try_send(message)) {
        co_await channel.reserve(waiter);
        channel.send_reserved(std::move(message));
        budget = kCoopBudget - 1;
      }
    }
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
      // empty channel suspends the receiver until a sender wakes it.
      Message<Value> message;
      if (!channel.try_receive(message)) {
        co_await channel.readable();
        continue;
      }
      if (!message) {
        ++ended;
        continue;
      }
      ++tally.received;
      tally.checksum += digest(*message, tally);
    }  // each payload is freed here, on the bench thread
  }

  void run_once() override {
    // A channel per iteration, as the study's block_on bodies create theirs;
    // it outlives block_on, which returns only after every sender completed.
    Channel<Value> channel(channel_capacity_);
    Tally tally;
    runtime().bench().block_on(iteration(channel, tally));
    if (tally.sender_error) std::rethrow_exception(tally.sender_error);
    expect("sender tasks completed", spec().senders, tally.senders_done);
    expect("messages received", spec().senders * spec().count, tally.received);
    expect("checksum of the bytes read", expected_checksum_, tally.checksum);
    if constexpr (std::is_same_v<Value, Payload>)
      expect("payloads intact (first, last and one byte per page as written)", 0, tally.damaged);
  }

  std::uint64_t channel_capacity_;
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
