// The iteration loop shared by all workloads.
#include "workloads/workload_base.h"

#include <stdexcept>

#include "workloads/payload.h"

namespace shootout::workloads {

WorkloadBase::WorkloadBase(const Spec& spec, const WorkloadParams& params, const TestFaults& faults)
    : spec_(spec), faults_(faults) {
  const FamilyDef& def = *spec.def;
  const int threads =
      def.default_pool_threads == 0
          ? 0
          : (params.pool_threads > 0 ? params.pool_threads : def.default_pool_threads);
  info_.name = spec.name;
  info_.family = std::string(def.name);
  info_.description = std::string(def.description);
  info_.pool_threads = threads;
  info_.runtime_kind = threads == 0 ? "current-thread" : "multi-thread";
  info_.runtime_build = runtime_build();
  info_.payload = params.payload;
  if (def.takes_payload) {
    info_.payload_modes = payload_modes();
  } else {
    info_.payload_modes = {PayloadMode::none};
  }
  info_.elements_per_iteration = spec.count;
  info_.payload_bytes = spec.size;
  info_.bytes_per_iteration = spec.count * spec.size;
  runtime_ = std::make_unique<Runtime>(threads, params.pin_threads);
  info_.pinned = runtime_->pinned();
}

void WorkloadBase::run(std::uint64_t iterations) {
  if (poisoned_) {
    throw std::logic_error(info_.name +
                           ": an earlier iteration failed part-way; make a new "
                           "workload");
  }
  runtime_->adopt_bench_thread();
  for (std::uint64_t i = 0; i < iterations; ++i) {
    ++iteration_;
    try {
      run_once();
    } catch (const SelfCheckError&) {
      throw;  // raised after the iteration completed: the runtime is idle
    } catch (...) {
      poisoned_ = true;
      runtime_->abandon();
      throw;
    }
    if (runtime_->has_pool()) {
      if (std::exception_ptr error = runtime_->pool().take_error()) {
        std::rethrow_exception(error);
      }
    }
  }
}

void WorkloadBase::expect(const char* what, std::uint64_t expected, std::uint64_t seen) const {
  if (expected == seen) return;
  throw SelfCheckError(info_.name + " iteration " + std::to_string(iteration_) + ": " + what +
                       ": expected " + std::to_string(expected) + ", saw " + std::to_string(seen));
}

}  // namespace shootout::workloads
