// The executor every task, coroutine, completion and channel of the
// workloads names: an io_context's executor that, after it queues work for
// a thread, wakes that thread's Parker. Runtime threads never sleep inside
// Asio (they poll their io_context and park on their own futex word), so
// Asio's own wake-up finds no sleeper and costs nothing; this one costs an
// atomic exchange, and a futex call only when the thread sleeps.
//
// A thin wrapper of asio::io_context::executor_type: every property query
// and requirement is the io_context executor's own, so posting allocates
// exactly what it allocates (one operation per posted function).
#pragma once

#include <asio/execution/execute.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/io_context.hpp>
#include <asio/query.hpp>
#include <asio/require.hpp>

#include <type_traits>
#include <utility>

#include "workloads/parker.h"

namespace shootout::workloads {

template <typename Inner>
class WakingExecutor {
 public:
  WakingExecutor(const Inner& inner, Parker& parker) noexcept : inner_(inner), parker_(&parker) {}
  WakingExecutor(const WakingExecutor&) noexcept = default;
  WakingExecutor(WakingExecutor&& other) noexcept
      : inner_(std::move(other.inner_)),
        parker_(other.parker_),
        holds_work_(std::exchange(other.holds_work_, false)) {}
  WakingExecutor& operator=(const WakingExecutor& other) noexcept {
    if (this != &other) {
      release_work();
      inner_ = other.inner_;
      parker_ = other.parker_;
      holds_work_ = other.holds_work_;
    }
    return *this;
  }
  WakingExecutor& operator=(WakingExecutor&& other) noexcept {
    if (this != &other) {
      release_work();
      inner_ = std::move(other.inner_);
      parker_ = other.parker_;
      holds_work_ = std::exchange(other.holds_work_, false);
    }
    return *this;
  }
  ~WakingExecutor() { release_work(); }

  // Asio's query/require customisation points reach the io_context
  // executor's (private) members; both are SFINAE-friendly, so a property
  // the io_context executor lacks is one this executor lacks.
  template <typename Property>
  auto query(const Property& property) const
      noexcept(noexcept(asio::query(std::declval<const Inner&>(), property)))
          -> decltype(asio::query(std::declval<const Inner&>(), property)) {
    return asio::query(inner_, property);
  }

  template <typename Property>
  auto require(const Property& property) const -> WakingExecutor<
      std::decay_t<decltype(asio::require(std::declval<const Inner&>(), property))>> {
    return {asio::require(inner_, property), *parker_};
  }

  template <typename Function>
  void execute(Function&& function) const {
    asio::execution::execute(inner_, std::forward<Function>(function));
    // Work a thread gives itself (a coroutine resuming on its own queue)
    // needs no wake-up; work for another thread wakes it if it sleeps.
    if (parker_ != Parker::current()) parker_->unpark();
  }

  bool running_in_this_thread() const noexcept { return inner_.running_in_this_thread(); }
  asio::io_context& context() const noexcept { return inner_.context(); }

  friend bool operator==(const WakingExecutor& a, const WakingExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.parker_ == b.parker_;
  }
  friend bool operator!=(const WakingExecutor& a, const WakingExecutor& b) noexcept {
    return !(a == b);
  }

 private:
  // An executor that counts as outstanding work of its io_context (what
  // pending operations and co_spawn hold): its io_context stops when the
  // last one goes, on whichever thread that is.
  static constexpr bool kTracksWork = std::is_same_v<
      Inner, std::decay_t<decltype(asio::require(std::declval<const Inner&>(),
                                                 asio::execution::outstanding_work.tracked))>>;

  // Ends the work this executor counts. Asio wakes a thread sleeping in
  // its io_context when the io_context stops; ours sleeps on its Parker, so
  // the release that stopped the io_context wakes it (block_on and a pool
  // thread return when their io_context has stopped).
  void release_work() noexcept {
    if constexpr (kTracksWork) {
      if (!holds_work_) return;
      holds_work_ = false;
      const Parker::Release release(*parker_);  // parker.h: a late stop()
      asio::io_context& context = inner_.context();
      { const Inner released(std::move(inner_)); }
      if (context.stopped() && parker_ != Parker::current()) parker_->unpark();
    }
  }

  Inner inner_;
  Parker* parker_;
  bool holds_work_ = true;  // false once moved from or released
};

}  // namespace shootout::workloads
