#include "report/csv_report.h"

#include <fmt/format.h>

#include "report/text_format.h"

namespace shootout::report {

namespace {

// Counters with a <name>_per_iter column (the probe layer's names).
const std::vector<std::string>& per_iteration_counters() {
  static const std::vector<std::string> names = {
      "minor_faults", "major_faults", "madvise",      "madvise_dontneed", "madvise_free",
      "mmap",         "munmap",       "brk",          "mremap",           "user_ns",
      "sys_ns",       "cycles",       "instructions", "cache_references", "cache_misses"};
  return names;
}

// Shortest text that reads back as the same double.
std::string num(double v) { return fmt::format("{}", v); }
std::string num(const std::optional<double>& v) { return v ? num(*v) : ""; }

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"cell",
                                  "group",
                                  "workload",
                                  "family",
                                  "payload",
                                  "runtime",
                                  "allocator",
                                  "variant",
                                  "tuning",
                                  "injection",
                                  "baseline",
                                  "baseline_cell",
                                  "status",
                                  "samples",
                                  "rounds",
                                  "elements_per_iteration",
                                  "payload_bytes",
                                  "median_ns",
                                  "median_ns_lower",
                                  "median_ns_upper",
                                  "mean_ns",
                                  "mean_ns_lower",
                                  "mean_ns_upper",
                                  "slope_ns",
                                  "slope_ns_lower",
                                  "slope_ns_upper",
                                  "std_dev_ns",
                                  "mad_ns",
                                  "cv",
                                  "outliers_low_severe",
                                  "outliers_low_mild",
                                  "outliers_high_mild",
                                  "outliers_high_severe",
                                  "ratio",
                                  "ratio_lower",
                                  "ratio_upper",
                                  "p_value",
                                  "verdict",
                                  "verdict_text"};
    for (const auto& name : per_iteration_counters()) c.push_back(name + "_per_iter");
    for (const char* name : {"page_faults_per_element",
                             "madvise_dontneed_per_element",
                             "madvise_free_per_element",
                             "sys_share",
                             "sys_wall_share",
                             "peak_rss_kib",
                             "other_cpu_share",
                             "steal_share",
                             "harness_cpu_ns_per_iter",
                             "harness_cpu_share",
                             "probes",
                             "tuning_verified",
                             "tuning_unverified",
                             "key_driver_rule",
                             "key_driver",
                             "floor_cell",
                             "allocation_share",
                             "allocation_share_lower",
                             "allocation_share_upper",
                             "allocation_speedup",
                             "failure_phase",
                             "failure_reason"})
      c.push_back(name);
    return c;
  }();
  return columns;
}

std::string csv_report(const ReportModel& model) {
  std::string out;
  for (std::size_t i = 0; i < csv_columns().size(); ++i) out += (i ? "," : "") + csv_columns()[i];
  out += "\n";
  for (const auto& c : model.run.cells) {
    std::vector<std::string> f = {c.id,
                                  c.group,
                                  c.workload,
                                  c.family,
                                  c.payload,
                                  c.runtime,
                                  c.allocator,
                                  c.variant,
                                  c.tuning,
                                  c.injection,
                                  c.baseline ? "true" : "false",
                                  c.baseline_cell,
                                  to_string(c.status),
                                  std::to_string(c.samples.size()),
                                  std::to_string(c.rounds)};
    const WorkloadInfo& w = c.workload_info;
    f.push_back(w.elements_per_iteration ? std::to_string(w.elements_per_iteration) : "");
    f.push_back(w.payload_bytes ? std::to_string(w.payload_bytes) : "");
    if (c.time) {
      const stats::Estimates& t = *c.time;
      for (const auto* i : {&t.median, &t.mean, &t.slope}) {
        f.push_back(num(i->point));
        f.push_back(num(i->lower));
        f.push_back(num(i->upper));
      }
      f.push_back(num(t.std_dev.point));
      f.push_back(num(t.mad.point));
      f.push_back(num(c.cv));
      f.push_back(std::to_string(c.outliers.low_severe));
      f.push_back(std::to_string(c.outliers.low_mild));
      f.push_back(std::to_string(c.outliers.high_mild));
      f.push_back(std::to_string(c.outliers.high_severe));
    } else {
      f.insert(f.end(), 16, "");
    }
    if (c.ratio) {
      f.push_back(num(c.ratio->ratio.point));
      f.push_back(num(c.ratio->ratio.lower));
      f.push_back(num(c.ratio->ratio.upper));
      f.push_back(num(c.ratio->p_value));
      f.push_back(stats::to_string(c.ratio->verdict));
      f.push_back(stats::verdict_text(*c.ratio));
    } else {
      f.insert(f.end(), 6, "");
    }
    for (const auto& name : per_iteration_counters()) f.push_back(num(c.per_iteration(name)));
    f.push_back(num(c.page_faults_per_element()));
    f.push_back(num(c.per_element("madvise_dontneed")));
    f.push_back(num(c.per_element("madvise_free")));
    f.push_back(num(c.sys_share));
    f.push_back(num(c.sys_wall_share));
    f.push_back(num(c.peak_rss_kib));
    f.push_back(num(c.other_cpu_share));
    f.push_back(num(c.steal_share));
    f.push_back(num(c.harness_cpu_per_iteration));
    f.push_back(num(c.harness_cpu_share));
    f.push_back(c.probes);
    f.push_back(c.tuning_keys.empty() ? "" : c.unverified_keys().empty() ? "true" : "false");
    f.push_back(c.unverified_reason());
    f.push_back(c.driver.rule);
    f.push_back(c.driver.text);
    if (c.floor_share) {
      f.push_back(c.floor_share->floor_cell);
      f.push_back(num(c.floor_share->share.point));
      f.push_back(num(c.floor_share->share.lower));
      f.push_back(num(c.floor_share->share.upper));
      f.push_back(num(c.floor_share->speedup));
    } else {
      f.insert(f.end(), 5, "");
    }
    f.push_back(c.failure ? c.failure->phase : "");
    f.push_back(c.failure ? c.failure->reason : "");
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + text::csv_field(f[i]);
    out += "\n";
  }
  return out;
}

}  // namespace shootout::report
