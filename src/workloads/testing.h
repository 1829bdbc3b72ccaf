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
  // Channel families with payloads: the middle message's last byte (the
  // last its receiver checks) differs from what its sender wrote, as when
  // the buffer is shorter than asked and its tail belongs to another message.
  bool truncate_one_message = false;
  // Channel families with payloads of more than a page: a byte of the
  // middle message's second page differs, as when another live message
  // shares that memory.
  bool alias_one_message = false;
  // Spawn families: the middle task's body does not run (its completion is
  // still signalled), or runs twice.
  bool drop_one_task = false;
  bool run_one_task_twice = false;
};

std::unique_ptr<Workload> make_workload_for_testing(const WorkloadParams& params,
                                                    const TestFaults& faults);

}  // namespace shootout::workloads
