// What the CLI does with a run directory once measured: writes the reports
// (report.md, bench_results.csv, results.json, report.html) and prints the
// compact summary and the path of the report.
#pragma once

#include <string>
#include <vector>

namespace shootout::cli {

// Returns an ExitStatus.
int write_and_summarise(const std::string& run_dir, const std::vector<std::string>& formats = {});

}  // namespace shootout::cli
