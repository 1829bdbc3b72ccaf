#include "report/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "report/findings.h"
#include "report/manifest_view.h"
#include "report/model.h"
#include "report/report.h"
#include "report/text_format.h"

namespace shootout::report {

namespace {

// What makes two runs of a workload the same experiment.
struct WorkloadSpec {
  WorkloadInfo info;
  std::vector<std::pair<std::string, std::string>> params() const {
    return {{"family", info.family},
            {"pool_threads", std::to_string(info.pool_threads)},
            {"runtime_kind", info.runtime_kind},
            {"wait_mode", info.wait_mode},
            {"pinned", info.pinned ? "true" : "false"},
            {"elements_per_iteration", std::to_string(info.elements_per_iteration)},
            {"payload_bytes", std::to_string(info.payload_bytes)}};
  }
};

std::map<std::string, WorkloadSpec> workload_specs(const RunModel& m) {
  std::map<std::string, WorkloadSpec> specs;
  for (const auto& c : m.cells) {
    auto [it, inserted] = specs.emplace(c.workload, WorkloadSpec{c.workload_info});
    // Failed-at-start cells have no workload_info: prefer one that has.
    if (!inserted && it->second.info.name.empty()) it->second.info = c.workload_info;
  }
  return specs;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string table_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + text::escape_markdown(c) + " |";
  return out + "\n";
}

std::string table_head(const std::vector<std::string>& header, const std::vector<bool>& numeric) {
  std::string out = table_row(header) + "|";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += (i < numeric.size() && numeric[i]) ? " ---: |" : " --- |";
  return out + "\n";
}

using MatchKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;
MatchKey match_key(const CellAnalysis& c) {
  return {c.workload, c.payload, c.runtime, c.injection, c.variant};
}

std::string time_text(const CellAnalysis& c) {
  if (c.status == CellStatus::failed) return "failed";
  if (!c.time) return "no samples";
  return text::duration_with_ci(c.time->median);
}

}  // namespace

void require_same_workloads(const RunModel& a, const RunModel& b) {
  const auto sa = workload_specs(a), sb = workload_specs(b);
  std::vector<std::string> only_a, only_b, differ;
  for (const auto& [name, spec] : sa)
    if (!sb.count(name)) only_a.push_back(name);
  for (const auto& [name, spec] : sb)
    if (!sa.count(name)) only_b.push_back(name);
  for (const auto& [name, spec] : sa) {
    auto it = sb.find(name);
    if (it == sb.end() || spec.info.name.empty() || it->second.info.name.empty()) continue;
    const auto pa = spec.params(), pb = it->second.params();
    for (std::size_t i = 0; i < pa.size(); ++i)
      if (pa[i].second != pb[i].second)
        differ.push_back(fmt::format("{}: {} is {} in A, {} in B", name, pa[i].first, pa[i].second,
                                     pb[i].second));
  }
  if (only_a.empty() && only_b.empty() && differ.empty()) return;
  std::string msg = "cannot compare " + a.run_dir + " (A) with " + b.run_dir +
                    " (B): their workload specs differ";
  if (!only_a.empty()) msg += "; only in A: " + join(only_a);
  if (!only_b.empty()) msg += "; only in B: " + join(only_b);
  if (!differ.empty()) msg += "; " + join(differ);
  throw MismatchedRunsError(
      msg + ". Compare runs of the same workloads (same -w selection and parameters).");
}

namespace {

// The two runs' cross-CPU round trips: whether their channel cells were
// measured on a machine in the same state.
std::string machine_state_section(const RunModel& a, const RunModel& b) {
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const auto ta = a.cross_cpu_round_trips(), tb = b.cross_cpu_round_trips();
  if (ta.empty() || tb.empty()) return "";
  const double ma = median(ta), mb = median(tb);
  std::string out = "## Machine state\n\n";
  out += fmt::format(
      "Cross-CPU round trip (a cache line passed between two threads pinned to two CPUs, "
      "before and after each group): A {:.0f} ns, B {:.0f} ns (medians).",
      ma, mb);
  const double shift = std::max(ma, mb) / std::min(ma, mb);
  if (shift > thresholds::kCrossCpuShift)
    out += fmt::format(
        " They differ {:.1f}×: cells whose threads wake each other (channels, spawns) ran on a "
        "machine in another state, so their ratios may differ between the runs for that reason, "
        "not because of the allocators.",
        shift);
  return out + "\n\n";
}

}  // namespace

Comparison compare_runs(const ReportModel& model_a, const ReportModel& model_b) {
  count_computation();
  const RunModel& a = model_a.run;
  const RunModel& b = model_b.run;
  require_same_workloads(a, b);
  Comparison out{model_a, model_b, {}, {}, {}};
  std::map<MatchKey, const CellAnalysis*> cells_b;
  for (const auto& c : b.cells) cells_b[match_key(c)] = &c;
  std::vector<const CellAnalysis*> ordered;
  for (const auto& c : a.cells) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(), [&](const auto* x, const auto* y) {
    if (x->workload != y->workload) return natural_less(x->workload, y->workload);
    if (x->payload != y->payload) return payload_rank(x->payload) < payload_rank(y->payload);
    return std::tie(x->runtime, x->injection) < std::tie(y->runtime, y->injection);
  });
  std::set<MatchKey> matched;
  for (const auto* ca : ordered) {
    auto it = cells_b.find(match_key(*ca));
    if (it == cells_b.end()) {
      out.only_a.push_back(ca->id);
      continue;
    }
    const CellAnalysis* cb = it->second;
    matched.insert(match_key(*ca));
    CellComparison row{ca, cb, std::nullopt};
    if (ca->ratio && cb->ratio && ca->usable() && cb->usable())
      row.change = stats::ratio_of_independent_ratios(ca->per_process_ratios,
                                                      cb->per_process_ratios, a.options.ratio);
    out.cells.push_back(row);
  }
  for (const auto& c : b.cells)
    if (!matched.count(match_key(c))) out.only_b.push_back(c.id);
  return out;
}

std::string compare_markdown(const Comparison& comparison) {
  const RunModel& a = comparison.a.run;
  const RunModel& b = comparison.b.run;
  const std::string& dir_a = a.run_dir;
  const std::string& dir_b = b.run_dir;
  std::string out = "# Comparison of two runs\n\n";
  out += "- A: " + text::escape_markdown(dir_a) + "\n- B: " + text::escape_markdown(dir_b) + "\n\n";

  out += "## Manifest differences\n\n";
  const auto fa = flatten_manifest(a.manifest), fb = flatten_manifest(b.manifest);
  std::map<std::string, std::string> ma(fa.begin(), fa.end()), mb(fb.begin(), fb.end());
  std::set<std::string> keys;
  for (const auto& [k, v] : fa) keys.insert(k);
  for (const auto& [k, v] : fb) keys.insert(k);
  std::string rows;
  std::vector<std::string> expected;  // times, load: differ between any two runs
  for (const auto& k : keys) {
    auto ia = ma.find(k), ib = mb.find(k);
    const std::string va = ia == ma.end() ? "—" : ia->second;
    const std::string vb = ib == mb.end() ? "—" : ib->second;
    if (ia != ma.end() && ib != mb.end() && va == vb) continue;
    if (is_volatile_manifest_field(k))
      expected.push_back(k);
    else
      rows += table_row({k, va, vb});
  }
  out += rows.empty() ? "The manifests agree in every field that describes the machine, software "
                        "and plan.\n\n"
                      : table_head({"Field", "A", "B"}, {}) + rows + "\n";
  if (!expected.empty())
    out += "Also different, as between any two runs: " + text::escape_markdown(join(expected)) +
           ".\n\n";

  out += machine_state_section(a, b);

  const std::string &base_a = comparison.a.baseline, &base_b = comparison.b.baseline;
  out += "## Cells\n\n";
  out += fmt::format(
      "Matched by workload, payload, runtime, injection and variant. Ratio = time ÷ the same "
      "run's {} (geometric mean of per-round ratios). Ratio of ratios = B's ratio ÷ A's, with a "
      "95 % Welch t interval on the difference of the two runs' mean log ratios (each run's "
      "units: its rounds, or its process means when they do not agree closely); a change needs "
      "that CI outside ±{} and p < {} in a rank-sum test of A's units against B's. Below 1: the "
      "variant gained on {} in B.\n\n",
      base_a == base_b ? base_a : base_a + " / " + base_b, text::percent(a.options.ratio.noise),
      a.options.ratio.significance, base_b);
  const RunDimensions& dims = comparison.a.dims;
  out += table_head({"Case", "Variant", "Time A", "Time B", "Ratio A", "Ratio B",
                     "Ratio of ratios (95 % CI)", "Change"},
                    {false, false, true, true, true, true, true, false});
  for (const auto& [ca, cb, ratio_change] : comparison.cells) {
    std::string ra = ca->baseline ? "baseline" : "—", rb = cb->baseline ? "baseline" : "—";
    std::string ror = "—", change = "—";
    if (ca->ratio) ra = text::ratio_with_ci(ca->ratio->ratio);
    if (cb->ratio) rb = text::ratio_with_ci(cb->ratio->ratio);
    if (ratio_change) {
      ror = text::ratio_with_ci(ratio_change->ratio);
      change = stats::change_text(*ratio_change);
    }
    // A tuning that could not be read back is marked, in whichever run it was.
    std::string variant = ca->variant;
    const bool unverified_a = !ca->unverified_keys().empty();
    const bool unverified_b = !cb->unverified_keys().empty();
    if (unverified_a || unverified_b)
      variant += std::string(" ") + kUnverifiedMark +
                 (unverified_a && unverified_b ? ""
                  : unverified_a               ? " in A"
                                               : " in B");
    out += table_row({case_label({ca->workload, ca->payload, ca->runtime, ca->injection}, dims),
                      variant, time_text(*ca), time_text(*cb), ra, rb, ror, change});
  }
  out += "\n";
  const auto &unverified_a = comparison.a.unverified, &unverified_b = comparison.b.unverified;
  if (!unverified_a.empty() || !unverified_b.empty()) {
    out += "## Unverified tunings\n\n";
    out +=
        "Settings the worker could not read back from the allocator: nothing shows they took "
        "effect.\n\n";
    for (const auto& [variant, reason] : unverified_a)
      out += "- A: " + text::escape_markdown(variant + ": " + reason) + "\n";
    for (const auto& [variant, reason] : unverified_b)
      out += "- B: " + text::escape_markdown(variant + ": " + reason) + "\n";
    out += "\n";
  }
  if (!comparison.only_a.empty() || !comparison.only_b.empty()) {
    out += "## Cells in one run only\n\n";
    for (const auto& id : comparison.only_a)
      out += "- only in A: " + text::escape_markdown(id) + "\n";
    for (const auto& id : comparison.only_b)
      out += "- only in B: " + text::escape_markdown(id) + "\n";
    out += "\n";
  }
  out.pop_back();
  return out;
}

std::string compare(const ReportModel& a, const ReportModel& b) {
  return compare_markdown(compare_runs(a, b));
}

std::string compare(const std::string& dir_a, const std::string& dir_b) {
  return compare(analyse(dir_a), analyse(dir_b));
}

}  // namespace shootout::report
