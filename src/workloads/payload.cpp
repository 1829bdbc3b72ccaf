// Payload creation per mode, release, and the payload mode names.
#include "workloads/payload.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace shootout::workloads {

std::size_t page_size() {
  static const std::size_t page = [] {
    const long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? static_cast<std::size_t>(size) : std::size_t{4096};
  }();
  return page;
}

namespace {

// A payload the allocator cannot give is the end of this worker: the
// exception would be thrown on a pool thread inside a coroutine, where it can
// stop a sender and leave the receiver waiting until the runner's timeout.
// Dying at once, saying why, lets the runner name the cause ("out of memory").
unsigned char* checked(void* p) {
  if (p == nullptr) {
    static const char message[] =
        "alloc-shootout worker: out of memory: a payload allocation failed\n";
    [[maybe_unused]] const auto written = write(STDERR_FILENO, message, sizeof message - 1);
    std::abort();
  }
  return static_cast<unsigned char*>(p);
}

}  // namespace

Payload::Payload(Payload&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      lease_(std::exchange(other.lease_, nullptr)),
      zero_beyond_first_(std::exchange(other.zero_beyond_first_, false)) {}

Payload& Payload::operator=(Payload&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    lease_ = std::exchange(other.lease_, nullptr);
    zero_beyond_first_ = std::exchange(other.zero_beyond_first_, false);
  }
  return *this;
}

Payload::~Payload() { release(); }

std::size_t Payload::last_checked_offset() const noexcept {
  if (!zero_beyond_first_) return size_ - 1;
  // Only the memory page of byte 0, which the sender's write mapped (an
  // allocator may start a buffer anywhere in a page: jemalloc offsets its
  // large ones).
  const std::size_t stride = page_size();
  const std::size_t left_on_page = stride - reinterpret_cast<std::uintptr_t>(data_) % stride;
  return (size_ < left_on_page ? size_ : left_on_page) - 1;
}

std::uint8_t Payload::read_checked(bool& intact) const noexcept {
  const std::uint8_t first = data_[0];
  const std::size_t last = last_checked_offset();
  if (zero_beyond_first_) {
    intact = last == 0 || data_[last] == 0;  // calloc's zero, untouched by the sender
    return first;
  }
  bool same = true;
  const std::size_t stride = page_size();
  for (std::size_t offset = stride; offset < last; offset += stride)
    same = same && data_[offset] == first;
  intact = same && data_[last] == first;
  return first;
}

void Payload::release() noexcept {
  if (data_ == nullptr) return;
  if (lease_ != nullptr) {
    // Release pairs with the acquire in make(): our reads happen before the
    // next writer's memset.
    lease_->store(false, std::memory_order_release);
  } else {
    std::free(data_);
  }
  data_ = nullptr;
  lease_ = nullptr;
}

PayloadSource::PayloadSource(PayloadMode mode, std::size_t lanes,
                             std::vector<std::size_t> slot_sizes)
    : mode_(mode), page_(page_size()) {
  if (mode_ != PayloadMode::floor) return;
  slots_per_lane_ = slot_sizes.size();
  slot_count_ = lanes * slots_per_lane_;
  slots_ = std::make_unique<Slot[]>(slot_count_);
  for (std::size_t i = 0; i < slot_count_; ++i) {
    Slot& slot = slots_[i];
    slot.size = slot_sizes[i % slots_per_lane_];
    slot.data = checked(std::malloc(slot.size));
    // Touch every page now so the timed region sees no first-touch faults.
    std::memset(slot.data, 0, slot.size);
  }
}

PayloadSource::~PayloadSource() {
  for (std::size_t i = 0; i < slot_count_; ++i) std::free(slots_[i].data);
}

Payload PayloadSource::make(std::size_t lane, std::uint64_t index, std::size_t size,
                            std::uint8_t value) const {
  switch (mode_) {
    case PayloadMode::zeroed: {
      // calloc's zero pages are the study's case; byte 0 is then written
      // the way a program fills in a message.
      unsigned char* p = checked(std::calloc(1, size));
      p[0] = value;
      return Payload(p, size, nullptr, /*zero_beyond_first=*/true);
    }
    case PayloadMode::filled: {
      unsigned char* p = checked(std::malloc(size));
      std::memset(p, value, size);
      return Payload(p, size, nullptr);
    }
    case PayloadMode::uninit: {
      unsigned char* p = checked(std::malloc(size));
      for (std::size_t off = 0; off < size; off += page_) p[off] = value;
      p[size - 1] = value;  // the receiver checks the last byte too
      return Payload(p, size, nullptr);
    }
    case PayloadMode::floor: {
      Slot& slot = slots_[lane * slots_per_lane_ + index % slots_per_lane_];
      if (slot.in_use.exchange(true, std::memory_order_acquire)) {
        throw SelfCheckError("floor payload pool: slot for message " + std::to_string(index) +
                             " of lane " + std::to_string(lane) +
                             " is still in use (pool too small for the messages in flight)");
      }
      if (size > slot.size) {
        slot.in_use.store(false, std::memory_order_relaxed);
        throw std::logic_error("floor payload pool: slot smaller than the payload");
      }
      // The same bytes `filled` writes, without the allocator.
      std::memset(slot.data, value, size);
      return Payload(slot.data, size, &slot.in_use);
    }
    case PayloadMode::none:
      break;
  }
  throw std::logic_error("payload requested from a workload without payloads");
}

const std::vector<PayloadMode>& payload_modes() {
  static const std::vector<PayloadMode> modes = {PayloadMode::zeroed, PayloadMode::filled,
                                                 PayloadMode::uninit, PayloadMode::floor};
  return modes;
}

const char* to_string(PayloadMode mode) {
  switch (mode) {
    case PayloadMode::zeroed:
      return "zeroed";
    case PayloadMode::filled:
      return "filled";
    case PayloadMode::uninit:
      return "uninit";
    case PayloadMode::floor:
      return "floor";
    case PayloadMode::none:
      return "none";
  }
  return "unknown";
}

PayloadMode payload_mode_from_string(const std::string& text) {
  for (PayloadMode mode : {PayloadMode::zeroed, PayloadMode::filled, PayloadMode::uninit,
                           PayloadMode::floor, PayloadMode::none}) {
    if (text == to_string(mode)) return mode;
  }
  throw std::invalid_argument("unknown payload mode '" + text +
                              "': valid modes are zeroed, filled, uninit, floor (payload "
                              "workloads) and none (workloads without payloads)");
}

}  // namespace shootout::workloads
