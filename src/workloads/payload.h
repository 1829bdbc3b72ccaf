// Payloads: the heap buffers a workload allocates, moves and frees, built
// per PayloadMode (docs/design.md §4). Creation and release live in payload.cpp,
// out of line, so the compiler cannot elide a malloc/free pair.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "workloads/workload.h"

namespace shootout::workloads {

// The byte message `index` carries at offset 0: never 0, so a zeroed
// buffer nobody wrote cannot pass the checksum.
inline std::uint8_t payload_value(std::uint64_t index) {
  return static_cast<std::uint8_t>(index % 251 + 1);
}

// A move-only owned buffer: pointer, size and how to release it (free(),
// or hand a floor-pool slot back).
class Payload {
 public:
  Payload() noexcept = default;
  Payload(Payload&& other) noexcept;
  Payload& operator=(Payload&& other) noexcept;
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;
  ~Payload();

  bool empty() const noexcept { return data_ == nullptr; }
  std::size_t size() const noexcept { return size_; }
  // What the alloc families read: the first byte.
  std::uint8_t first_byte() const noexcept { return data_[0]; }
  // What a channel receiver reads: byte 0, then one byte per page (offsets
  // page, 2 page, ...) and the last byte, which must all be byte 0's value
  // as the sender wrote them. A buffer shorter than asked, shared with
  // another live message or reused before its release then fails. size /
  // page + 2 loads, the same for every allocator, on pages the sender has
  // written. zeroed mode is the exception: the sender writes byte 0 only,
  // and reading a page nobody wrote would map the kernel's zero page — a
  // fault only where the allocator handed out untouched memory (jemalloc's
  // purged 32 KiB buffers: 9 faults per message instead of 1), so the check
  // would shape what it measures. There it reads byte 0 and the payload's
  // last byte on byte 0's memory page, which must be 0.
  // Returns byte 0; `intact` says whether every checked byte was as written.
  std::uint8_t read_checked(bool& intact) const noexcept;
  // The last byte read_checked reads: size - 1, or in zeroed mode the
  // payload's last byte on byte 0's memory page.
  std::size_t last_checked_offset() const noexcept;
  // Test faults only: flips the byte at `offset`, as another message
  // writing into this buffer would.
  void clobber_for_testing(std::size_t offset) noexcept { data_[offset] ^= 0xFF; }

 private:
  friend class PayloadSource;
  Payload(unsigned char* data, std::size_t size, std::atomic<bool>* lease,
          bool zero_beyond_first = false) noexcept
      : data_(data), size_(size), lease_(lease), zero_beyond_first_(zero_beyond_first) {}
  void release() noexcept;

  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  std::atomic<bool>* lease_ = nullptr;  // floor mode: the slot's in-use flag
  bool zero_beyond_first_ = false;      // zeroed mode: only byte 0 was written
};

// The system's page size: the stride of uninit's writes and of the
// receiver's checks.
std::size_t page_size();

// Makes payloads for one workload. For `floor` it owns the preallocated
// pool: `lanes` independent rings (one per sender) of `slot_sizes.size()`
// buffers, allocated and touched here, outside timing. Message `index` of
// a lane uses slot index % slots; a slot still in use throws SelfCheckError
// rather than sharing a buffer between two live messages.
class PayloadSource {
 public:
  PayloadSource(PayloadMode mode, std::size_t lanes, std::vector<std::size_t> slot_sizes);
  ~PayloadSource();
  PayloadSource(const PayloadSource&) = delete;
  PayloadSource& operator=(const PayloadSource&) = delete;

  // Safe to call concurrently for different lanes.
  Payload make(std::size_t lane, std::uint64_t index, std::size_t size, std::uint8_t value) const;
  PayloadMode mode() const noexcept { return mode_; }

 private:
  struct Slot {
    unsigned char* data = nullptr;
    std::size_t size = 0;
    std::atomic<bool> in_use{false};
  };
  PayloadMode mode_;
  std::size_t page_;
  std::size_t slots_per_lane_ = 0;
  std::unique_ptr<Slot[]> slots_;
  std::size_t slot_count_ = 0;
};

// The payload modes a payload-carrying workload accepts.
const std::vector<PayloadMode>& payload_modes();

}  // namespace shootout::workloads
