// What the CLI does with a run directory once measured: writes the reports
// (report.md, bench_results.csv, results.json, report.html) and prints the
// compact summary and the path of the report.
#pragma once

#include <string>
#include <vector>

#include "report/machines.h"
#include "report/report.h"

namespace shootout::cli {

// Returns an ExitStatus.
int write_and_summarise(const std::string& run_dir, const std::vector<std::string>& formats = {});

// The same for a cross-machine directory (merge, `report` of one): its
// report.md, results.json, report.html and the machines' summary. Throws
// report::ReportError.
int write_and_summarise_machines(const report::MachineComparison& comparison,
                                 const std::string& dir,
                                 const std::vector<report::Format>& formats);

}  // namespace shootout::cli
