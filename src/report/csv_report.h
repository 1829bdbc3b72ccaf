// bench_results.csv: one row per cell (RFC 4180, header row, "." decimal
// point, numbers at full precision, empty field = not measured / not
// applicable). Columns, in order:
//
//   cell, group, workload, family, payload, runtime, allocator, variant,
//   tuning, injection        identity (docs/results-schema.md)
//   baseline                 true for the cells ratios are taken against
//   baseline_cell            the cell this one's ratio is against
//   status                   ok | incomplete (group unfinished) | failed
//   samples, rounds          samples measured; distinct lockstep rounds
//   elements_per_iteration, payload_bytes   from workload_info
//   median_ns, median_ns_lower, median_ns_upper   per iteration, 95 % CI
//   mean_ns, mean_ns_lower, mean_ns_upper
//   slope_ns, slope_ns_lower, slope_ns_upper       OLS through the origin
//   std_dev_ns, mad_ns, cv   spread of per-iteration times
//   outliers_low_severe, outliers_low_mild, outliers_high_mild,
//   outliers_high_severe     Tukey fences (counted, never removed)
//   ratio, ratio_lower, ratio_upper   time ÷ baseline's time: geometric mean
//                            of per-round ratios, 95 % t interval on the logs
//   p_value                  Wilcoxon signed-rank test on the same units
//   verdict                  faster | slower | no_difference | within_noise |
//                            too_few_rounds (no test could reach p < 0.05)
//   verdict_text             the verdict in words, e.g. "too few rounds for a
//                            verdict: 3 paired rounds, 6 needed"
//   <counter>_per_iter       for minor_faults, major_faults, madvise,
//                            madvise_dontneed, madvise_free, mmap, munmap,
//                            brk, mremap, user_ns, sys_ns, cycles,
//                            instructions, cache_references, cache_misses
//   page_faults_per_element, madvise_dontneed_per_element, madvise_free_per_element
//   sys_share                sys ÷ (user + sys) CPU time
//   sys_wall_share           sys CPU time ÷ elapsed time
//   peak_rss_kib             largest VmHWM of the samples
//   harness_cpu_ns_per_iter, harness_cpu_share   bench: the harness's own CPU
//                            time per iteration (google/benchmark's cpu_time)
//                            and ÷ its wall time
//   other_cpu_share          mean CPU share used by other processes
//   key_driver_rule, key_driver   the rule id and its sentence
//   failure_phase, failure_reason  for failed cells
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace shootout::report {

// The header row's column names, in order (documented above).
const std::vector<std::string>& csv_columns();

std::string csv_report(const ReportModel& model);

}  // namespace shootout::report
