// Test hooks: deliberate faults that a workload's self-check must catch.
// Internal: only tests include this; make_workload never sets a fault.
#pragma once

#include <memory>

#include "workloads/workload.h"

namespace shootout::workloads {

struct TestFaults {
  // Channel families: sender 0 skips (frees instead of sending) its middle
  // message. Alloc families: the middle payload is never created.
  bool drop_one_message = false;
  // Payload families: the middle payload carries a wrong byte 0;
  // mpsc_contention: the middle value is off by one.
  bool corrupt_one_message = false;
};

std::unique_ptr<Workload> make_workload_for_testing(const WorkloadParams& params,
                                                    const TestFaults& faults);

}  // namespace shootout::workloads
