// The cross-machine report's renderers (report/machines.h computes it):
// one document laid out once for report.md and report.html, results.json,
// and the lines `merge` and `report` print. Formatting only.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/document.h"
#include "report/machines.h"
#include "report/report.h"

namespace shootout::report {

Document machines_document(const MachineComparison& comparison);
// results.json of a cross-machine directory ({"schema": 1, "kind": "machines", ...}).
nlohmann::ordered_json machines_json(const MachineComparison& comparison);
// A few lines for the terminal: the machines and how many findings hold.
std::string machines_summary(const MachineComparison& comparison);

// Writes report.md, results.json and report.html (the formats asked for)
// into `dir`, atomically; returns the paths. bench_results.csv is a run's
// file, not a comparison's: asking for csv is a ReportError naming what
// the directory has.
// report.md, results.json and report.html: what a cross-machine directory holds.
const std::vector<Format>& machine_formats();
std::vector<std::string> write_machine_reports(const MachineComparison& comparison,
                                               const std::string& dir,
                                               const std::vector<Format>& formats);

}  // namespace shootout::report
