#include "report/analysis.h"
#include "report/floor.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "journal/journal.h"
#include "journal/records.h"
#include "report/model.h"
#include "report/text_format.h"

namespace shootout::report {

using nlohmann::json;

const char* to_string(CellStatus status) {
  switch (status) {
    case CellStatus::ok:
      return "ok";
    case CellStatus::incomplete:
      return "incomplete";
    case CellStatus::failed:
      return "failed";
  }
  return "unknown";
}

std::optional<double> CellAnalysis::per_iteration(const std::string& counter) const {
  auto it = counters.find(counter);
  if (it == counters.end()) return std::nullopt;
  return it->second.per_iteration;
}

std::optional<double> CellAnalysis::per_element(const std::string& counter) const {
  auto it = counters.find(counter);
  if (it == counters.end()) return std::nullopt;
  return it->second.per_element;
}

std::optional<double> CellAnalysis::page_faults_per_iteration() const {
  const auto minor = per_iteration("minor_faults");
  const auto major = per_iteration("major_faults");
  if (!minor && !major) return std::nullopt;
  return minor.value_or(0) + major.value_or(0);
}

std::optional<double> CellAnalysis::page_faults_per_element() const {
  const auto faults = page_faults_per_iteration();
  if (!faults || workload_info.elements_per_iteration == 0) return std::nullopt;
  return *faults / static_cast<double>(workload_info.elements_per_iteration);
}

std::string CellAnalysis::source_of(const std::string& counter) const {
  for (const auto& s : counter_sources)
    if (s.name == counter) return s.source.value_or("");
  return "";
}

std::vector<TuningKey> CellAnalysis::unverified_keys() const {
  std::vector<TuningKey> out;
  for (const auto& k : tuning_keys)
    if (k.status == "unverified") out.push_back(k);
  return out;
}

std::string CellAnalysis::unverified_reason() const {
  std::string out;
  for (const auto& k : unverified_keys())
    out += (out.empty() ? "" : "; ") + k.key + ":" + k.asked + ": " + k.how;
  return out;
}

const CellAnalysis* RunModel::find(const std::string& cell_id) const {
  for (const auto& c : cells)
    if (c.id == cell_id) return &c;
  return nullptr;
}

std::vector<double> RunModel::cross_cpu_round_trips() const {
  std::vector<double> out;
  for (const auto& r : cross_cpu)
    for (const auto& v : {r.before_ns, r.after_ns})
      if (v) out.push_back(*v);
  return out;
}

namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

journal::Manifest read_manifest(const std::string& run_dir) {
  const std::string path = run_dir + "/manifest.json";
  if (!is_file(path))
    throw ReportError(run_dir +
                      " has no manifest.json: not a run directory (or the run never started)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  json manifest = json::parse(text.str(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object())
    throw ReportError(path + ": not a JSON object");
  return manifest.get<journal::Manifest>();
}

// The identity of a cell record ("cell", "cell_failed"; a sample's cell id
// until its cell record is read).
void apply_identity(const journal::CellIdentity& id, CellAnalysis& c) {
  c.id = id.cell;
  if (!id.group.empty()) c.group = id.group;
  c.workload = id.workload;
  c.payload = id.payload;
  c.runtime = id.runtime;
  c.variant = id.variant;
  c.injection = id.injection;
  c.allocator = id.allocator;
  c.tuning = id.tuning;
  c.probes = id.probes;
  c.family = id.family;
}

void read_cell_record(const journal::CellRecord& r, CellAnalysis& c) {
  apply_identity(r.identity, c);
  if (!r.verification.is_null()) c.verification = r.verification;
  c.baseline = r.identity.baseline;
  c.baseline_cell = r.identity.baseline_cell;
  c.object = r.identity.object;
  c.workload_info = r.workload_info;
  c.workload_info_json = r.workload_info;
  if (c.family.empty()) c.family = c.workload_info.family;
  c.counter_sources = r.counters;
  c.plan_mode = r.plan_mode;
  c.tuning_keys.clear();
  if (r.tuning_check)
    for (const auto& k : r.tuning_check->keys)
      c.tuning_keys.push_back({k.key, k.asked, k.effective, alloc::to_string(k.status), k.how});
}

CellSample read_sample(const journal::SampleRecord& r) {
  CellSample s;
  s.round = r.round;
  s.position = r.position;
  s.process = r.process.value_or(0);
  s.iters = static_cast<double>(r.measured.iters);
  s.ns = static_cast<double>(r.measured.ns);
  for (const auto& [name, total] : r.measured.counters)
    s.counters[name] = static_cast<double>(total);
  s.counter_iters = s.iters;
  if (r.counted_process) {
    s.counter_iters = static_cast<double>(r.counted_process->iters);
    s.process_measured_ns = static_cast<double>(r.counted_process->measured_ns);
    s.process_wall_ns = static_cast<double>(r.counted_process->wall_ns);
  }
  if (r.measured.rss_kib) s.rss_kib = static_cast<double>(*r.measured.rss_kib);
  if (r.measured.hwm_kib) s.hwm_kib = static_cast<double>(*r.measured.hwm_kib);
  s.hwm_scope = r.measured.hwm_scope;
  s.other_cpu_share = r.other_cpu_share;
  if (r.harness_cpu_ns) s.harness_cpu_ns = static_cast<double>(*r.harness_cpu_ns);
  // A window without time or CPUs says nothing about the machine.
  if (r.load && r.load->window_ns > 0 && r.load->cpus > 0)
    s.load = CellSample::Load{
        static_cast<double>(r.load->window_ns), static_cast<double>(r.load->cpus),
        static_cast<double>(r.load->busy_ns), static_cast<double>(r.load->steal_ns),
        static_cast<double>(r.load->run_ns)};
  return s;
}

AllocationProfile read_profile(const journal::ProfileRecord& r) {
  AllocationProfile p;
  p.group = r.group;
  p.workload = r.workload;
  p.payload = r.payload;
  p.runtime = r.runtime;
  p.iters = static_cast<double>(r.counted.iters);
  p.calls = static_cast<double>(r.counted.calls);
  p.bytes = static_cast<double>(r.counted.bytes);
  p.frees = static_cast<double>(r.counted.frees);
  return p;
}

CallTrace read_trace(const journal::TraceRecord& r) {
  CallTrace t;
  t.cell = r.cell;
  t.iters = static_cast<double>(r.traced.iters);
  t.source = r.traced.source.value_or("");
  t.detail = r.traced.detail;
  t.file = r.file;
  t.lost = static_cast<double>(r.traced.lost);
  for (const auto& k : r.traced.summary)
    t.kinds.push_back({k.kind, static_cast<double>(k.count), k.text});
  return t;
}

SteadyState read_steady_state(const journal::SteadyStateRecord& r) {
  SteadyState s;
  s.steady = r.steady;
  s.why = r.why;
  for (const auto& [name, c] : r.counters)
    if (!c.agree) s.drifting.push_back({name, c.first_per_iteration, c.last_per_iteration});
  return s;
}

// `identified`: the cell's own record was read; its identity stands (an
// older cell_failed record may lack fields the cell record has).
void read_failure(const journal::CellFailedRecord& r, CellAnalysis& c, bool identified) {
  if (!identified) apply_identity(r.identity, c);
  if (!r.verification.is_null()) c.verification = r.verification;
  c.failure = Failure{r.phase, r.reason, r.exit_code, r.signal, r.stderr_tail};
  c.status = CellStatus::failed;
}

CounterRates rates_of(const CellAnalysis& c) {
  const bool per_element = c.workload_info.elements_per_iteration > 0;
  auto rate = [&](const char* name) {
    return per_element ? c.per_element(name) : c.per_iteration(name);
  };
  CounterRates r;
  r.madvise = rate("madvise");
  r.madvise_dontneed = rate("madvise_dontneed");
  r.madvise_free = rate("madvise_free");
  r.brk = rate("brk");
  r.mmap = rate("mmap");
  r.munmap = rate("munmap");
  r.page_faults = per_element ? c.page_faults_per_element() : c.page_faults_per_iteration();
  r.unit = per_element ? element_unit(c.family) : "iteration";
  return r;
}

// Median time per element (per iteration when the workload does not say).
std::optional<double> time_per_element(const CellAnalysis& c) {
  if (!c.time) return std::nullopt;
  const auto elements = c.workload_info.elements_per_iteration;
  return c.time->median.point / static_cast<double>(elements > 0 ? elements : 1);
}

// A cell's driver against its baseline: the baseline is the reference; a
// slower cell's cause is its excess over the baseline, a faster one's what
// it avoids of the baseline's; without a significant difference there is no
// gap to explain.
KeyDriver driver_against_baseline(const CellAnalysis& c, const CellAnalysis* base) {
  KeyDriver d;
  if (c.baseline) {
    d.rule = "baseline";
    d.text = "the baseline: the other variants are judged against its counters";
    return d;
  }
  const bool gap = base && c.ratio && c.ratio->rounds >= 2;
  if (gap && c.ratio->verdict == stats::Verdict::slower) return cell_gap_driver(c, *base);
  if (gap && c.ratio->verdict == stats::Verdict::faster) {
    d = cell_gap_driver(*base, c);
    d.text = avoided_text(d, base->variant);
    return d;
  }
  if (gap && c.ratio->verdict == stats::Verdict::too_few_rounds) {
    d.rule = "no_verdict";
    d.text = stats::verdict_text(*c.ratio);
    return d;
  }
  d.rule = gap ? "no_difference" : "no_ratio";
  d.text = gap ? "no significant difference from " + base->variant : "no ratio to the baseline";
  return d;
}

// Time estimates, outliers, counters, CPU and memory of one cell's samples.
void summarise_samples(CellAnalysis& c, const AnalysisOptions& options) {
  if (c.samples.empty()) return;
  std::vector<stats::Sample> samples;
  std::set<int> rounds, processes;
  for (const auto& s : c.samples) {
    samples.push_back({s.iters, s.ns});
    rounds.insert(s.round);
    processes.insert(s.process);
  }
  c.rounds = static_cast<int>(rounds.size());
  c.processes = static_cast<int>(processes.size());
  c.time = stats::estimate(samples, options.bootstrap);
  const auto per_iter = stats::per_iteration(samples);
  c.outliers = stats::count_outliers(per_iter);
  c.cv = stats::coefficient_of_variation(per_iter);

  std::map<std::string, std::pair<double, int>> sums;  // sum of per-iteration values, count
  double user = 0, sys = 0, wall = 0, other = 0;
  double process_measured = 0, process_wall = 0;
  // A counted process's other samples carry no counters: its first one's
  // cover them (journal::CountedProcess), so they leave the CPU sums complete.
  std::set<std::pair<int, int>> counted;  // (round, process)
  for (const auto& s : c.samples)
    if (s.process_wall_ns > 0) counted.insert({s.round, s.process});
  bool cpu_complete = true;
  int other_count = 0;
  // Sums over the samples' load windows: one 27 ms sample is 2-3 ticks of
  // /proc/stat, so only the sums say anything (run/system_load.h).
  double capacity_ns = 0, foreign_ns = 0, steal_ns = 0;
  double harness_cpu = 0, harness_iters = 0, harness_wall = 0;
  bool harness_cpu_complete = !c.samples.empty();
  for (const auto& s : c.samples) {
    if (s.harness_cpu_ns) {
      harness_cpu += *s.harness_cpu_ns;
      harness_iters += s.iters;
      harness_wall += s.ns;
    } else {
      harness_cpu_complete = false;
    }
    for (const auto& [name, total] : s.counters) {
      auto& [sum, n] = sums[name];
      sum += total / s.counter_iters;
      ++n;
    }
    auto u = s.counters.find("user_ns");
    auto k = s.counters.find("sys_ns");
    if (u == s.counters.end() || k == s.counters.end()) {
      if (!(s.counters.empty() && counted.count({s.round, s.process}))) cpu_complete = false;
    } else {
      user += u->second;
      sys += k->second;
      // A counted process's sys time is of its whole wall time.
      wall += s.process_wall_ns > 0 ? s.process_wall_ns : s.ns;
    }
    process_measured += s.process_measured_ns;
    process_wall += s.process_wall_ns;
    if (s.hwm_kib) c.peak_rss_kib = std::max(c.peak_rss_kib.value_or(0), *s.hwm_kib);
    if (s.hwm_scope == "process") c.peak_rss_process_scope = true;
    if (s.load) {
      capacity_ns += s.load->window_ns * s.load->cpus;
      foreign_ns += s.load->busy_ns - s.load->run_ns;  // may be < 0 by a tick's rounding
      steal_ns += s.load->steal_ns;
    } else if (s.other_cpu_share) {
      other += *s.other_cpu_share;
      ++other_count;
    }
  }
  const auto elements = static_cast<double>(c.workload_info.elements_per_iteration);
  for (const auto& [name, sum_count] : sums) {
    CounterValue v;
    v.per_iteration = sum_count.first / sum_count.second;
    if (elements > 0) v.per_element = v.per_iteration / elements;
    v.samples = sum_count.second;
    c.counters[name] = v;
  }
  if (cpu_complete && user + sys > 0) c.sys_share = sys / (user + sys);
  if (cpu_complete && wall > 0) c.sys_wall_share = sys / wall;
  if (process_wall > 0) c.measured_share = process_measured / process_wall;
  if (harness_cpu_complete && harness_iters > 0) {
    c.harness_cpu_per_iteration = harness_cpu / harness_iters;
    if (harness_wall > 0) c.harness_cpu_share = harness_cpu / harness_wall;
  }
  if (capacity_ns > 0) {
    c.other_cpu_share = std::clamp(foreign_ns / capacity_ns, 0.0, 1.0);
    c.steal_share = std::clamp(steal_ns / capacity_ns, 0.0, 1.0);
  } else if (other_count > 0) {
    c.other_cpu_share = other / other_count;
  }
}

// ns per iteration of each (process, round) (summed over its samples).
std::map<int, std::map<int, double>> per_round_times(const CellAnalysis& c) {
  std::map<int, std::map<int, std::pair<double, double>>> sums;
  for (const auto& s : c.samples) {
    auto& sum = sums[s.process][s.round];
    sum.first += s.ns;
    sum.second += s.iters;
  }
  std::map<int, std::map<int, double>> out;
  for (const auto& [process, rounds] : sums)
    for (const auto& [round, ns_iters] : rounds)
      out[process][round] = ns_iters.first / ns_iters.second;
  return out;
}

void pair_with_baseline(CellAnalysis& c, const CellAnalysis& baseline,
                        const AnalysisOptions& options) {
  c.per_process_ratios = per_process_round_ratios(c, baseline);
  c.per_round_ratios = per_round_ratios(c, baseline);
  if (!c.per_round_ratios.empty())
    c.ratio = stats::paired_ratio_by_process(c.per_process_ratios, options.ratio);
}

// "mpsc/32768 zeroed jemalloc": a cell as the warnings name it.
std::string noise_label(const CellAnalysis& c) {
  std::string out = c.workload;
  if (!c.payload.empty() && c.payload != "none") out += " " + c.payload;
  return out + " " + c.variant;
}

std::string joined(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// What a run directory holds of its plan: a shard's part, a merge's shards,
// the groups never started.
void add_plan_warnings(RunModel& m) {
  const journal::Manifest& manifest = m.manifest;
  if (manifest.shard)
    m.warnings.push_back(fmt::format(
        "Shard {}/{}: this run holds {} of the plan's {} workload groups; alloc-shootout merge "
        "joins the shards' run directories into the whole plan.",
        manifest.shard->index, manifest.shard->count, manifest.shard->groups.size(),
        manifest.plan.groups.size()));
  if (!m.unrun_groups.empty()) {
    const auto n = m.unrun_groups.size();
    const std::string groups = fmt::format("{} workload group{} of the plan", n, n == 1 ? "" : "s");
    if (manifest.merged && !manifest.merged->missing.empty()) {
      std::vector<std::string> missing;
      for (int k : manifest.merged->missing)
        missing.push_back(std::to_string(k) + "/" + std::to_string(manifest.merged->count));
      m.warnings.push_back(fmt::format(
          "Incomplete merge: shard{} {} {} not merged, so {} {} not run ({}). Measure them with "
          "alloc-shootout run --resume {}, or merge again with every shard.",
          missing.size() == 1 ? "" : "s", joined(missing), missing.size() == 1 ? "was" : "were",
          groups, n == 1 ? "was" : "were", joined(m.unrun_groups), m.run_dir));
    } else {
      m.warnings.push_back(fmt::format(
          "Not run: {} {} no record — the run stopped before {}; resume the run to measure {} "
          "({}).",
          groups, n == 1 ? "has" : "have", n == 1 ? "it" : "them", n == 1 ? "it" : "them",
          joined(m.unrun_groups)));
    }
  }
  if (manifest.merged) {
    std::vector<std::string> machines;
    std::map<std::string, std::vector<std::string>> shards_on;
    for (const auto& s : manifest.merged->shards) {
      if (!shards_on.count(s.machine)) machines.push_back(s.machine);
      shards_on[s.machine].push_back(std::to_string(s.index) + "/" +
                                     std::to_string(manifest.merged->count));
    }
    if (machines.size() > 1) {
      std::vector<std::string> parts;
      for (const auto& name : machines)
        parts.push_back("shard" + std::string(shards_on[name].size() == 1 ? " " : "s ") +
                        joined(shards_on[name]) + " on " + name);
      m.warnings.push_back(
          "The shards ran on different machines: " + joined(parts, "; ") +
          ". Each workload's cells were measured together on one machine, but comparisons "
          "across workloads (size sweeps, cliffs) mix machines.");
    }
  }
}

void add_warnings(RunModel& m) {
  if (m.truncated_tail)
    m.warnings.push_back("samples.jsonl ends in a partial line (a killed runner); it was ignored.");
  if (!m.incomplete_groups.empty()) {
    std::string groups;
    for (const auto& g : m.incomplete_groups) groups += (groups.empty() ? "" : ", ") + g;
    m.warnings.push_back(
        "Unfinished groups (no group_done; resume the run to complete them): " + groups + ".");
  }
  add_plan_warnings(m);
  // Each kind of noise is one warning: how many cells, and the worst few by
  // name; every flagged cell is in the report's Noise table.
  struct Flagged {
    double value;
    std::string text;
  };
  std::vector<Flagged> busy, steal, unstable, process_hwm;
  int measured = 0;
  for (const auto& c : m.cells) {
    if (c.status == CellStatus::failed) continue;
    ++measured;
    const std::string name = noise_label(c);
    if (is_busy(c))
      busy.push_back({*c.other_cpu_share, name + " " + text::percent(*c.other_cpu_share)});
    if (is_stolen(c)) steal.push_back({*c.steal_share, name + " " + text::percent(*c.steal_share)});
    if (is_unstable(c)) unstable.push_back({c.cv, name + " CV " + text::percent(c.cv)});
    if (c.peak_rss_process_scope) process_hwm.push_back({0, name});
  }
  auto worst = [](std::vector<Flagged> items) {
    std::stable_sort(items.begin(), items.end(),
                     [](const Flagged& a, const Flagged& b) { return a.value > b.value; });
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < thresholds::kWorstNamed; ++i)
      s += (s.empty() ? "" : "; ") + items[i].text;
    return items.size() > thresholds::kWorstNamed ? "worst: " + s : s;
  };
  if (!busy.empty())
    m.warnings.push_back(fmt::format(
        "Busy machine: in {} of {} cells, processes outside this run used more than {} of the "
        "CPUs while the cell sampled ({}); their times may be inflated.",
        busy.size(), measured, text::percent(thresholds::kBusyMachineShare), worst(busy)));
  if (!steal.empty())
    m.warnings.push_back(fmt::format(
        "Steal time: in {} of {} cells, the hypervisor gave more than {} of this machine's CPU "
        "time to other guests while the cell sampled ({}); their times may be inflated.",
        steal.size(), measured, text::percent(thresholds::kStealShare), worst(steal)));
  if (!unstable.empty())
    m.warnings.push_back(fmt::format(
        "High variation: in {} of {} cells, per-iteration times vary between samples by a "
        "coefficient of variation above {} ({}); a ratio near 1 there is not to be trusted "
        "beyond its CI.",
        unstable.size(), measured, text::percent(thresholds::kHighCv), worst(unstable)));
  if (!process_hwm.empty())
    m.warnings.push_back(fmt::format(
        "Peak RSS is the process-lifetime peak (VmHWM could not be reset) in {} of {} cells ({}).",
        process_hwm.size(), measured, worst(process_hwm)));
  std::map<std::string, std::string> unverified;  // variant -> keys and why
  for (const auto& c : m.cells)
    if (auto reason = c.unverified_reason(); !reason.empty()) unverified.emplace(c.variant, reason);
  if (!unverified.empty()) {
    std::string list;
    for (const auto& [variant, reason] : unverified)
      list += (list.empty() ? "" : "; ") + variant + ": " + reason;
    m.warnings.push_back(fmt::format(
        "Unverified tunings: {} tuned variant{} could not be read back from the allocator, so the "
        "setting may not have taken effect; {} marked \"unverified tuning\" wherever named ({}).",
        unverified.size(), unverified.size() == 1 ? "" : "s",
        unverified.size() == 1 ? "it is" : "they are", list));
  }
  const auto trips = m.cross_cpu_round_trips();
  if (!trips.empty()) {
    const auto [lo, hi] = std::minmax_element(trips.begin(), trips.end());
    if (*hi > thresholds::kCrossCpuShift * *lo)
      m.warnings.push_back(fmt::format(
          "The cross-CPU round trip (a cache line passed between threads pinned to two CPUs, "
          "measured before and after each group) ranged from {:.0f} to {:.0f} ns during the run: "
          "the machine's inter-CPU communication was not steady, so cells whose threads wake "
          "each other (channels, spawns) were measured under different conditions and their "
          "ratios may not reproduce in another run.",
          *lo, *hi));
  }
}

}  // namespace

bool is_busy(const CellAnalysis& c) {
  return c.other_cpu_share && *c.other_cpu_share > thresholds::kBusyMachineShare;
}
bool is_stolen(const CellAnalysis& c) {
  return c.steal_share && *c.steal_share > thresholds::kStealShare;
}
bool is_unstable(const CellAnalysis& c) { return c.time && c.cv > thresholds::kHighCv; }

std::vector<std::vector<double>> per_process_round_ratios(const CellAnalysis& candidate,
                                                          const CellAnalysis& reference) {
  const auto mine = per_round_times(candidate);
  const auto theirs = per_round_times(reference);
  std::vector<std::vector<double>> out;
  for (const auto& [process, rounds] : mine) {
    const auto other = theirs.find(process);
    if (other == theirs.end()) continue;
    std::vector<double> ratios;
    for (const auto& [round, ns] : rounds) {
      auto it = other->second.find(round);
      if (it == other->second.end() || !(it->second > 0) || !(ns > 0)) continue;
      ratios.push_back(ns / it->second);
    }
    if (!ratios.empty()) out.push_back(std::move(ratios));
  }
  return out;
}

std::vector<double> per_round_ratios(const CellAnalysis& candidate, const CellAnalysis& reference) {
  std::vector<double> flat;
  for (const auto& ratios : per_process_round_ratios(candidate, reference))
    flat.insert(flat.end(), ratios.begin(), ratios.end());
  return flat;
}

KeyDriver cell_gap_driver(const CellAnalysis& slow, const CellAnalysis& fast) {
  count_computation();
  return gap_driver(rates_of(slow), rates_of(fast), fast.variant, time_per_element(slow),
                    time_per_element(fast));
}

stats::RatioEstimate paired_ratio(const CellAnalysis& candidate, const CellAnalysis& reference,
                                  const AnalysisOptions& options) {
  count_computation();
  return stats::paired_ratio_by_process(per_process_round_ratios(candidate, reference),
                                        options.ratio);
}

RunModel analyze_run(const std::string& run_dir, const AnalysisOptions& options) {
  count_computation();
  if (!is_directory(run_dir)) throw ReportError("run directory " + run_dir + " does not exist");
  RunModel m;
  m.run_dir = run_dir;
  m.manifest = read_manifest(run_dir);
  m.options = options;
  if (auto resamples = m.manifest.bootstrap_resamples()) m.options.bootstrap.resamples = *resamples;

  const std::string journal_path = run_dir + "/samples.jsonl";
  if (!is_file(journal_path))
    throw ReportError(run_dir + " has no samples.jsonl: the run recorded nothing");
  journal::JournalContents contents;
  try {
    contents = journal::read_journal(journal_path);
  } catch (const journal::JournalError& e) {
    throw ReportError(std::string(e.what()) + " (in " + run_dir + ")");
  }
  const journal::JournalView view = journal::latest_attempts(contents);
  m.truncated_tail = contents.truncated_tail;
  m.last_attempt = view.last_attempt;

  std::map<std::string, std::size_t> index;
  auto cell_for = [&](const std::string& id) -> CellAnalysis& {
    auto [it, inserted] = index.emplace(id, m.cells.size());
    if (inserted) {
      m.cells.emplace_back();
      m.cells.back().id = id;
    }
    return m.cells[it->second];
  };
  std::set<std::string> groups;
  std::set<std::string> cell_records;  // cells whose `cell` record was read
  for (std::size_t i = 0; i < view.records.size(); ++i) {
    const json& r = view.records[i];
    const std::string type = r["type"].get<std::string>();
    if (r.contains("group")) groups.insert(r["group"].get<std::string>());
    try {
      if (type == "cell") {
        const auto record = r.get<journal::CellRecord>();
        read_cell_record(record, cell_for(record.identity.cell));
        cell_records.insert(record.identity.cell);
      } else if (type == "sample") {
        const auto record = r.get<journal::SampleRecord>();
        CellAnalysis& c = cell_for(record.cell);
        if (c.group.empty()) apply_identity(r.get<journal::CellIdentity>(), c);
        c.samples.push_back(read_sample(record));
      } else if (type == "cell_failed") {
        const auto record = r.get<journal::CellFailedRecord>();
        read_failure(record, cell_for(record.identity.cell),
                     cell_records.count(record.identity.cell) > 0);
      } else if (type == "profile") {
        m.profiles.push_back(read_profile(r.get<journal::ProfileRecord>()));
      } else if (type == "trace") {
        m.traces.push_back(read_trace(r.get<journal::TraceRecord>()));
      } else if (type == "steady_state") {
        const auto record = r.get<journal::SteadyStateRecord>();
        cell_for(record.cell).steady_state = read_steady_state(record);
      } else if (type == "group_done") {
        const auto record = r.get<journal::GroupDoneRecord>();
        if (record.cross_cpu_before || record.cross_cpu_after) {
          auto value = [](const std::optional<journal::CrossCpuValue>& v) {
            return v ? v->round_trip_ns : std::nullopt;
          };
          m.cross_cpu.push_back(
              {record.group, value(record.cross_cpu_before), value(record.cross_cpu_after)});
        }
      }
    } catch (const journal::RecordError& e) {
      throw ReportError("samples.jsonl line " + std::to_string(view.lines[i]) + ": " + e.what());
    }
  }
  for (const auto& g : groups)
    if (!view.done_groups.count(g)) m.incomplete_groups.push_back(g);
  if (!m.manifest.mode) {
    std::vector<std::string> expected =
        m.manifest.shard ? m.manifest.shard->groups : std::vector<std::string>{};
    if (!m.manifest.shard)
      for (const auto& g : m.manifest.plan.groups) expected.push_back(g.group);
    for (const auto& g : expected)
      if (!groups.count(g)) m.unrun_groups.push_back(g);
  }

  // The statistics throw std::invalid_argument for input they cannot
  // estimate from (non-finite values): that is a malformed file here.
  auto statistics = [&](const CellAnalysis& c, auto&& compute) {
    try {
      compute();
    } catch (const std::invalid_argument& e) {
      throw ReportError("samples.jsonl: the samples of cell '" + c.id +
                        "' give no statistics: " + e.what());
    }
  };
  for (auto& c : m.cells) {
    if (c.status != CellStatus::failed && !view.done_groups.count(c.group))
      c.status = CellStatus::incomplete;
    statistics(c, [&] { summarise_samples(c, m.options); });
  }
  for (auto& c : m.cells) {
    if (c.baseline || c.baseline_cell.empty() || c.baseline_cell == c.id || c.samples.empty())
      continue;
    auto it = index.find(c.baseline_cell);
    if (it == index.end() || m.cells[it->second].samples.empty()) continue;
    statistics(c, [&] { pair_with_baseline(c, m.cells[it->second], m.options); });
  }
  add_floor_shares(m, m.options);
  for (auto& c : m.cells) {
    if (!c.usable()) continue;
    const CellAnalysis* base = nullptr;
    if (auto it = index.find(c.baseline_cell); it != index.end() && m.cells[it->second].usable())
      base = &m.cells[it->second];
    c.driver = driver_against_baseline(c, base);
  }

  for (auto& p : m.profiles) {
    for (const auto& c : m.cells) {
      if (c.workload != p.workload) continue;
      p.family = c.family;
      if (c.workload_info.elements_per_iteration > 0) {
        p.elements_per_iteration = c.workload_info.elements_per_iteration;
        break;
      }
    }
  }
  add_warnings(m);
  return m;
}

}  // namespace shootout::report
