#include "report/analysis.h"
#include "report/floor.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "journal/journal.h"
#include "report/manifest_view.h"
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

json read_manifest(const std::string& run_dir) {
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
  return manifest;
}

// Counts and nanoseconds are uint64 where they are measured: beyond that a
// value is garbage, and sums of such values would overflow to infinity.
constexpr double kUint64Limit = 18446744073709551616.0;  // 2^64

// Helpers that read a record's field or name what is missing.
std::string where(const json& r) {
  std::string w = "samples.jsonl: " + r.value("type", std::string("record"));
  if (r.contains("cell") && r["cell"].is_string())
    w += " of cell '" + r["cell"].get<std::string>() + "'";
  if (r.contains("round") && r["round"].is_number()) w += " (round " + r["round"].dump() + ")";
  return w;
}

std::string string_field(const json& r, const char* key, const std::string& fallback = "") {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A flag that is not a JSON boolean counts as absent, as string_field does.
bool bool_field(const json& r, const char* key, bool fallback) {
  auto it = r.find(key);
  return it != r.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string required_string(const json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->is_string())
    throw ReportError(where(r) + ": \"" + key + "\" is missing or not a string");
  return it->get<std::string>();
}

double required_number(const json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->is_number())
    throw ReportError(where(r) + ": \"" + key + "\" is missing or not a number");
  return it->get<double>();
}

std::optional<double> optional_number(const json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int> optional_int(const json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

// Identity fields shared by "cell" and "cell_failed"; the cell id
// "workload|payload|runtime|variant|injection" fills what a record lacks.
void read_identity(const json& r, CellAnalysis& c) {
  c.id = required_string(r, "cell");
  std::vector<std::string> parts;
  std::stringstream id(c.id);
  for (std::string part; std::getline(id, part, '|');) parts.push_back(part);
  auto part = [&](std::size_t i) { return i < parts.size() ? parts[i] : std::string(); };
  c.group = string_field(r, "group", c.group);
  c.workload = string_field(r, "workload", c.workload.empty() ? part(0) : c.workload);
  c.payload = string_field(r, "payload", c.payload.empty() ? part(1) : c.payload);
  c.runtime = string_field(r, "runtime", c.runtime.empty() ? part(2) : c.runtime);
  c.variant = string_field(r, "variant", c.variant.empty() ? part(3) : c.variant);
  c.injection = string_field(r, "injection", c.injection.empty() ? part(4) : c.injection);
  c.allocator = string_field(
      r, "allocator", c.allocator.empty() ? c.variant.substr(0, c.variant.find('[')) : c.allocator);
  c.tuning = string_field(r, "tuning", c.tuning);
  // Runs before the "probes" field name the mode in the variant only:
  // "jemalloc(probes off)".
  const std::string::size_type probes_at = c.variant.rfind("(probes ");
  c.probes = string_field(r, "probes",
                          probes_at != std::string::npos && c.variant.back() == ')'
                              ? c.variant.substr(probes_at + 8, c.variant.size() - probes_at - 9)
                              : c.probes);
  c.family = string_field(r, "family",
                          c.family.empty() ? c.workload.substr(0, c.workload.find('/')) : c.family);
  if (r.contains("verification") && !r["verification"].is_null())
    c.verification = r["verification"];
}

WorkloadInfo read_workload_info(const json& w) {
  WorkloadInfo info;
  if (!w.is_object()) return info;
  info.name = string_field(w, "name");
  info.family = string_field(w, "family");
  info.description = string_field(w, "description");
  info.runtime_kind = string_field(w, "runtime_kind");
  info.runtime_build = string_field(w, "runtime_build");
  info.wait_mode = string_field(w, "wait_mode");
  info.pool_threads = optional_int(w, "pool_threads").value_or(0);
  info.pinned = bool_field(w, "pinned", false);
  // Out of uint64 range stays unknown (0): the cast would be undefined.
  if (auto e = optional_number(w, "elements_per_iteration"); e && *e > 0 && *e < kUint64Limit)
    info.elements_per_iteration = static_cast<std::uint64_t>(*e);
  if (auto b = optional_number(w, "payload_bytes"); b && *b > 0 && *b < kUint64Limit)
    info.payload_bytes = static_cast<std::uint64_t>(*b);
  return info;
}

void read_cell_record(const json& r, CellAnalysis& c) {
  read_identity(r, c);
  c.baseline = bool_field(r, "baseline", false);
  c.baseline_cell = string_field(r, "baseline_cell");
  c.object = string_field(r, "object");
  if (r.contains("workload_info")) {
    c.workload_info_json = r["workload_info"];
    c.workload_info = read_workload_info(r["workload_info"]);
  }
  if (c.family.empty()) c.family = c.workload_info.family;
  c.counter_sources.clear();
  if (r.contains("counters") && r["counters"].is_array()) {
    for (const auto& s : r["counters"]) {
      if (!s.is_object()) continue;
      CounterSource src;
      src.name = string_field(s, "name");
      if (s.contains("source") && s["source"].is_string())
        src.source = s["source"].get<std::string>();
      src.detail = string_field(s, "detail");
      c.counter_sources.push_back(std::move(src));
    }
  }
  if (r.contains("plan") && r["plan"].is_object()) c.plan_mode = string_field(r["plan"], "mode");
  c.tuning_keys.clear();
  if (auto check = r.find("tuning_check"); check != r.end() && check->is_object())
    if (auto keys = check->find("keys"); keys != check->end() && keys->is_array())
      for (const auto& k : *keys) {
        if (!k.is_object()) continue;
        c.tuning_keys.push_back({string_field(k, "key"), string_field(k, "asked"),
                                 string_field(k, "effective"),
                                 string_field(k, "status", "unverified"), string_field(k, "how")});
      }
}

CellSample read_sample(const json& r) {
  CellSample s;
  const double round = required_number(r, "round");
  // Checked before the cast: an out-of-range double to int is undefined.
  if (!(round >= 0 && round <= std::numeric_limits<int>::max()))
    throw ReportError(where(r) + ": \"round\" must be a round number >= 0");
  s.round = static_cast<int>(round);
  s.position = optional_int(r, "position").value_or(0);
  s.process = optional_int(r, "process").value_or(0);
  if (s.process < 0) throw ReportError(where(r) + ": \"process\" must be >= 0");
  s.iters = required_number(r, "iters");
  s.ns = required_number(r, "ns");
  // iters is a count of iterations; with iters >= 1 and every total below
  // 2^64, per-iteration values and their sums stay finite.
  if (!(s.iters >= 1 && s.iters < kUint64Limit))
    throw ReportError(where(r) + ": \"iters\" must be >= 1");
  if (!(s.ns >= 0 && s.ns < kUint64Limit))
    throw ReportError(where(r) + ": \"ns\" must be >= 0 and below 2^64");
  if (r.contains("counters")) {
    if (!r["counters"].is_object()) throw ReportError(where(r) + ": \"counters\" is not an object");
    for (auto it = r["counters"].begin(); it != r["counters"].end(); ++it) {
      if (!it->is_number() || !(std::abs(it->get<double>()) < kUint64Limit))
        throw ReportError(where(r) + ": counter \"" + it.key() + "\" is not a number below 2^64");
      s.counters[it.key()] = it->get<double>();
    }
  }
  s.rss_kib = optional_number(r, "rss_kib");
  s.hwm_kib = optional_number(r, "hwm_kib");
  s.hwm_scope = string_field(r, "hwm_scope");
  s.other_cpu_share = optional_number(r, "other_cpu_share");
  if (auto load = r.find("load"); load != r.end() && load->is_object()) {
    CellSample::Load l;
    const std::pair<const char*, double*> fields[] = {{"window_ns", &l.window_ns},
                                                      {"cpus", &l.cpus},
                                                      {"busy_ns", &l.busy_ns},
                                                      {"steal_ns", &l.steal_ns},
                                                      {"run_ns", &l.run_ns}};
    for (const auto& [field, into] : fields) {
      const auto v = optional_number(*load, field);
      if (!v || !(*v >= 0 && *v < kUint64Limit))
        throw ReportError(where(r) + ": \"load\"." + field + " must be a number >= 0");
      *into = *v;
    }
    if (l.window_ns > 0 && l.cpus > 0) s.load = l;
  }
  return s;
}

AllocationProfile read_profile(const json& r) {
  AllocationProfile p;
  p.group = required_string(r, "group");
  p.workload = string_field(r, "workload", p.group);
  p.payload = string_field(r, "payload");
  p.runtime = string_field(r, "runtime");
  p.iters = required_number(r, "iters");
  p.calls = required_number(r, "calls");
  p.bytes = required_number(r, "bytes");
  p.frees = optional_number(r, "frees").value_or(0);
  if (!(p.iters > 0)) throw ReportError(where(r) + ": \"iters\" must be > 0");
  return p;
}

CallTrace read_trace(const json& r) {
  CallTrace t;
  t.cell = required_string(r, "cell");
  t.iters = required_number(r, "iters");
  t.source = string_field(r, "source");
  t.detail = string_field(r, "detail");
  t.file = string_field(r, "file");
  t.lost = optional_number(r, "lost").value_or(0);
  if (!(t.iters > 0)) throw ReportError(where(r) + ": \"iters\" must be > 0");
  auto summary = r.find("summary");
  if (summary != r.end() && summary->is_array())
    for (const auto& k : *summary) {
      if (!k.is_object()) throw ReportError(where(r) + ": \"summary\" entries must be objects");
      t.kinds.push_back({string_field(k, "kind"), optional_number(k, "count").value_or(0),
                         string_field(k, "text")});
    }
  return t;
}

SteadyState read_steady_state(const json& r) {
  SteadyState s;
  if (r.contains("steady") && r["steady"].is_boolean()) s.steady = r["steady"].get<bool>();
  s.why = string_field(r, "why");
  auto counters = r.find("counters");
  if (counters == r.end() || !counters->is_object()) return s;
  for (const auto& [name, c] : counters->items()) {
    if (!c.is_object()) throw ReportError(where(r) + ": \"counters\" entries must be objects");
    if (c.value("agree", true)) continue;
    s.drifting.push_back({name, required_number(c, "first_per_iteration"),
                          required_number(c, "last_per_iteration")});
  }
  return s;
}

void read_failure(const json& r, CellAnalysis& c) {
  read_identity(r, c);
  Failure f;
  f.phase = string_field(r, "phase");
  f.reason = string_field(r, "reason", "no reason recorded");
  f.exit_code = optional_int(r, "exit_code");
  f.signal = optional_int(r, "signal");
  if (r.contains("stderr_tail") && r["stderr_tail"].is_array())
    for (const auto& line : r["stderr_tail"])
      if (line.is_string()) f.stderr_tail.push_back(line.get<std::string>());
  c.failure = std::move(f);
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
  bool cpu_complete = true;
  int other_count = 0;
  // Sums over the samples' load windows: one 27 ms sample is 2-3 ticks of
  // /proc/stat, so only the sums say anything (run/system_load.h).
  double capacity_ns = 0, foreign_ns = 0, steal_ns = 0;
  for (const auto& s : c.samples) {
    for (const auto& [name, total] : s.counters) {
      auto& [sum, n] = sums[name];
      sum += total / s.iters;
      ++n;
    }
    auto u = s.counters.find("user_ns");
    auto k = s.counters.find("sys_ns");
    if (u == s.counters.end() || k == s.counters.end()) {
      cpu_complete = false;
    } else {
      user += u->second;
      sys += k->second;
      wall += s.ns;
    }
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

void add_warnings(RunModel& m) {
  if (m.truncated_tail)
    m.warnings.push_back("samples.jsonl ends in a partial line (a killed runner); it was ignored.");
  if (!m.incomplete_groups.empty()) {
    std::string groups;
    for (const auto& g : m.incomplete_groups) groups += (groups.empty() ? "" : ", ") + g;
    m.warnings.push_back(
        "Unfinished groups (no group_done; resume the run to complete them): " + groups + ".");
  }
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
  if (auto resamples = manifest_value(
          m.manifest,
          {"bootstrap_resamples", "options.bootstrap_resamples", "plan.bootstrap_resamples"})) {
    try {
      const int n = std::stoi(*resamples);
      if (n > 0) m.options.bootstrap.resamples = n;
    } catch (const std::exception&) {
      // not a number: keep the default, the manifest table shows the value
    }
  }

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
  for (const auto& r : view.records) {
    const std::string type = r["type"].get<std::string>();
    if (r.contains("group")) groups.insert(r["group"].get<std::string>());
    if (type == "cell") {
      read_cell_record(r, cell_for(required_string(r, "cell")));
    } else if (type == "sample") {
      CellAnalysis& c = cell_for(required_string(r, "cell"));
      if (c.group.empty()) read_identity(r, c);
      c.samples.push_back(read_sample(r));
    } else if (type == "cell_failed") {
      read_failure(r, cell_for(required_string(r, "cell")));
    } else if (type == "profile") {
      m.profiles.push_back(read_profile(r));
    } else if (type == "trace") {
      m.traces.push_back(read_trace(r));
    } else if (type == "steady_state") {
      cell_for(required_string(r, "cell")).steady_state = read_steady_state(r);
    } else if (type == "group_done" && r.contains("cross_cpu") && r["cross_cpu"].is_object()) {
      CrossCpuReading reading;
      reading.group = required_string(r, "group");
      auto value = [&](const char* when) -> std::optional<double> {
        const json& cc = r["cross_cpu"];
        if (!cc.contains(when) || !cc[when].is_object()) return std::nullopt;
        const auto v = optional_number(cc[when], "round_trip_ns");
        if (v && !(*v > 0 && std::isfinite(*v)))
          throw ReportError(where(r) + ": \"round_trip_ns\" must be a positive number");
        return v;
      };
      reading.before_ns = value("before");
      reading.after_ns = value("after");
      m.cross_cpu.push_back(std::move(reading));
    }
  }
  for (const auto& g : groups)
    if (!view.done_groups.count(g)) m.incomplete_groups.push_back(g);

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
