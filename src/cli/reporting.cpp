#include "cli/reporting.h"

#include <cstdio>

#include "cli/commands.h"
#include "cli/progress_display.h"
#include "report/machines.h"
#include "report/machines_report.h"
#include "report/report.h"

namespace shootout::cli {

int write_and_summarise(const std::string& run_dir, const std::vector<std::string>& format_names) {
  try {
    std::vector<report::Format> formats;
    for (const auto& name : format_names) formats.push_back(report::parse_format(name));
    if (formats.empty()) formats = report::all_formats();
    // One analysis serves every format and the terminal summary.
    const report::ReportModel model = report::analyse(run_dir);
    const auto written = report::write_reports(model, formats);
    std::printf("%s", report::summary_table(model, use_color(stdout)).c_str());
    for (const auto& path : written) std::printf("wrote %s\n", path.c_str());
    // The last line names the report, for people and scripts alike.
    if (!written.empty()) std::printf("report: %s\n", written.front().c_str());
    return kSuccess;
  } catch (const report::ReportError& e) {
    std::fprintf(stderr, "alloc-shootout: %s\n", e.what());
    return kBadInput;
  }
}

int write_and_summarise_machines(const report::MachineComparison& comparison,
                                 const std::string& dir,
                                 const std::vector<report::Format>& formats) {
  const auto written = report::write_machine_reports(comparison, dir, formats);
  std::printf("%s", report::machines_summary(comparison).c_str());
  for (const auto& path : written) std::printf("wrote %s\n", path.c_str());
  if (!written.empty()) std::printf("report: %s\n", written.front().c_str());
  return kSuccess;
}

int report_command(const ReportArgs& args) {
  if (!report::is_machine_set(args.dir)) return write_and_summarise(args.dir, args.formats);
  // A cross-machine directory (merge): its report from the machines' runs.
  try {
    std::vector<report::Format> formats;
    for (const auto& name : args.formats) formats.push_back(report::parse_format(name));
    if (formats.empty()) formats = report::machine_formats();
    return write_and_summarise_machines(report::analyse_machine_set(args.dir), args.dir, formats);
  } catch (const report::ReportError& e) {
    std::fprintf(stderr, "alloc-shootout: %s\n", e.what());
    return kBadInput;
  }
}

int compare_command(const CompareArgs& args) {
  try {
    const report::ReportModel a = report::analyse(args.dir_a);
    const report::ReportModel b = report::analyse(args.dir_b);
    std::printf("%s", report::compare(a, b).c_str());
    return kSuccess;
  } catch (const report::ReportError& e) {
    std::fprintf(stderr, "alloc-shootout compare: %s\n", e.what());
    return kBadInput;
  }
}

}  // namespace shootout::cli
