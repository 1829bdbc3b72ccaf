#include "report/findings.h"

#include "report/floor.h"
#include "report/model.h"
#include "report/text_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace shootout::report {

namespace {

// The study's table order; the six Tokio-suite families share one table.
const std::vector<std::string>& main_families() {
  static const std::vector<std::string> f = {"spawn_many", "mpsc", "block_on_alloc",
                                             "alloc_stress"};
  return f;
}
const std::vector<std::string>& tokio_suite_families() {
  static const std::vector<std::string> f = {"spawn_many_local",  "spawn_many_remote_idle",
                                             "mpsc_contention",   "mpsc_large",
                                             "block_on_alloc_st", "spawn_st"};
  return f;
}
constexpr const char* kTokioSuiteTitle = "Tokio-suite patterns";

int index_in(const std::vector<std::string>& list, const std::string& s) {
  auto it = std::find(list.begin(), list.end(), s);
  return it == list.end() ? -1 : static_cast<int>(it - list.begin());
}

int allocator_rank(const std::string& allocator) {
  static const std::vector<std::string> order = {"std",      "jemalloc",  "mimalloc",
                                                 "tcmalloc", "tbbmalloc", "snmalloc"};
  const int i = index_in(order, allocator);
  return i < 0 ? static_cast<int>(order.size()) : i;
}

bool case_less(const CaseKey& a, const CaseKey& b) {
  if (a.workload != b.workload) return natural_less(a.workload, b.workload);
  if (payload_rank(a.payload) != payload_rank(b.payload))
    return payload_rank(a.payload) < payload_rank(b.payload);
  return std::tie(a.payload, a.runtime, a.injection) < std::tie(b.payload, b.runtime, b.injection);
}

CaseKey key_of(const CellAnalysis& c) { return {c.workload, c.payload, c.runtime, c.injection}; }

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      // Compare numerically without overflow: strip leading zeros, then length, then digits.
      std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size() - 1));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size() - 1));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

int payload_rank(const std::string& payload) {
  static const std::vector<std::string> order = {"zeroed", "filled", "uninit", "floor", "none"};
  const int i = index_in(order, payload);
  return i < 0 ? static_cast<int>(order.size()) : i;
}

std::string variant_label(const CellAnalysis& cell) {
  return cell.unverified_keys().empty() ? cell.variant : cell.variant + " " + kUnverifiedMark;
}

std::map<std::string, std::string> unverified_variants(const RunModel& model) {
  std::map<std::string, std::string> out;
  for (const auto& c : model.cells)
    if (const auto reason = c.unverified_reason(); !reason.empty()) out.emplace(c.variant, reason);
  return out;
}

std::string baseline_variant(const RunModel& model) {
  for (const auto& c : model.cells)
    if (c.baseline) return c.variant;
  return "std";
}

std::vector<std::string> ordered_variants(const RunModel& model,
                                          const std::vector<const CellAnalysis*>& cells) {
  struct Key {
    std::string variant, allocator, tuning;
  };
  std::map<std::string, Key> seen;
  for (const auto* c : cells) seen.emplace(c->variant, Key{c->variant, c->allocator, c->tuning});
  std::vector<Key> keys;
  for (auto& [v, k] : seen) keys.push_back(k);
  const std::string base = baseline_variant(model);
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if ((a.variant == base) != (b.variant == base)) return a.variant == base;
    if (allocator_rank(a.allocator) != allocator_rank(b.allocator))
      return allocator_rank(a.allocator) < allocator_rank(b.allocator);
    if (a.allocator != b.allocator) return a.allocator < b.allocator;
    if (a.tuning.empty() != b.tuning.empty()) return a.tuning.empty();
    if (a.tuning != b.tuning) return natural_less(a.tuning, b.tuning);
    return a.variant < b.variant;
  });
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.variant);
  return out;
}

RunDimensions run_dimensions(const RunModel& model) {
  std::set<std::string> runtimes, injections;
  for (const auto& c : model.cells) {
    runtimes.insert(c.runtime);
    injections.insert(c.injection);
  }
  return {runtimes.size() > 1, injections.size() > 1};
}

std::string case_label(const CaseKey& key, const RunDimensions& dims) {
  std::string label = key.workload;
  if (!key.payload.empty() && key.payload != "none") label += " " + key.payload;
  if (dims.many_runtimes) label += " " + key.runtime;
  if (dims.many_injections) label += " " + key.injection;
  return label;
}

std::vector<FamilyTable> family_tables(const RunModel& model) {
  count_computation();
  // table title -> cells
  std::map<std::string, std::vector<const CellAnalysis*>> by_table;
  for (const auto& c : model.cells) {
    if (!c.usable() && c.status != CellStatus::failed) continue;
    const bool tokio = index_in(tokio_suite_families(), c.family) >= 0;
    by_table[tokio ? kTokioSuiteTitle : c.family].push_back(&c);
  }
  std::vector<std::string> titles;
  for (const auto& f : main_families())
    if (by_table.count(f)) titles.push_back(f);
  if (by_table.count(kTokioSuiteTitle)) titles.push_back(kTokioSuiteTitle);
  for (const auto& [title, cells] : by_table)  // other families, by name
    if (std::find(titles.begin(), titles.end(), title) == titles.end()) titles.push_back(title);

  std::vector<FamilyTable> tables;
  for (const auto& title : titles) {
    const auto& cells = by_table[title];
    FamilyTable t;
    t.title = title;
    t.variants = ordered_variants(model, cells);
    std::map<CaseKey, CaseRow> rows;
    std::set<std::string> families;
    for (const auto* c : cells) {
      CaseRow& row = rows[key_of(*c)];
      row.key = key_of(*c);
      row.family = c->family;
      row.by_variant[c->variant] = c;
      if (c->baseline && c->usable()) row.baseline = c;
      families.insert(c->family);
    }
    for (auto& [key, row] : rows) t.rows.push_back(std::move(row));
    std::sort(t.rows.begin(), t.rows.end(), [&](const CaseRow& a, const CaseRow& b) {
      // Tokio-suite rows follow the study's pattern order, then cases.
      const int fa = index_in(tokio_suite_families(), a.family);
      const int fb = index_in(tokio_suite_families(), b.family);
      if (fa != fb) return fa < fb;
      return case_less(a.key, b.key);
    });
    for (auto& row : t.rows) {
      row.best = best_vs_baseline(row);
      row.driver = summary_driver(row, row.best);
    }
    t.families.assign(families.begin(), families.end());
    tables.push_back(std::move(t));
  }
  return tables;
}

BestVsBaseline best_vs_baseline(const CaseRow& row) {
  count_computation();
  BestVsBaseline out;
  if (row.baseline) out.baseline_variant = row.baseline->variant;
  std::vector<const CellAnalysis*> candidates;
  for (const auto& [variant, c] : row.by_variant)
    // A --probes off/strace variant measures the tool, not an allocator.
    if (c->usable() && !c->baseline && !c->measures_tool() && c->ratio && c->ratio->rounds >= 2)
      candidates.push_back(c);
  if (candidates.empty()) return out;
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
    return a->ratio->ratio.point < b->ratio->ratio.point;
  });
  out.best = candidates.front();
  if (candidates.back()->ratio->verdict == stats::Verdict::slower) out.slowest = candidates.back();
  if (out.best->ratio->verdict == stats::Verdict::faster) {
    out.outcome = BestVsBaseline::Outcome::faster;
    for (const auto* c : candidates)
      if (c->ratio->verdict == stats::Verdict::faster &&
          (c == out.best || c->ratio->ratio.lower <= out.best->ratio->ratio.upper))
        out.winners.push_back(c);
    return out;
  }
  const bool all_slower = std::all_of(candidates.begin(), candidates.end(), [](const auto* c) {
    return c->ratio->verdict == stats::Verdict::slower;
  });
  const auto too_few = std::find_if(candidates.begin(), candidates.end(), [](const auto* c) {
    return c->ratio->verdict == stats::Verdict::too_few_rounds;
  });
  out.outcome = all_slower                    ? BestVsBaseline::Outcome::baseline_best
                : too_few != candidates.end() ? BestVsBaseline::Outcome::too_few
                                              : BestVsBaseline::Outcome::no_difference;
  if (too_few != candidates.end()) out.too_few = *too_few;
  return out;
}

std::string winner_text(const BestVsBaseline& best) {
  switch (best.outcome) {
    case BestVsBaseline::Outcome::faster: {
      std::string names;
      for (const auto* w : best.winners) names += (names.empty() ? "" : " ≈ ") + variant_label(*w);
      return names;
    }
    case BestVsBaseline::Outcome::baseline_best:
      return best.baseline_variant;
    case BestVsBaseline::Outcome::no_difference:
      return "no significant difference";
    case BestVsBaseline::Outcome::too_few:
      return stats::verdict_text(*best.too_few->ratio);
    case BestVsBaseline::Outcome::no_data:
      break;
  }
  return "—";
}

stats::Interval speedup(const stats::Interval& ratio) {
  return {1 / ratio.point, 1 / ratio.upper, 1 / ratio.lower};
}

std::string best_ratio_text(const BestVsBaseline& best) {
  if (!best.best) return "—";
  if (best.outcome == BestVsBaseline::Outcome::baseline_best)
    return "1× (next: " + variant_label(*best.best) + " " +
           text::ratio_with_ci(best.best->ratio->ratio) + " slower)";
  return text::ratio_with_ci(speedup(best.best->ratio->ratio));
}

std::string summary_driver(const CaseRow& row, const BestVsBaseline& best) {
  count_computation();
  if (!row.baseline || !best.best) return "";
  switch (best.outcome) {
    case BestVsBaseline::Outcome::faster:
      return fmt::format("{} {} slower than {}: {}", row.baseline->variant,
                         text::ratio(1 / best.best->ratio->ratio.point), best.best->variant,
                         cell_gap_driver(*row.baseline, *best.best).text);
    case BestVsBaseline::Outcome::baseline_best:
      return fmt::format("{} {} slower than {}: {}", best.best->variant,
                         text::ratio(best.best->ratio->ratio.point), row.baseline->variant,
                         cell_gap_driver(*best.best, *row.baseline).text);
    case BestVsBaseline::Outcome::no_difference:
      return "no significant difference to explain";
    case BestVsBaseline::Outcome::too_few:
      return "no verdict to explain";
    case BestVsBaseline::Outcome::no_data:
      break;
  }
  return "";
}

std::vector<std::string> allocation_share_sentences(const std::vector<FamilyTable>& tables,
                                                    const RunDimensions& dims) {
  count_computation();
  std::vector<std::string> out;
  for (const auto& table : tables)
    for (const auto& row : table.rows) {
      if (!row.baseline || !row.baseline->floor_share) continue;
      const stats::Interval& s = row.baseline->floor_share->share;
      std::string sentence =
          fmt::format("allocation is {} ({}–{}) of {}'s time in {}", text::percent(s.point),
                      text::percent(s.lower), text::percent(s.upper), row.baseline->variant,
                      case_label(row.key, dims));
      const BestVsBaseline& best = row.best;
      if (best.outcome == BestVsBaseline::Outcome::faster && best.best->floor_share) {
        if (const auto& speedup = best.best->floor_share->speedup)
          sentence += fmt::format("; on allocation alone {} is {} slower than {} (on the whole {})",
                                  row.baseline->variant, text::ratio(*speedup), best.best->variant,
                                  text::ratio(1 / best.best->ratio->ratio.point));
        else
          sentence +=
              fmt::format("; {}'s allocation time is within the floor's noise", best.best->variant);
      }
      out.push_back(sentence);
    }
  return out;
}

std::vector<const CellAnalysis*> root_cause_cells(const std::vector<FamilyTable>& tables) {
  count_computation();
  std::vector<const CellAnalysis*> all, chosen;
  std::size_t cases = 0;
  for (const auto& t : tables) {
    cases += t.rows.size();
    for (const auto& row : t.rows)
      for (const auto& variant : t.variants) {
        auto it = row.by_variant.find(variant);
        if (it == row.by_variant.end() || !it->second->usable()) continue;
        const CellAnalysis* c = it->second;
        all.push_back(c);
        const bool large_mpsc = c->family == "mpsc" && c->workload_info.payload_bytes >= 4096;
        if (large_mpsc || c->family == "mpsc_large" || c->family == "block_on_alloc_st")
          chosen.push_back(c);
      }
  }
  return (cases <= kRootCauseAllCases || chosen.empty()) ? all : chosen;
}

const char* to_string(TuningEffect::Effect effect) {
  switch (effect) {
    case TuningEffect::Effect::win:
      return "win";
    case TuningEffect::Effect::loss:
      return "loss";
    case TuningEffect::Effect::no_difference:
      return "no difference";
    case TuningEffect::Effect::too_few:
      return "too few rounds";
  }
  return "unknown";
}

std::vector<TuningEffect> tuning_effects(const RunModel& model) {
  count_computation();
  std::vector<TuningEffect> out;
  for (const auto& tuned : model.cells) {
    if (tuned.tuning.empty() || !tuned.usable()) continue;
    const CellAnalysis* untuned = nullptr;
    for (const auto& c : model.cells)
      if (c.usable() && c.tuning.empty() && c.allocator == tuned.allocator &&
          c.probes == tuned.probes && key_of(c) == key_of(tuned))
        untuned = &c;
    if (!untuned) continue;
    if (per_round_ratios(tuned, *untuned).empty()) continue;
    TuningEffect e;
    e.untuned = untuned;
    e.tuned = &tuned;
    e.change = paired_ratio(tuned, *untuned, model.options);
    if (e.change.verdict == stats::Verdict::faster) e.effect = TuningEffect::Effect::win;
    if (e.change.verdict == stats::Verdict::slower) e.effect = TuningEffect::Effect::loss;
    if (e.change.verdict == stats::Verdict::too_few_rounds)
      e.effect = TuningEffect::Effect::too_few;
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const TuningEffect& a, const TuningEffect& b) {
    if (a.tuned->variant != b.tuned->variant)
      return natural_less(a.tuned->variant, b.tuned->variant);
    const std::string& fa = a.tuned->family;
    const std::string& fb = b.tuned->family;
    if (fa != fb) return fa < fb;
    return case_less(key_of(*a.tuned), key_of(*b.tuned));
  });
  return out;
}

std::vector<std::string> unsteady_cell_warnings(const RunModel& model) {
  count_computation();
  const RunDimensions dims = run_dimensions(model);
  std::vector<std::string> lines;
  for (const auto& c : model.cells) {
    if (!c.steady_state || c.steady_state->steady.value_or(true)) continue;
    // A drift matters only where the counter could name a cause: below the
    // key drivers' negligible rate (0.01 per element) on both sides it cannot
    // (in an A/A run over the default plan, 27 of 78 cells were flagged for
    // e.g. 0.8 -> 0.03 faults per 1000-message iteration, none above it).
    const double elements = c.workload_info.elements_per_iteration > 0
                                ? static_cast<double>(c.workload_info.elements_per_iteration)
                                : 1.0;
    std::string drifts;
    for (const auto& d : c.steady_state->drifting) {
      if (std::max(d.first_per_iteration, d.last_per_iteration) / elements <
          thresholds::kNegligiblePerElement)
        continue;
      drifts += (drifts.empty() ? "" : ", ") + d.counter + " " +
                text::number(d.first_per_iteration) + " → " + text::number(d.last_per_iteration);
    }
    if (drifts.empty()) continue;
    lines.push_back(
        "Not steady: " + case_label({c.workload, c.payload, c.runtime, c.injection}, dims) + " " +
        c.variant + ": " + drifts +
        " per iteration (first → last third of the rounds); a longer warm-up "
        "(--warm-up-time) may settle it.");
  }
  return lines;
}

}  // namespace shootout::report
