#include "report/json_report.h"

namespace shootout::report {

namespace {

using nlohmann::json;

json interval(const stats::Interval& i) {
  return {{"point", i.point}, {"lower", i.lower}, {"upper", i.upper}};
}

json optional(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json cell_json(const CellAnalysis& c) {
  json j = {{"cell", c.id},
            {"group", c.group},
            {"workload", c.workload},
            {"family", c.family},
            {"payload", c.payload},
            {"runtime", c.runtime},
            {"allocator", c.allocator},
            {"variant", c.variant},
            {"tuning", c.tuning},
            {"probes", c.probes},
            {"injection", c.injection},
            {"baseline", c.baseline},
            {"baseline_cell", c.baseline_cell},
            {"object", c.object},
            {"status", to_string(c.status)},
            {"verification", c.verification},
            {"workload_info", c.workload_info_json},
            {"samples", c.samples.size()},
            {"rounds", c.rounds},
            {"plan_mode", c.plan_mode}};
  if (c.time) {
    const stats::Estimates& t = *c.time;
    j["time_ns"] = {{"median", interval(t.median)},   {"mean", interval(t.mean)},
                    {"slope", interval(t.slope)},     {"has_slope", t.has_slope},
                    {"std_dev", interval(t.std_dev)}, {"mad", interval(t.mad)}};
    j["cv"] = c.cv;
    j["outliers"] = {{"low_severe", c.outliers.low_severe},
                     {"low_mild", c.outliers.low_mild},
                     {"high_mild", c.outliers.high_mild},
                     {"high_severe", c.outliers.high_severe}};
  } else {
    j["time_ns"] = nullptr;
  }
  if (c.ratio) {
    j["ratio"] = {{"ratio", interval(c.ratio->ratio)},
                  {"p_value", c.ratio->p_value},
                  {"verdict", stats::to_string(c.ratio->verdict)},
                  {"verdict_text", stats::verdict_text(*c.ratio)},
                  {"rounds", c.ratio->rounds},
                  {"unit", stats::to_string(c.ratio->unit)},
                  {"units", c.ratio->units},
                  {"units_needed", c.ratio->units_needed},
                  {"df", c.ratio->df},
                  {"per_round", c.per_round_ratios}};
  } else {
    j["ratio"] = nullptr;
  }
  json counters = json::object();
  for (const auto& [name, v] : c.counters) {
    counters[name] = {
        {"per_iteration", v.per_iteration},
        {"per_element", optional(v.per_element)},
        {"samples", v.samples},
        {"source", c.source_of(name).empty() ? json(nullptr) : json(c.source_of(name))}};
  }
  j["counters"] = counters;
  json sources = json::array();
  for (const auto& s : c.counter_sources)
    sources.push_back({{"name", s.name},
                       {"source", s.source ? json(*s.source) : json(nullptr)},
                       {"detail", s.detail}});
  j["counter_sources"] = sources;
  j["page_faults_per_iteration"] = optional(c.page_faults_per_iteration());
  j["page_faults_per_element"] = optional(c.page_faults_per_element());
  j["sys_share"] = optional(c.sys_share);
  j["sys_wall_share"] = optional(c.sys_wall_share);
  j["measured_share"] = optional(c.measured_share);
  j["harness_cpu_ns_per_iteration"] = optional(c.harness_cpu_per_iteration);
  j["harness_cpu_share"] = optional(c.harness_cpu_share);
  j["peak_rss_kib"] = optional(c.peak_rss_kib);
  j["peak_rss_process_scope"] = c.peak_rss_process_scope;
  j["other_cpu_share"] = optional(c.other_cpu_share);
  j["steal_share"] = optional(c.steal_share);
  // null: untuned; false: some key could not be read back (tuning_unverified says which, why).
  j["tuning_verified"] = c.tuning_keys.empty() ? json(nullptr) : json(c.unverified_keys().empty());
  json unverified = json::array();
  for (const auto& k : c.unverified_keys())
    unverified.push_back({{"key", k.key}, {"asked", k.asked}, {"why", k.how}});
  j["tuning_unverified"] = unverified;
  json keys = json::array();
  for (const auto& k : c.tuning_keys)
    keys.push_back({{"key", k.key},
                    {"asked", k.asked},
                    {"effective", k.effective},
                    {"status", k.status},
                    {"how", k.how}});
  j["tuning_check"] = keys;
  j["key_driver"] = c.driver.rule.empty() ? json(nullptr)
                                          : json{{"rule", c.driver.rule}, {"text", c.driver.text}};
  if (c.floor_share) {
    const stats::Interval& s = c.floor_share->share;
    j["allocation_share"] = {{"floor_cell", c.floor_share->floor_cell},
                             {"point", s.point},
                             {"lower", s.lower},
                             {"upper", s.upper},
                             {"speedup", optional(c.floor_share->speedup)}};
  } else {
    j["allocation_share"] = nullptr;
  }
  if (c.failure) {
    j["failure"] = {
        {"phase", c.failure->phase},
        {"reason", c.failure->reason},
        {"exit_code", c.failure->exit_code ? json(*c.failure->exit_code) : json(nullptr)},
        {"signal", c.failure->signal ? json(*c.failure->signal) : json(nullptr)},
        {"stderr_tail", c.failure->stderr_tail}};
  } else {
    j["failure"] = nullptr;
  }
  return j;
}

}  // namespace

nlohmann::ordered_json results_json(const ReportModel& model) {
  const RunModel& run = model.run;
  json cells = json::array();
  for (const auto& c : run.cells) cells.push_back(cell_json(c));

  json tuning = json::array();
  for (const auto& e : model.tuning)
    tuning.push_back({{"tuned_cell", e.tuned->id},
                      {"untuned_cell", e.untuned->id},
                      {"change", interval(e.change.ratio)},
                      {"p_value", e.change.p_value},
                      {"verdict", stats::to_string(e.change.verdict)},
                      {"verdict_text", stats::verdict_text(e.change)},
                      {"effect", to_string(e.effect)}});

  json cliffs = json::array();
  for (const auto& [sweep, found] : model.sweeps)
    for (const auto& cliff : found)
      cliffs.push_back(
          {{"pattern", sweep.pattern},
           {"payload", sweep.payload},
           {"runtime", sweep.runtime},
           {"injection", sweep.injection},
           {"variant", cliff.variant},
           {"kind", cliff.kind == Cliff::Kind::fault_jump ? "fault_jump" : "slower_than_baseline"},
           {"size", cliff.size},
           {"previous_size", cliff.previous_size},
           {"sentence", cliff.sentence}});

  json profiles = json::array();
  for (const auto& p : run.profiles)
    profiles.push_back(
        {{"group", p.group},
         {"workload", p.workload},
         {"payload", p.payload},
         {"runtime", p.runtime},
         {"iters", p.iters},
         {"calls_per_iteration", p.calls / p.iters},
         {"bytes_per_iteration", p.bytes / p.iters},
         {"frees_per_iteration", p.frees / p.iters},
         {"calls_per_element",
          p.elements_per_iteration
              ? json(p.calls / p.iters / static_cast<double>(p.elements_per_iteration))
              : json(nullptr)}});

  // Insertion order (schema first), so a reader sees what the file is at once.
  std::vector<std::pair<const char*, json>> parts{
      {"schema", kResultsSchemaVersion},
      {"manifest", run.manifest},
      {"baseline_variant", model.baseline},
      {"bootstrap", json{{"resamples", run.options.bootstrap.resamples},
                         {"confidence", run.options.bootstrap.confidence},
                         {"seed", run.options.bootstrap.seed}}},
      {"significance", run.options.ratio.significance},
      {"noise_band", run.options.ratio.noise},
      {"last_attempt", run.last_attempt},
      {"truncated_tail", run.truncated_tail},
      {"incomplete_groups", run.incomplete_groups},
      {"warnings", run.warnings},
      {"cells", cells},
      {"tuning", tuning},
      {"cliffs", cliffs},
      {"profiles", profiles}};
  // An emulated run says so before anything else (emulation.h); a native
  // run's file has no such key.
  if (!model.emulation.empty()) parts.insert(parts.begin() + 1, {"emulation", model.emulation});
  nlohmann::ordered_json out;
  for (auto& [key, value] : parts) out[key] = nlohmann::ordered_json(value);
  return out;
}

std::string json_report(const ReportModel& model) {
  // Invalid UTF-8 (a worker's stderr) is replaced, never a reason to fail.
  return results_json(model).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace shootout::report
