#include "report/machines_report.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "report/emulation.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

using nlohmann::ordered_json;

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string verdict_words(stats::Verdict v) {
  std::string text = stats::to_string(v);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

// A cell's ratio to the baseline on one machine: "0.160× (0.151–0.170) faster".
std::string ratio_cell(const CellAnalysis* c) {
  if (!c) return "not run";
  if (c->status == CellStatus::failed) return "failed";
  if (c->baseline) return "baseline";
  if (!c->usable() || !c->ratio) return "—";
  std::string s = text::ratio_with_ci(c->ratio->ratio) + " " + verdict_words(c->ratio->verdict);
  if (c->status == CellStatus::incomplete) s += " (unfinished)";
  return s;
}

// One machine's ratio ÷ the first machine's.
std::string change_cell(const std::optional<stats::RatioChange>& change) {
  if (!change) return "—";
  std::string verdict;
  switch (change->verdict) {
    case stats::Verdict::faster:
      verdict = "relatively faster";
      break;
    case stats::Verdict::slower:
      verdict = "relatively slower";
      break;
    case stats::Verdict::no_difference:
      verdict = "no significant change";
      break;
    case stats::Verdict::within_noise:
      verdict = "within noise";
      break;
    case stats::Verdict::too_few_rounds:
      verdict = "too few rounds";
      break;
  }
  return text::ratio_with_ci(change->ratio) + " " + verdict;
}

std::string best_cell(const CaseRow* row) {
  if (!row) return "not run";
  const BestVsBaseline& b = row->best;
  switch (b.outcome) {
    case BestVsBaseline::Outcome::faster:
      return winner_text(b) + " " + best_ratio_text(b);
    case BestVsBaseline::Outcome::baseline_best:
      return b.baseline_variant + " " + best_ratio_text(b);
    case BestVsBaseline::Outcome::no_difference:
    case BestVsBaseline::Outcome::too_few:
      return winner_text(b);
    case BestVsBaseline::Outcome::no_data:
      break;
  }
  return "—";
}

std::string opt_number(const std::optional<double>& v) { return v ? text::number(*v, 3) : "n/a"; }

std::optional<double> maps_per_iteration(const CellAnalysis& c) {
  auto a = c.per_iteration("mmap"), b = c.per_iteration("munmap");
  if (!a && !b) return std::nullopt;
  return a.value_or(0) + b.value_or(0);
}

std::string counters_cell(const CellAnalysis* c) {
  if (!c) return "not run";
  if (!c->usable()) return c->status == CellStatus::failed ? "failed" : "—";
  return opt_number(c->per_iteration("madvise_dontneed")) + " / " +
         opt_number(c->page_faults_per_iteration()) + " / " + opt_number(c->per_iteration("brk")) +
         " / " + opt_number(maps_per_iteration(*c));
}

std::string cells_count(const RunModel& run) {
  int ok = 0, failed = 0, unfinished = 0;
  for (const auto& c : run.cells) {
    if (c.status == CellStatus::failed)
      ++failed;
    else if (c.status == CellStatus::incomplete)
      ++unfinished;
    else
      ++ok;
  }
  return fmt::format("{} finished, {} failed, {} unfinished", ok, failed, unfinished);
}

// Versions as the workers verified them, one per allocator (as in a run's report).
std::string verified_versions(const RunModel& run) {
  std::vector<std::string> out;
  std::vector<std::string> seen;
  for (const auto& c : run.cells) {
    if (std::find(seen.begin(), seen.end(), c.allocator) != seen.end() ||
        !c.verification.is_object() || c.verification.value("ok", false) != true)
      continue;
    auto v = c.verification.find("version");
    if (v == c.verification.end() || !v->is_string() || v->get<std::string>().empty()) continue;
    out.push_back(c.allocator + " " + v->get<std::string>());
    seen.push_back(c.allocator);
  }
  return out.empty() ? "—" : join(out, "; ");
}

Section machines_section(const MachineComparison& mc) {
  Section s{"machines", "Machines", 2, {}};
  s.blocks.push_back(paragraph(
      "One run of the plan per machine, each analysed on its own: every ratio below is taken "
      "within one machine's lockstep rounds, never across machines. A machine is named by its "
      "manifest — CPU model, architecture, page size, kernel — and its run, with its full "
      "report, is in the directory named."));
  Table t;
  t.header = {"Machine", "CPU model", "Architecture", "Page size",
              "Kernel",  "Cores",     "glibc",        "Allocator versions (verified)",
              "Cells",   "Run"};
  t.numeric = {false, false, false, true, false, true, false, false, false, false};
  for (const auto& m : mc.machines) {
    const journal::MachineFacts& f = m.model.run.manifest.machine;
    t.rows.push_back(
        {m.entry.label, f.cpu_model.empty() ? "—" : f.cpu_model, f.arch.empty() ? "—" : f.arch,
         journal::page_size_text(f.page_size), f.kernel.empty() ? "—" : f.kernel,
         f.cores_online > 0 ? std::to_string(f.cores_online) : "—", f.glibc.empty() ? "—" : f.glibc,
         verified_versions(m.model.run), cells_count(m.model.run), m.entry.dir});
  }
  s.blocks.push_back(table_block(std::move(t)));
  std::vector<std::string> warnings;
  for (const auto& m : mc.machines) {
    // An emulated machine's times are the emulator's: its ratios stay in
    // the tables, but the reader is told before reading them.
    if (const std::string note = emulation_note(m.model.run.manifest.machine); !note.empty())
      warnings.push_back(m.entry.label + ": " + note);
    for (const auto& w : m.model.run.warnings) warnings.push_back(m.entry.label + ": " + w);
  }
  if (!warnings.empty()) {
    s.blocks.push_back(paragraph("Warnings of each machine's run, as its own report gives them:"));
    s.blocks.push_back(bullets(std::move(warnings)));
  }
  return s;
}

Section summary_section(const MachineComparison& mc) {
  Section s{"summary", "Summary", 2, {}};
  s.blocks.push_back(paragraph(fmt::format(
      "Per case, the fastest variant against {0} on each machine (× faster than {0}, 95 % CI), "
      "and whether that finding holds on every machine.",
      mc.baseline)));
  Table t;
  t.header = {"Case"};
  for (const auto& m : mc.machines) t.header.push_back(m.entry.label);
  t.header.push_back("Across machines");
  std::vector<std::string> drivers;
  for (const auto& r : mc.cases) {
    std::vector<std::string> row = {case_label(r.key, mc.dims)};
    std::vector<std::string> why;
    for (std::size_t i = 0; i < mc.machines.size(); ++i) {
      row.push_back(best_cell(r.rows[i]));
      if (r.rows[i] && !r.rows[i]->driver.empty())
        why.push_back(mc.machines[i].entry.label + ": " + r.rows[i]->driver);
    }
    row.push_back(r.agreement_text);
    t.rows.push_back(std::move(row));
    if (!why.empty()) drivers.push_back(case_label(r.key, mc.dims) + " — " + join(why, "; "));
  }
  s.blocks.push_back(table_block(std::move(t)));
  if (!drivers.empty()) {
    s.blocks.push_back(paragraph("Key drivers on each machine (why the slower side is slower):"));
    s.blocks.push_back(bullets(std::move(drivers)));
  }
  return s;
}

Section ratios_section(const MachineComparison& mc) {
  Section s{"ratios", "Ratios to " + mc.baseline + " per machine", 2, {}};
  const std::string& first = mc.machines.front().entry.label;
  s.blocks.push_back(paragraph(fmt::format(
      "Time ÷ {0} on each machine (geometric mean of per-round ratios, 95 % t interval) with its "
      "verdict (CI outside ±1 % and p < 0.05 in a signed-rank test). \"M ÷ {1}\": machine M's "
      "ratio divided by the first machine's, with a 95 % Welch t interval on the difference of "
      "the two runs' mean log ratios and a rank-sum test, as compare does for two runs; "
      "\"relatively faster\": the variant gains more on M. Across machines: the finding holds "
      "when every machine gives the same verdict, and differs when two disagree.",
      mc.baseline, first)));
  Table t;
  t.header = {"Case", "Variant"};
  for (const auto& m : mc.machines) t.header.push_back(m.entry.label);
  for (std::size_t i = 1; i < mc.machines.size(); ++i)
    t.header.push_back(mc.machines[i].entry.label + " ÷ " + first);
  t.header.push_back("Across machines");
  t.numeric.assign(t.header.size(), true);
  t.numeric[0] = t.numeric[1] = t.numeric.back() = false;
  BarChart chart;
  chart.title = "Time ÷ " + mc.baseline + " per machine (95 % CI; below 1 = faster)";
  chart.y_label = "time ÷ " + mc.baseline;
  for (std::size_t i = 0; i < mc.machines.size(); ++i)
    chart.series.push_back({mc.machines[i].entry.label, series_color(i), {}});
  for (const auto& r : mc.cells) {
    std::string variant = r.variant;
    for (const auto* c : r.cells)
      if (c) {
        variant = variant_label(*c);
        break;
      }
    std::vector<std::string> row = {case_label(r.key, mc.dims), variant};
    for (const auto* c : r.cells) row.push_back(ratio_cell(c));
    for (std::size_t i = 1; i < r.versus_first.size(); ++i)
      row.push_back(change_cell(r.versus_first[i]));
    row.push_back(r.agreement_text);
    t.rows.push_back(std::move(row));
    if (r.agreement == Agreement::baseline) continue;
    chart.groups.push_back(case_label(r.key, mc.dims) + " " + variant);
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      const CellAnalysis* c = r.cells[i];
      chart.series[i].values.push_back(c && c->usable() && c->ratio && c->ratio->rounds >= 2
                                           ? std::optional<stats::Interval>(c->ratio->ratio)
                                           : std::nullopt);
    }
  }
  s.blocks.push_back(table_block(std::move(t)));
  if (!chart.groups.empty()) s.blocks.push_back(chart_block(std::move(chart)));
  return s;
}

std::optional<Section> tuning_section(const MachineComparison& mc) {
  if (mc.tuning.empty()) return std::nullopt;
  Section s{"tuning", "Tuning per machine", 2, {}};
  s.blocks.push_back(paragraph(
      "Each tuned variant against the same allocator untuned, in the same lockstep rounds of "
      "each machine: change = tuned ÷ untuned time − 1 with its 95 % CI, and the effect (win / "
      "loss when significant)."));
  Table t;
  t.header = {"Tuning", "Case"};
  for (const auto& m : mc.machines) t.header.push_back(m.entry.label);
  t.header.push_back("Across machines");
  for (const auto& r : mc.tuning) {
    std::string label = r.variant;
    for (const auto* e : r.effects)
      if (e) {
        label = variant_label(*e->tuned);
        break;
      }
    std::vector<std::string> row = {label, case_label(r.key, mc.dims)};
    for (const auto* e : r.effects)
      row.push_back(e ? text::change_percent_with_ci(e->change.ratio) + " " + to_string(e->effect)
                      : "not run");
    row.push_back(r.agreement_text);
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(table_block(std::move(t)));
  return s;
}

Section root_cause_section(const MachineComparison& mc) {
  Section s{"root-cause", "Root cause per machine", 2, {}};
  s.blocks.push_back(paragraph(
      "Kernel-side counters of the timed samples per iteration on each machine — MADV_DONTNEED / "
      "page faults / brk / mmap+munmap — the kernel's share of CPU time, and the key driver "
      "against the baseline; the cells of each machine's root-cause table. \"n/a\": not "
      "measured (each machine's report names every counter's source)."));
  if (mc.root_cause.empty()) {
    s.blocks.push_back(paragraph("No measured cell to show."));
    return s;
  }
  Table t;
  t.header = {"Case", "Variant"};
  for (const auto& m : mc.machines) {
    t.header.push_back(m.entry.label + ": DONTNEED / faults / brk / mmap+munmap per iter");
    t.header.push_back(m.entry.label + ": sys % of CPU");
    t.header.push_back(m.entry.label + ": key driver");
  }
  for (std::size_t index : mc.root_cause) {
    const MachineCellRow& r = mc.cells[index];
    std::vector<std::string> row = {case_label(r.key, mc.dims), r.variant};
    for (const auto* c : r.cells) {
      row.push_back(counters_cell(c));
      row.push_back(c && c->usable() && c->sys_share ? text::percent(*c->sys_share) : "n/a");
      row.push_back(c && c->usable() ? c->driver.text : "—");
    }
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(table_block(std::move(t)));
  return s;
}

Section memory_section(const MachineComparison& mc) {
  Section s{"memory", "Time vs peak RSS per machine", 2, {}};
  s.blocks.push_back(paragraph(fmt::format(
      "Per variant and machine, over the cases it shares with {0} there: the geometric mean of "
      "its time ÷ {0}'s and of its peak RSS ÷ {0}'s (cases in brackets). Below 1 is faster or "
      "smaller.",
      mc.baseline)));
  if (mc.footprints.empty()) {
    s.blocks.push_back(paragraph("No variant has both a ratio and peak RSS on any machine."));
    return s;
  }
  Table t;
  t.header = {"Variant"};
  for (const auto& m : mc.machines) {
    t.header.push_back(m.entry.label + ": time ÷ " + mc.baseline);
    t.header.push_back(m.entry.label + ": peak RSS ÷ " + mc.baseline);
  }
  t.numeric.assign(t.header.size(), true);
  t.numeric[0] = false;
  for (const auto& r : mc.footprints) {
    std::vector<std::string> row = {r.variant};
    for (const auto* f : r.footprints) {
      row.push_back(f ? text::ratio(f->time_ratio) + " (" + std::to_string(f->points.size()) + ")"
                      : "—");
      row.push_back(f ? text::ratio(f->rss_ratio) : "—");
    }
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(table_block(std::move(t)));
  return s;
}

Section partial_section(const MachineComparison& mc) {
  Section s{"partial", "Cells on some machines only", 2, {}};
  if (mc.partial.empty())
    s.blocks.push_back(paragraph("Every cell ran on every machine."));
  else
    s.blocks.push_back(bullets(mc.partial));
  return s;
}

ordered_json ordered_interval(const stats::Interval& i) {
  return {{"point", i.point}, {"lower", i.lower}, {"upper", i.upper}};
}

ordered_json key_json(const CaseKey& k) {
  return {{"workload", k.workload},
          {"payload", k.payload},
          {"runtime", k.runtime},
          {"injection", k.injection}};
}

// One row's entry per machine, in machine order: {"machine": its label} and
// what add_fields(entry, i, its element of `per_machine`) adds.
template <typename Element, typename AddFields>
ordered_json machine_entries(const MachineComparison& mc, const std::vector<Element>& per_machine,
                             AddFields add_fields) {
  ordered_json entries = ordered_json::array();
  for (std::size_t i = 0; i < per_machine.size(); ++i) {
    ordered_json entry = {{"machine", mc.machines[i].entry.label}};
    add_fields(entry, i, per_machine[i]);
    entries.push_back(std::move(entry));
  }
  return entries;
}

// A row of the summary, the cells or the tuning: its case, its variant (the
// summary's rows have none), its machines' entries and whether they agree.
template <typename Row>
ordered_json agreement_row(const Row& r, ordered_json machines) {
  ordered_json row = key_json(r.key);
  if constexpr (requires { r.variant; }) row["variant"] = r.variant;
  row["machines"] = std::move(machines);
  row["agreement"] = to_string(r.agreement);
  row["agreement_text"] = r.agreement_text;
  return row;
}

}  // namespace

Document machines_document(const MachineComparison& mc) {
  Document d;
  d.title = "Allocator shootout across machines";
  d.sections.push_back(summary_section(mc));
  d.sections.push_back(machines_section(mc));
  d.sections.push_back(ratios_section(mc));
  if (auto t = tuning_section(mc)) d.sections.push_back(std::move(*t));
  d.sections.push_back(root_cause_section(mc));
  d.sections.push_back(memory_section(mc));
  d.sections.push_back(partial_section(mc));
  return d;
}

ordered_json machines_json(const MachineComparison& mc) {
  ordered_json j = {{"schema", kResultsSchemaVersion}, {"kind", "machines"}};
  j["baseline"] = mc.baseline;
  ordered_json machines = ordered_json::array();
  for (const auto& m : mc.machines) {
    const journal::MachineFacts& f = m.model.run.manifest.machine;
    machines.push_back({{"label", m.entry.label},
                        {"name", m.entry.name},
                        {"dir", m.entry.dir},
                        {"cpu_model", f.cpu_model},
                        {"arch", f.arch},
                        {"page_size", f.page_size},
                        {"kernel", f.kernel},
                        {"cores_online", f.cores_online},
                        {"tool_version", m.model.run.manifest.tool_version},
                        {"warnings", m.model.run.warnings}});
  }
  j["machines"] = machines;
  ordered_json cases = ordered_json::array();
  for (const auto& r : mc.cases)
    cases.push_back(agreement_row(
        r, machine_entries(mc, r.rows, [](ordered_json& m, std::size_t, const CaseRow* row) {
          m["best"] = row ? ordered_json(best_cell(row)) : ordered_json(nullptr);
          m["key_driver"] = row ? ordered_json(row->driver) : ordered_json(nullptr);
        })));
  j["summary"] = cases;
  ordered_json cells = ordered_json::array();
  for (const auto& r : mc.cells)
    cells.push_back(agreement_row(
        r, machine_entries(mc, r.cells, [&](ordered_json& m, std::size_t i, const CellAnalysis* c) {
          m["status"] = c ? to_string(c->status) : "not run";
          if (c && c->ratio) {
            m["ratio"] = ordered_interval(c->ratio->ratio);
            m["verdict"] = stats::to_string(c->ratio->verdict);
            m["p_value"] = c->ratio->p_value;
          }
          if (i > 0 && r.versus_first[i]) {
            const stats::RatioChange& change = *r.versus_first[i];
            m["versus_first"] = {{"ratio", ordered_interval(change.ratio)},
                                 {"verdict", stats::to_string(change.verdict)},
                                 {"p_value", change.p_value}};
          }
          if (c && c->usable())
            m["counters_per_iteration"] = {
                {"madvise_dontneed", c->per_iteration("madvise_dontneed")
                                         ? ordered_json(*c->per_iteration("madvise_dontneed"))
                                         : ordered_json(nullptr)},
                {"page_faults", c->page_faults_per_iteration()
                                    ? ordered_json(*c->page_faults_per_iteration())
                                    : ordered_json(nullptr)},
                {"brk", c->per_iteration("brk") ? ordered_json(*c->per_iteration("brk"))
                                                : ordered_json(nullptr)},
                {"mmap_munmap", maps_per_iteration(*c) ? ordered_json(*maps_per_iteration(*c))
                                                       : ordered_json(nullptr)}};
          if (c && c->usable()) m["key_driver"] = c->driver.text;
        })));
  j["cells"] = cells;
  ordered_json tuning = ordered_json::array();
  for (const auto& r : mc.tuning)
    tuning.push_back(agreement_row(
        r, machine_entries(mc, r.effects, [](ordered_json& m, std::size_t, const TuningEffect* e) {
          if (!e) return;
          m["change"] = ordered_interval(e->change.ratio);
          m["effect"] = to_string(e->effect);
        })));
  j["tuning"] = tuning;
  ordered_json footprints = ordered_json::array();
  for (const auto& r : mc.footprints)
    footprints.push_back(
        {{"variant", r.variant},
         {"machines", machine_entries(mc, r.footprints,
                                      [](ordered_json& m, std::size_t, const VariantFootprint* f) {
                                        if (!f) return;
                                        m["cases"] = f->points.size();
                                        m["time_ratio"] = f->time_ratio;
                                        m["rss_ratio"] = f->rss_ratio;
                                      })}});
  j["footprints"] = footprints;
  j["partial"] = mc.partial;
  return j;
}

std::string machines_summary(const MachineComparison& mc) {
  std::string out = "machines:\n";
  for (const auto& m : mc.machines)
    out += "  " + m.entry.label + ": " + m.entry.name + " (" + m.entry.dir + ")\n";
  int holds = 0, differs = 0, open = 0;
  for (const auto& r : mc.cells) {
    if (r.agreement == Agreement::holds) ++holds;
    if (r.agreement == Agreement::differs) ++differs;
    if (r.agreement == Agreement::not_judged) ++open;
  }
  out += fmt::format(
      "ratios to {}: {} hold on all machines, {} differ, {} not judged on every machine\n",
      mc.baseline, holds, differs, open);
  return out;
}

const std::vector<Format>& machine_formats() {
  static const std::vector<Format> formats = {Format::markdown, Format::json, Format::html};
  return formats;
}

std::vector<std::string> write_machine_reports(const MachineComparison& mc, const std::string& dir,
                                               const std::vector<Format>& formats) {
  if (std::find(formats.begin(), formats.end(), Format::csv) != formats.end())
    throw ReportError(
        "bench_results.csv is a run's file: a cross-machine directory has report.md, "
        "results.json and report.html (each machine's run, with its CSV, is in machines/)");
  std::optional<Document> document;
  auto laid_out = [&]() -> const Document& {
    if (!document) document = machines_document(mc);
    return *document;
  };
  return write_formats(dir, formats, [&](Format f) {
    switch (f) {
      case Format::markdown:
        return markdown_report(laid_out());
      case Format::json:
        // Invalid UTF-8 (a worker's stderr in a warning) is replaced, never a reason to fail.
        return machines_json(mc).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
               "\n";
      case Format::html:
        return html_report(laid_out(), dir);
      case Format::csv:
        break;
    }
    return std::string();
  });
}

}  // namespace shootout::report
