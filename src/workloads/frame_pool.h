// Where the asio build's coroutine frames come from: a pool of the
// runtime's own, not the allocator under test. A Tokio future lives inside
// its task, so waiting, yielding and waking allocate nothing; every
// co_await of an Asio async operation allocates a coroutine frame (120
// bytes for a channel wait or a coop yield). On the sender's thread, a few
// per 1000 messages, those frames sat among the messages in glibc's thread
// heap and kept it from being trimmed: served from outside glibc (a test
// shim routing requests of 256 bytes or less elsewhere), glibc's page
// faults per message under Asio rose to Tokio's on mpsc/4096 (0.006-0.12
// -> 0.20-0.23; Tokio 0.18-0.21), mpsc/32768 and mpsc_large, where they
// had been 2-20x fewer and made every allocator's gain over glibc look
// 1.3-2.8x smaller than under Tokio (docs/design.md §4).
//
// Asio 1.22 allocates a frame through thread_info_base::allocate with the
// awaitable_frame_tag (awaitable frame recycling on); these explicit
// specializations, declared before any coroutine is written (runtime.h
// includes this first), route that purpose to the pool. The asio-shipped
// build keeps Asio's own recycling and does not include them.
#pragma once

#include <cstddef>

#if defined(SHOOTOUT_FRAMES_FROM_RUNTIME_POOL)
#include <asio/detail/thread_info_base.hpp>

namespace shootout::workloads {

// Size-class free lists over memory mapped for the pool (never malloc);
// any thread may free a block another allocated. Thread-safe.
void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

}  // namespace shootout::workloads

namespace asio::detail {

template <>
void* thread_info_base::allocate<thread_info_base::awaitable_frame_tag>(
    thread_info_base::awaitable_frame_tag, thread_info_base* this_thread, std::size_t size,
    std::size_t align);

template <>
void thread_info_base::deallocate<thread_info_base::awaitable_frame_tag>(
    thread_info_base::awaitable_frame_tag, thread_info_base* this_thread, void* pointer,
    std::size_t size);

}  // namespace asio::detail
#endif
