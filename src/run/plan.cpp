#include "run/plan.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "alloc/conf.h"
#include "journal/records.h"
#include "run/shard.h"
#include "workloads/workload.h"

namespace shootout::run {

const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names = {"quick", "standard", "study"};
  return names;
}

Profile profile_from_name(const std::string& name) {
  // Every profile runs a cell in 6 worker processes: a blocking channel's
  // median moved 2-3x between processes of one cell here (docs/design.md §5),
  // a spread no number of rounds in one process averages out, so a ratio's
  // independent units are its processes whenever their means differ
  // (src/stats/ratio.cpp). With fewer than 6 units no two-sided exact test
  // reaches p < 0.05 (5 units: 2/2^5 = 0.0625), and with 3 processes only
  // about a quarter of A/A cells pooled their rounds: the rest could never
  // get a verdict. 6 is the fewest that can.
  constexpr int kProcesses = 6;
  // quick: ~1 s per cell, so the default matrix (~200 cells) answers in a few
  // minutes on 2 cores; 10 rounds still give a paired-ratio CI.
  if (name == "quick") return {name, {10, 0.8, 0.2}, kProcesses};
  // standard: 30 samples halve the CI width of quick (sqrt(30/10) = 1.7x).
  if (name == "standard") return {name, {30, 2.0, 0.5}, kProcesses};
  // study: the study's Criterion settings — 50 samples, 3 s measurement, 1 s warm-up.
  if (name == "study") return {name, {50, 3.0, 1.0}, kProcesses};
  throw std::invalid_argument("unknown profile '" + name + "' (valid: quick, standard, study)");
}

size_t Plan::cell_count() const {
  size_t n = 0;
  for (const auto& g : groups) n += g.cells.size();
  return n;
}

std::string cell_id(const std::string& workload, const std::string& payload,
                    const std::string& runtime, const std::string& variant,
                    alloc::Injection injection) {
  return journal::cell_id(workload, payload, runtime, variant, alloc::to_string(injection));
}

nlohmann::json RunOptions::to_json() const {
  nlohmann::json user = nlohmann::json::array();
  for (const auto& a : user_allocators) user.push_back(a.name + "=" + a.path);
  nlohmann::json tunes = nlohmann::json::array();
  for (const auto& t : tunings) tunes.push_back(t.allocator + ":" + t.conf);
  nlohmann::json j = {{"profile", profile.name},
                      {"samples", profile.sampling.samples},
                      {"measurement_seconds", profile.sampling.measurement_seconds},
                      {"warmup_seconds", profile.sampling.warmup_seconds},
                      {"processes", profile.processes},
                      {"allocators", allocators},
                      {"user_allocators", user},
                      {"workloads", workloads},
                      {"payloads", payloads},
                      {"runtimes", runtimes},
                      {"injection", alloc::to_string(injection)},
                      {"tunings", tunes},
                      {"baseline", baseline},
                      {"threads", threads},
                      {"pin", pin},
                      {"tracepoints", tracepoints},
                      {"hardware_counters", hardware_counters},
                      {"allocation_profile", allocation_profile},
                      {"trace_calls", trace_calls},
                      {"probe_modes", probe_modes},
                      {"memory_limit_mib", memory_limit_mib},
                      {"bootstrap_resamples", bootstrap_resamples},
                      {"timeout_seconds", timeout.count()},
                      {"out_dir", out_dir}};
  if (shard) j["shard"] = shard->text();
  return j;
}

RunOptions RunOptions::from_json(const nlohmann::json& j) {
  RunOptions o;
  o.profile = profile_from_name(j.at("profile").get<std::string>());
  o.profile.sampling.samples = j.at("samples").get<int>();
  o.profile.sampling.measurement_seconds = j.at("measurement_seconds").get<double>();
  o.profile.sampling.warmup_seconds = j.at("warmup_seconds").get<double>();
  o.profile.processes = j.value("processes", 1);  // runs before --processes had one each
  o.allocators = j.at("allocators").get<std::vector<std::string>>();
  for (const auto& spec : j.at("user_allocators"))
    o.user_allocators.push_back(alloc::parse_user_allocator(spec.get<std::string>()));
  o.workloads = j.at("workloads").get<std::vector<std::string>>();
  o.payloads = j.at("payloads").get<std::vector<std::string>>();
  o.runtimes = j.at("runtimes").get<std::vector<std::string>>();
  o.injection = alloc::injection_from_string(j.at("injection").get<std::string>());
  for (const auto& t : j.at("tunings")) {
    const std::string text = t.get<std::string>();
    const auto colon = text.find(':');
    o.tunings.push_back({text.substr(0, colon), text.substr(colon + 1)});
  }
  o.baseline = j.at("baseline").get<std::string>();
  o.threads = j.at("threads").get<int>();
  o.pin = j.at("pin").get<bool>();
  o.tracepoints = j.at("tracepoints").get<bool>();
  o.hardware_counters = j.value("hardware_counters", false);
  o.allocation_profile = j.at("allocation_profile").get<bool>();
  o.trace_calls = j.value("trace_calls", false);
  o.probe_modes = j.value("probe_modes", std::vector<std::string>{"counters"});
  o.memory_limit_mib = j.value("memory_limit_mib", 0L);
  o.bootstrap_resamples = j.value("bootstrap_resamples", 10000);
  o.timeout = std::chrono::seconds(j.at("timeout_seconds").get<long>());
  o.out_dir = j.at("out_dir").get<std::string>();
  if (auto shard = j.find("shard"); shard != j.end())
    o.shard = parse_shard(shard->get<std::string>());
  return o;
}

namespace {

std::vector<std::string> default_workloads() {
  std::vector<std::string> names;
  for (const auto& entry : workloads::catalog())
    for (const auto& c : entry.study_cases) names.push_back(c);
  return names;
}

bool takes_payload(const std::string& family) {
  for (const auto& entry : workloads::catalog())
    if (entry.family == family) return entry.takes_payload;
  return false;
}

std::string family_of(const std::string& workload) {
  return workload.substr(0, workload.find('/'));
}

}  // namespace

Plan expand_plan(const RunOptions& options, const std::vector<alloc::Allocator>& available) {
  // Allocators: the named ones, or every available built-in plus the user's.
  std::vector<alloc::Allocator> allocators;
  if (options.allocators.empty()) {
    for (const auto& a : available)
      if (a.available) allocators.push_back(a);
  } else {
    allocators = alloc::select(available, options.allocators);
  }
  bool has_baseline = false;
  for (const auto& a : allocators) has_baseline = has_baseline || a.name == options.baseline;
  if (!has_baseline)
    throw std::invalid_argument("the baseline allocator '" + options.baseline +
                                "' is not among the allocators of this run (add it with -a, or "
                                "choose another with --baseline)");

  // Variants: each allocator untuned, then each tuning as its own variant.
  struct Variant {
    alloc::Allocator allocator;
    std::string tuning;
    std::string label;
  };
  std::vector<Variant> variants;
  for (const auto& a : allocators) variants.push_back({a, "", a.name});
  for (const auto& t : options.tunings) {
    const alloc::Allocator* target = nullptr;
    for (const auto& a : allocators)
      if (a.name == t.allocator) target = &a;
    if (!target)
      throw std::invalid_argument("--tune " + t.allocator + ":" + t.conf + ": allocator '" +
                                  t.allocator + "' is not among the allocators of this run");
    alloc::Tuning tuning{t.allocator, alloc::parse_conf(t.conf)};
    alloc::conf_environment(*target, tuning.pairs);  // refuses an allocator with no dialect
    variants.push_back({*target, tuning.conf_text(), tuning.label()});
  }

  for (const auto& p : options.payloads) workloads::payload_mode_from_string(p);  // validates
  if (options.probe_modes.empty() ||
      std::find(options.probe_modes.begin(), options.probe_modes.end(), "counters") ==
          options.probe_modes.end())
    throw std::invalid_argument("--probes must include 'counters' (the measured cells)");
  for (const auto& m : options.probe_modes)
    if (m != "counters" && m != "off" && m != "strace")
      throw std::invalid_argument("unknown probe mode '" + m + "' (valid: counters, off, strace)");
  for (const auto& r : options.runtimes)
    if (r != "asio" && r != "asio-shipped")
      throw std::invalid_argument("unknown runtime '" + r + "' (valid: asio, asio-shipped)");

  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& pattern : options.workloads.empty() ? default_workloads() : options.workloads)
    for (const auto& n : workloads::expand_selection(pattern))
      if (seen.insert(n).second) names.push_back(n);

  Plan plan;
  for (const auto& workload : names) {
    Group group{workload, {}};
    const std::string family = family_of(workload);
    const std::vector<std::string> payloads =
        takes_payload(family) ? options.payloads : std::vector<std::string>{"none"};
    for (const auto& runtime : options.runtimes)
      for (const auto& payload : payloads)
        for (const auto& probes : options.probe_modes)
          for (const auto& v : variants) {
            Cell c;
            c.group = workload;
            c.workload = workload;
            c.family = family;
            c.payload = payload;
            c.runtime = runtime;
            c.allocator = v.allocator;
            c.tuning = v.tuning;
            c.probe_mode = probes;
            c.variant = probes == "counters" ? v.label : v.label + "(probes " + probes + ")";
            c.injection = options.injection;
            c.baseline =
                v.tuning.empty() && v.allocator.name == options.baseline && probes == "counters";
            c.id = cell_id(workload, payload, runtime, c.variant, options.injection);
            c.baseline_cell =
                cell_id(workload, payload, runtime, options.baseline, options.injection);
            group.cells.push_back(std::move(c));
          }
    plan.groups.push_back(std::move(group));
  }
  return plan;
}

}  // namespace shootout::run
