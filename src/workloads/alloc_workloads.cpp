// Allocation families: block_on_alloc/NxSIZE and alloc_stress/N inside
// block_on on the bench thread (the pool exists but idles, as in the study),
// block_on_alloc_st/NxSIZE on the current-thread runtime.
#include <asio/co_spawn.hpp>

#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "workloads/families.h"
#include "workloads/payload.h"
#include "workloads/workload_base.h"

namespace shootout::workloads {
namespace {

// Fixed, so every allocator and every run sees the same sizes and order.
constexpr std::uint64_t kStressSeed = 0x5EED'A110C'5EEDull;
constexpr double kStressMinBytes = 16;
constexpr double kStressMaxBytes = 32768;

// Log-uniform in [16, 32768]. mt19937_64 is fully specified by the
// standard, so the sequence is the same with any standard library.
std::vector<std::size_t> stress_sizes(std::uint64_t n, std::mt19937_64& rng) {
  std::vector<std::size_t> sizes(n);
  const double octaves = std::log2(kStressMaxBytes / kStressMinBytes);
  for (std::size_t& size : sizes) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    size = static_cast<std::size_t>(kStressMinBytes * std::exp2(u * octaves));
    if (size > kStressMaxBytes) size = static_cast<std::size_t>(kStressMaxBytes);
  }
  return sizes;
}

std::vector<std::size_t> shuffled_order(std::uint64_t n, std::mt19937_64& rng) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

class AllocWorkload final : public WorkloadBase {
 public:
  // keep_all: all N payloads live at once, freed at the end (in order_);
  // otherwise each is freed before the next is made (block_on_alloc_st).
  AllocWorkload(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
      : WorkloadBase(spec, params, faults),
        keep_all_(spec.def->family != Family::block_on_alloc_st) {
    const std::uint64_t n = spec.count;
    if (spec.def->family == Family::alloc_stress) {
      std::mt19937_64 rng(kStressSeed);
      sizes_ = stress_sizes(n, rng);
      order_ = shuffled_order(n, rng);
    } else {
      sizes_.assign(n, spec.size);
      order_.resize(n);
      std::iota(order_.begin(), order_.end(), 0);
    }
    // floor: a buffer per live payload; one reused buffer when one at a time.
    source_ = std::make_unique<PayloadSource>(
        params.payload, 1,
        keep_all_ ? sizes_ : std::vector<std::size_t>(1, static_cast<std::size_t>(spec.size)));
    if (keep_all_) held_.resize(n);  // outside timing: the vector never grows
    std::uint64_t bytes = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      expected_checksum_ += payload_value(i);
      bytes += sizes_[i];
    }
    info_.bytes_per_iteration = bytes;
    info_.payload_bytes = bytes / n;
    const std::string what =
        spec.def->family == Family::alloc_stress
            ? std::to_string(n) +
                  " payloads of log-uniform random size 16..32768 B "
                  "(mean " +
                  std::to_string(bytes / n) + " B)"
            : std::to_string(n) + " payloads of " + std::to_string(spec.size) + " B";
    if (spec.def->family == Family::block_on_alloc_st) {
      info_.description =
          "current-thread runtime: " + what + ", each created, touched and freed in turn";
      info_.wait_mode =
          "current-thread: the bench thread runs the io_context itself; the work is one "
          "coroutine on it, so nothing waits";
    } else {
      info_.description = "inside block_on on the bench thread: " + what +
                          (spec.def->family == Family::alloc_stress
                               ? ", each touched, freed in a fixed shuffled order"
                               : ", kept in a vector, each touched, all freed at the end");
      info_.wait_mode =
          "block_on: the bench thread runs the work itself as a coroutine on its own "
          "io_context, so nothing waits; the pool threads idle";
    }
  }
  ~AllocWorkload() override { shutdown(); }

 private:
  struct Tally {
    std::uint64_t touched = 0;
    std::uint64_t checksum = 0;
  };

  Payload make(std::uint64_t i) const {
    std::uint8_t value = payload_value(i);
    if (faults().corrupt_one_message && i == fault_index()) ++value;
    return source_->make(0, i, sizes_[i], value);
  }

  bool dropped(std::uint64_t i) const { return faults().drop_one_message && i == fault_index(); }

  Task<> body(Tally& tally) {
    const std::uint64_t n = spec().count;
    if (!keep_all_) {
      for (std::uint64_t i = 0; i < n; ++i) {
        if (dropped(i)) continue;
        const Payload payload = make(i);
        ++tally.touched;
        tally.checksum += payload.first_byte();
      }  // freed at the end of each turn
      co_return;
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!dropped(i)) held_[i] = make(i);
    }
    // Touch each (read byte 0) and free it, in order_.
    for (const std::size_t i : order_) {
      if (held_[i].empty()) continue;
      ++tally.touched;
      tally.checksum += held_[i].first_byte();
      held_[i] = Payload{};
    }
    co_return;
  }

  void run_once() override {
    Tally tally;
    runtime().bench().block_on(body(tally));
    expect("payloads touched", spec().count, tally.touched);
    expect("checksum of the bytes read", expected_checksum_, tally.checksum);
  }

  bool keep_all_;
  std::vector<std::size_t> sizes_;
  std::vector<std::size_t> order_;
  std::unique_ptr<PayloadSource> source_;  // before held_: outlives the leases in it
  std::vector<Payload> held_;
  std::uint64_t expected_checksum_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_alloc_workload(const Spec& spec, const WorkloadParams& params,
                                              const TestFaults& faults) {
  switch (spec.def->family) {
    case Family::block_on_alloc:
    case Family::alloc_stress:
    case Family::block_on_alloc_st:
      return std::make_unique<AllocWorkload>(spec, params, faults);
    default:
      throw std::logic_error("not an allocation workload: " + spec.name);
  }
}

}  // namespace shootout::workloads
