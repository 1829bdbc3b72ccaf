#include "report/machines.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "report/compare.h"
#include "report/report.h"

namespace shootout::report {

namespace {

using CellKey = std::tuple<CaseKey, std::string>;  // case, variant
CellKey key_of(const CellAnalysis& c) {
  return {CaseKey{c.workload, c.payload, c.runtime, c.injection}, c.variant};
}

// A machine's finding, or why it has none.
struct Judgement {
  std::optional<std::string> verdict;
  std::string otherwise;  // when there is no verdict: "too few rounds", "not measured"
};

// "faster on A and C; slower on B": per value, the machines that have it.
std::string grouped(const std::vector<std::pair<std::string, std::string>>& value_label) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> labels;
  for (const auto& [value, label] : value_label) {
    if (!labels.count(value)) order.push_back(value);
    labels[value].push_back(label);
  }
  std::string out;
  for (const auto& v : order) {
    // Labels hold commas ("x86_64, 4 KiB pages"): joined by "and".
    std::string who;
    for (const auto& l : labels[v]) who += (who.empty() ? "" : " and ") + l;
    out += (out.empty() ? "" : "; ") + v + " on " + who;
  }
  return out;
}

std::pair<Agreement, std::string> agreement_of(const std::vector<Judgement>& judged,
                                               const std::vector<MachineRun>& machines) {
  std::set<std::string> verdicts;
  std::vector<std::pair<std::string, std::string>> all;
  bool every_machine = true;
  for (std::size_t i = 0; i < judged.size(); ++i) {
    const std::string& label = machines[i].entry.label;
    if (judged[i].verdict) {
      verdicts.insert(*judged[i].verdict);
      all.emplace_back(*judged[i].verdict, label);
    } else {
      every_machine = false;
      all.emplace_back(judged[i].otherwise, label);
    }
  }
  if (verdicts.size() > 1) return {Agreement::differs, "differs: " + grouped(all)};
  if (every_machine && verdicts.size() == 1)
    return {Agreement::holds, "holds on all machines: " + *verdicts.begin()};
  return {Agreement::not_judged, "not judged on every machine: " + grouped(all)};
}

Judgement judge_ratio(const CellAnalysis* c) {
  if (!c) return {std::nullopt, "not run"};
  if (c->status == CellStatus::failed) return {std::nullopt, "failed"};
  if (!c->usable() || !c->ratio) return {std::nullopt, "no ratio"};
  switch (c->ratio->verdict) {
    case stats::Verdict::faster:
      return {"faster", ""};
    case stats::Verdict::slower:
      return {"slower", ""};
    case stats::Verdict::no_difference:
    case stats::Verdict::within_noise:
      return {"no significant difference", ""};
    case stats::Verdict::too_few_rounds:
      break;
  }
  return {std::nullopt, "too few rounds"};
}

Judgement judge_case(const CaseRow* row) {
  if (!row) return {std::nullopt, "not run"};
  switch (row->best.outcome) {
    case BestVsBaseline::Outcome::faster:
    case BestVsBaseline::Outcome::baseline_best:
    case BestVsBaseline::Outcome::no_difference:
      return {winner_text(row->best), ""};
    case BestVsBaseline::Outcome::too_few:
      return {std::nullopt, "too few rounds"};
    case BestVsBaseline::Outcome::no_data:
      break;
  }
  return {std::nullopt, "no ratio"};
}

Judgement judge_tuning(const TuningEffect* e) {
  if (!e) return {std::nullopt, "not run"};
  if (e->effect == TuningEffect::Effect::too_few) return {std::nullopt, "too few rounds"};
  return {to_string(e->effect), ""};
}

}  // namespace

const char* to_string(Agreement agreement) {
  switch (agreement) {
    case Agreement::holds:
      return "holds";
    case Agreement::differs:
      return "differs";
    case Agreement::not_judged:
      return "not judged";
    case Agreement::baseline:
      return "baseline";
  }
  return "?";
}

MachineComparison compare_machines(std::vector<MachineRun> machines) {
  count_computation();
  if (machines.size() < 2)
    throw MismatchedRunsError("a cross-machine report needs the runs of at least two machines");
  std::vector<std::pair<std::string, std::string>> baselines;
  for (const auto& m : machines) baselines.emplace_back(m.model.baseline, m.entry.label);
  for (const auto& [baseline, label] : baselines)
    if (baseline != baselines.front().first)
      throw MismatchedRunsError(
          "the runs take their ratios against different baselines: " + grouped(baselines) +
          "; run every machine with the same --baseline");

  MachineComparison out;
  out.machines = std::move(machines);  // the models stay where they are: pointers below hold
  const auto& ms = out.machines;
  const std::size_t n = ms.size();
  out.baseline = ms.front().model.baseline;
  for (const auto& m : ms) {
    out.dims.many_runtimes = out.dims.many_runtimes || m.model.dims.many_runtimes;
    out.dims.many_injections = out.dims.many_injections || m.model.dims.many_injections;
  }

  // Each other machine against the first: the two-run comparison.
  std::vector<std::map<CellKey, stats::RatioChange>> changes(n);
  for (std::size_t i = 1; i < n; ++i) {
    const Comparison pair = compare_runs(ms.front().model, ms[i].model);
    for (const auto& c : pair.cells)
      if (c.change) changes[i].emplace(key_of(*c.a), *c.change);
  }

  // Rows in reading order: each machine's family tables (the first
  // machine's, then what only the others have), cases, variant columns.
  std::map<CellKey, std::size_t> cell_row;
  std::map<CaseKey, std::size_t> case_row;
  std::vector<std::map<CellKey, const CellAnalysis*>> cells_of(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& c : ms[i].model.run.cells) cells_of[i].emplace(key_of(c), &c);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& table : ms[i].model.tables)
      for (const auto& row : table.rows) {
        if (case_row.emplace(row.key, out.cases.size()).second)
          out.cases.push_back({row.key, row.family, std::vector<const CaseRow*>(n), {}, {}});
        out.cases[case_row.at(row.key)].rows[i] = &row;
        for (const auto& variant : table.variants) {
          if (!row.by_variant.count(variant)) continue;
          const CellKey key{row.key, variant};
          if (!cell_row.emplace(key, out.cells.size()).second) continue;
          MachineCellRow r;
          r.key = row.key;
          r.family = row.family;
          r.variant = variant;
          for (std::size_t m = 0; m < n; ++m) {
            auto it = cells_of[m].find(key);
            r.cells.push_back(it == cells_of[m].end() ? nullptr : it->second);
            auto change = changes[m].find(key);
            r.versus_first.push_back(change == changes[m].end()
                                         ? std::nullopt
                                         : std::optional<stats::RatioChange>(change->second));
          }
          out.cells.push_back(std::move(r));
        }
      }

  for (auto& r : out.cells) {
    bool baseline = true;
    for (const auto* c : r.cells) baseline = baseline && (!c || c->baseline);
    if (baseline) {
      r.agreement = Agreement::baseline;
      r.agreement_text = "baseline";
    } else {
      std::vector<Judgement> judged;
      for (const auto* c : r.cells) judged.push_back(judge_ratio(c));
      std::tie(r.agreement, r.agreement_text) = agreement_of(judged, ms);
    }
    std::vector<std::string> absent;
    for (std::size_t m = 0; m < n; ++m)
      if (!r.cells[m]) absent.push_back(ms[m].entry.label);
    if (!absent.empty()) {
      const CellAnalysis* any = nullptr;
      for (const auto* c : r.cells) any = any ? any : c;
      std::string labels;
      for (const auto& l : absent) labels += (labels.empty() ? "" : "; ") + l;
      out.partial.push_back(any->id + " (not on " + labels + ")");
    }
  }
  for (auto& r : out.cases) {
    std::vector<Judgement> judged;
    for (const auto* row : r.rows) judged.push_back(judge_case(row));
    std::tie(r.agreement, r.agreement_text) = agreement_of(judged, ms);
  }

  std::set<std::size_t> root;
  for (const auto& m : ms)
    for (const auto* c : m.model.root_cause)
      if (auto it = cell_row.find(key_of(*c)); it != cell_row.end()) root.insert(it->second);
  out.root_cause.assign(root.begin(), root.end());

  std::map<CellKey, std::size_t> tuning_row;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& e : ms[i].model.tuning) {
      const CellKey key = key_of(*e.tuned);
      auto [it, inserted] = tuning_row.emplace(key, out.tuning.size());
      if (inserted)
        out.tuning.push_back(
            {std::get<0>(key), std::get<1>(key), std::vector<const TuningEffect*>(n), {}, {}});
      out.tuning[it->second].effects[i] = &e;
    }
  for (auto& r : out.tuning) {
    std::vector<Judgement> judged;
    for (const auto* e : r.effects) judged.push_back(judge_tuning(e));
    std::tie(r.agreement, r.agreement_text) = agreement_of(judged, ms);
  }

  std::map<std::string, std::size_t> footprint_row;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& f : ms[i].model.footprints) {
      auto [it, inserted] = footprint_row.emplace(f.variant, out.footprints.size());
      if (inserted) out.footprints.push_back({f.variant, std::vector<const VariantFootprint*>(n)});
      out.footprints[it->second].footprints[i] = &f;
    }
  return out;
}

MachineComparison analyse_machines(const journal::MachineSet& set,
                                   const std::vector<std::string>& run_dirs) {
  std::vector<MachineRun> machines;
  for (std::size_t i = 0; i < set.machines.size() && i < run_dirs.size(); ++i)
    machines.push_back({set.machines[i], analyse(run_dirs[i])});
  return compare_machines(std::move(machines));
}

bool is_machine_set(const std::string& dir) {
  return std::filesystem::is_regular_file(std::filesystem::path(dir) / journal::kMachineSetFile);
}

MachineComparison analyse_machine_set(const std::string& dir) {
  const std::string path = dir + "/" + journal::kMachineSetFile;
  std::ifstream in(path);
  if (!in) throw ReportError("cannot read " + path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) throw ReportError(path + " is not valid JSON");
  journal::MachineSet set;
  try {
    set = j.get<journal::MachineSet>();
  } catch (const std::invalid_argument& e) {
    throw ReportError(dir + ": " + e.what());
  }
  std::vector<std::string> run_dirs;
  for (const auto& m : set.machines) run_dirs.push_back(dir + "/" + m.dir);
  return analyse_machines(set, run_dirs);
}

}  // namespace shootout::report
