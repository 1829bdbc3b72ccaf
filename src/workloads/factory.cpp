// make_workload: validates name, payload mode and thread count, then hands
// over to the family's factory.
#include <stdexcept>
#include <string>

#include "workloads/families.h"
#include "workloads/names.h"
#include "workloads/payload.h"
#include "workloads/testing.h"
#include "workloads/workload.h"

namespace shootout::workloads {
namespace {

void check_payload_mode(const Spec& spec, PayloadMode mode) {
  if (spec.def->takes_payload) {
    if (mode != PayloadMode::none) return;
    throw std::invalid_argument("workload '" + spec.name +
                                "' needs a payload mode: valid modes are zeroed, filled, "
                                "uninit, floor (got none)");
  }
  if (mode == PayloadMode::none) return;
  throw std::invalid_argument("workload '" + spec.name + "' moves no payload: its only valid " +
                              "mode is none (got " + to_string(mode) + ")");
}

}  // namespace

std::unique_ptr<Workload> make_workload_for_testing(const WorkloadParams& params,
                                                    const TestFaults& faults) {
  const Spec spec = parse_name(params.name);
  check_payload_mode(spec, params.payload);
  if (params.pool_threads < 0) {
    throw std::invalid_argument("pool_threads must be >= 0 (0 = the workload's default), got " +
                                std::to_string(params.pool_threads));
  }
  switch (spec.def->family) {
    case Family::mpsc:
    case Family::mpsc_contention:
    case Family::mpsc_large:
      return make_channel_workload(spec, params, faults);
    case Family::spawn_many:
    case Family::spawn_many_local:
    case Family::spawn_many_remote_idle:
    case Family::spawn_st:
      return make_spawn_workload(spec, params, faults);
    case Family::block_on_alloc:
    case Family::alloc_stress:
    case Family::block_on_alloc_st:
      return make_alloc_workload(spec, params, faults);
  }
  throw std::logic_error("unhandled workload family");
}

std::unique_ptr<Workload> make_workload(const WorkloadParams& params) {
  return make_workload_for_testing(params, TestFaults{});
}

}  // namespace shootout::workloads
