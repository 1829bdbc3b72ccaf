#include "report/floor.h"

namespace shootout::report {

std::string floor_cell_id(const CellAnalysis& c) {
  if (c.payload != "zeroed" && c.payload != "filled") return "";
  return c.workload + "|floor|" + c.runtime + "|" + c.variant + "|" + c.injection;
}

void add_floor_shares(RunModel& model, const AnalysisOptions& options) {
  for (auto& c : model.cells) {
    const std::string id = floor_cell_id(c);
    if (id.empty() || !c.usable()) continue;
    const CellAnalysis* floor = model.find(id);
    if (!floor || !floor->usable()) continue;
    const auto ratios = per_process_round_ratios(*floor, c);
    if (ratios.empty()) continue;
    // floor ÷ time per round; share = 1 − that, so the CI bounds swap.
    const stats::RatioEstimate r = stats::paired_ratio_by_process(ratios, options.ratio);
    c.floor_share = CellAnalysis::FloorShare{
        id, {1 - r.ratio.point, 1 - r.ratio.upper, 1 - r.ratio.lower}, std::nullopt};
  }
  // Every share is known now: each cell's allocation time against its baseline's.
  for (auto& c : model.cells) {
    if (!c.floor_share || c.baseline) continue;
    if (const CellAnalysis* base = model.find(c.baseline_cell))
      c.floor_share->speedup = allocation_speedup(c, *base);
  }
}

std::optional<double> allocation_ns(const CellAnalysis& c) {
  if (!c.floor_share || !c.time) return std::nullopt;
  return c.time->median.point * c.floor_share->share.point;
}

std::optional<double> allocation_speedup(const CellAnalysis& c, const CellAnalysis& baseline) {
  const auto mine = allocation_ns(c), theirs = allocation_ns(baseline);
  if (!mine || !theirs || !(c.floor_share->share.lower > 0) || !(*theirs > 0)) return std::nullopt;
  return *theirs / *mine;
}

}  // namespace shootout::report
