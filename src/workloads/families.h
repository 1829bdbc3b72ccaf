// Factories of the three workload translation units, called by
// make_workload once the name and payload mode are validated.
#pragma once

#include <memory>

#include "workloads/names.h"
#include "workloads/testing.h"
#include "workloads/workload.h"

namespace shootout::workloads {

// mpsc, mpsc_contention, mpsc_large (channel_workloads.cpp).
std::unique_ptr<Workload> make_channel_workload(const Spec& spec, const WorkloadParams& params,
                                                const TestFaults& faults);
// spawn_many, spawn_many_local, spawn_many_remote_idle, spawn_st (spawn_workloads.cpp).
std::unique_ptr<Workload> make_spawn_workload(const Spec& spec, const WorkloadParams& params,
                                              const TestFaults& faults);
// block_on_alloc, alloc_stress, block_on_alloc_st (alloc_workloads.cpp).
std::unique_ptr<Workload> make_alloc_workload(const Spec& spec, const WorkloadParams& params,
                                              const TestFaults& faults);

}  // namespace shootout::workloads
