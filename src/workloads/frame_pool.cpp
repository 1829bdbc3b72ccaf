// The runtime's pool of coroutine frames (frame_pool.h): 64-byte size
// classes up to 4 KiB, each a free list under its own lock, refilled by
// mapping 64 KiB at a time (mapped as needed, not reserved ahead: a
// worker's --worker-memory-limit caps its address space); larger frames get
// a mapping of their own. Blocks are reused, never unmapped. No call
// reaches malloc.
#include "workloads/frame_pool.h"

#if defined(SHOOTOUT_FRAMES_FROM_RUNTIME_POOL)
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <new>

#include "workloads/adaptive_mutex.h"

namespace shootout::workloads {
namespace {

constexpr std::size_t kClassBytes = 64;
constexpr std::size_t kClasses = 64;             // up to 4 KiB
constexpr std::size_t kRefillBytes = 64 * 1024;  // mapped and cut per refill

struct FreeBlock {
  FreeBlock* next;
};

struct SizeClass {
  AdaptiveMutex mutex;
  FreeBlock* free = nullptr;
};

// The size class of a frame of `size` bytes; kClasses for one mapped alone.
std::size_t class_index(std::size_t size) {
  return size == 0 ? kClasses : std::min((size + kClassBytes - 1) / kClassBytes - 1, kClasses);
}

class FramePool {
 public:
  void* allocate(std::size_t size) {
    const std::size_t index = class_index(size);
    if (index == kClasses) return map(size);
    SizeClass& c = classes_[index];
    const std::lock_guard lock(c.mutex);
    if (c.free == nullptr) refill(c, (index + 1) * kClassBytes);
    FreeBlock* block = c.free;
    c.free = block->next;
    return block;
  }

  void free(void* frame, std::size_t size) noexcept {
    const std::size_t index = class_index(size);
    if (index == kClasses) {
      munmap(frame, size);
      return;
    }
    SizeClass& c = classes_[index];
    const std::lock_guard lock(c.mutex);
    c.free = ::new (frame) FreeBlock{c.free};
  }

 private:
  static void* map(std::size_t size) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }

  // Under c's lock: kRefillBytes newly mapped, cut into blocks.
  static void refill(SizeClass& c, std::size_t block_bytes) {
    char* const chunk = static_cast<char*>(map(kRefillBytes));
    for (std::size_t at = 0; at + block_bytes <= kRefillBytes; at += block_bytes)
      c.free = ::new (chunk + at) FreeBlock{c.free};
  }

  std::array<SizeClass, kClasses> classes_;
};

// Never destroyed: frames may be freed during static destruction.
FramePool& pool() {
  static FramePool* const instance = [] {
    void* memory = mmap(nullptr, sizeof(FramePool), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    return ::new (memory) FramePool;
  }();
  return *instance;
}

}  // namespace

void* allocate_frame(std::size_t size) { return pool().allocate(size); }
void free_frame(void* frame, std::size_t size) noexcept { pool().free(frame, size); }

}  // namespace shootout::workloads

namespace asio::detail {

template <>
void* thread_info_base::allocate<thread_info_base::awaitable_frame_tag>(
    thread_info_base::awaitable_frame_tag, thread_info_base*, std::size_t size, std::size_t) {
  return shootout::workloads::allocate_frame(size);
}

template <>
void thread_info_base::deallocate<thread_info_base::awaitable_frame_tag>(
    thread_info_base::awaitable_frame_tag, thread_info_base*, void* pointer, std::size_t size) {
  shootout::workloads::free_frame(pointer, size);
}

}  // namespace asio::detail
#endif
