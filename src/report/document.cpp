#include "report/document.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/cliffs.h"
#include "report/findings.h"
#include "report/key_drivers.h"
#include "report/manifest_view.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

// Okabe–Ito colours: distinguishable with common colour-vision deficiencies.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
// Manifest values longer than this are cut in the run table (lists of cells).
constexpr std::size_t kManifestValueWidth = 160;

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string opt_number(const std::optional<double>& v, int significant = 3) {
  return v ? text::number(*v, significant) : "n/a";
}

// Everything the document builder needs across sections.
// Everything comes from the report model; the document only lays it out.
struct Context {
  const ReportModel& report;
  const RunModel& model;  // report.run
  const RunDimensions& dims;
  const std::string& base;  // baseline variant
  const std::vector<FamilyTable>& tables;
  std::map<std::string, std::string> colors;             // variant -> colour
  const std::map<std::string, std::string>& unverified;  // variant -> unverified keys and why
  const std::vector<std::string>& unsteady;  // one line per cell whose counters were not steady
  // A variant's name as a column heading: marked when its tuning is unverified.
  std::string label(const std::string& variant) const {
    return unverified.count(variant) ? variant + " " + kUnverifiedMark : variant;
  }
};

std::string time_cell(const CellAnalysis* c) {
  if (!c) return "—";
  if (c->status == CellStatus::failed) return "failed";
  if (!c->time) return "no samples";
  std::string s = text::duration_with_ci(c->time->median);
  if (c->floor_share) s += " (allocation " + text::percent(c->floor_share->share.point) + ")";
  if (c->status == CellStatus::incomplete) s += " (unfinished)";
  return s;
}

// The harness's own CPU time per iteration and its share of the real time
// (bench, google/benchmark's cpu_time): "1.21 µs (98 %)".
std::string harness_cpu_cell(const CellAnalysis* c) {
  if (!c || !c->harness_cpu_per_iteration) return "—";
  std::string s = text::duration(*c->harness_cpu_per_iteration);
  if (c->harness_cpu_share) s += " (" + text::percent(*c->harness_cpu_share) + ")";
  return s;
}

// "Best vs std" on the allocator's share of the time (report/floor.h): the
// best variant's allocation time against the baseline's.
std::string best_allocation_cell(const CaseRow& row, const BestVsBaseline& b) {
  if (b.outcome != BestVsBaseline::Outcome::faster || !row.baseline) return "—";
  if (!b.best->floor_share || !row.baseline->floor_share) return "—";
  const auto& speedup = b.best->floor_share->speedup;
  if (!speedup) return b.best->variant + ": allocation within the floor's noise";
  return b.best->variant + " " + text::ratio(*speedup);
}

std::string best_cell(const BestVsBaseline& b) {
  switch (b.outcome) {
    case BestVsBaseline::Outcome::faster:
      return variant_label(*b.best) + " " + text::ratio_with_ci(speedup(b.best->ratio->ratio));
    case BestVsBaseline::Outcome::baseline_best:
      return b.baseline_variant + " (every other variant slower)";
    case BestVsBaseline::Outcome::no_difference:
      return "no significant difference";
    case BestVsBaseline::Outcome::too_few:
      return stats::verdict_text(*b.too_few->ratio);
    case BestVsBaseline::Outcome::no_data:
      break;
  }
  return "—";
}

// ---- run ---------------------------------------------------------------------

Section run_section(const Context& cx) {
  const RunModel& m = cx.model;
  Section s{"run", "Run", 2, {}};
  s.blocks.push_back(paragraph(
      "Every figure in this report is computed from samples.jsonl and manifest.json alone; "
      "alloc-shootout report DIR regenerates it byte for byte."));

  int ok = 0, failed = 0, unfinished = 0;
  std::set<std::string> payloads, runtimes, injections, workloads, families;
  for (const auto& c : m.cells) {
    if (c.status == CellStatus::failed)
      ++failed;
    else if (c.status == CellStatus::incomplete)
      ++unfinished;
    else
      ++ok;
    payloads.insert(c.payload);
    runtimes.insert(c.runtime);
    injections.insert(c.injection);
    workloads.insert(c.workload);
    families.insert(c.family);
  }
  std::vector<std::string> payload_list(payloads.begin(), payloads.end());
  std::sort(payload_list.begin(), payload_list.end(),
            [](const auto& a, const auto& b) { return payload_rank(a) < payload_rank(b); });
  // The manifest as its writer wrote it (journal/manifest.h).
  const journal::MachineFacts& host = m.manifest.machine;
  std::vector<std::string> machine;
  for (const auto& part :
       {host.cpu_model, host.cores_online > 0 ? std::to_string(host.cores_online) : std::string(),
        host.arch})
    if (!part.empty()) machine.push_back(part);
  if (machine.size() == 3) machine[1] += " cores";
  std::vector<std::string> facts;
  if (!machine.empty()) facts.push_back("Machine: " + join(machine, ", "));
  std::vector<std::string> system;
  if (!host.kernel.empty()) system.push_back("kernel " + host.kernel);
  if (host.page_size > 0) system.push_back("page size " + std::to_string(host.page_size) + " B");
  if (!host.thp_enabled.empty()) system.push_back("THP " + host.thp_enabled);
  if (!host.glibc.empty()) system.push_back("glibc " + host.glibc);
  if (!host.compiler.empty()) system.push_back(host.compiler);
  if (!system.empty()) facts.push_back("System: " + join(system, "; "));
  if (auto p = m.manifest.profile().value_or(""); !p.empty())
    facts.push_back("Profile: " + p + (m.manifest.pinned() ? "; threads pinned" : ""));

  // Versions as the workers verified them (cell records), one per allocator;
  // an object that failed verification was read, not verified: not listed.
  std::vector<std::string> version_list;
  std::set<std::string> versioned;
  for (const auto& variant : cx.report.variants)
    for (const auto& c : m.cells) {
      if (c.variant != variant || versioned.count(c.allocator) || !c.verification.is_object() ||
          c.verification.value("ok", false) != true)
        continue;
      auto v = c.verification.find("version");
      if (v == c.verification.end() || !v->is_string() || v->get<std::string>().empty()) continue;
      std::string text = c.allocator + " " + v->get<std::string>();
      auto source = c.verification.find("version_source");
      if (source != c.verification.end() && source->is_string())
        text += " (" + source->get<std::string>() + ")";
      version_list.push_back(text);
      versioned.insert(c.allocator);
    }
  if (!version_list.empty())
    facts.push_back("Allocator versions, as verified in the workers: " + join(version_list, "; "));
  facts.push_back(
      fmt::format("Cells: {} finished, {} failed, {} unfinished (results of attempt {})", ok,
                  failed, unfinished, m.last_attempt));
  std::vector<std::string> variant_names;
  for (const auto& v : cx.report.variants) variant_names.push_back(cx.label(v));
  facts.push_back("Allocator variants: " + join(variant_names, ", ") +
                  " (ratios are taken against " + cx.base + ")");
  facts.push_back(fmt::format("Workloads: {} in {} families; payload modes: {}", workloads.size(),
                              families.size(), join(payload_list, ", ")));
  facts.push_back("Runtime builds: " + join({runtimes.begin(), runtimes.end()}, ", ") +
                  "; injection: " + join({injections.begin(), injections.end()}, ", "));
  s.blocks.push_back(bullets(facts));
  s.blocks.push_back(
      paragraph("Every field of manifest.json is listed under Manifest, at the end."));

  // The analysis's warnings, then one line for the cells whose counters were
  // not steady (each listed under Noise per cell).
  std::vector<std::string> warnings = m.warnings;
  const auto& unsteady = cx.unsteady;
  if (!unsteady.empty())
    warnings.push_back(fmt::format(
        "Not steady: {} cell(s) whose counters per iteration differ between the first and the "
        "last third of the rounds (listed under Noise per cell); a longer --warm-up-time may "
        "settle them.",
        unsteady.size()));
  if (warnings.empty()) {
    double busiest = 0, stolen = 0, noisiest = 0;
    for (const auto& c : m.cells) {
      if (!c.usable()) continue;
      busiest = std::max(busiest, c.other_cpu_share.value_or(0));
      stolen = std::max(stolen, c.steal_share.value_or(0));
      noisiest = std::max(noisiest, c.cv);
    }
    s.blocks.push_back(paragraph(fmt::format(
        "Noise: no warnings. Processes outside this run used at most {} of the CPUs during any "
        "cell's samples, steal time was at most {}, and the largest coefficient of variation of "
        "a cell's per-iteration times is {}.",
        text::percent(busiest), text::percent(stolen), text::percent(noisiest))));
  } else {
    s.blocks.push_back(paragraph(fmt::format(
        "Warnings ({}; every cell a noise warning counts is listed under Noise per cell):",
        warnings.size())));
    s.blocks.push_back(bullets(warnings));
  }
  return s;
}

// ---- summary -----------------------------------------------------------------

Section summary_section(const Context& cx) {
  Section s{"summary", "Summary", 2, {}};
  if (!cx.report.emulation.empty()) s.blocks.push_back(paragraph(cx.report.emulation));
  s.blocks.push_back(paragraph(fmt::format(
      "Per case: the winner (every variant significantly faster than {0} whose ratio CI overlaps "
      "the best one's), {0}'s time ÷ the best variant's time with its 95 % CI, the key driver — "
      "why the slower of {0} and the best variant is slower, from its counters in excess of the "
      "faster one's — and the slowest variant when it is significantly slower than {0}, with its "
      "excess over {0}. Key drivers follow the rules under Method.",
      cx.base)));
  Table t;
  t.header = {"Case", "Winner", cx.base + " vs best", "Key driver", "Slowest vs " + cx.base};
  t.numeric = {false, false, true, false, false};
  for (const auto& table : cx.tables) {
    for (const auto& row : table.rows) {
      const BestVsBaseline& b = row.best;
      if (b.outcome == BestVsBaseline::Outcome::no_data) continue;
      const std::string winner = winner_text(b);
      const std::string& driver = row.driver;
      std::string slowest = "—";
      if (b.slowest)
        slowest = fmt::format("{} {} slower: {}", variant_label(*b.slowest),
                              text::ratio(b.slowest->ratio->ratio.point), b.slowest->driver.text);
      t.rows.push_back({case_label(row.key, cx.dims), winner, best_ratio_text(b), driver, slowest});
    }
  }
  if (t.rows.empty())
    s.blocks.push_back(
        paragraph("No case has a ratio to " + cx.base + " (no baseline cell measured)."));
  else
    s.blocks.push_back(table_block(std::move(t)));
  const auto& shares = cx.report.allocation_shares;
  if (!shares.empty()) {
    s.blocks.push_back(paragraph(
        "The allocator's share of the time, (time − floor) ÷ time, where --payload floor ran the "
        "same work with preallocated buffers:"));
    s.blocks.push_back(bullets(shares));
  }
  return s;
}

// The answer at a glance, beside the summary table: per case, the fastest
// variant's time ÷ the baseline's (the summary's "best"), one bar each.
std::optional<BarChart> headline_chart(const Context& cx) {
  BarChart c;
  c.title = "Per case: the fastest variant's time ÷ " + cx.base +
            " (95 % CI; below 1 = faster than " + cx.base + ")";
  c.y_label = "time ÷ " + cx.base;
  BarChart::Series best{"fastest variant", kPalette[0], {}};
  for (const auto& table : cx.tables)
    for (const auto& row : table.rows) {
      const BestVsBaseline& b = row.best;
      if (!b.best) continue;
      c.groups.push_back(case_label(row.key, cx.dims) + " · " + variant_label(*b.best));
      best.values.push_back(b.best->ratio->ratio);
    }
  if (c.groups.empty()) return std::nullopt;
  c.series.push_back(std::move(best));
  return c;
}

// ---- noise ---------------------------------------------------------------------

// Every cell a noise warning counts, with its figures: the warnings above
// name only the worst few.
Section noise_section(const Context& cx) {
  Section s{"noise", "Noise per cell", 2, {}};
  s.blocks.push_back(paragraph(fmt::format(
      "Other CPU: CPU time of processes outside this run (the runner and all its workers are "
      "subtracted) ÷ (wall time × CPUs), summed over the cell's samples (/proc/stat counts in "
      "10 ms ticks, so one sample alone says little). Steal: time the hypervisor gave to other "
      "guests, the same way. CV: coefficient of variation of the per-iteration times. Flagged "
      "above {} other CPU, {} steal or {} CV.",
      text::percent(thresholds::kBusyMachineShare), text::percent(thresholds::kStealShare),
      text::percent(thresholds::kHighCv))));
  Table t;
  t.header = {"Case", "Variant", "Other CPU", "Steal", "CV", "Flagged for"};
  t.numeric = {false, false, true, true, true, false};
  auto share = [](const std::optional<double>& v) { return v ? text::percent(*v) : "n/a"; };
  for (const auto& table : cx.tables)
    for (const auto& row : table.rows)
      for (const auto& variant : table.variants) {
        auto it = row.by_variant.find(variant);
        if (it == row.by_variant.end() || it->second->status == CellStatus::failed) continue;
        const CellAnalysis& c = *it->second;
        std::vector<std::string> why;
        if (is_busy(c)) why.push_back("busy machine");
        if (is_stolen(c)) why.push_back("steal time");
        if (is_unstable(c)) why.push_back("high variation");
        if (c.peak_rss_process_scope) why.push_back("process-lifetime peak RSS");
        if (why.empty()) continue;
        t.rows.push_back({case_label(row.key, cx.dims), variant_label(c), share(c.other_cpu_share),
                          share(c.steal_share), c.time ? text::percent(c.cv) : "n/a",
                          join(why, ", ")});
      }
  if (t.rows.empty())
    s.blocks.push_back(paragraph("No cell was flagged."));
  else
    s.blocks.push_back(table_block(std::move(t)));
  if (!cx.unsteady.empty()) s.blocks.push_back(bullets(cx.unsteady));
  return s;
}

// ---- families ----------------------------------------------------------------

BarChart family_chart(const Context& cx, const FamilyTable& table) {
  BarChart c;
  c.title = table.title + ": time ÷ " + cx.base + " per case (95 % CI; below 1 = faster)";
  c.y_label = "time ÷ " + cx.base;
  for (const auto& row : table.rows) c.groups.push_back(case_label(row.key, cx.dims));
  for (const auto& variant : table.variants) {
    if (variant == cx.base) continue;
    BarChart::Series series{variant, cx.colors.at(variant), {}};
    for (const auto& row : table.rows) {
      auto it = row.by_variant.find(variant);
      if (it != row.by_variant.end() && it->second->usable() && it->second->ratio &&
          it->second->ratio->rounds >= 2)
        series.values.push_back(it->second->ratio->ratio);
      else
        series.values.push_back(std::nullopt);
    }
    c.series.push_back(std::move(series));
  }
  return c;
}

std::optional<LineChart> sweep_chart(const Context& cx, const FamilyTable& table) {
  LineChart c;
  std::set<std::uint64_t> sizes;
  std::set<std::string> payload_set;
  std::vector<SizeSweep> sweeps;
  for (const auto& found : cx.report.sweeps) sweeps.push_back(found.sweep);
  for (const auto& s : sweeps) payload_set.insert(s.payload);
  // Legend order: by variant column order, then payload mode.
  const auto& variants = cx.report.variants;
  auto rank = [&](const SizeSweep& s) {
    return std::find(variants.begin(), variants.end(), s.variant) - variants.begin();
  };
  std::stable_sort(sweeps.begin(), sweeps.end(), [&](const SizeSweep& a, const SizeSweep& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return payload_rank(a.payload) < payload_rank(b.payload);
  });
  std::vector<std::string> payloads(payload_set.begin(), payload_set.end());
  for (const auto& s : sweeps) {
    if (s.is_baseline ||
        std::find(table.families.begin(), table.families.end(), s.family) == table.families.end())
      continue;
    LineChart::Series series;
    series.name = s.variant;
    if (!s.payload.empty() && s.payload != "none") series.name += " · " + s.payload;
    if (cx.dims.many_runtimes) series.name += " · " + s.runtime;
    if (cx.dims.many_injections) series.name += " · " + s.injection;
    series.color = cx.colors.at(s.variant);
    series.dash = 1 + std::min(payload_rank(s.payload), 5);
    for (const auto& p : s.points) {
      if (!p.ratio || p.ratio->rounds < 2) continue;
      series.points.push_back({static_cast<double>(p.size), p.ratio->ratio});
      sizes.insert(p.size);
    }
    if (!series.points.empty()) c.series.push_back(std::move(series));
  }
  if (c.series.empty()) return std::nullopt;
  c.title = table.title + ": time ÷ " + cx.base + " by payload size";
  if (payloads.size() > 1) {
    // gnuplot dash types 1..5, one per payload rank (series.dash above).
    static const char* kDashNames[] = {"solid",    "dashed",    "dotted",
                                       "dash-dot", "long dash", "dashed"};
    std::vector<std::string> legend;
    std::sort(payloads.begin(), payloads.end(),
              [](const auto& a, const auto& b) { return payload_rank(a) < payload_rank(b); });
    for (const auto& p : payloads)
      legend.push_back(std::string(kDashNames[std::min(payload_rank(p), 5)]) + " = " + p);
    c.title += " (" + join(legend, ", ") + ")";
  }
  c.x_label = "payload size";
  c.y_label = "time ÷ " + cx.base;
  for (auto size : sizes) c.x_tics.emplace_back(static_cast<double>(size), text::size_bytes(size));
  return c;
}

std::vector<Section> family_sections(const Context& cx) {
  std::vector<Section> out;
  Section intro{"results", "Results by family", 2, {}};
  intro.blocks.push_back(paragraph(fmt::format(
      "Median time per iteration ± the larger half-width of its 95 % bootstrap CI. \"Best vs {0}\" "
      "is the fastest variant's speed-up over {0} ({0}'s time ÷ its time: geometric mean of the "
      "per-round ratios of lockstep rounds, 95 % bootstrap CI), given only when it is significant "
      "(p < 0.05 and the CI outside ±1 %).",
      cx.base)));
  out.push_back(std::move(intro));
  for (const auto& table : cx.tables) {
    Section s{"family-" + slug(table.title), table.title, 3, {}};
    std::vector<std::string> about;
    std::set<std::string> described;
    for (const auto& row : table.rows)
      for (const auto& [variant, c] : row.by_variant) {
        if (described.count(c->family) || c->workload_info.description.empty()) continue;
        described.insert(c->family);
        const WorkloadInfo& w = c->workload_info;
        std::vector<std::string> facts;
        if (w.elements_per_iteration > 0)
          facts.push_back(fmt::format("{} {}s per iteration", w.elements_per_iteration,
                                      element_unit(c->family)));
        if (!w.runtime_kind.empty()) facts.push_back(w.runtime_kind + " runtime");
        if (w.pool_threads > 0) facts.push_back(fmt::format("{} pool threads", w.pool_threads));
        if (!w.wait_mode.empty()) facts.push_back("waits: " + w.wait_mode);
        if (w.pinned) facts.push_back("pinned");
        std::string line = c->family + ": " + w.description;
        if (!facts.empty()) line += " (" + join(facts, "; ") + ")";
        about.push_back(line);
      }
    if (!about.empty()) s.blocks.push_back(bullets(about));

    // Case, then a column per variant.
    auto variant_columns = [&] {
      Table t;
      t.header.push_back("Case");
      t.numeric.push_back(false);
      for (const auto& v : table.variants) {
        t.header.push_back(cx.label(v));
        t.numeric.push_back(true);
      }
      return t;
    };
    Table t = variant_columns();
    t.header.push_back("Best vs " + cx.base + " (speed-up, 95 % CI)");
    t.numeric.push_back(false);
    const bool has_floor = std::any_of(table.rows.begin(), table.rows.end(), [](const auto& row) {
      return row.baseline && row.baseline->floor_share;
    });
    if (has_floor) {
      t.header.push_back("Best vs " + cx.base + " on allocation (time − floor)");
      t.numeric.push_back(false);
    }
    for (const auto& row : table.rows) {
      std::vector<std::string> cells = {case_label(row.key, cx.dims)};
      for (const auto& v : table.variants) {
        auto it = row.by_variant.find(v);
        cells.push_back(time_cell(it == row.by_variant.end() ? nullptr : it->second));
      }
      const BestVsBaseline& best = row.best;
      cells.push_back(best_cell(best));
      if (has_floor) cells.push_back(best_allocation_cell(row, best));
      t.rows.push_back(std::move(cells));
    }
    if (has_floor)
      s.blocks.push_back(paragraph(fmt::format(
          "With the floor (--payload floor: the same work with preallocated buffers), each "
          "zeroed and filled time is followed by the allocator's share of it, (time − floor) ÷ "
          "time, against the same variant's floor; \"on allocation\" compares {}'s time − "
          "floor with the best variant's.",
          cx.base)));
    s.blocks.push_back(table_block(std::move(t)));

    const bool has_cpu = std::any_of(table.rows.begin(), table.rows.end(), [](const auto& row) {
      return std::any_of(row.by_variant.begin(), row.by_variant.end(), [](const auto& v) {
        return v.second->harness_cpu_per_iteration.has_value();
      });
    });
    if (has_cpu) {
      Table cpu = variant_columns();
      for (const auto& row : table.rows) {
        std::vector<std::string> cells = {case_label(row.key, cx.dims)};
        for (const auto& v : table.variants) {
          auto it = row.by_variant.find(v);
          cells.push_back(harness_cpu_cell(it == row.by_variant.end() ? nullptr : it->second));
        }
        cpu.rows.push_back(std::move(cells));
      }
      s.blocks.push_back(paragraph(
          "The harness's own CPU time per iteration (google/benchmark's cpu_time: the benchmark "
          "threads' CPU clocks), mean over the samples, and in brackets its share of the real "
          "time the harness reported: below 100 % the benchmark thread waited (a lock, a sleep, "
          "the CPU given to another thread), above 100 % several threads ran."));
      s.blocks.push_back(table_block(std::move(cpu)));
    }
    BarChart bars = family_chart(cx, table);
    if (!bars.series.empty()) s.blocks.push_back(chart_block(std::move(bars)));
    if (auto lines = sweep_chart(cx, table)) s.blocks.push_back(chart_block(std::move(*lines)));
    out.push_back(std::move(s));
  }
  return out;
}

// ---- root cause --------------------------------------------------------------

// The most common source of a counter among cells, for the table legend.
std::map<std::string, std::string> usual_sources(const std::vector<const CellAnalysis*>& cells,
                                                 const std::vector<std::string>& counters) {
  std::map<std::string, std::string> out;
  for (const auto& name : counters) {
    std::map<std::string, int> counts;
    for (const auto* c : cells) ++counts[c->source_of(name)];
    int best = -1;
    for (const auto& [source, n] : counts)
      if (n > best) {
        best = n;
        out[name] = source;
      }
  }
  return out;
}

Section root_cause_section(const Context& cx) {
  const auto& cells = cx.report.root_cause;
  Section s{"root-cause", "Root cause", 2, {}};
  s.blocks.push_back(paragraph(
      "Kernel-side counters of the timed samples, per iteration (one iteration = the elements "
      "noted per family), measured in-process without strace. The cases shown are mpsc with "
      "payloads of at least 4 KiB, mpsc_large and block_on_alloc_st (every case when the run "
      "has few). sys % is the kernel's share of the process's CPU time (sys ÷ (user + sys)) and "
      "of wall time (sys ÷ elapsed); peak RSS is the largest VmHWM of the cell's samples. "
      "\"n/a\": not measured."));
  if (cells.empty()) {
    s.blocks.push_back(paragraph("No measured cell to show."));
    return s;
  }
  const std::vector<std::string> counters = {
      "madvise_dontneed", "madvise_free", "madvise",      "brk",   "mmap",
      "munmap",           "minor_faults", "major_faults", "sys_ns"};
  const auto usual = usual_sources(cells, counters);
  // A value whose source differs from its column's usual one says so.
  auto value = [&](const CellAnalysis* c, const std::optional<double>& v,
                   std::initializer_list<const char*> names) {
    std::string out = opt_number(v);
    if (!v) return out;
    for (const char* name : names) {
      const std::string src = c->source_of(name);
      if (!src.empty() && src != usual.at(name)) return out + " [" + src + "]";
    }
    return out;
  };
  Table t;
  t.header = {"Case",         "Variant",       "MADV_DONTNEED/iter", "MADV_FREE/iter",
              "madvise/iter", "brk/iter",      "mmap+munmap/iter",   "page faults/iter",
              "sys % of CPU", "sys % of wall", "peak RSS",           "Key driver"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true, true, false};
  for (const auto* c : cells) {
    std::optional<double> maps;
    if (auto a = c->per_iteration("mmap"), b = c->per_iteration("munmap"); a || b)
      maps = a.value_or(0) + b.value_or(0);
    t.rows.push_back(
        {case_label({c->workload, c->payload, c->runtime, c->injection}, cx.dims),
         variant_label(*c), value(c, c->per_iteration("madvise_dontneed"), {"madvise_dontneed"}),
         value(c, c->per_iteration("madvise_free"), {"madvise_free"}),
         value(c, c->per_iteration("madvise"), {"madvise"}),
         value(c, c->per_iteration("brk"), {"brk"}), value(c, maps, {"mmap", "munmap"}),
         value(c, c->page_faults_per_iteration(), {"minor_faults", "major_faults"}),
         c->sys_share ? text::percent(*c->sys_share) : "n/a",
         c->sys_wall_share ? text::percent(*c->sys_wall_share) : "n/a",
         c->peak_rss_kib ? text::memory_kib(*c->peak_rss_kib) : "n/a", c->driver.text});
  }
  s.blocks.push_back(table_block(std::move(t)));
  std::vector<std::string> legend;
  for (const auto& name : counters) {
    const std::string& src = usual.at(name);
    legend.push_back(name + ": " + (src.empty() ? "not measured" : src));
  }
  s.blocks.push_back(paragraph(
      "Counter sources (a value from another source names it in brackets): " + join(legend, "; ") +
      "."));
  return s;
}

// ---- cliffs ------------------------------------------------------------------

Section cliff_section(const Context& cx) {
  Section s{"cliffs", "Size cliffs", 2, {}};
  const auto& sweeps = cx.report.sweeps;
  if (sweeps.empty()) {
    s.blocks.push_back(
        paragraph("No size sweep in this run (a sweep is one workload pattern at two or more "
                  "payload sizes)."));
    return s;
  }
  std::set<std::string> patterns;
  std::vector<std::string> sentences;
  for (const auto& [sweep, cliffs] : sweeps) {
    patterns.insert(sweep.pattern + (sweep.payload.empty() ? "" : " " + sweep.payload));
    for (const auto& cliff : cliffs) sentences.push_back(cliff.sentence);
  }
  s.blocks.push_back(paragraph(fmt::format(
      "Over each size sweep ({}): the smallest size at which a variant turns significantly slower "
      "than {} after being faster or equal, and the size at which its page faults per element "
      "jump (at least {}× to at least {} per element).",
      join({patterns.begin(), patterns.end()}, "; "), cx.base,
      text::number(thresholds::kFaultJumpFactor, 2),
      text::number(thresholds::kFaultJumpMinimum, 1))));
  if (sentences.empty())
    s.blocks.push_back(paragraph("No cliff: no variant changes regime along any sweep."));
  else
    s.blocks.push_back(bullets(sentences));
  return s;
}

// ---- tuning ------------------------------------------------------------------

std::optional<Section> tuning_section(const Context& cx) {
  const auto& effects = cx.report.tuning;
  bool tuned_cells = false;
  for (const auto& c : cx.model.cells) tuned_cells = tuned_cells || !c.tuning.empty();
  if (!tuned_cells) return std::nullopt;
  Section s{"tuning", "Tuning and pattern dependence", 2, {}};
  if (!cx.unverified.empty()) {
    std::vector<std::string> items;
    for (const auto& [variant, reason] : cx.unverified) items.push_back(variant + ": " + reason);
    s.blocks.push_back(paragraph(
        std::string("Unverified settings, marked ") + kUnverifiedMark +
        ": the worker could not read these keys back from the allocator, so nothing shows the "
        "setting took effect; their figures are those of the allocator as it ran."));
    s.blocks.push_back(bullets(std::move(items)));
  }
  if (effects.empty()) {
    s.blocks.push_back(paragraph(
        "Tuned variants ran, but none has a measured untuned counterpart in the same group."));
    return s;
  }
  s.blocks.push_back(paragraph(
      "Each tuned variant against the same allocator untuned, in the same lockstep rounds. Change "
      "= tuned ÷ untuned time − 1 (geometric mean of per-round ratios, 95 % bootstrap CI); win / "
      "loss when significant (p < 0.05, CI outside ±1 %). Peak RSS beside time, since settings "
      "such as decay trade CPU for memory."));

  // Tuning sweep: per case, the untuned allocator then each setting.
  Table sweep;
  sweep.header = {"Case",    "Variant", "Time", "Change", "page faults/iter", "MADV_DONTNEED/iter",
                  "peak RSS"};
  sweep.numeric = {false, false, true, true, true, true, true};
  std::vector<const TuningEffect*> by_case;
  for (const auto& e : effects) by_case.push_back(&e);
  std::stable_sort(by_case.begin(), by_case.end(), [](const auto* a, const auto* b) {
    const auto& ua = *a->untuned;
    const auto& ub = *b->untuned;
    if (ua.family != ub.family) return ua.family < ub.family;
    if (ua.workload != ub.workload) return natural_less(ua.workload, ub.workload);
    if (ua.payload != ub.payload) return payload_rank(ua.payload) < payload_rank(ub.payload);
    return std::tie(ua.runtime, ua.injection, ua.allocator) <
           std::tie(ub.runtime, ub.injection, ub.allocator);
  });
  const CellAnalysis* last_untuned = nullptr;
  auto memory = [](const CellAnalysis* c) {
    return c->peak_rss_kib ? text::memory_kib(*c->peak_rss_kib) : "n/a";
  };
  for (const auto* e : by_case) {
    const std::string label = case_label(
        {e->untuned->workload, e->untuned->payload, e->untuned->runtime, e->untuned->injection},
        cx.dims);
    if (e->untuned != last_untuned) {
      sweep.rows.push_back({label, e->untuned->variant + " (untuned)", time_cell(e->untuned), "—",
                            opt_number(e->untuned->page_faults_per_iteration()),
                            opt_number(e->untuned->per_iteration("madvise_dontneed")),
                            memory(e->untuned)});
      last_untuned = e->untuned;
    }
    sweep.rows.push_back(
        {label, variant_label(*e->tuned), time_cell(e->tuned),
         text::change_percent_with_ci(e->change.ratio) + " " + to_string(e->effect),
         opt_number(e->tuned->page_faults_per_iteration()),
         opt_number(e->tuned->per_iteration("madvise_dontneed")), memory(e->tuned)});
  }
  Table pattern;
  pattern.header = {"Tuning",
                    "Case",
                    "Untuned",
                    "Tuned",
                    "Change (95 % CI)",
                    "Effect",
                    "Peak RSS untuned → tuned"};
  pattern.numeric = {false, false, true, true, true, false, true};
  for (const auto& e : effects) {
    pattern.rows.push_back(
        {variant_label(*e.tuned),
         case_label({e.tuned->workload, e.tuned->payload, e.tuned->runtime, e.tuned->injection},
                    cx.dims),
         time_cell(e.untuned), time_cell(e.tuned), text::change_percent_with_ci(e.change.ratio),
         to_string(e.effect), memory(e.untuned) + " → " + memory(e.tuned)});
  }
  s.blocks.push_back(paragraph("Pattern dependence: the same setting across workloads."));
  s.blocks.push_back(table_block(std::move(pattern)));
  s.blocks.push_back(
      paragraph("Tuning sweep: every setting per case, beside the untuned allocator."));
  s.blocks.push_back(table_block(std::move(sweep)));
  return s;
}

// ---- memory ------------------------------------------------------------------

Section memory_section(const Context& cx) {
  Section s{"memory", "Time vs peak RSS", 2, {}};
  s.blocks.push_back(paragraph(fmt::format(
      "Per variant, over the cases it shares with {0}: the geometric mean of its time ÷ {0}'s "
      "(the per-case paired ratios) and of its peak RSS ÷ {0}'s. Below 1 is faster or smaller.",
      cx.base)));
  ScatterChart chart;
  chart.title = "Time vs peak RSS, relative to " + cx.base + " (one point per case)";
  chart.x_label = "peak RSS ÷ " + cx.base;
  chart.y_label = "time ÷ " + cx.base;
  Table t;
  t.header = {"Variant", "Cases", "Time ÷ " + cx.base, "Peak RSS ÷ " + cx.base};
  t.numeric = {false, true, true, true};
  for (const auto& f : cx.report.footprints) {
    ScatterChart::Series series{f.variant, cx.colors.at(f.variant), {}};
    for (const auto& p : f.points) series.points.emplace_back(p.rss_ratio, p.time_ratio);
    t.rows.push_back({f.variant, std::to_string(f.points.size()), text::ratio(f.time_ratio),
                      text::ratio(f.rss_ratio)});
    chart.series.push_back(std::move(series));
  }
  if (t.rows.empty()) {
    s.blocks.push_back(paragraph("No variant has both a ratio to " + cx.base + " and peak RSS."));
    return s;
  }
  s.blocks.push_back(table_block(std::move(t)));
  s.blocks.push_back(chart_block(std::move(chart)));
  return s;
}

// ---- raw calls (--trace-calls) ---------------------------------------------------

Section trace_section(const Context& cx) {
  Section s{"raw-calls", "Raw calls", 2, {}};
  s.blocks.push_back(paragraph(
      "Every madvise, mmap, munmap, brk and mremap call of a few untimed iterations, with its "
      "arguments, recorded in the worker without strace (--trace-calls); the calls themselves are "
      "in the traces/ files named below. Per iteration = calls ÷ traced iterations."));
  Table t;
  t.header = {"Case", "Variant", "Call", "calls/iter", "Sizes", "Source", "Calls file"};
  t.numeric = {false, false, false, true, false, false, false};
  for (const auto& trace : cx.model.traces) {
    const CellAnalysis* c = cx.model.find(trace.cell);
    std::string label = c ? c->workload : trace.cell;
    if (c && !c->payload.empty() && c->payload != "none") label += " " + c->payload;
    const std::string variant = c ? c->variant : "";
    std::string source = trace.source.empty() ? "unavailable: " + trace.detail : trace.source;
    if (trace.lost > 0) source += " (" + text::number(trace.lost, 3) + " calls lost)";
    if (trace.kinds.empty())
      t.rows.push_back({label, variant, "none", "0", "", source, trace.file});
    for (const auto& k : trace.kinds) {
      // The summary text starts with the call kind; the table shows it once.
      std::string sizes = k.text;
      if (const auto colon = sizes.find(": "); colon != std::string::npos)
        sizes = sizes.substr(colon + 2);
      t.rows.push_back({label, variant, k.kind, text::number(k.count / trace.iters, 4), sizes,
                        source, trace.file});
    }
  }
  s.blocks.push_back(table_block(std::move(t)));
  return s;
}

// ---- profile, failures, method ----------------------------------------------

Section profile_section(const Context& cx) {
  Section s{"allocation-profile", "Allocation profile", 2, {}};
  if (cx.model.profiles.empty()) {
    s.blocks.push_back(paragraph("No allocation profile was recorded in this run."));
    return s;
  }
  s.blocks.push_back(paragraph(
      "Calls into the allocator (malloc family and operator new) and bytes requested, counted in "
      "a separate untimed pass, per iteration and per element, per runtime build."));
  std::vector<const AllocationProfile*> rows;
  for (const auto& p : cx.model.profiles) rows.push_back(&p);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    if (a->workload != b->workload) return natural_less(a->workload, b->workload);
    if (a->payload != b->payload) return payload_rank(a->payload) < payload_rank(b->payload);
    return a->runtime < b->runtime;
  });
  Table t;
  t.header = {"Case",       "Runtime build",     "calls/iter",    "bytes/iter",
              "frees/iter", "calls per element", "bytes per call"};
  t.numeric = {false, false, true, true, true, true, true};
  for (const auto* p : rows) {
    const double calls = p->calls / p->iters, bytes = p->bytes / p->iters;
    std::string label = p->workload;
    if (!p->payload.empty() && p->payload != "none") label += " " + p->payload;
    t.rows.push_back({label, p->runtime, text::number(calls, 4), text::number(bytes, 4),
                      text::number(p->frees / p->iters, 4),
                      p->elements_per_iteration > 0
                          ? text::number(calls / static_cast<double>(p->elements_per_iteration), 3)
                          : "n/a",
                      calls > 0 ? text::number(bytes / calls, 3) : "n/a"});
  }
  s.blocks.push_back(table_block(std::move(t)));
  return s;
}

Section failed_section(const Context& cx) {
  Section s{"failed-cells", "Failed cells", 2, {}};
  Table t;
  t.header = {"Cell", "Phase", "Reason", "Exit", "Last stderr line"};
  for (const auto& c : cx.model.cells) {
    if (c.status != CellStatus::failed || !c.failure) continue;
    const Failure& f = *c.failure;
    std::string exit = "—";
    if (f.signal)
      exit = "signal " + std::to_string(*f.signal);
    else if (f.exit_code)
      exit = "exit " + std::to_string(*f.exit_code);
    t.rows.push_back(
        {c.id, f.phase, f.reason, exit, f.stderr_tail.empty() ? "—" : f.stderr_tail.back()});
  }
  if (t.rows.empty())
    s.blocks.push_back(paragraph("No cell failed."));
  else
    s.blocks.push_back(table_block(std::move(t)));
  return s;
}

Section method_section(const Context& cx) {
  const RunModel& m = cx.model;
  Section s{"method", "Method", 2, {}};
  int min_samples = 0, max_samples = 0, min_rounds = 0, max_rounds = 0;
  int min_processes = 0, max_processes = 0;
  std::map<std::string, int> modes;
  bool first = true;
  for (const auto& c : m.cells) {
    if (!c.usable()) continue;
    const int n = static_cast<int>(c.samples.size());
    min_samples = first ? n : std::min(min_samples, n);
    max_samples = first ? n : std::max(max_samples, n);
    min_rounds = first ? c.rounds : std::min(min_rounds, c.rounds);
    max_rounds = first ? c.rounds : std::max(max_rounds, c.rounds);
    min_processes = first ? c.processes : std::min(min_processes, c.processes);
    max_processes = first ? c.processes : std::max(max_processes, c.processes);
    first = false;
    ++modes[c.plan_mode.empty() ? "unrecorded" : c.plan_mode];
  }
  auto range = [](int a, int b) { return a == b ? std::to_string(a) : fmt::format("{}–{}", a, b); };
  std::vector<std::string> mode_list;
  for (const auto& [mode, n] : modes) mode_list.push_back(fmt::format("{} ({} cells)", mode, n));
  const std::string profile = m.manifest.profile().value_or("not recorded");
  const std::string processes =
      max_processes <= 1
          ? std::string("its own worker process")
          : fmt::format("{} worker processes of its own, sharing its measurement time",
                        range(min_processes, max_processes));
  const std::string ratio_method =
      max_processes <= 1
          ? "t intervals on the log ratios with each round a unit (one process per cell: the CI "
            "covers round-to-round variation only, not a process's own offset)"
          : "t intervals on the log ratios; the units are a cell's rounds when its processes' "
            "means agree closely (F test p > 0.75), its process means otherwise";
  s.blocks.push_back(paragraph(fmt::format(
      "Profile: {}. Each cell ran in {}, its group's cells in lockstep rounds "
      "(one sample per {} per round, order rotated); {} samples per cell over {} rounds; "
      "sampling mode: {}. Times are per iteration: median, mean and slope with 95 % bootstrap "
      "CIs ({} resamples, fixed seed {:#x}); outliers by Tukey fences are counted, never removed. "
      "Ratios to {} are geometric means of per-round ratios with 95 % {}; a verdict (faster, "
      "slower) needs p < {} in a Wilcoxon signed-rank test on the same units and the CI outside "
      "±{}; with fewer than {} units no test can reach that and the cell says \"too few rounds "
      "for a verdict\". Counters are totals of the timed "
      "samples divided by iterations (and by elements per iteration for per-element figures); a "
      "counter that was not measured is shown as n/a, never as zero.",
      profile, processes, max_processes <= 1 ? "cell" : "process", range(min_samples, max_samples),
      range(min_rounds, max_rounds), mode_list.empty() ? "none" : join(mode_list, ", "),
      m.options.bootstrap.resamples, m.options.bootstrap.seed, cx.base, ratio_method,
      fmt::format("{}", m.options.ratio.significance), text::percent(m.options.ratio.noise),
      stats::signed_rank_units_needed(m.options.ratio.significance))));

  // How the runtime the cells ran on works, as its worker recorded it: every
  // time and ratio above depends on its queues and wake-up path.
  std::map<std::string, std::set<std::string>> designs;  // design -> runtime builds
  for (const auto& c : m.cells)
    if (c.usable() && !c.workload_info.runtime_design.empty())
      designs[c.workload_info.runtime_design].insert(c.workload_info.runtime_build);
  for (const auto& [design, builds] : designs)
    s.blocks.push_back(
        paragraph(fmt::format("{} (Recorded by the cells' workers, runtime build{} {}.)", design,
                              builds.size() == 1 ? "" : "s",
                              join(std::vector<std::string>(builds.begin(), builds.end()), ", "))));

  // The machine's state for communicating threads (run/cross_cpu_latency.h).
  if (auto trips = m.cross_cpu_round_trips(); !trips.empty()) {
    std::sort(trips.begin(), trips.end());
    s.blocks.push_back(paragraph(fmt::format(
        "Cross-CPU round trip (a cache line passed between two threads pinned to two CPUs), "
        "measured before and after each group: median {:.0f} ns, {:.0f}–{:.0f} ns over {} "
        "measurements. A change in it is a change of the machine for cells whose threads wake "
        "each other.",
        trips[trips.size() / 2], trips.front(), trips.back(), trips.size())));
  }

  // Counter sources over all cells.
  std::map<std::string, std::map<std::string, int>>
      sources;  // counter -> "source (detail)" -> cells
  for (const auto& c : m.cells)
    for (const auto& src : c.counter_sources) {
      std::string what = src.source ? *src.source : "unavailable";
      if (!src.detail.empty()) what += " (" + src.detail + ")";
      ++sources[src.name][what];
    }
  if (!sources.empty()) {
    Table t;
    t.header = {"Counter", "Source", "Cells"};
    t.numeric = {false, false, true};
    for (const auto& [name, by_source] : sources)
      for (const auto& [what, n] : by_source) t.rows.push_back({name, what, std::to_string(n)});
    s.blocks.push_back(paragraph("Counter sources:"));
    s.blocks.push_back(table_block(std::move(t)));
  }

  // bench: counters of processes that each ran one benchmark, and how much
  // of what they count the harness measured (CellAnalysis::measured_share).
  std::map<std::string, std::map<std::string, double>> shares;  // case -> variant -> share
  std::vector<std::string> share_cases;
  for (const auto& c : m.cells) {
    if (!c.measured_share) continue;
    const std::string label = case_label({c.workload, c.payload, c.runtime, c.injection}, cx.dims);
    if (!shares.count(label)) share_cases.push_back(label);
    shares[label][c.variant] = *c.measured_share;
  }
  if (!shares.empty()) {
    Table t;
    t.header = {"Case"};
    t.numeric = {false};
    for (const auto& v : cx.report.variants) {
      t.header.push_back(cx.label(v));
      t.numeric.push_back(true);
    }
    for (const auto& label : share_cases) {
      std::vector<std::string> row = {label};
      for (const auto& v : cx.report.variants) {
        auto it = shares[label].find(v);
        row.push_back(it == shares[label].end() ? "—" : text::percent(it->second));
      }
      t.rows.push_back(std::move(row));
    }
    s.blocks.push_back(paragraph(
        "Counters per benchmark: each counted process ran that benchmark alone (bench "
        "--isolate: one process per benchmark; or a suite of one benchmark), and its counts are "
        "divided by the iterations the harness reported for it (the sum over its samples). They "
        "also count what the harness does not report — the process's start-up and the harness's "
        "own warm-up and estimation runs: the harness's measured iterations took this share of "
        "the processes' wall time (summed over the rounds), the rest is included in the "
        "counts:"));
    s.blocks.push_back(table_block(std::move(t)));
  }

  Table rules;
  rules.header = {"Order", "Rule", "Condition (per element)", "Key driver"};
  rules.numeric = {true, false, false, false};
  int order = 0;
  for (const auto& r : key_driver_rules())
    rules.rows.push_back({std::to_string(++order), r.id, r.condition, r.driver});
  s.blocks.push_back(paragraph(fmt::format(
      "Key drivers: why one side of a comparison is slower, from its counters per element in "
      "excess of the faster side's in the same rounds (a difference below {0} of the faster side's "
      "rate is work both do, such as start-up, and counts as none); the first rule whose "
      "condition holds over the excess names the driver. A variant slower than {1} is judged "
      "against {1}; a faster one is credited with what it avoids of {1}'s; the summary judges {1} "
      "against the best variant. Elements are messages (mpsc*), tasks (spawn*) or payloads "
      "(block_on_alloc*, alloc_stress), runs (exec); page faults = minor + major.",
      text::percent(thresholds::kCommonShare), cx.base)));
  s.blocks.push_back(table_block(std::move(rules)));
  std::vector<std::string> notes;
  for (const auto& r : key_driver_rules())
    if (r.note) notes.push_back(std::string(r.id) + ": " + r.note);
  if (!notes.empty()) s.blocks.push_back(bullets(notes));
  return s;
}

// ---- manifest ----------------------------------------------------------------

Section manifest_section(const Context& cx) {
  const RunModel& m = cx.model;
  Section s{"manifest", "Manifest", 2, {}};
  Table t;
  t.header = {"Manifest field", "Value"};
  for (auto [key, value] : flatten_manifest(m.manifest)) {
    // The plan's per-group cell lists repeat the tables below; its totals stay.
    if (key.rfind("plan.", 0) == 0 && key.find('[') != std::string::npos) continue;
    if (text::display_width(value) > kManifestValueWidth) {
      std::size_t cut = kManifestValueWidth;
      while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
      value = value.substr(0, cut) + "…";
    }
    t.rows.push_back({key, value});
  }
  if (t.rows.empty())
    s.blocks.push_back(paragraph("manifest.json holds no fields."));
  else
    s.blocks.push_back(table_block(std::move(t)));
  return s;
}

}  // namespace

const char* series_color(std::size_t i) {
  return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

Block paragraph(std::string text) {
  Block b;
  b.kind = Block::Kind::paragraph;
  b.text = std::move(text);
  return b;
}

Block bullets(std::vector<std::string> items) {
  Block b;
  b.kind = Block::Kind::bullets;
  b.items = std::move(items);
  return b;
}

Block table_block(Table t) {
  Block b;
  b.kind = Block::Kind::table;
  if (t.numeric.size() < t.header.size()) t.numeric.resize(t.header.size(), false);
  b.table = std::move(t);
  return b;
}

Block chart_block(Chart c) {
  Block b;
  b.kind = Block::Kind::chart;
  b.chart = std::move(c);
  return b;
}

Document build_document(const ReportModel& report) {
  Context cx{report,        report.run, report.dims,       report.baseline,
             report.tables, {},         report.unverified, report.unsteady};
  // The baseline is the reference line, never a bar or a point: the palette
  // starts with the first other variant so neighbours get distinct colours.
  std::size_t i = 0;
  for (const auto& v : report.variants) cx.colors[v] = v == cx.base ? "#000000" : series_color(i++);

  Document d;
  d.title = "Allocator shootout";
  // The answer first (summary, headline chart); the run's facts and
  // warnings after it.
  d.sections.push_back(summary_section(cx));
  if (auto chart = headline_chart(cx)) d.sections.back().blocks.push_back(chart_block(*chart));
  d.sections.push_back(run_section(cx));
  for (auto& s : family_sections(cx)) d.sections.push_back(std::move(s));
  d.sections.push_back(root_cause_section(cx));
  d.sections.push_back(cliff_section(cx));
  if (auto t = tuning_section(cx)) d.sections.push_back(std::move(*t));
  d.sections.push_back(memory_section(cx));
  if (!cx.model.traces.empty()) d.sections.push_back(trace_section(cx));
  d.sections.push_back(profile_section(cx));
  d.sections.push_back(noise_section(cx));
  d.sections.push_back(failed_section(cx));
  d.sections.push_back(method_section(cx));
  d.sections.push_back(manifest_section(cx));
  return d;
}

}  // namespace shootout::report
