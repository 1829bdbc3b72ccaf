// What every workload shares: its info, its runtime, the iteration loop,
// and the self-check helper that turns a mismatch into SelfCheckError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "workloads/names.h"
#include "workloads/runtime.h"
#include "workloads/testing.h"
#include "workloads/workload.h"

namespace shootout::workloads {

class WorkloadBase : public Workload {
 public:
  void run(std::uint64_t iterations) final;
  const WorkloadInfo& info() const final { return info_; }

 protected:
  // Fills the info fields every family shares and starts the runtime
  // (threads are born here, after the caller opened its counters).
  WorkloadBase(const Spec& spec, const WorkloadParams& params, const TestFaults& faults);

  // One iteration, verified: throws SelfCheckError via expect().
  virtual void run_once() = 0;

  // Throws SelfCheckError "<name> iteration <i>: <what>: expected X, saw Y".
  void expect(const char* what, std::uint64_t expected, std::uint64_t seen) const;

  // Every final class calls this first in its destructor: pool threads
  // must finish before the members their tasks touch are destroyed.
  void shutdown() noexcept { runtime_->shutdown(); }

  Runtime& runtime() noexcept { return *runtime_; }
  const Spec& spec() const noexcept { return spec_; }
  const TestFaults& faults() const noexcept { return faults_; }
  // The message/payload index a fault targets: the middle one.
  std::uint64_t fault_index() const noexcept { return spec_.count / 2; }
  // How many times task `i` of a spawn family runs its body: 1, or 0 / 2
  // for the middle task under the drop_one_task / run_one_task_twice faults.
  unsigned task_runs(std::uint64_t i) const noexcept {
    if (i != fault_index()) return 1;
    return faults_.drop_one_task ? 0 : faults_.run_one_task_twice ? 2 : 1;
  }

  WorkloadInfo info_;

 private:
  Spec spec_;
  TestFaults faults_;
  std::uint64_t iteration_ = 0;
  bool poisoned_ = false;
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace shootout::workloads
