// The floor: `--payload floor` runs the same work with buffers from a
// preallocated pool (workloads/payload.h), so a cell's time minus its
// variant's floor time is what the allocator costs. This file pairs each
// zeroed or filled cell with the floor cell of the same workload, runtime,
// injection and variant and gives the allocator's share of the time and the
// allocation-only speed-up over the baseline.
#pragma once

#include <optional>
#include <string>

#include "report/analysis.h"

namespace shootout::report {

// The floor cell a cell is judged against: same workload, runtime, variant
// and injection, payload "floor". Only zeroed and filled have one: the floor
// writes every byte, as filled does (and as calloc's zeroing amounts to);
// uninit writes one byte per page, so the floor would overstate its work.
std::string floor_cell_id(const CellAnalysis& c);

// Sets every zeroed/filled cell's floor_share: (time − floor) ÷ time = 1 −
// floor/time, the geometric mean over the rounds both ran (the floor cell is
// in the same lockstep group), with its 95 % CI.
void add_floor_shares(RunModel& model, const AnalysisOptions& options);

// The cell's allocation time per iteration: median time × share.
std::optional<double> allocation_ns(const CellAnalysis& c);

// The baseline's allocation time ÷ the cell's: "best vs std" on the
// allocator's share of the time. Absent without floor shares, or when the
// cell's share CI reaches 0 (its allocation time is within the floor's noise,
// so any speed-up figure would be unbounded).
std::optional<double> allocation_speedup(const CellAnalysis& c, const CellAnalysis& baseline);

}  // namespace shootout::report
