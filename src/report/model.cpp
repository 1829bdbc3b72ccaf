#include "report/model.h"

#include <atomic>
#include <cmath>

#include "report/emulation.h"

namespace shootout::report {

namespace {

std::atomic<std::uint64_t> computed{0};

std::vector<VariantFootprint> footprints(const ReportModel& m) {
  count_computation();
  std::vector<VariantFootprint> out;
  for (const auto& variant : m.variants) {
    if (variant == m.baseline) continue;
    VariantFootprint f{variant, {}, 0, 0};
    double log_time = 0, log_rss = 0;
    for (const auto& c : m.run.cells) {
      if (c.variant != variant || !c.usable() || !c.ratio || !c.peak_rss_kib) continue;
      const CellAnalysis* b = m.run.find(c.baseline_cell);
      if (!b || !b->usable() || !b->peak_rss_kib || !(*b->peak_rss_kib > 0) ||
          !(*c.peak_rss_kib > 0))
        continue;
      const double rss = *c.peak_rss_kib / *b->peak_rss_kib;
      f.points.push_back({rss, c.ratio->ratio.point});
      log_time += std::log(c.ratio->ratio.point);
      log_rss += std::log(rss);
    }
    if (f.points.empty()) continue;
    const double n = static_cast<double>(f.points.size());
    f.time_ratio = std::exp(log_time / n);
    f.rss_ratio = std::exp(log_rss / n);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::uint64_t computations() { return computed.load(); }
void count_computation() { ++computed; }

ReportModel analyse(const std::string& run_dir, const AnalysisOptions& options) {
  return analyse(analyze_run(run_dir, options));
}

ReportModel analyse(RunModel run) {
  ReportModel m;
  m.run = std::move(run);  // cells stay where they are: the pointers below stay valid
  const RunModel& r = m.run;
  m.baseline = baseline_variant(r);
  m.dims = run_dimensions(r);
  std::vector<const CellAnalysis*> all;
  for (const auto& c : r.cells) all.push_back(&c);
  m.variants = ordered_variants(r, all);
  m.tables = family_tables(r);
  for (auto& sweep : size_sweeps(r)) {
    auto cliffs = detect_cliffs(sweep);
    m.sweeps.push_back({std::move(sweep), std::move(cliffs)});
  }
  m.tuning = tuning_effects(r);
  m.unverified = unverified_variants(r);
  m.unsteady = unsteady_cell_warnings(r);
  m.allocation_shares = allocation_share_sentences(m.tables, m.dims);
  m.root_cause = root_cause_cells(m.tables);
  m.footprints = footprints(m);
  m.emulation = emulation_note(r.manifest.machine);
  return m;
}

}  // namespace shootout::report
